package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
	"github.com/liaison-dev/liaison/taxii"
)

// fakeNode is an in-memory node for the tests of the API: small, but it
// keeps the promises of liaison.Service that the API relies on (roles,
// visibility as ENOTFOUND, a policy that refuses with reasons, validation
// by the domain's own Validate methods).
type fakeNode struct {
	marks *marking.Registry

	mu             sync.Mutex
	now            time.Time
	node           liaison.Node
	orgs           map[string]*liaison.Organisation
	officers       map[string]*liaison.Officer
	tokens         map[string]string               // secret → officer id
	agreements     []*liaison.Agreement            // by creation
	products       map[string][]*liaison.Product   // id → versions, oldest first
	held           map[string]map[string]time.Time // org → product id → when received
	disseminations []*liaison.Dissemination
	releases       []*liaison.ReleaseRequest
	rfis           []*liaison.RFI
	feedback       []*liaison.Feedback
	interactions   []*liaison.Interaction
	breaches       []*liaison.Breach
	priorities     map[string][]*liaison.ThreatPriority // org → current list, by rank
	coverage       map[string][]*liaison.Coverage       // org → current set
	audit          []*liaison.AuditEvent

	// The node's STIX objects as the TAXII server serves them (the TAXII
	// part of the fake, below).
	collections map[string]*fakeCollection
	statuses    map[string]*liaison.ImportStatus
	lastAdded   time.Time // the last date_added given out
	// laxRights, when set, makes the object service leave rights to the
	// server: a collection it shows may be read and written whatever
	// CanRead and CanWrite say, and any status is read by anyone. Tests
	// set it to see the server enforce them itself.
	laxRights bool

	// asked is the last question put to the fake's assess.Service, as
	// the service received it.
	asked any
	// noAssess, when set, makes the services As returns lack the methods
	// of assess.Service, as a node that predates it.
	noAssess bool

	// fault, when set, is what every call fails with: a store gone bad.
	fault error
	// panics, when set, makes every call panic.
	panics bool
}

// newFakeNode returns a node run by homeOrg, with no other records.
func newFakeNode(homeOrg string) *fakeNode {
	return &fakeNode{
		marks:    marking.DefaultRegistry(),
		now:      time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		node:     liaison.Node{ID: "node-1", Name: "test node", HomeOrg: homeOrg, PublicKey: []byte{1, 2, 3}, CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		orgs:     map[string]*liaison.Organisation{},
		officers: map[string]*liaison.Officer{},
		tokens:   map[string]string{},
		products: map[string][]*liaison.Product{},
		held:     map[string]map[string]time.Time{},

		priorities: map[string][]*liaison.ThreatPriority{},
		coverage:   map[string][]*liaison.Coverage{},

		collections: map[string]*fakeCollection{},
		statuses:    map[string]*liaison.ImportStatus{},
		lastAdded:   time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
	}
}

// tick advances the fake clock by a second and returns the new time, so
// that records made one after the other have distinct times.
func (n *fakeNode) tick() time.Time {
	n.now = n.now.Add(time.Second)
	return n.now
}

// addOrg stores an organisation without authorisation (test set-up).
func (n *fakeNode) addOrg(o liaison.Organisation) {
	n.mu.Lock()
	defer n.mu.Unlock()
	o.NodeID, o.CreatedAt = n.node.ID, n.tick()
	n.orgs[o.ID] = &o
}

// addOfficer stores an officer with a token without authorisation
// (test set-up), and returns the officer.
func (n *fakeNode) addOfficer(o liaison.Officer, token string) *liaison.Officer {
	n.mu.Lock()
	defer n.mu.Unlock()
	o.Active, o.CreatedAt = true, n.tick()
	n.officers[o.ID] = &o
	n.tokens[token] = o.ID
	return &o
}

// Authenticate implements Backend.
func (n *fakeNode) Authenticate(ctx context.Context, token string) (*liaison.Officer, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.fault != nil {
		return nil, n.fault
	}
	id, ok := n.tokens[token]
	if !ok || !n.officers[id].Active {
		return nil, liaison.Errorf(liaison.EUNAUTHORIZED, "invalid or missing token")
	}
	o := *n.officers[id]
	return &o, nil
}

// As implements Backend.
func (n *fakeNode) As(o *liaison.Officer) liaison.Service {
	if n.noAssess {
		return withoutAssess{&fakeService{n: n, me: o}}
	}
	return &fakeService{n: n, me: o}
}

// fakeService is the fake node as one officer sees it.
type fakeService struct {
	n  *fakeNode
	me *liaison.Officer
}

// begin locks the node for one call and reports the injected fault.
// Callers defer s.n.mu.Unlock() first.
func (s *fakeService) begin() error {
	s.n.mu.Lock()
	if s.n.panics {
		panic("fake: the store exploded at /var/lib/liaison/secret.db")
	}
	return s.n.fault
}

func (s *fakeService) require(what string, roles ...liaison.Role) error {
	if !slices.Contains(roles, s.me.Role) {
		return liaison.Errorf(liaison.EFORBIDDEN, "%s needs another role; %s is %s", what, s.me.ID, s.me.Role)
	}
	return nil
}

func (s *fakeService) record(action, object, target string, allowed bool, reasons []liaison.Reason) {
	n := s.n
	e := &liaison.AuditEvent{Seq: int64(len(n.audit) + 1), At: n.now, Actor: s.me.ID, ActorOrg: s.me.OrgID,
		Action: action, Object: object, Target: target, Allowed: allowed, Reasons: reasons}
	n.audit = append(n.audit, e)
}

func (s *fakeService) Whoami(ctx context.Context) (*liaison.Officer, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	o := *s.me
	return &o, nil
}

func (s *fakeService) Node(ctx context.Context) (*liaison.Node, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, fmt.Errorf("fake: read node: %w", err)
	}
	nd := s.n.node
	return &nd, nil
}

