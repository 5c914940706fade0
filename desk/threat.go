package desk

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/liaison-dev/liaison"
)

// threatReadRoles may read threat priorities and coverage: those of every
// organisation in the home organisation, their own organisation's in a
// partner. Auditors read the audit chain, which records every set with
// its content, and need no more.
var threatReadRoles = []liaison.Role{liaison.RoleAdmin, liaison.RoleLiaison, liaison.RoleAnalyst}

// Audit actions of threat priorities and coverage.
const (
	actionPrioritiesSet = "priorities.set"
	actionCoverageSet   = "coverage.set"
)

// maxAuditDetail bounds the detail of a set's audit event.
const maxAuditDetail = 400

// SetThreatPriorities implements liaison.Service: an organisation's
// administrators and liaison officers set its own priorities, the node's
// administrators any organisation's. Bad input is EINVALID and writes
// nothing; a refusal for another organisation is recorded.
func (s *session) SetThreatPriorities(ctx context.Context, orgID string, in []liaison.ThreatPriority) ([]*liaison.ThreatPriority, error) {
	if err := s.requireRole("setting threat priorities", liaisonRoles...); err != nil {
		return nil, err
	}
	now := s.d.clock.Now()
	byOrder := !slices.ContainsFunc(in, func(p liaison.ThreatPriority) bool { return p.Rank != 0 })
	ps := make([]*liaison.ThreatPriority, len(in))
	for i, p := range in {
		if err := sameOrg("threat priorities", orgID, p.OrgID); err != nil {
			return nil, err
		}
		p.OrgID, p.SetBy, p.SetAt = orgID, s.me.ID, now
		if byOrder {
			p.Rank = i + 1
		}
		ps[i] = &p
	}
	if err := liaison.ValidateThreatPriorities(ps); err != nil {
		return nil, err
	}
	topics := make([]string, len(ps))
	for i, p := range ps {
		topics[i] = p.Topic
	}
	detail := fmt.Sprintf("%d ranked: %s", len(ps), strings.Join(topics, ", "))
	err := s.setThreat(ctx, actionPrioritiesSet, orgID, detail, func(tx liaison.Tx) error {
		return tx.SetThreatPriorities(ctx, orgID, ps, now)
	})
	if err != nil {
		return nil, err
	}
	return ps, nil
}

// SetCoverage implements liaison.Service, authorised as SetThreatPriorities.
func (s *session) SetCoverage(ctx context.Context, orgID string, in []liaison.Coverage) ([]*liaison.Coverage, error) {
	if err := s.requireRole("setting coverage", liaisonRoles...); err != nil {
		return nil, err
	}
	now := s.d.clock.Now()
	cs := make([]*liaison.Coverage, len(in))
	for i, c := range in {
		if err := sameOrg("coverage", orgID, c.OrgID); err != nil {
			return nil, err
		}
		c.OrgID, c.SetBy, c.SetAt = orgID, s.me.ID, now
		cs[i] = &c
	}
	if err := liaison.ValidateCoverage(cs); err != nil {
		return nil, err
	}
	entries := make([]string, len(cs))
	for i, c := range cs {
		entries[i] = fmt.Sprintf("%s:%s:%d", c.Topic, c.Discipline, c.Capability)
	}
	detail := fmt.Sprintf("%d entries: %s", len(cs), strings.Join(entries, ", "))
	err := s.setThreat(ctx, actionCoverageSet, orgID, detail, func(tx liaison.Tx) error {
		return tx.SetCoverage(ctx, orgID, cs, now)
	})
	if err != nil {
		return nil, err
	}
	return cs, nil
}

// sameOrg fails with EINVALID when an entry names an organisation other
// than the one whose set it is in.
func sameOrg(what, orgID, entryOrg string) error {
	if entryOrg != "" && strings.TrimSpace(entryOrg) != orgID {
		return liaison.Errorf(liaison.EINVALID, "%s of %s: an entry is of %s", what, orgID, entryOrg)
	}
	return nil
}

// setThreat runs set, a replacement of orgID's priorities or coverage, in
// a transaction with its audit event: when orgID is registered and the
// officer may set its records, or else records the refusal.
func (s *session) setThreat(ctx context.Context, action, orgID, detail string, set func(tx liaison.Tx) error) error {
	allowed := s.me.OrgID == orgID || s.nodeAdmin(ctx)
	return s.update(ctx, func(tx liaison.Tx) (*refusal, error) {
		if _, err := s.d.organisation(ctx, tx, orgID); err != nil {
			if liaison.ErrorCode(err) == liaison.ENOTFOUND {
				return nil, liaison.Errorf(liaison.ENOTFOUND, "organisation %s not found", orgID)
			}
			return nil, err
		}
		if !allowed {
			return s.refuse(ctx, tx, action, orgID, orgID, liaison.Errorf(liaison.EFORBIDDEN,
				"only the officers of %s or an administrator of the node may set its threat priorities and coverage", orgID))
		}
		if err := set(tx); err != nil {
			return nil, err
		}
		if len(detail) > maxAuditDetail {
			detail = detail[:maxAuditDetail-len("…")] + "…"
		}
		return nil, s.record(ctx, tx, action, orgID, orgID, true, nil, detail)
	})
}

// threatScope returns the organisation whose threat records the caller
// reads for orgID ("" for every organisation), or EFORBIDDEN: the home
// organisation's officers read any organisation's, a partner's officers
// only their own organisation's, and auditors none.
func (s *session) threatScope(ctx context.Context, orgID string) (string, error) {
	if err := s.requireRole("reading threat priorities and coverage", threatReadRoles...); err != nil {
		return "", err
	}
	n, err := s.node(ctx)
	if err != nil {
		return "", err
	}
	if s.me.OrgID == n.HomeOrg {
		return orgID, nil
	}
	if orgID != "" && orgID != s.me.OrgID {
		return "", liaison.Errorf(liaison.EFORBIDDEN, "you may read only the threat priorities and coverage of %s", s.me.OrgID)
	}
	return s.me.OrgID, nil
}

// ThreatPriorities implements liaison.Service.
func (s *session) ThreatPriorities(ctx context.Context, orgID string) ([]*liaison.ThreatPriority, error) {
	org, err := s.threatScope(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var out []*liaison.ThreatPriority
	err = s.d.store.View(ctx, func(tx liaison.Tx) (err error) {
		if err := s.knownOrg(ctx, tx, org); err != nil {
			return err
		}
		out, err = tx.ThreatPriorities(ctx, org)
		return err
	})
	return out, err
}

// Coverage implements liaison.Service.
func (s *session) Coverage(ctx context.Context, orgID string) ([]*liaison.Coverage, error) {
	org, err := s.threatScope(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var out []*liaison.Coverage
	err = s.d.store.View(ctx, func(tx liaison.Tx) (err error) {
		if err := s.knownOrg(ctx, tx, org); err != nil {
			return err
		}
		out, err = tx.Coverage(ctx, org)
		return err
	})
	return out, err
}

// knownOrg fails with ENOTFOUND unless orgID is "" or registered.
func (s *session) knownOrg(ctx context.Context, tx liaison.Tx, orgID string) error {
	if orgID == "" {
		return nil
	}
	if _, err := s.d.organisation(ctx, tx, orgID); err != nil {
		if liaison.ErrorCode(err) == liaison.ENOTFOUND {
			return liaison.Errorf(liaison.ENOTFOUND, "organisation %s not found", orgID)
		}
		return err
	}
	return nil
}
