// Package demo generates a deterministic, realistic liaison scenario on a
// fresh node: the Dutch AIVD's node, with eight more national services of
// EU member states, EU INTCEN as the EU hub and Norway's PST as a non-EU
// partner, their officers and agreements, and two years (2024-11-01 to
// 2026-11-01) of products, disseminations, forwards under approved release
// requests, feedback, interactions, requests for information and one
// caveat breach, ending with the liaison loop told step by step.
//
// Every record is made through the desk as the officer who performs the
// act, so the policy authorises it and the audit chain records it like a
// real one; a simulated clock sets the time of each act. Everything random
// comes from a generator seeded with Options.Seed: the same seed yields the
// same scenario (titles, markings, who sent what to whom and when), only
// the ids and tokens differ.
//
// The data carries the patterns the trust, reciprocity and typology
// engines look for: a relational multilateral relationship around EU
// INTCEN, a transactional bilateral one with the non-EU partner, a
// bilateral one with Belgium's VSSE that turns from transactional to
// relational in its second year, and a partner (Italy's AISI) whose
// standing falls after the recorded breach. Every organisation records
// ranked threat priorities and its coverage early on (home revises its
// priorities in January 2026): Spain's CNI ranks organised crime and the
// Sahel first and diverges from home, and Poland's ABW ranks hybrid
// threats and Russia at the top, as home does, yet has exchanged little
// with it on them since their cyber pilot expired.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/desk"
	"github.com/liaison-dev/liaison/marking"
)

// The scenario's timeline.
var (
	// timelineStart is when the node is set up and the timeline begins.
	timelineStart = time.Date(2024, 11, 1, 8, 0, 0, 0, time.UTC)
	// timelineEnd is when the timeline ends; the liaison loop runs in its
	// last week.
	timelineEnd = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	// loopStart is when the liaison loop begins; the rest of the
	// timeline happens before it.
	loopStart = time.Date(2026, 10, 26, 0, 0, 0, 0, time.UTC)
	// streamsEnd is when routine traffic stops being planned.
	streamsEnd = time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)
)

// Options configures Build.
type Options struct {
	// Seed makes the scenario: the same seed, the same scenario.
	Seed int64
	// AdminToken, when set, is the home administrator's token (e.g. from
	// LIAISON_ADMIN_TOKEN); at least 16 characters. Otherwise one is
	// generated and returned in Scenario.AdminToken.
	AdminToken string
	// Marks is the marking registry; nil means marking.DefaultRegistry().
	Marks *marking.Registry
}

// Step is one step of the liaison loop, for printing.
type Step struct {
	Title  string
	Detail string
	// At is when the step happened on the simulated clock.
	At time.Time
	// Reasons are the policy's reasons, where the step was decided by it.
	Reasons []liaison.Reason
}

// Scenario describes what Build generated: who and what the node holds,
// how much of each, and the handles a tour or a test needs to act as the
// notable officers.
type Scenario struct {
	NodeName, HomeOrg, AdminID, AdminToken string
	// Start and End bound the simulated timeline.
	Start, End time.Time

	// Counts of what was recorded. Products counts distinct products
	// (tear-lines included), Versions every version; Disseminations are
	// the successful ones, Forwards those of them passed on by a
	// recipient, Refusals the attempts the policy refused.
	Organisations, Officers, Agreements                    int
	Products, Versions, Disseminations, Forwards, Refusals int
	Feedback, Interactions, RFIs, RFIsAnswered, Reads      int
	ReleaseRequests, ReleasesApproved, ReleasesDenied      int
	Breaches, Decisions                                    int
	AuditEvents                                            int64

	// PendingReleaseID is the one release request still pending at the
	// end; BreachID the one recorded caveat breach, by BreachOrg.
	PendingReleaseID, BreachID, BreachOrg string

	// Hub is the EU hub; NonEUPartner the transactional non-EU partner;
	// EvolvingPartner the partner whose relationship with home turns
	// relational in the second year.
	Hub, NonEUPartner, EvolvingPartner string

	// The notable officers and their tokens: the home liaison officer who
	// originates the loop's product, the partner's officer who receives it
	// and tries to forward it, the third party's officer who finally reads
	// it, and the home auditor.
	OriginatorOfficerID, OriginatorToken string
	PartnerOfficerID, PartnerToken       string
	ThirdPartyOfficerID, ThirdPartyToken string
	AuditorID, AuditorToken              string
	// Tokens holds every officer's token by officer id.
	Tokens map[string]string

	// WithheldProductID is a home product (NOFORN) never disseminated.
	WithheldProductID string

	// PrioritySets and CoverageSets count the threat priorities and
	// coverage recorded: every organisation's, and home's revision.
	// DivergentPartner's threat priorities diverge from home's;
	// OpportunityPartner ranks OpportunityTopics in its top three, as
	// home does, yet exchanges little with home on them.
	PrioritySets, CoverageSets int
	DivergentPartner           string
	OpportunityPartner         string
	OpportunityTopics          []string

	// The liaison loop: its product, the partner B and third party C, the
	// reasons the first forward was refused, the approved release request
	// and the forward that followed it.
	LoopProductID, LoopPartner, LoopThirdParty string
	LoopRefusal                                []liaison.Reason
	LoopReleaseID, LoopForwardID               string
	Loop                                       []Step
}