func (s *fakeService) CreateOrganisation(ctx context.Context, o *liaison.Organisation) error {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return err
	}
	if err := s.require("registering an organisation", liaison.RoleAdmin); err != nil {
		return err
	}
	o.Normalise()
	if err := o.Validate(); err != nil {
		return err
	}
	if _, ok := s.n.orgs[o.ID]; ok {
		return liaison.Errorf(liaison.ECONFLICT, "organisation %s exists", o.ID)
	}
	o.NodeID, o.CreatedAt = s.n.node.ID, s.n.tick()
	c := *o
	s.n.orgs[o.ID] = &c
	s.record("organisation.create", o.ID, "", true, nil)
	return nil
}

func (s *fakeService) Organisations(ctx context.Context) ([]*liaison.Organisation, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	var out []*liaison.Organisation
	for _, o := range s.n.orgs {
		c := *o
		out = append(out, &c)
	}
	slices.SortFunc(out, func(a, b *liaison.Organisation) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func (s *fakeService) Organisation(ctx context.Context, id string) (*liaison.Organisation, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	o, ok := s.n.orgs[id]
	if !ok {
		return nil, liaison.Errorf(liaison.ENOTFOUND, "organisation %s not found", id)
	}
	c := *o
	return &c, nil
}

func (s *fakeService) CreateOfficer(ctx context.Context, o *liaison.Officer) (string, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return "", err
	}
	if err := s.require("registering an officer", liaison.RoleAdmin); err != nil {
		return "", err
	}
	if err := o.Normalise(); err != nil {
		return "", err
	}
	if err := o.Validate(); err != nil {
		return "", err
	}
	if _, ok := s.n.orgs[o.OrgID]; !ok {
		return "", liaison.Errorf(liaison.EINVALID, "officer %s: organisation %s is not registered", o.ID, o.OrgID)
	}
	if _, ok := s.n.officers[o.ID]; ok {
		return "", liaison.Errorf(liaison.ECONFLICT, "officer %s exists", o.ID)
	}
	o.Active, o.CreatedAt = true, s.n.tick()
	c := *o
	s.n.officers[o.ID] = &c
	token := "tok-" + liaison.NewID()
	s.n.tokens[token] = o.ID
	s.record("officer.create", o.ID, "", true, nil)
	return token, nil
}

func (s *fakeService) Officers(ctx context.Context, orgID string) ([]*liaison.Officer, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	var out []*liaison.Officer
	for _, o := range s.n.officers {
		if orgID == "" || o.OrgID == orgID {
			c := *o
			out = append(out, &c)
		}
	}
	slices.SortFunc(out, func(a, b *liaison.Officer) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func (s *fakeService) IssueToken(ctx context.Context, officerID string) (string, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return "", err
	}
	if err := s.require("issuing a token", liaison.RoleAdmin); err != nil {
		return "", err
	}
	if _, ok := s.n.officers[officerID]; !ok {
		return "", liaison.Errorf(liaison.ENOTFOUND, "officer %s not found", officerID)
	}
	token := "tok-" + liaison.NewID()
	s.n.tokens[token] = officerID
	s.record("token.create", officerID, "", true, nil)
	return token, nil
}

func (s *fakeService) CreateAgreement(ctx context.Context, a *liaison.Agreement) error {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return err
	}
	if err := s.require("recording an agreement", liaison.RoleAdmin); err != nil {
		return err
	}
	if err := a.Normalise(); err != nil {
		return err
	}
	if err := a.Validate(); err != nil {
		return err
	}
	a.ID, a.CreatedAt = liaison.NewID(), s.n.tick()
	c := *a
	s.n.agreements = append(s.n.agreements, &c)
	s.record("agreement.create", a.ID, "", true, nil)
	return nil
}

func (s *fakeService) Agreements(ctx context.Context) ([]*liaison.Agreement, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	var out []*liaison.Agreement
	for _, a := range s.n.agreements {
		if a.HasParty(s.me.OrgID) {
			c := *a
			out = append(out, &c)
		}
	}
	return out, nil
}

func (s *fakeService) Agreement(ctx context.Context, id string) (*liaison.Agreement, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	a, err := s.agreement(id)
	if err != nil {
		return nil, err
	}
	c := *a
	return &c, nil
}

func (s *fakeService) agreement(id string) (*liaison.Agreement, error) {
	for _, a := range s.n.agreements {
		if a.ID == id && a.HasParty(s.me.OrgID) {
			return a, nil
		}
	}
	return nil, liaison.Errorf(liaison.ENOTFOUND, "agreement %s not found", id)
}

func (s *fakeService) SetAgreementStatus(ctx context.Context, id string, st liaison.AgreementStatus) (*liaison.Agreement, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	if err := s.require("changing an agreement", liaison.RoleAdmin); err != nil {
		return nil, err
	}
	a, err := s.agreement(id)
	if err != nil {
		return nil, err
	}
	if !st.Valid() {
		return nil, liaison.Errorf(liaison.EINVALID, "agreement status %q is not one of draft, active, suspended, terminated", st)
	}
	a.Status = st
	s.record("agreement.status", id, "", true, nil)
	c := *a
	return &c, nil
}

func (s *fakeService) CreateProduct(ctx context.Context, d liaison.ProductDraft) (*liaison.Product, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	if err := s.require("writing a product", liaison.RoleAdmin, liaison.RoleLiaison, liaison.RoleAnalyst); err != nil {
		return nil, err
	}
	m, err := s.n.marks.Parse(d.Marking)
	if err != nil {
		return nil, &liaison.Error{Code: liaison.EMARKING, Message: fmt.Sprintf("product marking: %v", err), Err: err}
	}
	p := &liaison.Product{ID: d.ID, Title: d.Title, Body: d.Body, Topics: d.Topics, Marking: m,
		OriginatorOrg: s.me.OrgID, OriginatorOfficer: s.me.ID, Reliability: d.Reliability, Credibility: d.Credibility,
		Origins: []string{s.me.OrgID}, OriginNode: s.n.node.ID, Version: 1}
	if err := p.Normalise(); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if p.ID == "" {
		p.ID = liaison.NewID()
	} else if vs, ok := s.n.products[p.ID]; !ok || vs[0].OriginatorOrg != s.me.OrgID {
		return nil, liaison.Errorf(liaison.ENOTFOUND, "product %s not found", p.ID)
	} else {
		p.Version = len(vs) + 1
	}
	p.CreatedAt = s.n.tick()
	p.Banner = p.Marking.String()
	s.n.products[p.ID] = append(s.n.products[p.ID], p)
	s.hold(s.me.OrgID, p.ID)
	s.record("product.create", p.ID, "", true, nil)
	c := *p
	return &c, nil
}

func (s *fakeService) hold(org, productID string) {
	if s.n.held[org] == nil {
		s.n.held[org] = map[string]time.Time{}
	}
	s.n.held[org][productID] = s.n.now
}

// visible returns a version of a product the caller's organisation holds.
func (s *fakeService) visible(id string, version int) (*liaison.Product, error) {
	vs := s.n.products[id]
	if _, ok := s.n.held[s.me.OrgID][id]; !ok || len(vs) == 0 || s.me.Role == liaison.RoleAuditor {
		return nil, liaison.Errorf(liaison.ENOTFOUND, "product %s not found", id)
	}
	if version == 0 {
		version = len(vs)
	}
	if version < 1 || version > len(vs) {
		return nil, liaison.Errorf(liaison.ENOTFOUND, "product %s version %d not found", id, version)
	}
	return vs[version-1], nil
}

func (s *fakeService) Products(ctx context.Context, q liaison.ProductQuery) ([]*liaison.Product, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	type holding struct {
		p  *liaison.Product
		at time.Time
	}
	var hs []holding
	for id, at := range s.n.held[s.me.OrgID] {
		if q.Before.IsZero() || at.Before(q.Before) {
			vs := s.n.products[id]
			hs = append(hs, holding{vs[len(vs)-1], at})
		}
	}
	slices.SortFunc(hs, func(a, b holding) int { return b.at.Compare(a.at) })
	if q.Limit > 0 && len(hs) > q.Limit {
		hs = hs[:q.Limit]
	}
	out := make([]*liaison.Product, len(hs))
	for i, h := range hs {
		c := *h.p
		c.HeldAt = h.at
		out[i] = &c
	}
	return out, nil
}

func (s *fakeService) Product(ctx context.Context, id string, version int) (*liaison.Product, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	p, err := s.visible(id, version)
	if err != nil {
		return nil, err
	}
	c := *p
	return &c, nil
}

func (s *fakeService) Decide(ctx context.Context, q liaison.DecisionQuery) (liaison.Decision, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return liaison.Decision{}, err
	}
	return s.decide(q)
}

