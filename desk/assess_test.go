package desk_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/assess"
	"github.com/liaison-dev/liaison/desk"
	"github.com/liaison-dev/liaison/marking"
	"github.com/liaison-dev/liaison/stix"
)

// reports reads every assessment the home administrator may ask for.
func reports(t *testing.T, s liaison.Service) []any {
	t.Helper()
	ctx := context.Background()
	a := s.(assess.Service)
	at := t0.Add(time.Hour)
	tr, err := a.Trust(ctx, assess.TrustQuery{At: at, Explain: true})
	must(t, err)
	l, err := a.Ledger(ctx, assess.LedgerQuery{Months: true, Network: true, Explain: true})
	must(t, err)
	ty, err := a.Typology(ctx, assess.TypologyQuery{All: true, History: true, At: at})
	must(t, err)
	w, err := a.Warnings(ctx, assess.WarningQuery{At: at, Explain: true})
	must(t, err)
	al, err := a.Alignment(ctx, assess.AlignmentQuery{At: at, Explain: true})
	must(t, err)
	return []any{tr, l, ty, w, al}
}

// TestAssessmentsFollowTheActs checks that the models a desk keeps, brought
// up to date act by act, answer after each act as models built afresh
// from the store do, and that they see each act.
func TestAssessmentsFollowTheActs(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := f.write(t, "SECRET UE", "counter-terrorism")
	_, err := f.home.Disseminate(ctx, liaison.DisseminationOrder{ProductID: p.ID, To: "de-bfv"})
	must(t, err)
	first := reports(t, f.admin) // builds the models
	me := whoami(t, f.admin)
	var q *liaison.Product
	acts := []struct {
		name string
		do   func() error
	}{
		{"a partner's warning, disseminated", func() error {
			q, err = f.partner.CreateProduct(ctx, liaison.ProductDraft{Title: "Warning: courier network", Body: "…",
				Topics: []string{"counter-terrorism"}, Marking: "SECRET UE", Reliability: "A", Credibility: "1"})
			if err != nil {
				return err
			}
			_, err = f.partner.Disseminate(ctx, liaison.DisseminationOrder{ProductID: q.ID, To: "nl-aivd"})
			return err
		}},
		{"a read", func() error { _, err := f.home.Product(ctx, q.ID, 0); return err }},
		{"feedback", func() error {
			return f.home.CreateFeedback(ctx, &liaison.Feedback{ProductID: q.ID, Value: 5, Flags: []string{"corroborated"}})
		}},
		{"the partner's feedback", func() error { return f.partner.CreateFeedback(ctx, &liaison.Feedback{ProductID: p.ID, Value: 1}) }},
		{"a meeting", func() error {
			return f.home.CreateInteraction(ctx, &liaison.Interaction{Kind: "meeting", Orgs: []string{"nl-aivd", "de-bfv"},
				Officers: []string{"nl.liaison", "de.liaison"}, Date: t0, DurationMinutes: 90, Tone: 2})
		}},
		{"a breach", func() error {
			return f.home.RecordBreach(ctx, &liaison.Breach{ProductID: p.ID, OrgID: "de-bfv", Caveat: "ORCON",
				Description: "passed on to a ministry", At: t0})
		}},
		{"a report the BfV gave, by import", func() error {
			_, rep := importRaw(t, f, whoami(t, f.admin), desk.ImportOptions{Origin: "de-bfv"},
				bundleObject(t, report(1, stix.TLPGreen, "identity--6b0e2a62-0000-4000-9000-000000000001")))
			if rep.Products != 1 {
				t.Fatalf("import: %+v", rep)
			}
			return nil
		}},
		{"a refused act", func() error {
			_, err := f.partner.SetThreatPriorities(ctx, "nl-aivd", []liaison.ThreatPriority{{Topic: "cyber", Rank: 1}})
			wantCode(t, err, liaison.EFORBIDDEN)
			return nil
		}},
		{"priorities set", func() error {
			_, err := f.home.SetThreatPriorities(ctx, "nl-aivd", []liaison.ThreatPriority{{Topic: "cyber", Rank: 1}, {Topic: "russia", Rank: 2}})
			return err
		}},
	}
	var last []any
	for _, act := range acts {
		must(t, act.do())
		got := reports(t, f.admin)
		fresh := desk.New(desk.Config{Store: f.store, Marks: marking.DefaultRegistry()})
		if diff := cmp.Diff(reports(t, fresh.As(me)), got); diff != "" {
			t.Fatalf("after %s, the models kept differ from models rebuilt from the store (-rebuilt +kept):\n%s", act.name, diff)
		}
		last = got
	}
	if cmp.Equal(first, last) {
		t.Fatal("the assessments did not change after the acts")
	}
}