// Build generates the scenario on store, which must be empty, and returns
// what it made. It acts only through a desk on store; the same
// opts.Seed gives the same scenario.
func Build(ctx context.Context, store liaison.Store, opts Options) (*Scenario, error) {
	if store == nil {
		return nil, errors.New("demo: a store is required")
	}
	marks := opts.Marks
	if marks == nil {
		marks = marking.DefaultRegistry()
	}
	clock := &simClock{}
	clock.set(timelineStart)
	seed := uint64(opts.Seed)
	s := &sim{
		ctx:      ctx,
		desk:     desk.New(desk.Config{Store: store, Marks: marks, Clock: clock}),
		clock:    clock,
		marks:    marks,
		rng:      rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		orgs:     map[string]*orgSpec{},
		officers: map[string]*liaison.Officer{},
		ranks:    map[string]int{},
		svcs:     map[string]liaison.Service{},
		ags:      map[string]*agreementSpec{},
		sc: &Scenario{NodeName: nodeName, HomeOrg: home, AdminID: adminID, Start: timelineStart, End: timelineEnd,
			Hub: hub, NonEUPartner: nonEU, EvolvingPartner: evolving, BreachOrg: breacher,
			OriginatorOfficerID: homeLO, PartnerOfficerID: partnerLO, ThirdPartyOfficerID: thirdLO, AuditorID: auditorID,
			LoopPartner: loopB, LoopThirdParty: loopC, Tokens: map[string]string{},
			DivergentPartner: divergentPartner, OpportunityPartner: opportunityPartner,
			OpportunityTopics: append([]string(nil), opportunityTopics...)},
	}
	for _, o := range world {
		s.orgs[o.id] = o
	}
	if err := s.setup(opts.AdminToken); err != nil {
		return nil, err
	}
	s.plan()
	if s.planErr != nil {
		return nil, s.planErr
	}
	if err := s.run(); err != nil {
		if len(s.unplanned) > 0 {
			return nil, fmt.Errorf("%w (and the policy disagreed with the plan: %s)", err, strings.Join(s.unplanned, "; "))
		}
		return nil, err
	}
	if len(s.unplanned) > 0 {
		return nil, fmt.Errorf("demo: the policy disagreed with the plan %d times: %s", len(s.unplanned), strings.Join(s.unplanned, "; "))
	}
	if err := s.loop(); err != nil {
		return nil, err
	}
	if err := s.finish(); err != nil {
		return nil, err
	}
	return s.sc, nil
}

