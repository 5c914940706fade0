package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/liaison-dev/liaison"
)

// filter builds the WHERE clause of a list query.
type filter struct {
	conds []string
	args  []any
}

func (f *filter) add(cond string, args ...any) {
	f.conds = append(f.conds, cond)
	f.args = append(f.args, args...)
}

// query returns the list query: base, the conditions, order, and the
// limit (none when 0).
func (f *filter) query(base, order string, limit int) (string, []any) {
	var b strings.Builder
	b.WriteString(base)
	if len(f.conds) > 0 {
		b.WriteString(" WHERE ")
		b.WriteString(strings.Join(f.conds, " AND "))
	}
	b.WriteString(" ORDER BY ")
	b.WriteString(order)
	b.WriteString(" LIMIT ?")
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	return b.String(), append(f.args, limit)
}

const disseminationColumns = `id, product_id, product_version, from_org, to_org, agreement_id, officer_id, action,
	allowed, reasons, release_ids, created_at, recalled_at`

var (
	qInsertDissemination = prep(`INSERT INTO disseminations (` + disseminationColumns + `)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	// qConsents: organisations that sent one of the products to toOrg, and
	// originators that approved its release to toOrg, still in force.
	qConsents = prep(`SELECT from_org FROM disseminations
		WHERE to_org = ?1 AND product_id IN (SELECT value FROM json_each(?2)) AND recalled_at IS NULL
		UNION
		SELECT originator_org FROM release_requests
		WHERE to_org = ?1 AND product_id IN (SELECT value FROM json_each(?2)) AND status = 'approved'
			AND (expires_at IS NULL OR expires_at > ?3)
		ORDER BY 1`)
	// qConsentsOne is qConsents for one product, the usual case.
	qConsentsOne = prep(`SELECT from_org FROM disseminations
		WHERE to_org = ?1 AND product_id = ?2 AND recalled_at IS NULL
		UNION
		SELECT originator_org FROM release_requests
		WHERE to_org = ?1 AND product_id = ?2 AND status = 'approved'
			AND (expires_at IS NULL OR expires_at > ?3)
		ORDER BY 1`)
)

func scanDissemination(s scanner) (*liaison.Dissemination, error) {
	var d liaison.Dissemination
	var reasons, releaseIDs string
	var created, recalled sql.NullInt64
	if err := s.Scan(&d.ID, &d.ProductID, &d.ProductVersion, &d.FromOrg, &d.ToOrg, &d.AgreementID, &d.OfficerID,
		&d.Action, &d.Decision.Allowed, &reasons, &releaseIDs, &created, &recalled); err != nil {
		return nil, err
	}
	var err error
	if d.Decision.Reasons, err = list[liaison.Reason](reasons); err != nil {
		return nil, err
	}
	if d.ReleaseIDs, err = optionalList[string](releaseIDs); err != nil {
		return nil, err
	}
	d.CreatedAt, d.RecalledAt = timeOf(created), timePtrOf(recalled)
	return &d, nil
}

// CreateDissemination stores d, giving it a new id when it has none, and
// the recipient's holding (Via d.ID, At d.CreatedAt). ECONFLICT when the
// id is taken; EINVALID when the product version does not exist.
func (tx *Tx) CreateDissemination(ctx context.Context, d *liaison.Dissemination) error {
	if err := checkTimes("dissemination", d.CreatedAt, deref(d.RecalledAt)); err != nil {
		return err
	}
	reasons, err := reasonsJSON(d.Decision.Reasons)
	if err != nil {
		return err
	}
	releaseIDs, err := listJSON(d.ReleaseIDs)
	if err != nil {
		return err
	}
	id := newID(d.ID)
	_, err = tx.exec(ctx, qInsertDissemination, id, d.ProductID, d.ProductVersion, d.FromOrg, d.ToOrg, d.AgreementID,
		d.OfficerID, d.Action, d.Decision.Allowed, reasons, releaseIDs, ns(d.CreatedAt), nsPtr(d.RecalledAt))
	switch {
	case isUniqueViolation(err):
		return liaison.Errorf(liaison.ECONFLICT, "dissemination %q already exists", id)
	case isForeignKeyViolation(err):
		return liaison.Errorf(liaison.EINVALID, "dissemination: product %s version %d not found", d.ProductID, d.ProductVersion)
	case err != nil:
		return fmt.Errorf("sqlite: create dissemination: %w", err)
	}
	err = insertHolding(ctx, tx, &liaison.Holding{
		OrgID: d.ToOrg, ProductID: d.ProductID, ProductVersion: d.ProductVersion,
		Via: id, At: d.CreatedAt, RecalledAt: d.RecalledAt,
	})
	if err != nil {
		return err
	}
	d.ID = id
	return nil
}

// Disseminations lists disseminations by time (then by id): those from or to f.OrgID, of f.ProductID, at most f.Limit (0:
// all).
func (tx *Tx) Disseminations(ctx context.Context, f liaison.ListFilter) ([]*liaison.Dissemination, error) {
	var w filter
	if f.OrgID != "" {
		w.add("(from_org = ? OR to_org = ?)", f.OrgID, f.OrgID)
	}
	if f.ProductID != "" {
		w.add("product_id = ?", f.ProductID)
	}
	q, args := w.query(`SELECT `+disseminationColumns+` FROM disseminations`, "created_at, id", f.Limit)
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: disseminations: %w", err)
	}
	return collect(rows, "disseminations", scanDissemination)
}

// Consents returns the organisations that have consented to any of the
// products in productIDs reaching toOrg: by an unrecalled dissemination
// from them to toOrg, or by an approved release request addressed to them
// for toOrg that has not expired at now. Sorted, without duplicates.
func (tx *Tx) Consents(ctx context.Context, productIDs []string, toOrg string, now time.Time) ([]string, error) {
	out := []string{}
	if len(productIDs) == 0 {
		return out, nil
	}
	if err := checkTimes("consents", now); err != nil {
		return nil, err
	}
	q, ids := qConsentsOne, any(productIDs[0])
	if len(productIDs) > 1 {
		list, err := listJSON(productIDs)
		if err != nil {
			return nil, err
		}
		q, ids = qConsents, list
	}
	rows, err := tx.query(ctx, q, toOrg, ids, ns(now))
	if err != nil {
		return nil, fmt.Errorf("sqlite: consents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var org string
		if err := rows.Scan(&org); err != nil {
			return nil, fmt.Errorf("sqlite: consents: %w", err)
		}
		out = append(out, org)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: consents: %w", err)
	}
	return out, nil
}

const releaseColumns = `id, product_id, product_version, requester_org, requester_officer, originator_org, to_org,
	justification, status, conditions, decided_by, decided_at, expires_at, created_at`

var (
	qInsertRelease = prep(`INSERT INTO release_requests (` + releaseColumns + `)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	qRelease       = prep(`SELECT ` + releaseColumns + ` FROM release_requests WHERE id = ?`)
	qUpdateRelease = prep(`UPDATE release_requests
		SET status = ?, conditions = ?, decided_by = ?, decided_at = ?, expires_at = ? WHERE id = ?`)
)

func scanRelease(s scanner) (*liaison.ReleaseRequest, error) {
	var r liaison.ReleaseRequest
	var decided, expires, created sql.NullInt64
	if err := s.Scan(&r.ID, &r.ProductID, &r.ProductVersion, &r.RequesterOrg, &r.RequesterOfficer, &r.OriginatorOrg,
		&r.ToOrg, &r.Justification, &r.Status, &r.Conditions, &r.DecidedBy, &decided, &expires, &created); err != nil {
		return nil, err
	}
	r.DecidedAt, r.ExpiresAt, r.CreatedAt = timePtrOf(decided), timePtrOf(expires), timeOf(created)
	return &r, nil
}

// CreateReleaseRequest stores r, giving it a new id when it has none
// (ECONFLICT when its id is taken).
func (tx *Tx) CreateReleaseRequest(ctx context.Context, r *liaison.ReleaseRequest) error {
	if err := checkTimes("release request", deref(r.DecidedAt), deref(r.ExpiresAt), r.CreatedAt); err != nil {
		return err
	}
	id := newID(r.ID)
	_, err := tx.exec(ctx, qInsertRelease, id, r.ProductID, r.ProductVersion, r.RequesterOrg, r.RequesterOfficer,
		r.OriginatorOrg, r.ToOrg, r.Justification, r.Status, r.Conditions, r.DecidedBy,
		nsPtr(r.DecidedAt), nsPtr(r.ExpiresAt), ns(r.CreatedAt))
	if isUniqueViolation(err) {
		return liaison.Errorf(liaison.ECONFLICT, "release request %q already exists", id)
	} else if err != nil {
		return fmt.Errorf("sqlite: create release request: %w", err)
	}
	r.ID = id
	return nil
}

// ReleaseRequest returns the release request with that id.
func (tx *Tx) ReleaseRequest(ctx context.Context, id string) (*liaison.ReleaseRequest, error) {
	r, err := scanRelease(tx.queryRow(ctx, qRelease, id))
	if err != nil {
		return nil, notFound(err, "release request %q", id)
	}
	return r, nil
}

// ReleaseRequests lists release requests in the order they were made:
// those f.OrgID made or was asked, of f.ProductID, in f.Status.
func (tx *Tx) ReleaseRequests(ctx context.Context, f liaison.ReleaseFilter) ([]*liaison.ReleaseRequest, error) {
	var w filter
	if f.OrgID != "" {
		w.add("(requester_org = ? OR originator_org = ?)", f.OrgID, f.OrgID)
	}
	if f.ProductID != "" {
		w.add("product_id = ?", f.ProductID)
	}
	if f.Status != "" {
		w.add("status = ?", f.Status)
	}
	q, args := w.query(`SELECT `+releaseColumns+` FROM release_requests`, "created_at, rowid", 0)
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: release requests: %w", err)
	}
	return collect(rows, "release requests", scanRelease)
}

