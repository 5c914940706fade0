package desk

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/liaison-dev/liaison"
)

// session is the desk as seen by one officer.
type session struct {
	d  *Desk
	me *liaison.Officer
}

var _ liaison.Service = (*session)(nil)

// event is an audit event by the session's officer.
func (s *session) event(action, object, target string, allowed bool, reasons []liaison.Reason, detail string) *liaison.AuditEvent {
	if reasons == nil {
		reasons = []liaison.Reason{}
	}
	return &liaison.AuditEvent{At: s.d.clock.Now(), Actor: s.me.ID, ActorOrg: s.me.OrgID, Action: action,
		Object: object, Target: target, Allowed: allowed, Reasons: reasons, Detail: detail}
}

// record appends an audit event in tx.
func (s *session) record(ctx context.Context, tx liaison.Tx, action, object, target string, allowed bool, reasons []liaison.Reason, detail string) error {
	return tx.AppendAudit(ctx, s.event(action, object, target, allowed, reasons, detail))
}

// refusal is the error to give the caller once the transaction that
// recorded the refused act has committed.
type refusal struct{ err error }

// update runs fn in a write transaction. When fn returns a refusal, the
// transaction (holding the audit event of the refusal) commits and the
// refusal's error is returned; any other error rolls everything back.
func (s *session) update(ctx context.Context, fn func(tx liaison.Tx) (*refusal, error)) error {
	var ref *refusal
	err := s.d.store.Update(ctx, func(tx liaison.Tx) error {
		r, err := fn(tx)
		ref = r
		return err
	})
	if err != nil {
		return err
	}
	if ref != nil {
		return ref.err
	}
	return nil
}

// refuse records that the officer was refused and returns the refusal.
func (s *session) refuse(ctx context.Context, tx liaison.Tx, action, object, target string, err *liaison.Error) (*refusal, error) {
	reasons := err.Reasons
	if len(reasons) == 0 {
		reasons = []liaison.Reason{{Code: err.Code, Message: err.Message}}
	}
	if aerr := s.record(ctx, tx, action, object, target, false, reasons, err.Message); aerr != nil {
		return nil, aerr
	}
	return &refusal{err: err}, nil
}

func (s *session) node(ctx context.Context) (*liaison.Node, error) { return s.d.Node(ctx) }

// nodeAdmin reports whether the officer administers the node (an admin of
// the home organisation).
func (s *session) nodeAdmin(ctx context.Context) bool {
	n, err := s.node(ctx)
	return err == nil && s.me.Role == liaison.RoleAdmin && s.me.OrgID == n.HomeOrg
}

// requireRole fails with EFORBIDDEN unless the officer has one of roles.
func (s *session) requireRole(what string, roles ...liaison.Role) error {
	if !s.me.Active {
		return liaison.Errorf(liaison.EFORBIDDEN, "officer %s is not active", s.me.ID)
	}
	if !slices.Contains(roles, s.me.Role) {
		names := make([]string, len(roles))
		for i, r := range roles {
			names[i] = string(r)
		}
		return liaison.Errorf(liaison.EFORBIDDEN, "%s needs the role %s; %s is %s", what, strings.Join(names, " or "), s.me.ID, s.me.Role)
	}
	return nil
}

// Whoami implements liaison.Service.
func (s *session) Whoami(ctx context.Context) (*liaison.Officer, error) {
	o := *s.me
	return &o, nil
}

// Node implements liaison.Service.
func (s *session) Node(ctx context.Context) (*liaison.Node, error) { return s.node(ctx) }

// CreateOrganisation implements liaison.Service: node administrators only.
func (s *session) CreateOrganisation(ctx context.Context, o *liaison.Organisation) error {
	if !s.nodeAdmin(ctx) {
		return liaison.Errorf(liaison.EFORBIDDEN, "only an administrator of the node's home organisation may register organisations")
	}
	n, err := s.node(ctx)
	if err != nil {
		return err
	}
	o.Normalise()
	if o.NodeID == "" {
		o.NodeID = n.ID
	}
	o.CreatedAt = s.d.clock.Now()
	if err := o.Validate(); err != nil {
		return err
	}
	return s.d.store.Update(ctx, func(tx liaison.Tx) error {
		if err := tx.CreateOrganisation(ctx, o); err != nil {
			return err
		}
		if err := s.d.putIdentity(ctx, tx, o); err != nil {
			return err
		}
		return s.record(ctx, tx, "organisation.create", o.ID, "", true, nil, o.Name)
	})
}

