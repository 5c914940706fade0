package desk

import (
	"context"
	"fmt"
	"slices"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/policy"
)

// writerRoles may write products.
var writerRoles = []liaison.Role{liaison.RoleAdmin, liaison.RoleLiaison, liaison.RoleAnalyst}

// notFound is the answer for a product the caller may not see: the same
// whether it does not exist or is withheld.
func notFound(id string) *liaison.Error {
	return liaison.Errorf(liaison.ENOTFOUND, "product %s not found", id)
}

// CreateProduct implements liaison.Service.
func (s *session) CreateProduct(ctx context.Context, dr liaison.ProductDraft) (*liaison.Product, error) {
	if err := s.requireRole("writing a product", writerRoles...); err != nil {
		return nil, err
	}
	m, err := s.d.marks.Parse(dr.Marking)
	if err != nil {
		return nil, markingError("product marking", err)
	}
	n, err := s.node(ctx)
	if err != nil {
		return nil, err
	}
	p := &liaison.Product{ID: dr.ID, Title: dr.Title, Body: dr.Body, Topics: dr.Topics, Marking: m,
		OriginatorOrg: s.me.OrgID, OriginatorOfficer: s.me.ID, Reliability: dr.Reliability, Credibility: dr.Credibility,
		ParentID: dr.ParentID, ParentVersion: dr.ParentVersion, OriginNode: n.ID, CreatedAt: s.d.clock.Now()}
	if err := p.Normalise(); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	rank, err := s.d.marks.Rank(m.Classification)
	if err != nil {
		return nil, markingError("product marking", err)
	}
	if cr, err := s.d.marks.Rank(s.me.Clearance); err != nil || cr < rank {
		return nil, liaison.Errorf(liaison.EFORBIDDEN, "your clearance %s does not cover %s", s.me.Clearance, m.Classification)
	}
	if !liaison.SharesTopic(s.me.NeedToKnow, p.Topics) {
		return nil, liaison.Errorf(liaison.EFORBIDDEN, "your need-to-know covers none of the product's topics")
	}
	err = s.update(ctx, func(tx liaison.Tx) (*refusal, error) {
		if p.ID != "" {
			prev, err := tx.Product(ctx, p.ID, 0)
			if err != nil {
				return nil, notFound(p.ID)
			}
			if prev.OriginatorOrg != s.me.OrgID {
				if _, herr := tx.Holding(ctx, s.me.OrgID, p.ID, 0); herr != nil {
					return nil, notFound(p.ID)
				}
				return s.refuse(ctx, tx, "product.version", p.ID, "", liaison.Errorf(liaison.EFORBIDDEN,
					"only the originator %s may issue a new version; write a tear-line with a parent instead", prev.OriginatorOrg))
			}
		}
		if p.ParentID != "" {
			parent, err := tx.Product(ctx, p.ParentID, p.ParentVersion)
			if err != nil {
				return nil, notFound(p.ParentID)
			}
			in, err := s.input(ctx, tx, liaison.ActionRead, parent)
			if err != nil {
				return nil, err
			}
			d := s.d.policy.DeriveAllowed(in, &m)
			if !in.Held {
				return nil, notFound(p.ParentID)
			}
			if !d.Allowed {
				return s.refuse(ctx, tx, "product.derive", p.ParentID, "", &liaison.Error{Code: liaison.EDENIED,
					Message: "the tear-line is not allowed", Reasons: d.Reasons})
			}
		}
		if err := tx.CreateProduct(ctx, p, rank); err != nil {
			return nil, err
		}
		if err := s.d.putProduct(ctx, tx, p); err != nil {
			return nil, err
		}
		detail := fmt.Sprintf("v%d %s", p.Version, m.String())
		if p.ParentID != "" {
			detail += fmt.Sprintf(" tear-line of %s v%d", p.ParentID, p.ParentVersion)
		}
		return nil, s.record(ctx, tx, "product.create", p.ID, "", true, nil, detail)
	})
	if err != nil {
		return nil, err
	}
	p.Banner = p.Marking.String()
	return p, nil
}