// setup initialises the node and registers the organisations, officers
// and agreements, as the home administrator.
func (s *sim) setup(adminToken string) error {
	ctx, t := s.ctx, timelineStart
	tick := func() { t = t.Add(90 * time.Second); s.clock.set(t) }
	homeSpec := s.orgs[home]
	tok, err := s.desk.Init(ctx, desk.InitParams{
		NodeName: nodeName,
		Org: liaison.Organisation{ID: home, Name: homeSpec.name, Kind: homeSpec.kind, Country: homeSpec.country,
			Memberships: append([]string(nil), homeSpec.memberships...)},
		Admin: liaison.Officer{ID: adminID, Name: "Marloes Verhoeven", Clearance: s.mustClass(clearTopSG),
			NeedToKnow: []string{liaison.AllTopics}},
		AdminToken: adminToken,
	})
	if err != nil {
		return fmt.Errorf("demo: init: %w", err)
	}
	s.sc.AdminToken, s.sc.Tokens[adminID] = tok, tok
	admin, err := s.desk.Officer(ctx, adminID)
	if err != nil {
		return fmt.Errorf("demo: init: %w", err)
	}
	s.officers[adminID], s.ranks[adminID] = admin, 4
	s.sc.Organisations, s.sc.Officers = 1, 1
	adm := s.as(adminID)
	for _, o := range world {
		if o.id == home {
			continue
		}
		tick()
		org := &liaison.Organisation{ID: o.id, Name: o.name, Kind: o.kind, Country: o.country, Memberships: append([]string(nil), o.memberships...)}
		if err := adm.CreateOrganisation(ctx, org); err != nil {
			return fmt.Errorf("demo: register %s: %w", o.id, err)
		}
		s.sc.Organisations++
	}
	for _, o := range world {
		for _, os := range o.officers {
			tick()
			c := s.mustClass(os.clearance)
			off := &liaison.Officer{ID: os.id, OrgID: o.id, Name: os.name, Role: os.role, Clearance: c, NeedToKnow: append([]string(nil), os.ntk...)}
			tok, err := adm.CreateOfficer(ctx, off)
			if err != nil {
				return fmt.Errorf("demo: register officer %s: %w", os.id, err)
			}
			s.officers[os.id], s.sc.Tokens[os.id] = off, tok
			s.ranks[os.id], _ = s.marks.Rank(c)
			s.sc.Officers++
		}
	}
	for _, a := range agreements() {
		tick()
		c := s.mustClass(a.ceiling)
		a.rank, _ = s.marks.Rank(c)
		ag := &liaison.Agreement{Title: a.title, Parties: append([]string(nil), a.parties...), Topics: append([]string(nil), a.topics...),
			Ceiling: c, DefaultCaveats: a.caveats, Duties: a.duties, ValidFrom: a.from, ValidTo: a.to, Status: a.status}
		if err := adm.CreateAgreement(ctx, ag); err != nil {
			return fmt.Errorf("demo: register agreement %q: %w", a.title, err)
		}
		a.id = ag.ID
		s.ags[a.key] = a
		s.sc.Agreements++
		if !a.suspendAt.IsZero() {
			s.at(a.suspendAt, "suspend "+a.title, func() error {
				if _, err := adm.SetAgreementStatus(ctx, a.id, liaison.AgreementSuspended); err != nil {
					return fmt.Errorf("suspend %q: %w", a.title, err)
				}
				return nil
			})
		}
	}
	s.sc.OriginatorToken = s.sc.Tokens[homeLO]
	s.sc.PartnerToken = s.sc.Tokens[partnerLO]
	s.sc.ThirdPartyToken = s.sc.Tokens[thirdLO]
	s.sc.AuditorToken = s.sc.Tokens[auditorID]
	return s.planErr
}

// mustClass parses a classification of the scenario's own data; a failure
// is recorded as a plan error.
func (s *sim) mustClass(c string) marking.Classification {
	out, err := s.marks.ParseClassification(c)
	if err != nil {
		s.fail("classification %q: %w", c, err)
	}
	return out
}

// finish checks the end state through the desk: one pending release
// request, one breach, an intact audit chain.
func (s *sim) finish() error {
	ctx := s.ctx
	s.clock.set(timelineEnd.Add(-time.Hour))
	adm := s.as(adminID)
	pending := map[string]bool{}
	for _, o := range world {
		rs, err := s.as(s.mainLiaison(o.id)).ReleaseRequests(ctx, liaison.ReleaseFilter{Status: liaison.ReleasePending})
		if err != nil {
			return fmt.Errorf("demo: release requests of %s: %w", o.id, err)
		}
		for _, r := range rs {
			pending[r.ID] = true
		}
	}
	if len(pending) != 1 || !pending[s.sc.PendingReleaseID] {
		return fmt.Errorf("demo: %d release requests pending, want exactly the loop's one", len(pending))
	}
	breaches, err := adm.Breaches(ctx, liaison.ListFilter{})
	if err != nil {
		return fmt.Errorf("demo: breaches: %w", err)
	}
	if len(breaches) != 1 {
		return fmt.Errorf("demo: %d breaches recorded, want 1", len(breaches))
	}
	rep, err := s.desk.VerifyAudit(ctx)
	if err != nil {
		return fmt.Errorf("demo: verify audit: %w", err)
	}
	if !rep.OK() {
		return fmt.Errorf("demo: audit chain broken at event %d: %s", rep.Broken.Seq, rep.Broken.Reason)
	}
	s.sc.AuditEvents = rep.Events
	if len(s.withheld) > 0 {
		s.sc.WithheldProductID = s.withheld[0].id
	}
	return nil
}