// Organisations implements liaison.Service: the directory of partners is
// visible to every officer.
func (s *session) Organisations(ctx context.Context) ([]*liaison.Organisation, error) {
	var out []*liaison.Organisation
	err := s.d.store.View(ctx, func(tx liaison.Tx) (err error) {
		out, err = tx.Organisations(ctx)
		return err
	})
	return out, err
}

// Organisation implements liaison.Service.
func (s *session) Organisation(ctx context.Context, id string) (*liaison.Organisation, error) {
	var out *liaison.Organisation
	err := s.d.store.View(ctx, func(tx liaison.Tx) (err error) {
		out, err = tx.Organisation(ctx, id)
		return err
	})
	return out, err
}

// mayAdminister reports whether the officer administers org: a node
// administrator, or an administrator of org itself.
func (s *session) mayAdminister(ctx context.Context, org string) bool {
	return s.me.Active && s.me.Role == liaison.RoleAdmin && (s.me.OrgID == org || s.nodeAdmin(ctx))
}

// CreateOfficer implements liaison.Service.
func (s *session) CreateOfficer(ctx context.Context, o *liaison.Officer) (string, error) {
	if !s.mayAdminister(ctx, o.OrgID) {
		return "", liaison.Errorf(liaison.EFORBIDDEN, "only an administrator of %s or of the node may register its officers", o.OrgID)
	}
	o.Active, o.CreatedAt = true, s.d.clock.Now()
	if err := s.d.validOfficer(o); err != nil {
		return "", err
	}
	secret := newSecret()
	tok := &liaison.Token{ID: liaison.NewID(), OfficerID: o.ID, Hash: hashToken(secret), CreatedAt: o.CreatedAt}
	err := s.d.store.Update(ctx, func(tx liaison.Tx) error {
		if _, err := tx.Organisation(ctx, o.OrgID); err != nil {
			return liaison.Errorf(liaison.EINVALID, "officer %s: organisation %s is not registered", o.ID, o.OrgID)
		}
		if err := tx.CreateOfficer(ctx, o); err != nil {
			return err
		}
		if err := tx.CreateToken(ctx, tok); err != nil {
			return err
		}
		return s.record(ctx, tx, "officer.create", o.ID, o.OrgID, true, nil, string(o.Role)+" cleared "+o.Clearance.String())
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// Officers implements liaison.Service: node administrators see every
// officer; others see their own organisation's.
func (s *session) Officers(ctx context.Context, orgID string) ([]*liaison.Officer, error) {
	if !s.nodeAdmin(ctx) {
		if orgID != "" && orgID != s.me.OrgID {
			return nil, liaison.Errorf(liaison.EFORBIDDEN, "you may list only the officers of %s", s.me.OrgID)
		}
		orgID = s.me.OrgID
	}
	var out []*liaison.Officer
	err := s.d.store.View(ctx, func(tx liaison.Tx) (err error) {
		out, err = tx.Officers(ctx, orgID)
		return err
	})
	return out, err
}

// IssueToken implements liaison.Service: for oneself, or by an administrator.
func (s *session) IssueToken(ctx context.Context, officerID string) (string, error) {
	secret := newSecret()
	err := s.d.store.Update(ctx, func(tx liaison.Tx) error {
		o, err := tx.Officer(ctx, officerID)
		if err != nil {
			return err
		}
		if o.ID != s.me.ID && !s.mayAdminister(ctx, o.OrgID) {
			return liaison.Errorf(liaison.EFORBIDDEN, "only %s or an administrator may issue tokens for %s", o.ID, o.ID)
		}
		if err := tx.CreateToken(ctx, &liaison.Token{ID: liaison.NewID(), OfficerID: o.ID, Hash: hashToken(secret), CreatedAt: s.d.clock.Now()}); err != nil {
			return err
		}
		return s.record(ctx, tx, "token.issue", o.ID, o.OrgID, true, nil, "")
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// CreateAgreement implements liaison.Service.
func (s *session) CreateAgreement(ctx context.Context, a *liaison.Agreement) error {
	if err := s.requireRole("registering an agreement", liaison.RoleAdmin); err != nil {
		return err
	}
	if a.ID == "" {
		a.ID = liaison.NewID()
	}
	a.CreatedAt = s.d.clock.Now()
	if err := a.Normalise(); err != nil {
		return err
	}
	if err := a.Validate(); err != nil {
		return err
	}
	if _, err := s.d.marks.Rank(a.Ceiling); err != nil {
		return markingError(fmt.Sprintf("agreement %q: ceiling", a.Title), err)
	}
	if a.DefaultCaveats != "" {
		m, err := s.d.marks.ParseCaveats(a.DefaultCaveats)
		if err != nil {
			return markingError(fmt.Sprintf("agreement %q: default caveats", a.Title), err)
		}
		a.DefaultCaveats = m.Caveats()
	}
	if !a.HasParty(s.me.OrgID) && !s.nodeAdmin(ctx) {
		return liaison.Errorf(liaison.EFORBIDDEN, "you may register only agreements %s is a party to", s.me.OrgID)
	}
	return s.d.store.Update(ctx, func(tx liaison.Tx) error {
		for _, p := range a.Parties {
			if _, err := tx.Organisation(ctx, p); err != nil {
				return liaison.Errorf(liaison.EPARTIES, "agreement %q: party %s is not a registered organisation", a.Title, p)
			}
		}
		if err := tx.CreateAgreement(ctx, a); err != nil {
			return err
		}
		return s.record(ctx, tx, "agreement.create", a.ID, strings.Join(a.Parties, ","), true, nil, a.Title)
	})
}

// Agreements implements liaison.Service: node administrators see all;
// others the agreements their organisation is a party to.
func (s *session) Agreements(ctx context.Context) ([]*liaison.Agreement, error) {
	org := s.me.OrgID
	if s.nodeAdmin(ctx) {
		org = ""
	}
	var out []*liaison.Agreement
	err := s.d.store.View(ctx, func(tx liaison.Tx) (err error) {
		out, err = tx.Agreements(ctx, org)
		return err
	})
	return out, err
}

// Agreement implements liaison.Service; an agreement the caller's
// organisation is not a party to is ENOTFOUND.
func (s *session) Agreement(ctx context.Context, id string) (*liaison.Agreement, error) {
	var out *liaison.Agreement
	err := s.d.store.View(ctx, func(tx liaison.Tx) (err error) {
		out, err = tx.Agreement(ctx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !out.HasParty(s.me.OrgID) && !s.nodeAdmin(ctx) {
		return nil, liaison.Errorf(liaison.ENOTFOUND, "agreement %s not found", id)
	}
	return out, nil
}

// SetAgreementStatus implements liaison.Service: an administrator of a party.
func (s *session) SetAgreementStatus(ctx context.Context, id string, st liaison.AgreementStatus) (*liaison.Agreement, error) {
	if !st.Valid() {
		return nil, liaison.Errorf(liaison.EINVALID, "status %q is not one of draft, active, suspended, terminated", st)
	}
	a, err := s.Agreement(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.requireRole("changing an agreement", liaison.RoleAdmin); err != nil {
		return nil, err
	}
	if a.Status == liaison.AgreementTerminated && st != liaison.AgreementTerminated {
		return nil, liaison.Errorf(liaison.ECONFLICT, "agreement %q is terminated and cannot be revived", a.Title)
	}
	err = s.d.store.Update(ctx, func(tx liaison.Tx) error {
		if err := tx.SetAgreementStatus(ctx, id, st); err != nil {
			return err
		}
		return s.record(ctx, tx, "agreement.status", id, "", true, nil, fmt.Sprintf("%s -> %s", a.Status, st))
	})
	if err != nil {
		return nil, err
	}
	a.Status = st
	return a, nil
}
