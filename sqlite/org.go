package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/liaison-dev/liaison"
)

var (
	qNode       = prep(`SELECT id, name, home_org, public_key, created_at FROM node WHERE one = 1`)
	qInsertNode = prep(`INSERT INTO node (one, id, name, home_org, public_key, created_at) VALUES (1, ?, ?, ?, ?, ?)`)
)

// Node returns the node's identity (ENOTFOUND before InitNode).
func (tx *Tx) Node(ctx context.Context) (*liaison.Node, error) {
	var n liaison.Node
	var created sql.NullInt64
	err := tx.queryRow(ctx, qNode).Scan(&n.ID, &n.Name, &n.HomeOrg, &n.PublicKey, &created)
	if err != nil {
		return nil, notFound(err, "node is not initialised")
	}
	n.CreatedAt = timeOf(created)
	n.PublicKey = optional(n.PublicKey)
	return &n, nil
}

// InitNode records the node's identity once (ECONFLICT after).
func (tx *Tx) InitNode(ctx context.Context, n *liaison.Node) error {
	if err := checkTimes("node", n.CreatedAt); err != nil {
		return err
	}
	_, err := tx.exec(ctx, qInsertNode, n.ID, n.Name, n.HomeOrg, optional(n.PublicKey), ns(n.CreatedAt))
	if isUniqueViolation(err) {
		return liaison.Errorf(liaison.ECONFLICT, "node is already initialised")
	} else if err != nil {
		return fmt.Errorf("sqlite: init node: %w", err)
	}
	return nil
}

const orgColumns = `id, name, kind, country, memberships, node_id, created_at`