// UpdateReleaseRequest stores a decision on r: its status, conditions,
// decider, decision and expiry times (ENOTFOUND for an unknown id).
func (tx *Tx) UpdateReleaseRequest(ctx context.Context, r *liaison.ReleaseRequest) error {
	if err := checkTimes("release request", deref(r.DecidedAt), deref(r.ExpiresAt)); err != nil {
		return err
	}
	res, err := tx.exec(ctx, qUpdateRelease, r.Status, r.Conditions, r.DecidedBy,
		nsPtr(r.DecidedAt), nsPtr(r.ExpiresAt), r.ID)
	if err != nil {
		return fmt.Errorf("sqlite: update release request %q: %w", r.ID, err)
	}
	return mustAffect(res, "release request %q", r.ID)
}

const rfiColumns = `id, from_org, from_officer, to_org, topic, question, priority, deadline, status, created_at`

var (
	qInsertRFI       = prep(`INSERT INTO rfis (` + rfiColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	qRFI             = prep(`SELECT ` + rfiColumns + ` FROM rfis WHERE id = ?`)
	qRFIAnswers      = prep(`SELECT product_id, officer_id, at FROM rfi_answers WHERE rfi_id = ? ORDER BY seq`)
	qInsertRFIAnswer = prep(`INSERT INTO rfi_answers (rfi_id, product_id, officer_id, at) VALUES (?, ?, ?, ?)`)
	qSetRFIStatus    = prep(`UPDATE rfis SET status = ? WHERE id = ?`)
)

func scanRFI(s scanner) (*liaison.RFI, error) {
	var r liaison.RFI
	var deadline, created sql.NullInt64
	if err := s.Scan(&r.ID, &r.FromOrg, &r.FromOfficer, &r.ToOrg, &r.Topic, &r.Question, &r.Priority,
		&deadline, &r.Status, &created); err != nil {
		return nil, err
	}
	r.Deadline, r.CreatedAt = timeOf(deadline), timeOf(created)
	return &r, nil
}

// rfiAnswers loads r's answers, in the order they came.
func rfiAnswers(ctx context.Context, tx *Tx, r *liaison.RFI) error {
	rows, err := tx.query(ctx, qRFIAnswers, r.ID)
	if err != nil {
		return fmt.Errorf("sqlite: rfi %q answers: %w", r.ID, err)
	}
	defer rows.Close()
	r.Answers = []liaison.RFIAnswer{}
	for rows.Next() {
		var a liaison.RFIAnswer
		var at sql.NullInt64
		if err := rows.Scan(&a.ProductID, &a.OfficerID, &at); err != nil {
			return fmt.Errorf("sqlite: rfi %q answers: %w", r.ID, err)
		}
		a.At = timeOf(at)
		r.Answers = append(r.Answers, a)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: rfi %q answers: %w", r.ID, err)
	}
	return nil
}

func insertRFIAnswer(ctx context.Context, tx *Tx, id string, a *liaison.RFIAnswer) error {
	if err := checkTimes("rfi answer", a.At); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, qInsertRFIAnswer, id, a.ProductID, a.OfficerID, ns(a.At)); err != nil {
		return fmt.Errorf("sqlite: answer rfi %q: %w", id, err)
	}
	return nil
}