// decide is the fake's policy: deny by default, every reason given.
func (s *fakeService) decide(q liaison.DecisionQuery) (liaison.Decision, error) {
	if !q.Action.Valid() {
		return liaison.Decision{}, liaison.Errorf(liaison.EINVALID, "unknown action %q", q.Action)
	}
	p, err := s.visible(q.ProductID, q.Version)
	if err != nil {
		return liaison.Decision{}, err
	}
	var deny, allow []liaison.Reason
	denyf := func(code, format string, args ...any) {
		deny = append(deny, liaison.Reason{Code: code, Message: fmt.Sprintf(format, args...)})
	}
	allow = append(allow, liaison.Reason{Code: "held_ok", Message: s.me.OrgID + " holds the product"})
	originator := p.OriginatorOrg == s.me.OrgID
	switch q.Action {
	case liaison.ActionDisseminate, liaison.ActionForward:
		if q.Action == liaison.ActionDisseminate && !originator {
			denyf("originator_control", "only the originator %s disseminates; forward instead", p.OriginatorOrg)
		}
		if q.Action == liaison.ActionForward && !originator && p.Marking.OriginatorControl {
			denyf("originator_control", "%s has not consented to %s receiving it", p.OriginatorOrg, q.To)
		}
		if q.To == "" {
			denyf("no_target", "no recipient named")
			break
		}
		if _, ok := s.n.orgs[q.To]; !ok {
			return liaison.Decision{}, liaison.Errorf(liaison.ENOTFOUND, "organisation %s not found", q.To)
		}
		var in *liaison.Agreement
		for _, a := range s.n.agreements {
			if a.HasParty(s.me.OrgID) && a.HasParty(q.To) && a.InForce(s.n.now) && (q.AgreementID == "" || q.AgreementID == a.ID) {
				in = a
			}
		}
		if in == nil {
			denyf("no_agreement", "no agreement in force between %s and %s", s.me.OrgID, q.To)
		} else {
			allow = append(allow, liaison.Reason{Code: "agreement_ok", Message: "agreement " + in.ID + " is in force"})
		}
	case liaison.ActionDowngrade:
		if !originator {
			denyf("originator_control", "only the originator %s may downgrade", p.OriginatorOrg)
		}
	case liaison.ActionUseAsEvidence:
		if p.Marking.LeadOnly {
			denyf("lead_only", "the product is lead only")
		}
	}
	if len(deny) > 0 {
		return liaison.Decision{Allowed: false, Reasons: deny}, nil
	}
	return liaison.Decision{Allowed: true, Reasons: allow}, nil
}