// TestRepeatsAndOthersRecordsEarnNothing checks that sending a product
// again, sending a product back to its originator, and a partner's
// account of a meeting do not move the home organisation's figures.
func TestRepeatsAndOthersRecordsEarnNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	q, err := f.partner.CreateProduct(ctx, liaison.ProductDraft{Title: "Warning: courier network", Body: "…",
		Topics: []string{"counter-terrorism"}, Marking: "SECRET UE", Reliability: "A", Credibility: "1"})
	must(t, err)
	_, err = f.partner.Disseminate(ctx, liaison.DisseminationOrder{ProductID: q.ID, To: "nl-aivd"})
	must(t, err)
	a := f.home.(assess.Service)
	at := t0.Add(time.Hour)
	ledgerOf := func() assess.PairLedger {
		t.Helper()
		r, err := a.Ledger(ctx, assess.LedgerQuery{B: "de-bfv"})
		must(t, err)
		return r.Pairs[0]
	}
	trustOf := func() float64 {
		t.Helper()
		r, err := a.Trust(ctx, assess.TrustQuery{Trustee: "de-bfv", At: at})
		must(t, err)
		return r.Assessments[0].Projected
	}
	before, trustBefore := ledgerOf(), trustOf()
	for range 3 {
		_, err = f.partner.Disseminate(ctx, liaison.DisseminationOrder{ProductID: q.ID, To: "nl-aivd"})
		must(t, err)
	}
	must(t, f.partner.CreateInteraction(ctx, &liaison.Interaction{Kind: "meeting", Orgs: []string{"nl-aivd", "de-bfv"},
		Date: t0, DurationMinutes: 600, Tone: 2}))
	if got := ledgerOf(); got.Received.Count != before.Received.Count || got.Received.Value != before.Received.Value {
		t.Errorf("the same product sent again: received %d worth %.2f, was %d worth %.2f", got.Received.Count, got.Received.Value,
			before.Received.Count, before.Received.Value)
	}
	if got := trustOf(); got != trustBefore {
		t.Errorf("repeats and the partner's own account of a meeting moved the home organisation's trust: %.4f → %.4f", trustBefore, got)
	}
	err = f.partner.CreateInteraction(ctx, &liaison.Interaction{Kind: "meeting", Orgs: []string{"nl-aivd", "de-bfv"},
		Date: time.Date(1850, 1, 1, 0, 0, 0, 0, time.UTC), DurationMinutes: 1})
	wantCode(t, err, liaison.EINVALID)
}

// TestWhoMayLookFromWhere checks the perspectives a caller may take.
func TestWhoMayLookFromWhere(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	lo, admin, analyst := f.home.(assess.Service), f.admin.(assess.Service), f.analyst.(assess.Service)
	_, err := lo.Ledger(ctx, assess.LedgerQuery{A: "de-bfv"})
	wantCode(t, err, liaison.EFORBIDDEN)
	_, err = lo.Typology(ctx, assess.TypologyQuery{All: true})
	wantCode(t, err, liaison.EFORBIDDEN)
	_, err = lo.Warnings(ctx, assess.WarningQuery{Org: "de-bfv"})
	wantCode(t, err, liaison.EFORBIDDEN)
	_, err = admin.Ledger(ctx, assess.LedgerQuery{A: "de-bfv"})
	must(t, err)
	_, err = analyst.WhoCan(ctx, assess.WhoCanQuery{Topic: "cyber", Asker: "de-bfv"})
	wantCode(t, err, liaison.EFORBIDDEN)
	_, err = f.partner.AuditEvents(ctx, 0, 10)
	wantCode(t, err, liaison.EFORBIDDEN)
}
