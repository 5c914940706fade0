package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/liaison-dev/liaison"
)

// The kinds of threat set in threat_sets.
const (
	setPriorities = "priorities"
	setCoverage   = "coverage"
)

var (
	qThreatSetAt  = prep(`SELECT set_at FROM threat_sets WHERE org_id = ? AND kind = ?`)
	qPutThreatSet = prep(`INSERT INTO threat_sets (org_id, kind, set_at) VALUES (?, ?, ?)
		ON CONFLICT (org_id, kind) DO UPDATE SET set_at = excluded.set_at`)
)

// markThreatSet checks that a set of kind for orgID made at at does not
// predate the current one, and records at as the current set's time.
func markThreatSet(ctx context.Context, tx *Tx, orgID, kind string, at time.Time) error {
	if at.IsZero() {
		return liaison.Errorf(liaison.EINVALID, "%s of %s: the time they are set is required", kind, orgID)
	}
	if err := checkTimes(kind, at); err != nil {
		return err
	}
	var prev int64
	err := tx.queryRow(ctx, qThreatSetAt, orgID, kind).Scan(&prev)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("sqlite: %s of %s: %w", kind, orgID, err)
	case at.UnixNano() < prev:
		return liaison.Errorf(liaison.ECONFLICT, "%s of %s were set at %s, after %s", kind, orgID,
			time.Unix(0, prev).UTC().Format(time.RFC3339Nano), at.UTC().Format(time.RFC3339Nano))
	}
	if _, err := tx.exec(ctx, qPutThreatSet, orgID, kind, ns(at)); err != nil {
		return fmt.Errorf("sqlite: %s of %s: %w", kind, orgID, err)
	}
	return nil
}

const priorityColumns = `org_id, topic, rank, note, set_by, set_at`

var (
	qSupersedePriorities = prep(`UPDATE threat_priorities SET superseded_at = ? WHERE org_id = ? AND superseded_at IS NULL`)
	qInsertPriority      = prep(`INSERT INTO threat_priorities (` + priorityColumns + `) VALUES (?, ?, ?, ?, ?, ?)`)
	qPrioritiesOf        = prep(`SELECT ` + priorityColumns + ` FROM threat_priorities
		WHERE org_id = ? AND superseded_at IS NULL ORDER BY rank`)
	qPrioritiesAll = prep(`SELECT ` + priorityColumns + ` FROM threat_priorities
		WHERE superseded_at IS NULL ORDER BY org_id, rank`)
)

func scanPriority(s scanner) (*liaison.ThreatPriority, error) {
	var p liaison.ThreatPriority
	var at sql.NullInt64
	if err := s.Scan(&p.OrgID, &p.Topic, &p.Rank, &p.Note, &p.SetBy, &at); err != nil {
		return nil, err
	}
	p.SetAt = timeOf(at)
	return &p, nil
}

// SetThreatPriorities replaces orgID's current threat priorities with ps,
// setting OrgID and SetAt on each, and keeps the replaced ones as
// history, superseded at at. EINVALID for a list that is not valid;
// ECONFLICT when at is before the time the current list was set.
func (tx *Tx) SetThreatPriorities(ctx context.Context, orgID string, ps []*liaison.ThreatPriority, at time.Time) error {
	for _, p := range ps {
		p.OrgID, p.SetAt = orgID, at
	}
	if err := liaison.ValidateThreatPriorities(ps); err != nil {
		return err
	}
	if err := markThreatSet(ctx, tx, orgID, setPriorities, at); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, qSupersedePriorities, ns(at), orgID); err != nil {
		return fmt.Errorf("sqlite: set threat priorities of %s: %w", orgID, err)
	}
	for _, p := range ps {
		if _, err := tx.exec(ctx, qInsertPriority, p.OrgID, p.Topic, p.Rank, p.Note, p.SetBy, ns(p.SetAt)); err != nil {
			return fmt.Errorf("sqlite: set threat priorities of %s: %s: %w", orgID, p.Topic, err)
		}
	}
	return nil
}

// ThreatPriorities lists the current threat priorities of orgID, or of
// every organisation for "", by organisation and rank.
func (tx *Tx) ThreatPriorities(ctx context.Context, orgID string) ([]*liaison.ThreatPriority, error) {
	q, args := qPrioritiesAll, []any{}
	if orgID != "" {
		q, args = qPrioritiesOf, []any{orgID}
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: threat priorities: %w", err)
	}
	return collect(rows, "threat priorities", scanPriority)
}

const coverageColumns = `org_id, topic, discipline, capability, note, set_by, set_at`

var (
	qSupersedeCoverage = prep(`UPDATE coverage SET superseded_at = ? WHERE org_id = ? AND superseded_at IS NULL`)
	qInsertCoverage    = prep(`INSERT INTO coverage (` + coverageColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?)`)
	qCoverageOf        = prep(`SELECT ` + coverageColumns + ` FROM coverage
		WHERE org_id = ? AND superseded_at IS NULL ORDER BY topic, discipline`)
	qCoverageAll = prep(`SELECT ` + coverageColumns + ` FROM coverage
		WHERE superseded_at IS NULL ORDER BY org_id, topic, discipline`)
)

func scanCoverage(s scanner) (*liaison.Coverage, error) {
	var c liaison.Coverage
	var at sql.NullInt64
	if err := s.Scan(&c.OrgID, &c.Topic, &c.Discipline, &c.Capability, &c.Note, &c.SetBy, &at); err != nil {
		return nil, err
	}
	c.SetAt = timeOf(at)
	return &c, nil
}

// SetCoverage replaces orgID's current coverage with cs, setting OrgID and
// SetAt on each, and keeps the replaced coverage as history, superseded
// at at. EINVALID for a set that is not valid; ECONFLICT when at is
// before the time the current set was made.
func (tx *Tx) SetCoverage(ctx context.Context, orgID string, cs []*liaison.Coverage, at time.Time) error {
	for _, c := range cs {
		c.OrgID, c.SetAt = orgID, at
	}
	if err := liaison.ValidateCoverage(cs); err != nil {
		return err
	}
	if err := markThreatSet(ctx, tx, orgID, setCoverage, at); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, qSupersedeCoverage, ns(at), orgID); err != nil {
		return fmt.Errorf("sqlite: set coverage of %s: %w", orgID, err)
	}
	for _, c := range cs {
		if _, err := tx.exec(ctx, qInsertCoverage, c.OrgID, c.Topic, c.Discipline, c.Capability, c.Note, c.SetBy, ns(c.SetAt)); err != nil {
			return fmt.Errorf("sqlite: set coverage of %s: %s: %w", orgID, c, err)
		}
	}
	return nil
}

// Coverage lists the current coverage of orgID, or of every organisation
// for "", by organisation, topic and discipline.
func (tx *Tx) Coverage(ctx context.Context, orgID string) ([]*liaison.Coverage, error) {
	q, args := qCoverageAll, []any{}
	if orgID != "" {
		q, args = qCoverageOf, []any{orgID}
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: coverage: %w", err)
	}
	return collect(rows, "coverage", scanCoverage)
}