func (s *fakeService) Disseminate(ctx context.Context, o liaison.DisseminationOrder) (*liaison.Dissemination, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	if err := s.require("disseminating", liaison.RoleAdmin, liaison.RoleLiaison); err != nil {
		return nil, err
	}
	if o.To == "" {
		return nil, liaison.Errorf(liaison.EINVALID, "dissemination: a recipient (to) is required")
	}
	p, err := s.visible(o.ProductID, o.Version)
	if err != nil {
		return nil, err
	}
	action := liaison.ActionForward
	if p.OriginatorOrg == s.me.OrgID {
		action = liaison.ActionDisseminate
	}
	dec, err := s.decide(liaison.DecisionQuery{ProductID: p.ID, Version: p.Version, Action: action, To: o.To, AgreementID: o.AgreementID})
	if err != nil {
		return nil, err
	}
	if !dec.Allowed {
		s.record("dissemination.refused", p.ID, o.To, false, dec.Reasons)
		return nil, &liaison.Error{Code: liaison.EDENIED, Message: fmt.Sprintf("%s of %s to %s refused", action, p.ID, o.To), Reasons: dec.Reasons}
	}
	d := &liaison.Dissemination{ID: liaison.NewID(), ProductID: p.ID, ProductVersion: p.Version, FromOrg: s.me.OrgID,
		ToOrg: o.To, AgreementID: o.AgreementID, OfficerID: s.me.ID, Action: action, Decision: dec, CreatedAt: s.n.tick()}
	s.n.disseminations = append(s.n.disseminations, d)
	s.hold(o.To, p.ID)
	s.record("dissemination.create", p.ID, o.To, true, dec.Reasons)
	c := *d
	return &c, nil
}

func (s *fakeService) Disseminations(ctx context.Context, f liaison.ListFilter) ([]*liaison.Dissemination, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	return filtered(s.n.disseminations, f, func(d *liaison.Dissemination) (orgs []string, product string) {
		return []string{d.FromOrg, d.ToOrg}, d.ProductID
	}), nil
}

func (s *fakeService) RequestRelease(ctx context.Context, d liaison.ReleaseDraft) ([]*liaison.ReleaseRequest, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	p, err := s.visible(d.ProductID, 0)
	if err != nil {
		return nil, err
	}
	var out []*liaison.ReleaseRequest
	for _, origin := range p.Origins {
		if origin == s.me.OrgID {
			continue
		}
		r := &liaison.ReleaseRequest{ID: liaison.NewID(), ProductID: p.ID, ProductVersion: p.Version, RequesterOrg: s.me.OrgID,
			RequesterOfficer: s.me.ID, OriginatorOrg: origin, ToOrg: d.To, Justification: d.Justification,
			Status: liaison.ReleasePending, CreatedAt: s.n.tick()}
		if err := r.Validate(); err != nil {
			return nil, err
		}
		s.n.releases = append(s.n.releases, r)
		c := *r
		out = append(out, &c)
	}
	if len(out) == 0 {
		return nil, liaison.Errorf(liaison.ECONFLICT, "no originator's consent is missing")
	}
	return out, nil
}

func (s *fakeService) DecideRelease(ctx context.Context, id string, d liaison.ReleaseDecision) (*liaison.ReleaseRequest, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	for _, r := range s.n.releases {
		if r.ID != id || (r.OriginatorOrg != s.me.OrgID && r.RequesterOrg != s.me.OrgID) {
			continue
		}
		if r.OriginatorOrg != s.me.OrgID {
			return nil, liaison.Errorf(liaison.EFORBIDDEN, "only the originator %s decides", r.OriginatorOrg)
		}
		if r.Status != liaison.ReleasePending {
			return nil, liaison.Errorf(liaison.ECONFLICT, "release request %s is %s", id, r.Status)
		}
		at := s.n.tick()
		r.Status, r.Conditions, r.DecidedBy, r.DecidedAt, r.ExpiresAt = liaison.ReleaseDenied, d.Conditions, s.me.ID, &at, d.ExpiresAt
		if d.Approve {
			r.Status = liaison.ReleaseApproved
		}
		c := *r
		return &c, nil
	}
	return nil, liaison.Errorf(liaison.ENOTFOUND, "release request %s not found", id)
}

func (s *fakeService) ReleaseRequests(ctx context.Context, f liaison.ReleaseFilter) ([]*liaison.ReleaseRequest, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	var out []*liaison.ReleaseRequest
	for _, r := range s.n.releases {
		if (f.OrgID == "" || f.OrgID == r.RequesterOrg || f.OrgID == r.OriginatorOrg) &&
			(f.ProductID == "" || f.ProductID == r.ProductID) && (f.Status == "" || f.Status == r.Status) {
			c := *r
			out = append(out, &c)
		}
	}
	return out, nil
}