// input loads what the policy needs to decide on product p for the
// officer. Target, agreement and consents are added by the caller.
func (s *session) input(ctx context.Context, tx liaison.Tx, action liaison.Action, p *liaison.Product) (*policy.Input, error) {
	return s.inputHeld(ctx, tx, action, p, false)
}

// inputHeld is input for a caller that already knows the organisation
// holds p (held), sparing a lookup.
func (s *session) inputHeld(ctx context.Context, tx liaison.Tx, action liaison.Action, p *liaison.Product, held bool) (*policy.Input, error) {
	org, err := s.d.organisation(ctx, tx, s.me.OrgID)
	if err != nil {
		return nil, err
	}
	in := &policy.Input{Action: action, Officer: s.me, Org: org, Product: p, Now: s.d.clock.Now(), Held: held}
	if !held {
		if _, err := tx.Holding(ctx, s.me.OrgID, p.ID, p.Version); err == nil {
			in.Held = true
		} else if liaison.ErrorCode(err) != liaison.ENOTFOUND {
			return nil, err
		}
	}
	if p.ParentID != "" {
		if in.Lineage, err = tx.Lineage(ctx, p); err != nil {
			return nil, err
		}
	}
	if p.OriginatorOrg == org.ID {
		in.Originator = org
	} else if in.Originator, err = s.d.organisation(ctx, tx, p.OriginatorOrg); err != nil {
		return nil, err
	}
	return in, nil
}

// visible loads the version of a product the officer may read (version 0:
// the newest the organisation holds) with the policy input for action. A
// product the officer may not read is ENOTFOUND, and the attempt is
// recorded in the returned refusal.
func (s *session) visible(ctx context.Context, tx liaison.Tx, id string, version int, action liaison.Action) (*policy.Input, *refusal, error) {
	held := false
	if version == 0 {
		h, err := tx.Holding(ctx, s.me.OrgID, id, 0)
		if err != nil {
			if liaison.ErrorCode(err) != liaison.ENOTFOUND {
				return nil, nil, err
			}
			r, err := s.refuse(ctx, tx, "product.read", id, "", notFound(id))
			return nil, r, err
		}
		version, held = h.ProductVersion, true
	}
	p, err := tx.Product(ctx, id, version)
	if err != nil {
		if liaison.ErrorCode(err) != liaison.ENOTFOUND {
			return nil, nil, err
		}
		r, err := s.refuse(ctx, tx, "product.read", id, "", notFound(id))
		return nil, r, err
	}
	in, err := s.inputHeld(ctx, tx, liaison.ActionRead, p, held)
	if err != nil {
		return nil, nil, err
	}
	if d := s.d.policy.Decide(in); !d.Allowed {
		aerr := s.record(ctx, tx, "product.read", id, "", false, d.Reasons, "withheld: answered not found")
		return nil, &refusal{err: notFound(id)}, aerr
	}
	in.Action = action
	return in, nil, nil
}

// Products implements liaison.Service: an indexed lookup of the
// organisation's holdings, filtered by the officer's clearance and
// need-to-know.
func (s *session) Products(ctx context.Context, q liaison.ProductQuery) ([]*liaison.Product, error) {
	if err := s.requireRole("reading products", writerRoles...); err != nil {
		return nil, err
	}
	rank, err := s.d.marks.Rank(s.me.Clearance)
	if err != nil {
		return nil, markingError("your clearance", err)
	}
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 50
	}
	var out []*liaison.Product
	err = s.d.store.Update(ctx, func(tx liaison.Tx) error {
		out, err = tx.VisibleProducts(ctx, liaison.ProductFilter{OrgID: s.me.OrgID, MaxRank: rank,
			Topics: s.me.NeedToKnow, Before: q.Before, Limit: q.Limit})
		if err != nil {
			return err
		}
		for _, p := range out {
			p.Banner = p.Marking.String()
		}
		return s.record(ctx, tx, "product.list", "", "", true, nil, fmt.Sprintf("%d products", len(out)))
	})
	return out, err
}