// CreateRFI stores r and any answers it has, giving it a new id when it
// has none (ECONFLICT when its id is taken).
func (tx *Tx) CreateRFI(ctx context.Context, r *liaison.RFI) error {
	if err := checkTimes("rfi", r.Deadline, r.CreatedAt); err != nil {
		return err
	}
	id := newID(r.ID)
	_, err := tx.exec(ctx, qInsertRFI, id, r.FromOrg, r.FromOfficer, r.ToOrg, r.Topic, r.Question, r.Priority,
		ns(r.Deadline), r.Status, ns(r.CreatedAt))
	if isUniqueViolation(err) {
		return liaison.Errorf(liaison.ECONFLICT, "rfi %q already exists", id)
	} else if err != nil {
		return fmt.Errorf("sqlite: create rfi: %w", err)
	}
	for i := range r.Answers {
		if err := insertRFIAnswer(ctx, tx, id, &r.Answers[i]); err != nil {
			return err
		}
	}
	r.ID = id
	return nil
}

// RFI returns the request for information with that id, with its answers.
func (tx *Tx) RFI(ctx context.Context, id string) (*liaison.RFI, error) {
	r, err := scanRFI(tx.queryRow(ctx, qRFI, id))
	if err != nil {
		return nil, notFound(err, "rfi %q", id)
	}
	if err := rfiAnswers(ctx, tx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// RFIs lists requests for information in the order they were made, with
// their answers: those from or to f.OrgID, answered by f.ProductID, at
// most f.Limit (0: all).
func (tx *Tx) RFIs(ctx context.Context, f liaison.ListFilter) ([]*liaison.RFI, error) {
	var w filter
	if f.OrgID != "" {
		w.add("(from_org = ? OR to_org = ?)", f.OrgID, f.OrgID)
	}
	if f.ProductID != "" {
		w.add("id IN (SELECT rfi_id FROM rfi_answers WHERE product_id = ?)", f.ProductID)
	}
	q, args := w.query(`SELECT `+rfiColumns+` FROM rfis`, "created_at, rowid", f.Limit)
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: rfis: %w", err)
	}
	rs, err := collect(rows, "rfis", scanRFI)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if err := rfiAnswers(ctx, tx, r); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

// AnswerRFI links a product to the RFI and marks it answered (ENOTFOUND
// for an unknown id).
func (tx *Tx) AnswerRFI(ctx context.Context, id string, a liaison.RFIAnswer) error {
	if err := tx.SetRFIStatus(ctx, id, liaison.RFIAnswered); err != nil {
		return err
	}
	return insertRFIAnswer(ctx, tx, id, &a)
}

// SetRFIStatus changes an RFI's status (ENOTFOUND for an unknown id).
func (tx *Tx) SetRFIStatus(ctx context.Context, id string, s liaison.RFIStatus) error {
	res, err := tx.exec(ctx, qSetRFIStatus, s, id)
	if err != nil {
		return fmt.Errorf("sqlite: set rfi %q status: %w", id, err)
	}
	return mustAffect(res, "rfi %q", id)
}

const feedbackColumns = `id, product_id, product_version, org_id, officer_id, value, flags, comment, created_at`

var qInsertFeedback = prep(`INSERT INTO feedback (` + feedbackColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)

func scanFeedback(s scanner) (*liaison.Feedback, error) {
	var f liaison.Feedback
	var flags string
	var created sql.NullInt64
	if err := s.Scan(&f.ID, &f.ProductID, &f.ProductVersion, &f.OrgID, &f.OfficerID, &f.Value, &flags,
		&f.Comment, &created); err != nil {
		return nil, err
	}
	var err error
	if f.Flags, err = optionalList[string](flags); err != nil {
		return nil, err
	}
	f.CreatedAt = timeOf(created)
	return &f, nil
}

// CreateFeedback stores f, giving it a new id when it has none (ECONFLICT
// when its id is taken).
func (tx *Tx) CreateFeedback(ctx context.Context, f *liaison.Feedback) error {
	if err := checkTimes("feedback", f.CreatedAt); err != nil {
		return err
	}
	flags, err := listJSON(f.Flags)
	if err != nil {
		return err
	}
	id := newID(f.ID)
	_, err = tx.exec(ctx, qInsertFeedback, id, f.ProductID, f.ProductVersion, f.OrgID, f.OfficerID, f.Value, flags,
		f.Comment, ns(f.CreatedAt))
	if isUniqueViolation(err) {
		return liaison.Errorf(liaison.ECONFLICT, "feedback %q already exists", id)
	} else if err != nil {
		return fmt.Errorf("sqlite: create feedback: %w", err)
	}
	f.ID = id
	return nil
}

// Feedback lists feedback in the order it was given: by f.OrgID, on
// f.ProductID, at most f.Limit (0: all).
func (tx *Tx) Feedback(ctx context.Context, f liaison.ListFilter) ([]*liaison.Feedback, error) {
	var w filter
	if f.OrgID != "" {
		w.add("org_id = ?", f.OrgID)
	}
	if f.ProductID != "" {
		w.add("product_id = ?", f.ProductID)
	}
	q, args := w.query(`SELECT `+feedbackColumns+` FROM feedback`, "created_at, rowid", f.Limit)
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: feedback: %w", err)
	}
	return collect(rows, "feedback", scanFeedback)
}

const interactionColumns = `id, kind, orgs, officers, date, duration_minutes, tone, notes, recorded_by, created_at`

var (
	qInsertInteraction = prep(`INSERT INTO interactions (` + interactionColumns + `)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	qInsertInteractionOrg = prep(`INSERT OR IGNORE INTO interaction_orgs (org_id, interaction_id) VALUES (?, ?)`)
)

func scanInteraction(s scanner) (*liaison.Interaction, error) {
	var i liaison.Interaction
	var orgs, officers string
	var date, created sql.NullInt64
	if err := s.Scan(&i.ID, &i.Kind, &orgs, &officers, &date, &i.DurationMinutes, &i.Tone, &i.Notes,
		&i.RecordedBy, &created); err != nil {
		return nil, err
	}
	var err error
	if i.Orgs, err = list[string](orgs); err != nil {
		return nil, err
	}
	if i.Officers, err = optionalList[string](officers); err != nil {
		return nil, err
	}
	i.Date, i.CreatedAt = timeOf(date), timeOf(created)
	return &i, nil
}

// CreateInteraction stores i, giving it a new id when it has none
// (ECONFLICT when its id is taken).
func (tx *Tx) CreateInteraction(ctx context.Context, i *liaison.Interaction) error {
	if err := checkTimes("interaction", i.Date, i.CreatedAt); err != nil {
		return err
	}
	orgs, err := listJSON(i.Orgs)
	if err != nil {
		return err
	}
	officers, err := listJSON(i.Officers)
	if err != nil {
		return err
	}
	id := newID(i.ID)
	_, err = tx.exec(ctx, qInsertInteraction, id, i.Kind, orgs, officers, ns(i.Date), i.DurationMinutes, i.Tone,
		i.Notes, i.RecordedBy, ns(i.CreatedAt))
	if isUniqueViolation(err) {
		return liaison.Errorf(liaison.ECONFLICT, "interaction %q already exists", id)
	} else if err != nil {
		return fmt.Errorf("sqlite: create interaction: %w", err)
	}
	for _, o := range i.Orgs {
		if _, err := tx.exec(ctx, qInsertInteractionOrg, o, id); err != nil {
			return fmt.Errorf("sqlite: create interaction %q: organisation %q: %w", id, o, err)
		}
	}
	i.ID = id
	return nil
}

// Interactions lists interactions by date (then by when they were
// stored): those f.OrgID took part in, at most f.Limit (0: all).
// Interactions concern no product: f.ProductID is ignored.
func (tx *Tx) Interactions(ctx context.Context, f liaison.ListFilter) ([]*liaison.Interaction, error) {
	var w filter
	if f.OrgID != "" {
		w.add("id IN (SELECT interaction_id FROM interaction_orgs WHERE org_id = ?)", f.OrgID)
	}
	q, args := w.query(`SELECT `+interactionColumns+` FROM interactions`, "date, created_at, rowid", f.Limit)
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: interactions: %w", err)
	}
	return collect(rows, "interactions", scanInteraction)
}

const breachColumns = `id, product_id, org_id, caveat, description, reported_by, at, created_at`

var qInsertBreach = prep(`INSERT INTO breaches (` + breachColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)

func scanBreach(s scanner) (*liaison.Breach, error) {
	var b liaison.Breach
	var at, created sql.NullInt64
	if err := s.Scan(&b.ID, &b.ProductID, &b.OrgID, &b.Caveat, &b.Description, &b.ReportedBy, &at, &created); err != nil {
		return nil, err
	}
	b.At, b.CreatedAt = timeOf(at), timeOf(created)
	return &b, nil
}

// CreateBreach stores b, giving it a new id when it has none (ECONFLICT
// when its id is taken).
func (tx *Tx) CreateBreach(ctx context.Context, b *liaison.Breach) error {
	if err := checkTimes("breach", b.At, b.CreatedAt); err != nil {
		return err
	}
	id := newID(b.ID)
	_, err := tx.exec(ctx, qInsertBreach, id, b.ProductID, b.OrgID, b.Caveat, b.Description, b.ReportedBy,
		ns(b.At), ns(b.CreatedAt))
	if isUniqueViolation(err) {
		return liaison.Errorf(liaison.ECONFLICT, "breach %q already exists", id)
	} else if err != nil {
		return fmt.Errorf("sqlite: create breach: %w", err)
	}
	b.ID = id
	return nil
}

// Breaches lists breaches by when they happened (then by when they were
// stored): by f.OrgID, of f.ProductID, at most f.Limit (0: all).
func (tx *Tx) Breaches(ctx context.Context, f liaison.ListFilter) ([]*liaison.Breach, error) {
	var w filter
	if f.OrgID != "" {
		w.add("org_id = ?", f.OrgID)
	}
	if f.ProductID != "" {
		w.add("product_id = ?", f.ProductID)
	}
	q, args := w.query(`SELECT `+breachColumns+` FROM breaches`, "at, created_at, rowid", f.Limit)
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: breaches: %w", err)
	}
	return collect(rows, "breaches", scanBreach)
}