func (s *fakeService) CreateRFI(ctx context.Context, r *liaison.RFI) error {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return err
	}
	r.ID, r.FromOrg, r.FromOfficer, r.Status, r.Answers, r.CreatedAt = liaison.NewID(), s.me.OrgID, s.me.ID, liaison.RFIOpen, nil, s.n.tick()
	if err := r.Validate(); err != nil {
		return err
	}
	c := *r
	s.n.rfis = append(s.n.rfis, &c)
	return nil
}

func (s *fakeService) RFIs(ctx context.Context, f liaison.ListFilter) ([]*liaison.RFI, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	return filtered(s.n.rfis, f, func(r *liaison.RFI) ([]string, string) {
		product := ""
		if len(r.Answers) > 0 {
			product = r.Answers[0].ProductID
		}
		return []string{r.FromOrg, r.ToOrg}, product
	}), nil
}

func (s *fakeService) AnswerRFI(ctx context.Context, id, productID string) (*liaison.RFI, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	for _, r := range s.n.rfis {
		if r.ID != id || r.ToOrg != s.me.OrgID {
			continue
		}
		if _, err := s.visible(productID, 0); err != nil {
			return nil, err
		}
		r.Answers = append(r.Answers, liaison.RFIAnswer{ProductID: productID, OfficerID: s.me.ID, At: s.n.tick()})
		r.Status = liaison.RFIAnswered
		c := *r
		return &c, nil
	}
	return nil, liaison.Errorf(liaison.ENOTFOUND, "rfi %s not found", id)
}

func (s *fakeService) CreateFeedback(ctx context.Context, f *liaison.Feedback) error {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return err
	}
	p, err := s.visible(f.ProductID, f.ProductVersion)
	if err != nil {
		return err
	}
	f.ID, f.ProductVersion, f.OrgID, f.OfficerID, f.CreatedAt = liaison.NewID(), p.Version, s.me.OrgID, s.me.ID, s.n.tick()
	if err := f.Validate(); err != nil {
		return err
	}
	c := *f
	s.n.feedback = append(s.n.feedback, &c)
	return nil
}

func (s *fakeService) Feedback(ctx context.Context, f liaison.ListFilter) ([]*liaison.Feedback, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	return filtered(s.n.feedback, f, func(x *liaison.Feedback) ([]string, string) { return []string{x.OrgID}, x.ProductID }), nil
}

func (s *fakeService) CreateInteraction(ctx context.Context, i *liaison.Interaction) error {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return err
	}
	i.ID, i.RecordedBy, i.CreatedAt = liaison.NewID(), s.me.ID, s.n.tick()
	if err := i.Validate(); err != nil {
		return err
	}
	c := *i
	s.n.interactions = append(s.n.interactions, &c)
	return nil
}

func (s *fakeService) Interactions(ctx context.Context, f liaison.ListFilter) ([]*liaison.Interaction, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	return filtered(s.n.interactions, f, func(x *liaison.Interaction) ([]string, string) { return x.Orgs, "" }), nil
}

func (s *fakeService) RecordBreach(ctx context.Context, b *liaison.Breach) error {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return err
	}
	b.ID, b.ReportedBy, b.CreatedAt = liaison.NewID(), s.me.ID, s.n.tick()
	if err := b.Validate(); err != nil {
		return err
	}
	c := *b
	s.n.breaches = append(s.n.breaches, &c)
	return nil
}

func (s *fakeService) Breaches(ctx context.Context, f liaison.ListFilter) ([]*liaison.Breach, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	return filtered(s.n.breaches, f, func(x *liaison.Breach) ([]string, string) { return []string{x.OrgID}, x.ProductID }), nil
}

// threatScope is who reads threat records, as the desk decides it: the
// home organisation's officers any, a partner's its own; auditors none.
func (s *fakeService) threatScope(orgID string) (string, error) {
	if err := s.require("reading threat priorities", liaison.RoleAdmin, liaison.RoleLiaison, liaison.RoleAnalyst); err != nil {
		return "", err
	}
	if orgID != "" && s.n.orgs[orgID] == nil {
		return "", liaison.Errorf(liaison.ENOTFOUND, "organisation %s not found", orgID)
	}
	if s.me.OrgID == s.n.node.HomeOrg {
		return orgID, nil
	}
	if orgID != "" && orgID != s.me.OrgID {
		return "", liaison.Errorf(liaison.EFORBIDDEN, "you may read only the threat priorities and coverage of %s", s.me.OrgID)
	}
	return s.me.OrgID, nil
}

// mayRecordThreat checks that the caller may set orgID's threat records.
func (s *fakeService) mayRecordThreat(orgID string) error {
	if err := s.require("setting threat priorities", liaison.RoleAdmin, liaison.RoleLiaison); err != nil {
		return err
	}
	if s.n.orgs[orgID] == nil {
		return liaison.Errorf(liaison.ENOTFOUND, "organisation %s not found", orgID)
	}
	if s.me.OrgID != orgID && !(s.me.Role == liaison.RoleAdmin && s.me.OrgID == s.n.node.HomeOrg) {
		return liaison.Errorf(liaison.EFORBIDDEN, "only the officers of %s may set its threat priorities", orgID)
	}
	return nil
}