// Product implements liaison.Service; every read is audited.
func (s *session) Product(ctx context.Context, id string, version int) (*liaison.Product, error) {
	var out *liaison.Product
	err := s.update(ctx, func(tx liaison.Tx) (*refusal, error) {
		in, ref, err := s.visible(ctx, tx, id, version, liaison.ActionRead)
		if ref != nil || err != nil {
			return ref, err
		}
		out = in.Product
		out.Banner = out.Marking.String()
		return nil, s.record(ctx, tx, "product.read", id, "", true, nil, fmt.Sprintf("v%d", out.Version))
	})
	return out, err
}

// sendInput completes a policy input for disseminate or forward: the
// recipient, the agreement (named, or the best in force), the consents.
func (s *session) sendInput(ctx context.Context, tx liaison.Tx, in *policy.Input, to, agreementID string) error {
	if to == "" {
		return nil
	}
	target, err := s.d.organisation(ctx, tx, to)
	if err != nil {
		return liaison.Errorf(liaison.EINVALID, "recipient %s is not a registered organisation", to)
	}
	in.Target = target
	if agreementID != "" {
		a, err := tx.Agreement(ctx, agreementID)
		if err != nil {
			return liaison.Errorf(liaison.EINVALID, "agreement %s not found", agreementID)
		}
		in.Agreement = a
	} else if in.Agreement, err = s.bestAgreement(ctx, tx, in); err != nil {
		return err
	}
	ids := make([]string, 0, 1+len(in.Lineage))
	ids = append(ids, in.Product.ID)
	for _, a := range in.Lineage {
		ids = append(ids, a.ID)
	}
	in.Consents, err = tx.Consents(ctx, ids, to, in.Now)
	return err
}

// bestAgreement picks the agreement between the officer's organisation and
// the target that best covers the product: in force, in scope and under
// its ceiling if any is; otherwise the closest, so the reasons say why.
func (s *session) bestAgreement(ctx context.Context, tx liaison.Tx, in *policy.Input) (*liaison.Agreement, error) {
	all, err := tx.Agreements(ctx, in.Org.ID)
	if err != nil {
		return nil, err
	}
	rank, _ := s.d.marks.Rank(in.Product.Marking.Classification)
	var best *liaison.Agreement
	bestScore := -1
	for _, a := range all {
		if !a.HasParty(in.Target.ID) {
			continue
		}
		score := 0
		if a.InForce(in.Now) {
			score += 4
		}
		if liaison.CoversTopics(a.Topics, in.Product.Topics) {
			score += 2
		}
		if c, err := s.d.marks.Rank(a.Ceiling); err == nil && c >= rank {
			score++
		}
		if score > bestScore {
			best, bestScore = a, score
		}
	}
	return best, nil
}

// Decide implements liaison.Service. A product the caller may not read is
// ENOTFOUND; otherwise the decision, allowed or not, is recorded.
func (s *session) Decide(ctx context.Context, q liaison.DecisionQuery) (liaison.Decision, error) {
	if !q.Action.Valid() {
		return liaison.Decision{}, liaison.Errorf(liaison.EINVALID, "unknown action %q: use read, disseminate, forward, downgrade or use_as_evidence", q.Action)
	}
	var out liaison.Decision
	err := s.update(ctx, func(tx liaison.Tx) (*refusal, error) {
		in, ref, err := s.visible(ctx, tx, q.ProductID, q.Version, q.Action)
		if ref != nil || err != nil {
			return ref, err
		}
		switch q.Action {
		case liaison.ActionDisseminate, liaison.ActionForward:
			if err := s.sendInput(ctx, tx, in, q.To, q.AgreementID); err != nil {
				return nil, err
			}
		case liaison.ActionDowngrade:
			if q.NewMarking != "" {
				m, err := s.d.marks.Parse(q.NewMarking)
				if err != nil {
					return nil, markingError("new marking", err)
				}
				in.NewMarking = &m
			}
		}
		out = s.d.policy.Decide(in)
		return nil, s.record(ctx, tx, "decision."+string(q.Action), q.ProductID, q.To, out.Allowed, out.Reasons, fmt.Sprintf("v%d", in.Product.Version))
	})
	return out, err
}

