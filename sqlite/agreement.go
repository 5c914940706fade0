package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/liaison-dev/liaison"
)

const agreementColumns = `a.id, a.title, a.parties, a.topics, a.ceiling_scheme, a.ceiling_level, a.default_caveats,
	a.duties, a.valid_from, a.valid_to, a.status, a.created_at`

var (
	qAgreement         = prep(`SELECT ` + agreementColumns + ` FROM agreements a WHERE a.id = ?`)
	qAgreements        = prep(`SELECT ` + agreementColumns + ` FROM agreements a ORDER BY a.created_at, a.rowid`)
	qAgreementsOfParty = prep(`SELECT ` + agreementColumns + ` FROM agreement_parties ap
		JOIN agreements a ON a.id = ap.agreement_id
		WHERE ap.org_id = ? ORDER BY a.created_at, a.rowid`)
	qInsertAgreement = prep(`INSERT INTO agreements (id, title, parties, topics, ceiling_scheme, ceiling_level,
		default_caveats, duties, valid_from, valid_to, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	qInsertAgreementParty = prep(`INSERT OR IGNORE INTO agreement_parties (org_id, agreement_id) VALUES (?, ?)`)
	qSetAgreementStatus   = prep(`UPDATE agreements SET status = ? WHERE id = ?`)
)

func scanAgreement(s scanner) (*liaison.Agreement, error) {
	var a liaison.Agreement
	var parties, topics, duties string
	var from, to, created sql.NullInt64
	if err := s.Scan(&a.ID, &a.Title, &parties, &topics, &a.Ceiling.Scheme, &a.Ceiling.Level, &a.DefaultCaveats,
		&duties, &from, &to, &a.Status, &created); err != nil {
		return nil, err
	}
	var err error
	if a.Parties, err = list[string](parties); err != nil {
		return nil, err
	}
	if a.Topics, err = list[string](topics); err != nil {
		return nil, err
	}
	if a.Duties, err = optionalList[liaison.Duty](duties); err != nil {
		return nil, err
	}
	a.ValidFrom, a.ValidTo, a.CreatedAt = timeOf(from), timePtrOf(to), timeOf(created)
	return &a, nil
}

// Agreement returns the agreement with that id.
func (tx *Tx) Agreement(ctx context.Context, id string) (*liaison.Agreement, error) {
	a, err := scanAgreement(tx.queryRow(ctx, qAgreement, id))
	if err != nil {
		return nil, notFound(err, "agreement %q", id)
	}
	return a, nil
}

// Agreements lists agreements in the order they were created, those with
// orgID as a party or all when orgID is "".
func (tx *Tx) Agreements(ctx context.Context, orgID string) ([]*liaison.Agreement, error) {
	var rows *sql.Rows
	var err error
	if orgID == "" {
		rows, err = tx.query(ctx, qAgreements)
	} else {
		rows, err = tx.query(ctx, qAgreementsOfParty, orgID)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: agreements: %w", err)
	}
	return collect(rows, "agreements", scanAgreement)
}

// CreateAgreement stores a, giving it a new id when it has none
// (ECONFLICT when its id is taken).
func (tx *Tx) CreateAgreement(ctx context.Context, a *liaison.Agreement) error {
	if err := checkTimes("agreement", a.ValidFrom, deref(a.ValidTo), a.CreatedAt); err != nil {
		return err
	}
	parties, err := listJSON(a.Parties)
	if err != nil {
		return err
	}
	topics, err := listJSON(a.Topics)
	if err != nil {
		return err
	}
	duties, err := listJSON(a.Duties)
	if err != nil {
		return err
	}
	id := newID(a.ID)
	_, err = tx.exec(ctx, qInsertAgreement, id, a.Title, parties, topics, a.Ceiling.Scheme, a.Ceiling.Level,
		a.DefaultCaveats, duties, ns(a.ValidFrom), nsPtr(a.ValidTo), a.Status, ns(a.CreatedAt))
	if isUniqueViolation(err) {
		return liaison.Errorf(liaison.ECONFLICT, "agreement %q already exists", id)
	} else if err != nil {
		return fmt.Errorf("sqlite: create agreement: %w", err)
	}
	for _, p := range a.Parties {
		if _, err := tx.exec(ctx, qInsertAgreementParty, p, id); err != nil {
			return fmt.Errorf("sqlite: create agreement %q: party %q: %w", id, p, err)
		}
	}
	a.ID = id
	return nil
}

// SetAgreementStatus changes an agreement's status (ENOTFOUND for an
// unknown id, EINVALID for an unknown status).
func (tx *Tx) SetAgreementStatus(ctx context.Context, id string, s liaison.AgreementStatus) error {
	if !s.Valid() {
		return liaison.Errorf(liaison.EINVALID, "agreement %q: status %q is not one of draft, active, suspended, terminated", id, s)
	}
	res, err := tx.exec(ctx, qSetAgreementStatus, s, id)
	if err != nil {
		return fmt.Errorf("sqlite: set agreement %q status: %w", id, err)
	}
	return mustAffect(res, "agreement %q", id)
}