// collectThreat returns the records of org, or of all orgs for "", by org.
func collectThreat[T any](m map[string][]*T, org string) []*T {
	out := []*T{}
	orgs := make([]string, 0, len(m))
	for o := range m {
		if org == "" || o == org {
			orgs = append(orgs, o)
		}
	}
	slices.Sort(orgs)
	for _, o := range orgs {
		out = append(out, m[o]...)
	}
	return out
}

func (s *fakeService) SetThreatPriorities(ctx context.Context, orgID string, in []liaison.ThreatPriority) ([]*liaison.ThreatPriority, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	if err := s.mayRecordThreat(orgID); err != nil {
		return nil, err
	}
	at := s.n.tick()
	byOrder := !slices.ContainsFunc(in, func(p liaison.ThreatPriority) bool { return p.Rank != 0 })
	ps := make([]*liaison.ThreatPriority, len(in))
	for i, p := range in {
		p.OrgID, p.SetBy, p.SetAt = orgID, s.me.ID, at
		if byOrder {
			p.Rank = i + 1
		}
		ps[i] = &p
	}
	if err := liaison.ValidateThreatPriorities(ps); err != nil {
		return nil, err
	}
	s.n.priorities[orgID] = ps
	s.record("priorities.set", orgID, orgID, true, nil)
	return ps, nil
}

func (s *fakeService) ThreatPriorities(ctx context.Context, orgID string) ([]*liaison.ThreatPriority, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	org, err := s.threatScope(orgID)
	if err != nil {
		return nil, err
	}
	return collectThreat(s.n.priorities, org), nil
}

func (s *fakeService) SetCoverage(ctx context.Context, orgID string, in []liaison.Coverage) ([]*liaison.Coverage, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	if err := s.mayRecordThreat(orgID); err != nil {
		return nil, err
	}
	at := s.n.tick()
	cs := make([]*liaison.Coverage, len(in))
	for i, c := range in {
		c.OrgID, c.SetBy, c.SetAt = orgID, s.me.ID, at
		cs[i] = &c
	}
	if err := liaison.ValidateCoverage(cs); err != nil {
		return nil, err
	}
	s.n.coverage[orgID] = cs
	s.record("coverage.set", orgID, orgID, true, nil)
	return cs, nil
}

func (s *fakeService) Coverage(ctx context.Context, orgID string) ([]*liaison.Coverage, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	org, err := s.threatScope(orgID)
	if err != nil {
		return nil, err
	}
	return collectThreat(s.n.coverage, org), nil
}

func (s *fakeService) AuditEvents(ctx context.Context, afterSeq int64, limit int) ([]*liaison.AuditEvent, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	if err := s.require("reading the audit chain", liaison.RoleAdmin, liaison.RoleAuditor); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 100
	}
	var out []*liaison.AuditEvent
	for _, e := range s.n.audit {
		if e.Seq > afterSeq && len(out) < limit {
			c := *e
			out = append(out, &c)
		}
	}
	return out, nil
}

func (s *fakeService) VerifyAudit(ctx context.Context) (liaison.AuditReport, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return liaison.AuditReport{}, fmt.Errorf("fake: verify audit: %w", err)
	}
	if err := s.require("verifying the audit chain", liaison.RoleAdmin, liaison.RoleAuditor); err != nil {
		return liaison.AuditReport{}, err
	}
	n := int64(len(s.n.audit))
	return liaison.AuditReport{Events: n, LastSeq: n, Head: "00"}, nil
}

// filtered returns copies of the records involving f.OrgID and
// f.ProductID, at most f.Limit.
func filtered[T any](records []*T, f liaison.ListFilter, key func(*T) (orgs []string, product string)) []*T {
	var out []*T
	for _, r := range records {
		orgs, product := key(r)
		if (f.OrgID == "" || slices.Contains(orgs, f.OrgID)) && (f.ProductID == "" || f.ProductID == product) {
			c := *r
			out = append(out, &c)
		}
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	return out
}

var (
	_ Backend               = (*fakeNode)(nil)
	_ liaison.Service       = (*fakeService)(nil)
	_ liaison.ObjectService = (*fakeObjects)(nil)
)

// --- The TAXII part: STIX objects in collections. ---

// fakeCollection is a collection with its object versions. Its officers
// are those of Collection.OrgID, whose rights are CanRead and CanWrite.
type fakeCollection struct {
	liaison.Collection
	entries []*fakeEntry            // every version, in date_added order
	byID    map[string][]*fakeEntry // the versions of each object, in date_added order
}

// fakeEntry is one object version in a collection.
type fakeEntry struct {
	obj     liaison.Object
	deleted bool
}

// addCollection creates a collection without authorisation (test set-up).
func (n *fakeNode) addCollection(c liaison.Collection) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.collections[c.ID] = &fakeCollection{Collection: c, byID: map[string][]*fakeEntry{}}
}

// addObject stores one STIX object version in a collection without
// authorisation (test set-up), and returns it with its date_added.
func (n *fakeNode) addObject(collection, raw string) liaison.Object {
	n.mu.Lock()
	defer n.mu.Unlock()
	c := n.collections[collection]
	o, err := parseFakeObject(json.RawMessage(raw))
	if c == nil || err != nil {
		panic(fmt.Sprintf("fake: addObject to %s: %v", collection, err))
	}
	return c.add(n.nextAdded(), o).obj
}