var (
	qOrganisation       = prep(`SELECT ` + orgColumns + ` FROM organisations WHERE id = ?`)
	qOrganisations      = prep(`SELECT ` + orgColumns + ` FROM organisations ORDER BY id`)
	qInsertOrganisation = prep(`INSERT INTO organisations (` + orgColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?)`)
)

func scanOrganisation(s scanner) (*liaison.Organisation, error) {
	var o liaison.Organisation
	var memberships string
	var created sql.NullInt64
	if err := s.Scan(&o.ID, &o.Name, &o.Kind, &o.Country, &memberships, &o.NodeID, &created); err != nil {
		return nil, err
	}
	var err error
	if o.Memberships, err = optionalList[string](memberships); err != nil {
		return nil, err
	}
	o.CreatedAt = timeOf(created)
	return &o, nil
}

// Organisation returns the organisation with that id.
func (tx *Tx) Organisation(ctx context.Context, id string) (*liaison.Organisation, error) {
	o, err := scanOrganisation(tx.queryRow(ctx, qOrganisation, id))
	if err != nil {
		return nil, notFound(err, "organisation %q", id)
	}
	return o, nil
}

// Organisations lists all organisations by id.
func (tx *Tx) Organisations(ctx context.Context) ([]*liaison.Organisation, error) {
	rows, err := tx.query(ctx, qOrganisations)
	if err != nil {
		return nil, fmt.Errorf("sqlite: organisations: %w", err)
	}
	return collect(rows, "organisations", scanOrganisation)
}

// CreateOrganisation stores o (ECONFLICT when its id is taken).
func (tx *Tx) CreateOrganisation(ctx context.Context, o *liaison.Organisation) error {
	if o.ID == "" {
		return liaison.Errorf(liaison.EINVALID, "organisation: an id is required")
	}
	if err := checkTimes("organisation "+o.ID, o.CreatedAt); err != nil {
		return err
	}
	memberships, err := listJSON(o.Memberships)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, qInsertOrganisation, o.ID, o.Name, o.Kind, o.Country, memberships, o.NodeID, ns(o.CreatedAt))
	if isUniqueViolation(err) {
		return liaison.Errorf(liaison.ECONFLICT, "organisation %q already exists", o.ID)
	} else if err != nil {
		return fmt.Errorf("sqlite: create organisation %q: %w", o.ID, err)
	}
	return nil
}

const officerColumns = `id, org_id, name, role, clearance_scheme, clearance_level, need_to_know, active, created_at`

var (
	qOfficer          = prep(`SELECT ` + officerColumns + ` FROM officers WHERE id = ?`)
	qOfficers         = prep(`SELECT ` + officerColumns + ` FROM officers ORDER BY id`)
	qOfficersOfOrg    = prep(`SELECT ` + officerColumns + ` FROM officers WHERE org_id = ? ORDER BY id`)
	qInsertOfficer    = prep(`INSERT INTO officers (` + officerColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	qInsertToken      = prep(`INSERT INTO tokens (id, officer_id, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?)`)
	qTokenByHash      = prep(`SELECT id, officer_id, hash, created_at, revoked_at FROM tokens WHERE hash = ? AND revoked_at IS NULL`)
	qTokenHashIsTaken = prep(`SELECT 1 FROM tokens WHERE hash = ?`)
)

func scanOfficer(s scanner) (*liaison.Officer, error) {
	var o liaison.Officer
	var ntk string
	var created sql.NullInt64
	if err := s.Scan(&o.ID, &o.OrgID, &o.Name, &o.Role, &o.Clearance.Scheme, &o.Clearance.Level,
		&ntk, &o.Active, &created); err != nil {
		return nil, err
	}
	var err error
	if o.NeedToKnow, err = list[string](ntk); err != nil {
		return nil, err
	}
	o.CreatedAt = timeOf(created)
	return &o, nil
}

// Officer returns the officer with that id.
func (tx *Tx) Officer(ctx context.Context, id string) (*liaison.Officer, error) {
	o, err := scanOfficer(tx.queryRow(ctx, qOfficer, id))
	if err != nil {
		return nil, notFound(err, "officer %q", id)
	}
	return o, nil
}

// Officers lists officers by id, of one organisation or of all when orgID
// is "".
func (tx *Tx) Officers(ctx context.Context, orgID string) ([]*liaison.Officer, error) {
	var rows *sql.Rows
	var err error
	if orgID == "" {
		rows, err = tx.query(ctx, qOfficers)
	} else {
		rows, err = tx.query(ctx, qOfficersOfOrg, orgID)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: officers: %w", err)
	}
	return collect(rows, "officers", scanOfficer)
}

// CreateOfficer stores o (ECONFLICT when its id is taken).
func (tx *Tx) CreateOfficer(ctx context.Context, o *liaison.Officer) error {
	if o.ID == "" {
		return liaison.Errorf(liaison.EINVALID, "officer: an id is required")
	}
	if err := checkTimes("officer "+o.ID, o.CreatedAt); err != nil {
		return err
	}
	ntk, err := listJSON(o.NeedToKnow)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, qInsertOfficer, o.ID, o.OrgID, o.Name, o.Role, o.Clearance.Scheme, o.Clearance.Level,
		ntk, o.Active, ns(o.CreatedAt))
	if isUniqueViolation(err) {
		return liaison.Errorf(liaison.ECONFLICT, "officer %q already exists", o.ID)
	} else if err != nil {
		return fmt.Errorf("sqlite: create officer %q: %w", o.ID, err)
	}
	return nil
}

// CreateToken stores a token, its hash only. An empty ID is given a new
// one; a taken id or hash is ECONFLICT.
func (tx *Tx) CreateToken(ctx context.Context, t *liaison.Token) error {
	if len(t.Hash) == 0 {
		return liaison.Errorf(liaison.EINVALID, "token: a hash is required")
	}
	if err := checkTimes("token", t.CreatedAt, deref(t.RevokedAt)); err != nil {
		return err
	}
	t.ID = newID(t.ID)
	_, err := tx.exec(ctx, qInsertToken, t.ID, t.OfficerID, t.Hash, ns(t.CreatedAt), nsPtr(t.RevokedAt))
	if isUniqueViolation(err) {
		var one int
		if tx.queryRow(ctx, qTokenHashIsTaken, t.Hash).Scan(&one) == nil {
			return liaison.Errorf(liaison.ECONFLICT, "token: a token with that hash already exists")
		}
		return liaison.Errorf(liaison.ECONFLICT, "token %q already exists", t.ID)
	} else if err != nil {
		return fmt.Errorf("sqlite: create token: %w", err)
	}
	return nil
}

// TokenByHash returns the unrevoked token with that hash (ENOTFOUND
// otherwise).
func (tx *Tx) TokenByHash(ctx context.Context, hash []byte) (*liaison.Token, error) {
	var t liaison.Token
	var created, revoked sql.NullInt64
	err := tx.queryRow(ctx, qTokenByHash, hash).Scan(&t.ID, &t.OfficerID, &t.Hash, &created, &revoked)
	if err != nil {
		return nil, notFound(err, "no valid token with that hash")
	}
	t.CreatedAt, t.RevokedAt = timeOf(created), timePtrOf(revoked)
	return &t, nil
}

// collect scans every row with scan and closes rows. It returns a non-nil
// slice.
func collect[T any](rows *sql.Rows, what string, scan func(scanner) (*T, error)) ([]*T, error) {
	defer rows.Close()
	out := []*T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return out, nil
}
