package demo_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/desk"
	"github.com/liaison-dev/liaison/threat"
)

// asOfficer returns the desk of the shared scenario as an officer.
func asOfficer(t *testing.T, db liaison.Store, id string) liaison.Service {
	t.Helper()
	d := desk.New(desk.Config{Store: db})
	o, err := d.Officer(context.Background(), id)
	if err != nil {
		t.Fatalf("officer %s: %v", id, err)
	}
	return d.As(o)
}

func TestEveryOrganisationHasPrioritiesAndCoverage(t *testing.T) {
	db, sc := sharedScenario(t)
	ctx := context.Background()
	admin := asOfficer(t, db, sc.AdminID)
	orgs, err := admin.Organisations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := admin.ThreatPriorities(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := admin.Coverage(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	ranked := threat.GroupPriorities(ps)
	covered := map[string]int{}
	for _, c := range cs {
		covered[c.OrgID]++
	}
	if len(ranked) != len(orgs) {
		t.Errorf("%d organisations have priorities, of %d", len(ranked), len(orgs))
	}
	for _, o := range orgs {
		if r := threat.PrioritiesOf(o.ID, ps); len(r.Topics) < 5 {
			t.Errorf("%s ranks %d topics, want at least 5", o.ID, len(r.Topics))
		}
		if covered[o.ID] < 5 {
			t.Errorf("%s has %d coverage entries, want at least 5", o.ID, covered[o.ID])
		}
	}
	if sc.PrioritySets != len(orgs)+1 || sc.CoverageSets != len(orgs) {
		t.Errorf("Scenario counts %d priority sets and %d coverage sets, want %d and %d (home revised once)",
			sc.PrioritySets, sc.CoverageSets, len(orgs)+1, len(orgs))
	}

	// Home revised its priorities after its 2026 assessment; the audit
	// chain holds both sets, and the partner's recorded by the home
	// administrator says so.
	home := threat.PrioritiesOf(sc.HomeOrg, ps)
	if !slices.Equal(home.Topics[:3], []string{"counter-terrorism", "hybrid-threats", "russia"}) {
		t.Errorf("home's top three %v", home.Topics[:3])
	}
	var events []*liaison.AuditEvent
	if err := db.View(ctx, func(tx liaison.Tx) (err error) {
		events, err = tx.AuditEvents(ctx, 0, 0)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	sets := map[string][]string{} // org → who set its priorities, in order
	for _, e := range events {
		if e.Action == "priorities.set" && e.Allowed {
			sets[e.Object] = append(sets[e.Object], e.Actor)
		}
	}
	if got := sets[sc.HomeOrg]; len(got) != 2 {
		t.Errorf("home's priorities were set %d times (by %v), want twice", len(got), got)
	}
	if got := sets[sc.NonEUPartner]; !slices.Equal(got, []string{sc.AdminID}) {
		t.Errorf("the non-EU partner's priorities were set by %v, want the home administrator", got)
	}
	if got := sets[sc.DivergentPartner]; len(got) != 1 || got[0] == sc.AdminID {
		t.Errorf("%s's priorities were set by %v, want its own officer", sc.DivergentPartner, got)
	}

	// A partner's officer reads its own organisation's, not home's.
	es := asOfficer(t, db, "es-cni.navarro")
	if own, err := es.ThreatPriorities(ctx, ""); err != nil || len(own) == 0 || own[0].OrgID != "es-cni" {
		t.Errorf("the CNI's officer reads %v (%v), want the CNI's own", own, err)
	}
	if _, err := es.ThreatPriorities(ctx, sc.HomeOrg); liaison.ErrorCode(err) != liaison.EFORBIDDEN {
		t.Errorf("the CNI's officer reading home's: %v, want forbidden", err)
	}
}

func TestPlantedDivergence(t *testing.T) {
	db, sc := sharedScenario(t)
	ctx := context.Background()
	ps, err := asOfficer(t, db, sc.AdminID).ThreatPriorities(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	home := threat.PrioritiesOf(sc.HomeOrg, ps)
	lowest, lowestScore := "", 2.0
	for _, other := range threat.GroupPriorities(ps) {
		if other.OrgID == sc.HomeOrg {
			continue
		}
		al := threat.Align(home, other, threat.Config{})
		warnings := threat.Divergence(al, threat.Config{})
		t.Logf("%-10s %.2f %d warnings", other.OrgID, al.Score, len(warnings))
		if al.Score < lowestScore {
			lowest, lowestScore = other.OrgID, al.Score
		}
		if other.OrgID != sc.DivergentPartner {
			if len(warnings) != 0 {
				t.Errorf("%s: unplanned divergence %+v", other.OrgID, warnings)
			}
			continue
		}
		var codes []string
		for _, w := range warnings {
			codes = append(codes, w.Code+":"+w.Topic)
		}
		for _, want := range []string{"low_alignment:", "unranked_top_priority:sahel", "unranked_top_priority:hybrid-threats"} {
			if !slices.Contains(codes, want) {
				t.Errorf("%s: warnings %v lack %s", other.OrgID, codes, want)
			}
		}
		if len(al.Explain) < 2 {
			t.Errorf("%s: the alignment explains too little: %q", other.OrgID, al.Explain)
		}
	}
	if lowest != sc.DivergentPartner {
		t.Errorf("the lowest alignment with home is %s's (%.2f), want %s's", lowest, lowestScore, sc.DivergentPartner)
	}
}

// recentExchange is what each pair exchanged on each topic in the last
// year of the timeline: one for each dissemination of a product on it.
func recentExchange(t *testing.T, db liaison.Store, end time.Time) threat.Exchange {
	t.Helper()
	ctx := context.Background()
	ex := threat.Exchange{}
	err := db.View(ctx, func(tx liaison.Tx) error {
		ds, err := tx.Disseminations(ctx, liaison.ListFilter{})
		if err != nil {
			return err
		}
		for _, d := range ds {
			if d.CreatedAt.Before(end.AddDate(-1, 0, 0)) {
				continue
			}
			p, err := tx.Product(ctx, d.ProductID, d.ProductVersion)
			if err != nil {
				return err
			}
			for _, topic := range p.Topics {
				ex.Add(d.FromOrg, d.ToOrg, topic, 1)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

func TestPlantedOpportunity(t *testing.T) {
	db, sc := sharedScenario(t)
	ctx := context.Background()
	ps, err := asOfficer(t, db, sc.AdminID).ThreatPriorities(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	ops := threat.Opportunities(threat.GroupPriorities(ps), recentExchange(t, db, sc.End), threat.Config{})
	score := map[string]float64{}
	topics := map[string][]string{}
	for _, o := range ops {
		partner := ""
		switch sc.HomeOrg {
		case o.A:
			partner = o.B
		case o.B:
			partner = o.A
		default:
			continue
		}
		t.Logf("%s %s %.2f %v", partner, o.Topic, o.Score, o.Why)
		score[partner] += o.Score
		topics[partner] = append(topics[partner], o.Topic)
	}
	got := topics[sc.OpportunityPartner]
	slices.Sort(got)
	want := slices.Sorted(slices.Values(sc.OpportunityTopics))
	if !slices.Equal(got, want) {
		t.Errorf("opportunities with %s on %v, want %v", sc.OpportunityPartner, got, want)
	}
	for partner, s := range score {
		if partner != sc.OpportunityPartner && s >= score[sc.OpportunityPartner] {
			t.Errorf("%s's opportunities with home (%.2f) weigh as much as %s's (%.2f)", partner, s, sc.OpportunityPartner, score[sc.OpportunityPartner])
		}
	}
}

func TestWhoCanHelpWithRussia(t *testing.T) {
	db, sc := sharedScenario(t)
	ctx := context.Background()
	admin := asOfficer(t, db, sc.AdminID)
	cs, err := admin.Coverage(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	ags, err := admin.Agreements(ctx)
	if err != nil {
		t.Fatal(err)
	}
	orgs, err := admin.Organisations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var candidates []threat.Candidate
	for _, o := range orgs {
		if o.ID == sc.HomeOrg {
			continue
		}
		// Trust is the uninformed base rate: the trust engine is not
		// wired in yet, so coverage and scope decide.
		c := threat.Candidate{OrgID: o.ID, Trust: 0.5}
		for _, x := range cs {
			if x.OrgID == o.ID {
				c.Coverage = append(c.Coverage, x)
			}
		}
		if a := threat.AgreementFor(sc.HomeOrg, o.ID, "russia", ags, sc.End.Add(-time.Hour)); a != nil {
			c.AgreementCovers, c.AgreementID = true, a.ID
		}
		candidates = append(candidates, c)
	}
	ranked := threat.WhoCan("russia", candidates, threat.Config{})
	if len(ranked) == 0 || ranked[0].OrgID != sc.OpportunityPartner {
		t.Fatalf("who can help with russia: %+v, want %s first", ranked, sc.OpportunityPartner)
	}
	for _, r := range ranked {
		if len(r.Why) < 3 {
			t.Errorf("%s: why %q explains too little", r.OrgID, r.Why)
		}
	}
}
