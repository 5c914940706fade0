package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/audit"
)

const auditColumns = `seq, at, actor, actor_org, action, object, target, allowed, reasons, detail, prev_hash, hash`

var (
	qLastAudit   = prep(`SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`)
	qInsertAudit = prep(`INSERT INTO audit (` + auditColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	qAuditAfter  = prep(`SELECT ` + auditColumns + ` FROM audit WHERE seq > ? ORDER BY seq LIMIT ?`)
	qAuditRange  = prep(`SELECT ` + auditColumns + ` FROM audit WHERE seq > ? AND seq <= ? ORDER BY seq`)
)

// AppendAudit appends e to the audit chain: it sets e.Seq to the last
// event's plus one and seals e to the last event's hash (package audit).
func (tx *Tx) AppendAudit(ctx context.Context, e *liaison.AuditEvent) error {
	if err := checkTimes("audit event", e.At); err != nil {
		return err
	}
	var last int64
	var prev []byte
	err := tx.queryRow(ctx, qLastAudit).Scan(&last, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: append audit: %w", err)
	}
	reasons, err := reasonsJSON(e.Reasons)
	if err != nil {
		return err
	}
	e.Seq = last + 1
	audit.Seal(prev, e)
	_, err = tx.exec(ctx, qInsertAudit, e.Seq, ns(e.At), e.Actor, e.ActorOrg, e.Action, e.Object, e.Target,
		e.Allowed, reasons, e.Detail, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("sqlite: append audit event %d: %w", e.Seq, err)
	}
	return nil
}

// AuditHead returns the sequence number and hash of the last event, or
// 0 and nil for an empty chain.
func (tx *Tx) AuditHead(ctx context.Context) (int64, []byte, error) {
	var last int64
	var hash []byte
	err := tx.queryRow(ctx, qLastAudit).Scan(&last, &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, nil, fmt.Errorf("sqlite: audit head: %w", err)
	}
	return last, hash, nil
}

// AuditEvents lists the events with Seq > afterSeq in order, at most
// limit (0: all).
func (tx *Tx) AuditEvents(ctx context.Context, afterSeq int64, limit int) ([]*liaison.AuditEvent, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := tx.query(ctx, qAuditAfter, afterSeq, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: audit events: %w", err)
	}
	defer rows.Close()
	out := []*liaison.AuditEvent{}
	var r auditRow
	for n := 1; rows.Next(); n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		e := new(liaison.AuditEvent)
		if err := r.scan(rows, e, false); err != nil {
			return nil, fmt.Errorf("sqlite: audit events: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: audit events: %w", err)
	}
	return out, nil
}

// ScanAudit calls fn for every event in Seq order, stopping at fn's first
// error, which it returns, or when ctx is done. It streams the rows one by
// one, and hands fn the same *AuditEvent each time, refilled: fn must not
// keep it, nor its slices, past its return, and copies what it needs.
// (Reusing the event is a tenth faster than allocating one per row when
// verifying the chain.)
func (tx *Tx) ScanAudit(ctx context.Context, afterSeq, throughSeq int64, fn func(*liaison.AuditEvent) error) error {
	if throughSeq <= 0 {
		throughSeq = math.MaxInt64
	}
	rows, err := tx.query(ctx, qAuditRange, afterSeq, throughSeq)
	if err != nil {
		return fmt.Errorf("sqlite: scan audit: %w", err)
	}
	defer rows.Close()
	var r auditRow
	var e liaison.AuditEvent
	for n := 1; rows.Next(); n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := r.scan(rows, &e, true); err != nil {
			return fmt.Errorf("sqlite: scan audit: %w", err)
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: scan audit: %w", err)
	}
	return nil
}

// auditRow holds the scan destinations of an audit row, reused from row
// to row.
type auditRow struct {
	at       sql.NullInt64
	reasons  string
	prevHash sql.RawBytes
	hash     sql.RawBytes
	dest     []any
}

// scan reads the current row into e. With reuse, e's slices are refilled
// in place rather than allocated anew.
func (r *auditRow) scan(rows *sql.Rows, e *liaison.AuditEvent, reuse bool) error {
	if r.dest == nil {
		r.dest = make([]any, 12)
	}
	d := r.dest
	d[0], d[1], d[2], d[3], d[4], d[5] = &e.Seq, &r.at, &e.Actor, &e.ActorOrg, &e.Action, &e.Object
	d[6], d[7], d[8], d[9], d[10], d[11] = &e.Target, &e.Allowed, &r.reasons, &e.Detail, &r.prevHash, &r.hash
	if err := rows.Scan(d...); err != nil {
		return err
	}
	e.At = timeOf(r.at)
	if !reuse {
		e.Reasons, e.PrevHash, e.Hash = nil, nil, nil
	}
	e.PrevHash = append(e.PrevHash[:0], r.prevHash...)
	e.Hash = append(e.Hash[:0], r.hash...)
	var err error
	e.Reasons, err = decodeReasons(e.Reasons[:0], r.reasons)
	return err
}