// nextAdded returns a date_added later than any given before: a step of
// 1.001 ms, so that the microseconds of TAXII timestamps are exercised.
func (n *fakeNode) nextAdded() time.Time {
	n.lastAdded = n.lastAdded.Add(1001 * time.Microsecond)
	return n.lastAdded
}

// add appends a version added at t and returns it.
func (c *fakeCollection) add(t time.Time, o liaison.Object) *fakeEntry {
	o.Added = t
	e := &fakeEntry{obj: o}
	c.entries = append(c.entries, e)
	c.byID[o.ID] = append(c.byID[o.ID], e)
	return e
}

// parseFakeObject reads what the fake needs of a STIX object: its id,
// type, spec_version and version (modified, else created, else none).
func parseFakeObject(raw json.RawMessage) (liaison.Object, error) {
	var head struct {
		ID          string `json:"id"`
		Type        string `json:"type"`
		SpecVersion string `json:"spec_version"`
		Created     string `json:"created"`
		Modified    string `json:"modified"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return liaison.Object{}, fmt.Errorf("not a JSON object: %w", err)
	}
	if head.ID == "" || head.Type == "" || head.SpecVersion == "" {
		return liaison.Object{}, errors.New("id, type and spec_version are required")
	}
	if !strings.HasPrefix(head.ID, head.Type+"--") {
		return liaison.Object{}, fmt.Errorf("id %s is not of type %s", head.ID, head.Type)
	}
	o := liaison.Object{ID: head.ID, Type: head.Type, SpecVersion: head.SpecVersion, Raw: slices.Clone(raw)}
	for _, s := range []string{head.Modified, head.Created} {
		if s == "" {
			continue
		}
		t, err := taxii.ParseTimestamp(s)
		if err != nil {
			return liaison.Object{}, err
		}
		o.Version = t
		break
	}
	return o, nil
}

// Objects implements Backend: the officer's view of the node's objects.
func (n *fakeNode) Objects(o *liaison.Officer) liaison.ObjectService {
	return &fakeObjects{n: n, me: o}
}

// fakeObjects is the fake node's objects as one officer sees them: the
// collections of the officer's organisation, with the rights each gives.
type fakeObjects struct {
	n  *fakeNode
	me *liaison.Officer
}

// begin locks the node for one call and reports the injected fault.
// Callers defer s.n.mu.Unlock() first.
func (s *fakeObjects) begin() error {
	s.n.mu.Lock()
	if s.n.panics {
		panic("fake: the object store exploded at /var/lib/liaison/secret.db")
	}
	return s.n.fault
}

// visible returns the collection id if the officer may see it.
func (s *fakeObjects) visible(id string) (*fakeCollection, error) {
	c, ok := s.n.collections[id]
	if !ok || c.OrgID != s.me.OrgID || (!c.CanRead && !c.CanWrite) {
		return nil, liaison.Errorf(liaison.ENOTFOUND, "collection %s not found", id)
	}
	return c, nil
}

func (s *fakeObjects) Collections(ctx context.Context) ([]*liaison.Collection, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	var out []*liaison.Collection
	for id := range s.n.collections {
		if c, err := s.visible(id); err == nil {
			cc := c.Collection
			out = append(out, &cc)
		}
	}
	slices.SortFunc(out, func(a, b *liaison.Collection) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func (s *fakeObjects) Collection(ctx context.Context, id string) (*liaison.Collection, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	c, err := s.visible(id)
	if err != nil {
		return nil, err
	}
	cc := c.Collection
	return &cc, nil
}

// fakeCursor is the fake's next: the date_added of the last version of a
// page, in microseconds, behind a prefix that makes it opaque enough.
func fakeCursor(t time.Time) string { return "after-" + strconv.FormatInt(t.UnixMicro(), 36) }

func parseFakeCursor(s string) (time.Time, error) {
	rest, ok := strings.CutPrefix(s, "after-")
	us, err := strconv.ParseInt(rest, 36, 64)
	if !ok || err != nil {
		return time.Time{}, liaison.Errorf(liaison.EINVALID, "next %q is not a cursor of this server", s)
	}
	return time.UnixMicro(us).UTC(), nil
}

// Objects keeps TAXII's semantics: versions in date_added order; the
// spec versions and versions of each object chosen among all its
// versions in the collection (so that "first" is the first ever, not the
// first after added_after); then added_after and the cursor.
func (s *fakeObjects) Objects(ctx context.Context, q liaison.ObjectQuery) (*liaison.ObjectPage, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	c, err := s.visible(q.Collection)
	if err != nil {
		return nil, err
	}
	if !c.CanRead && !s.n.laxRights {
		return nil, liaison.Errorf(liaison.EFORBIDDEN, "collection %s is not readable", c.ID)
	}
	after := q.AddedAfter
	if q.Next != "" {
		t, err := parseFakeCursor(q.Next)
		if err != nil {
			return nil, err
		}
		if t.After(after) {
			after = t
		}
	}
	limit := q.Limit
	if limit <= 0 || limit > liaison.MaxObjectPage {
		limit = liaison.MaxObjectPage
	}
	start, _ := slices.BinarySearchFunc(c.entries, after, func(e *fakeEntry, t time.Time) int {
		if e.obj.Added.After(t) {
			return 1
		}
		return -1
	})
	// The copies handed out share one array, allocated once, so that the
	// benchmark of the server sees little of the fake.
	n := min(limit, len(c.entries)-start)
	copies := make([]liaison.Object, 0, n)
	page := &liaison.ObjectPage{Objects: make([]*liaison.Object, 0, n)}
	for _, e := range c.entries[start:] {
		if e.deleted || (len(q.IDs) > 0 && !slices.Contains(q.IDs, e.obj.ID)) ||
			(len(q.Types) > 0 && !slices.Contains(q.Types, e.obj.Type)) ||
			!c.isSelected(e, q.Versions, q.SpecVersions) {
			continue
		}
		if len(page.Objects) == limit {
			page.More, page.Next = true, fakeCursor(page.Objects[len(page.Objects)-1].Added)
			break
		}
		copies = append(copies, e.obj)
		o := &copies[len(copies)-1]
		if q.WithoutRaw {
			o.Raw = nil
		}
		page.Objects = append(page.Objects, o)
	}
	return page, nil
}

// isSelected reports whether the live version e is one of those m and
// specVersions select; without allocating when the object has one version.
func (c *fakeCollection) isSelected(e *fakeEntry, m liaison.VersionMatch, specVersions []string) bool {
	if versions := c.byID[e.obj.ID]; len(versions) > 1 {
		return slices.Contains(c.selected(e.obj.ID, m, specVersions), e)
	}
	if len(specVersions) > 0 && !slices.Contains(specVersions, e.obj.SpecVersion) {
		return false
	}
	if m.All || m.First || m.Last || m.IsZero() {
		return true
	}
	v := e.obj.Version
	if v.IsZero() {
		v = e.obj.Added
	}
	return slices.ContainsFunc(m.At, func(t time.Time) bool { return t.Equal(v) })
}

// selected returns the versions of object id that m and specVersions
// select among those not deleted.
func (c *fakeCollection) selected(id string, m liaison.VersionMatch, specVersions []string) []*fakeEntry {
	var live []*fakeEntry
	latest := ""
	for _, e := range c.byID[id] {
		if !e.deleted {
			live = append(live, e)
			latest = max(latest, e.obj.SpecVersion)
		}
	}
	live = slices.DeleteFunc(live, func(e *fakeEntry) bool {
		if len(specVersions) == 0 {
			return e.obj.SpecVersion != latest
		}
		return !slices.Contains(specVersions, e.obj.SpecVersion)
	})
	if len(live) == 0 || m.All {
		return live
	}
	if m.IsZero() {
		m.Last = true
	}
	byVersion := slices.Clone(live)
	slices.SortStableFunc(byVersion, func(a, b *fakeEntry) int { return a.obj.Version.Compare(b.obj.Version) })
	first, last := byVersion[0], byVersion[len(byVersion)-1]
	return slices.DeleteFunc(live, func(e *fakeEntry) bool {
		v := e.obj.Version
		if v.IsZero() {
			v = e.obj.Added // the server's version of an unversioned object
		}
		return !(m.First && e == first || m.Last && e == last ||
			slices.ContainsFunc(m.At, func(t time.Time) bool { return t.Equal(v) }))
	})
}

func (s *fakeObjects) AddObjects(ctx context.Context, collectionID string, objects []json.RawMessage) (*liaison.ImportStatus, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	c, err := s.visible(collectionID)
	if err != nil {
		return nil, err
	}
	if !c.CanWrite && !s.n.laxRights {
		return nil, liaison.Errorf(liaison.EFORBIDDEN, "collection %s is not writable", c.ID)
	}
	st := &liaison.ImportStatus{ID: liaison.NewID(), Status: liaison.StatusComplete, RequestTimestamp: s.n.tick(),
		TotalCount: len(objects), OrgID: s.me.OrgID}
	for _, raw := range objects {
		o, err := parseFakeObject(raw)
		if err != nil {
			st.FailureCount++
			st.Failures = append(st.Failures, liaison.ObjectResult{ID: o.ID, Message: err.Error()})
			continue
		}
		version := ""
		if !o.Version.IsZero() {
			version = taxii.FormatTimestamp(o.Version)
		}
		st.SuccessCount++
		st.Successes = append(st.Successes, liaison.ObjectResult{ID: o.ID, Version: version})
		if slices.ContainsFunc(c.byID[o.ID], func(e *fakeEntry) bool { return !e.deleted && e.obj.Version.Equal(o.Version) }) {
			continue // the same version again: TAXII says it is no error
		}
		o.Origin = s.me.OrgID
		c.add(s.n.nextAdded(), o)
	}
	kept := *st
	s.n.statuses[st.ID] = &kept
	return st, nil
}

func (s *fakeObjects) DeleteObject(ctx context.Context, collectionID, id string, versions liaison.VersionMatch, specVersions []string) error {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return err
	}
	c, err := s.visible(collectionID)
	if err != nil {
		return err
	}
	if (!c.CanRead || !c.CanWrite) && !s.n.laxRights {
		return liaison.Errorf(liaison.EFORBIDDEN, "collection %s is not readable and writable", c.ID)
	}
	sel := c.selected(id, versions, specVersions)
	if len(sel) == 0 {
		return liaison.Errorf(liaison.ENOTFOUND, "object %s not found", id)
	}
	for _, e := range sel {
		e.deleted = true
	}
	return nil
}

func (s *fakeObjects) Status(ctx context.Context, id string) (*liaison.ImportStatus, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	st, ok := s.n.statuses[id]
	if !ok || (st.OrgID != s.me.OrgID && !s.n.laxRights) {
		return nil, liaison.Errorf(liaison.ENOTFOUND, "status %s not found", id)
	}
	c := *st
	return &c, nil
}