// Disseminate implements liaison.Service: the policy decides in the same
// transaction that writes the dissemination, the recipient's holding and
// the audit event; a refusal is recorded too, with every reason.
func (s *session) Disseminate(ctx context.Context, o liaison.DisseminationOrder) (*liaison.Dissemination, error) {
	if o.To == "" {
		return nil, liaison.Errorf(liaison.EINVALID, "dissemination: a recipient (to) is required")
	}
	var out *liaison.Dissemination
	err := s.update(ctx, func(tx liaison.Tx) (*refusal, error) {
		in, ref, err := s.visible(ctx, tx, o.ProductID, o.Version, liaison.ActionForward)
		if ref != nil || err != nil {
			return ref, err
		}
		if in.Product.OriginatorOrg == s.me.OrgID {
			in.Action = liaison.ActionDisseminate
		}
		if err := s.sendInput(ctx, tx, in, o.To, o.AgreementID); err != nil {
			return nil, err
		}
		dec := s.d.policy.Decide(in)
		if !dec.Allowed {
			return s.refuse(ctx, tx, "dissemination.refused", in.Product.ID, o.To, &liaison.Error{Code: liaison.EDENIED,
				Message: fmt.Sprintf("%s of %s to %s refused", in.Action, in.Product.ID, o.To), Reasons: dec.Reasons})
		}
		d := &liaison.Dissemination{ID: liaison.NewID(), ProductID: in.Product.ID, ProductVersion: in.Product.Version,
			FromOrg: s.me.OrgID, ToOrg: o.To, AgreementID: in.Agreement.ID, OfficerID: s.me.ID, Action: in.Action,
			Decision: dec, CreatedAt: in.Now}
		if in.Action == liaison.ActionForward {
			if d.ReleaseIDs, err = s.releasesUsed(ctx, tx, in); err != nil {
				return nil, err
			}
		}
		if err := tx.CreateDissemination(ctx, d); err != nil {
			return nil, err
		}
		out = d
		return nil, s.record(ctx, tx, "dissemination.create", d.ProductID, d.ToOrg, true, dec.Reasons,
			fmt.Sprintf("%s v%d under agreement %s", d.Action, d.ProductVersion, d.AgreementID))
	})
	return out, err
}

// releasesUsed names the approved release requests behind a forward.
func (s *session) releasesUsed(ctx context.Context, tx liaison.Tx, in *policy.Input) ([]string, error) {
	rs, err := tx.ReleaseRequests(ctx, liaison.ReleaseFilter{OrgID: s.me.OrgID, Status: liaison.ReleaseApproved})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range rs {
		if r.ToOrg != in.Target.ID || (r.ExpiresAt != nil && !in.Now.Before(*r.ExpiresAt)) {
			continue
		}
		if r.ProductID == in.Product.ID || slices.ContainsFunc(in.Lineage, func(p *liaison.Product) bool { return p.ID == r.ProductID }) {
			ids = append(ids, r.ID)
		}
	}
	return ids, nil
}

// Disseminations implements liaison.Service: those from or to the
// caller's organisation.
func (s *session) Disseminations(ctx context.Context, f liaison.ListFilter) ([]*liaison.Dissemination, error) {
	f.OrgID = s.me.OrgID
	var out []*liaison.Dissemination
	err := s.d.store.View(ctx, func(tx liaison.Tx) (err error) {
		out, err = tx.Disseminations(ctx, f)
		return err
	})
	return out, err
}
