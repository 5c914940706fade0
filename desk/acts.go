package desk

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/liaison-dev/liaison"
)

// liaisonRoles may disseminate and decide releases.
var liaisonRoles = []liaison.Role{liaison.RoleAdmin, liaison.RoleLiaison}

// RequestRelease implements liaison.Service: one request to each originator
// whose consent to the third party is missing.
func (s *session) RequestRelease(ctx context.Context, dr liaison.ReleaseDraft) ([]*liaison.ReleaseRequest, error) {
	if err := s.requireRole("requesting a release", liaisonRoles...); err != nil {
		return nil, err
	}
	var out []*liaison.ReleaseRequest
	err := s.update(ctx, func(tx liaison.Tx) (*refusal, error) {
		in, ref, err := s.visible(ctx, tx, dr.ProductID, 0, liaison.ActionForward)
		if ref != nil || err != nil {
			return ref, err
		}
		if err := s.sendInput(ctx, tx, in, dr.To, ""); err != nil {
			return nil, err
		}
		if in.Target == nil {
			return nil, liaison.Errorf(liaison.EINVALID, "release request: a third party (to) is required")
		}
		now := s.d.clock.Now()
		for _, origin := range in.Product.Origins {
			if origin == s.me.OrgID || slices.Contains(in.Consents, origin) {
				continue
			}
			r := &liaison.ReleaseRequest{ID: liaison.NewID(), ProductID: in.Product.ID, ProductVersion: in.Product.Version,
				RequesterOrg: s.me.OrgID, RequesterOfficer: s.me.ID, OriginatorOrg: origin, ToOrg: dr.To,
				Justification: strings.TrimSpace(dr.Justification), Status: liaison.ReleasePending, CreatedAt: now}
			if err := r.Validate(); err != nil {
				return nil, err
			}
			if err := tx.CreateReleaseRequest(ctx, r); err != nil {
				return nil, err
			}
			if err := s.record(ctx, tx, "release.request", r.ProductID, r.ToOrg, true, nil,
				fmt.Sprintf("request %s asks %s", r.ID, origin)); err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		if len(out) == 0 {
			return nil, liaison.Errorf(liaison.ECONFLICT, "every originator of %s already consents to %s: no release is needed", dr.ProductID, dr.To)
		}
		return nil, nil
	})
	return out, err
}

// DecideRelease implements liaison.Service: the originator's liaison
// officers and administrators approve or deny; a request the caller's
// organisation is not party to is ENOTFOUND.
func (s *session) DecideRelease(ctx context.Context, id string, dec liaison.ReleaseDecision) (*liaison.ReleaseRequest, error) {
	var out *liaison.ReleaseRequest
	err := s.update(ctx, func(tx liaison.Tx) (*refusal, error) {
		r, err := tx.ReleaseRequest(ctx, id)
		if err != nil || (r.OriginatorOrg != s.me.OrgID && r.RequesterOrg != s.me.OrgID) {
			return nil, liaison.Errorf(liaison.ENOTFOUND, "release request %s not found", id)
		}
		if r.OriginatorOrg != s.me.OrgID {
			return s.refuse(ctx, tx, "release.decide", r.ProductID, r.ToOrg, liaison.Errorf(liaison.EFORBIDDEN,
				"only the originator %s may decide this release", r.OriginatorOrg))
		}
		if err := s.requireRole("deciding a release", liaisonRoles...); err != nil {
			return s.refuse(ctx, tx, "release.decide", r.ProductID, r.ToOrg, err.(*liaison.Error))
		}
		now := s.d.clock.Now()
		if r.Status != liaison.ReleasePending {
			return nil, liaison.Errorf(liaison.ECONFLICT, "release request %s is already %s", id, r.Status)
		}
		if dec.ExpiresAt != nil && !dec.ExpiresAt.After(now) {
			return nil, liaison.Errorf(liaison.EPERIOD, "release request %s: expiry %s is not in the future", id, dec.ExpiresAt.Format(time.RFC3339))
		}
		r.Status = liaison.ReleaseDenied
		if dec.Approve {
			r.Status = liaison.ReleaseApproved
		}
		r.Conditions, r.DecidedBy, r.DecidedAt, r.ExpiresAt = strings.TrimSpace(dec.Conditions), s.me.ID, &now, dec.ExpiresAt
		if err := tx.UpdateReleaseRequest(ctx, r); err != nil {
			return nil, err
		}
		out = r
		detail := fmt.Sprintf("request %s %s", r.ID, r.Status)
		if r.Conditions != "" {
			detail += ": " + r.Conditions
		}
		return nil, s.record(ctx, tx, "release."+map[bool]string{true: "approve", false: "deny"}[dec.Approve], r.ProductID, r.ToOrg, dec.Approve, nil, detail)
	})
	return out, err
}

// ReleaseRequests implements liaison.Service: those the caller's
// organisation made or must decide.
func (s *session) ReleaseRequests(ctx context.Context, f liaison.ReleaseFilter) ([]*liaison.ReleaseRequest, error) {
	f.OrgID = s.me.OrgID
	var out []*liaison.ReleaseRequest
	err := s.d.store.View(ctx, func(tx liaison.Tx) (err error) {
		out, err = tx.ReleaseRequests(ctx, f)
		return err
	})
	return out, err
}

// CreateRFI implements liaison.Service.
func (s *session) CreateRFI(ctx context.Context, r *liaison.RFI) error {
	if err := s.requireRole("requesting information", writerRoles...); err != nil {
		return err
	}
	r.ID, r.FromOrg, r.FromOfficer, r.Status, r.CreatedAt = liaison.NewID(), s.me.OrgID, s.me.ID, liaison.RFIOpen, s.d.clock.Now()
	r.Topic = strings.ToLower(strings.TrimSpace(r.Topic))
	if r.Priority == "" {
		r.Priority = liaison.PriorityMedium
	}
	r.Answers = []liaison.RFIAnswer{}
	if err := r.Validate(); err != nil {
		return err
	}
	if r.ToOrg == s.me.OrgID {
		return liaison.Errorf(liaison.EINVALID, "rfi: address it to another organisation")
	}
	return s.d.store.Update(ctx, func(tx liaison.Tx) error {
		if _, err := tx.Organisation(ctx, r.ToOrg); err != nil {
			return liaison.Errorf(liaison.EINVALID, "rfi: %s is not a registered organisation", r.ToOrg)
		}
		if err := tx.CreateRFI(ctx, r); err != nil {
			return err
		}
		return s.record(ctx, tx, "rfi.create", r.ID, r.ToOrg, true, nil, string(r.Priority)+" "+r.Topic)
	})
}

// RFIs implements liaison.Service: those from or to the caller's organisation.
func (s *session) RFIs(ctx context.Context, f liaison.ListFilter) ([]*liaison.RFI, error) {
	f.OrgID = s.me.OrgID
	var out []*liaison.RFI
	err := s.d.store.View(ctx, func(tx liaison.Tx) (err error) {
		out, err = tx.RFIs(ctx, f)
		return err
	})
	return out, err
}

// AnswerRFI implements liaison.Service: the addressee links a product it
// holds. The answer does not disseminate the product; that is a separate,
// policy-checked act.
func (s *session) AnswerRFI(ctx context.Context, id, productID string) (*liaison.RFI, error) {
	if err := s.requireRole("answering an RFI", writerRoles...); err != nil {
		return nil, err
	}
	var out *liaison.RFI
	err := s.update(ctx, func(tx liaison.Tx) (*refusal, error) {
		r, err := tx.RFI(ctx, id)
		if err != nil || (r.ToOrg != s.me.OrgID && r.FromOrg != s.me.OrgID) {
			return nil, liaison.Errorf(liaison.ENOTFOUND, "rfi %s not found", id)
		}
		if r.ToOrg != s.me.OrgID {
			return nil, liaison.Errorf(liaison.EFORBIDDEN, "only the addressee %s may answer this RFI", r.ToOrg)
		}
		if r.Status == liaison.RFIClosed || r.Status == liaison.RFICancelled {
			return nil, liaison.Errorf(liaison.ECONFLICT, "rfi %s is %s", id, r.Status)
		}
		if _, ref, err := s.visible(ctx, tx, productID, 0, liaison.ActionRead); ref != nil || err != nil {
			return ref, err
		}
		a := liaison.RFIAnswer{ProductID: productID, OfficerID: s.me.ID, At: s.d.clock.Now()}
		if err := tx.AnswerRFI(ctx, id, a); err != nil {
			return nil, err
		}
		r.Answers, r.Status = append(r.Answers, a), liaison.RFIAnswered
		out = r
		return nil, s.record(ctx, tx, "rfi.answer", id, r.FromOrg, true, nil, "answered with "+productID)
	})
	return out, err
}

// CreateFeedback implements liaison.Service: a recipient rates a product
// its organisation received.
func (s *session) CreateFeedback(ctx context.Context, f *liaison.Feedback) error {
	if err := s.requireRole("giving feedback", writerRoles...); err != nil {
		return err
	}
	f.ID, f.OrgID, f.OfficerID, f.CreatedAt = liaison.NewID(), s.me.OrgID, s.me.ID, s.d.clock.Now()
	if err := f.Validate(); err != nil {
		return err
	}
	return s.update(ctx, func(tx liaison.Tx) (*refusal, error) {
		in, ref, err := s.visible(ctx, tx, f.ProductID, f.ProductVersion, liaison.ActionRead)
		if ref != nil || err != nil {
			return ref, err
		}
		if in.Product.OriginatorOrg == s.me.OrgID {
			return nil, liaison.Errorf(liaison.EINVALID, "feedback is for recipients: %s wrote this product", s.me.OrgID)
		}
		f.ProductVersion = in.Product.Version
		if err := tx.CreateFeedback(ctx, f); err != nil {
			return nil, err
		}
		return nil, s.record(ctx, tx, "feedback.create", f.ProductID, in.Product.OriginatorOrg, true, nil, fmt.Sprintf("value %d %s", f.Value, strings.Join(f.Flags, ",")))
	})
}

// Feedback implements liaison.Service: feedback the caller's organisation
// gave, or, for a product it wrote (ProductID set), all feedback on it.
func (s *session) Feedback(ctx context.Context, f liaison.ListFilter) ([]*liaison.Feedback, error) {
	var out []*liaison.Feedback
	err := s.d.store.View(ctx, func(tx liaison.Tx) error {
		f.OrgID = s.me.OrgID
		if f.ProductID != "" {
			if p, err := tx.Product(ctx, f.ProductID, 0); err == nil && p.OriginatorOrg == s.me.OrgID {
				f.OrgID = ""
			}
		}
		var err error
		out, err = tx.Feedback(ctx, f)
		return err
	})
	return out, err
}

// CreateInteraction implements liaison.Service: the caller's organisation
// must have taken part, unless the caller administers the node.
func (s *session) CreateInteraction(ctx context.Context, i *liaison.Interaction) error {
	if err := s.requireRole("recording an interaction", writerRoles...); err != nil {
		return err
	}
	i.ID, i.RecordedBy, i.CreatedAt = liaison.NewID(), s.me.ID, s.d.clock.Now()
	if err := i.Validate(); err != nil {
		return err
	}
	if !slices.Contains(i.Orgs, s.me.OrgID) && !s.nodeAdmin(ctx) {
		return liaison.Errorf(liaison.EFORBIDDEN, "record only interactions %s took part in", s.me.OrgID)
	}
	return s.d.store.Update(ctx, func(tx liaison.Tx) error {
		for _, o := range i.Orgs {
			if _, err := tx.Organisation(ctx, o); err != nil {
				return liaison.Errorf(liaison.EINVALID, "interaction: %s is not a registered organisation", o)
			}
		}
		for _, o := range i.Officers {
			if _, err := tx.Officer(ctx, o); err != nil {
				return liaison.Errorf(liaison.EINVALID, "interaction: %s is not a registered officer", o)
			}
		}
		if err := tx.CreateInteraction(ctx, i); err != nil {
			return err
		}
		return s.record(ctx, tx, "interaction.create", i.ID, strings.Join(i.Orgs, ","), true, nil, i.Kind)
	})
}

// Interactions implements liaison.Service.
func (s *session) Interactions(ctx context.Context, f liaison.ListFilter) ([]*liaison.Interaction, error) {
	if !s.nodeAdmin(ctx) {
		f.OrgID = s.me.OrgID
	}
	var out []*liaison.Interaction
	err := s.d.store.View(ctx, func(tx liaison.Tx) (err error) {
		out, err = tx.Interactions(ctx, f)
		return err
	})
	return out, err
}

// RecordBreach implements liaison.Service: an originator of the product (or
// a node administrator) records that an organisation broke a caveat.
func (s *session) RecordBreach(ctx context.Context, b *liaison.Breach) error {
	if err := s.requireRole("recording a breach", liaisonRoles...); err != nil {
		return err
	}
	b.ID, b.ReportedBy, b.CreatedAt = liaison.NewID(), s.me.ID, s.d.clock.Now()
	if err := b.Validate(); err != nil {
		return err
	}
	return s.d.store.Update(ctx, func(tx liaison.Tx) error {
		if _, err := tx.Organisation(ctx, b.OrgID); err != nil {
			return liaison.Errorf(liaison.EINVALID, "breach: %s is not a registered organisation", b.OrgID)
		}
		if b.ProductID != "" {
			p, err := tx.Product(ctx, b.ProductID, 0)
			if err != nil || (!slices.Contains(p.Origins, s.me.OrgID) && !s.nodeAdmin(ctx)) {
				return notFound(b.ProductID)
			}
		} else if !s.nodeAdmin(ctx) {
			return liaison.Errorf(liaison.EINVALID, "breach: name the product whose caveat was broken")
		}
		if err := tx.CreateBreach(ctx, b); err != nil {
			return err
		}
		return s.record(ctx, tx, "breach.record", b.ProductID, b.OrgID, true, nil, b.Caveat+": "+b.Description)
	})
}

// Breaches implements liaison.Service: node administrators see all; others
// those by or reported by their organisation.
func (s *session) Breaches(ctx context.Context, f liaison.ListFilter) ([]*liaison.Breach, error) {
	admin := s.nodeAdmin(ctx)
	var out []*liaison.Breach
	err := s.d.store.View(ctx, func(tx liaison.Tx) error {
		all, err := tx.Breaches(ctx, f)
		if err != nil {
			return err
		}
		for _, b := range all {
			if admin || b.OrgID == s.me.OrgID || s.reportedByOrg(ctx, tx, b) {
				out = append(out, b)
			}
		}
		return nil
	})
	return out, err
}

func (s *session) reportedByOrg(ctx context.Context, tx liaison.Tx, b *liaison.Breach) bool {
	o, err := tx.Officer(ctx, b.ReportedBy)
	return err == nil && o.OrgID == s.me.OrgID
}

// auditRoles may read and verify the audit chain.
var auditRoles = []liaison.Role{liaison.RoleAdmin, liaison.RoleAuditor}

// requireAuditor checks that the caller may read the audit chain: an
// administrator or auditor of the home organisation. The chain records
// every organisation's acts on the node (what went to whom, priorities
// set, refusals), so a partner's administrators and auditors may not.
func (s *session) requireAuditor(ctx context.Context, what string) error {
	if err := s.requireRole(what, auditRoles...); err != nil {
		return err
	}
	n, err := s.node(ctx)
	if err != nil {
		return err
	}
	if s.me.OrgID != n.HomeOrg {
		return liaison.Errorf(liaison.EFORBIDDEN, "%s is for the administrators and auditors of %s, the organisation that runs this node", what, n.HomeOrg)
	}
	return nil
}

// AuditEvents implements liaison.Service; reading the chain is itself recorded.
func (s *session) AuditEvents(ctx context.Context, after int64, limit int) ([]*liaison.AuditEvent, error) {
	if err := s.requireAuditor(ctx, "reading the audit chain"); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 10000 {
		limit = 100
	}
	var out []*liaison.AuditEvent
	err := s.d.store.Update(ctx, func(tx liaison.Tx) (err error) {
		if out, err = tx.AuditEvents(ctx, after, limit); err != nil {
			return err
		}
		return s.record(ctx, tx, "audit.read", "", "", true, nil, fmt.Sprintf("after %d, %d events", after, len(out)))
	})
	return out, err
}

// VerifyAudit implements liaison.Service.
func (s *session) VerifyAudit(ctx context.Context) (liaison.AuditReport, error) {
	if err := s.requireAuditor(ctx, "verifying the audit chain"); err != nil {
		return liaison.AuditReport{}, err
	}
	return s.d.VerifyAudit(ctx)
}
