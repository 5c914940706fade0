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
)

// reports reads every assessment a liaison officer of the home
// organisation asks for most.
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
	return []any{tr, l, ty, w}
}

// TestAssessmentsFollowTheActs checks that the models a desk keeps, brought
// up to date act by act, answer as models built afresh from the store do,
// and that they see each act.
func TestAssessmentsFollowTheActs(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := f.write(t, "SECRET UE", "counter-terrorism")
	_, err := f.home.Disseminate(ctx, liaison.DisseminationOrder{ProductID: p.ID, To: "de-bfv"})
	must(t, err)
	before := reports(t, f.home) // builds the models

	// Acts the models take in incrementally, and neutral ones.
	q, err := f.partner.CreateProduct(ctx, liaison.ProductDraft{Title: "Warning: courier network", Body: "…",
		Topics: []string{"counter-terrorism"}, Marking: "SECRET UE", Reliability: "A", Credibility: "1"})
	must(t, err)
	_, err = f.partner.Disseminate(ctx, liaison.DisseminationOrder{ProductID: q.ID, To: "nl-aivd"})
	must(t, err)
	_, err = f.home.Product(ctx, q.ID, 0)
	must(t, err)
	must(t, f.home.CreateFeedback(ctx, &liaison.Feedback{ProductID: q.ID, Value: 5, Flags: []string{"corroborated"}}))
	must(t, f.partner.CreateFeedback(ctx, &liaison.Feedback{ProductID: p.ID, Value: 1}))
	must(t, f.home.CreateInteraction(ctx, &liaison.Interaction{Kind: "meeting", Orgs: []string{"nl-aivd", "de-bfv"},
		Officers: []string{"nl.liaison", "de.liaison"}, Date: t0, DurationMinutes: 90, Tone: 2}))
	must(t, f.home.RecordBreach(ctx, &liaison.Breach{ProductID: p.ID, OrgID: "de-bfv", Caveat: "ORCON",
		Description: "passed on to a ministry", At: t0}))
	after := reports(t, f.home)
	if cmp.Equal(before, after) {
		t.Fatal("the assessments did not change after the acts")
	}

	fresh := desk.New(desk.Config{Store: f.store, Marks: marking.DefaultRegistry()})
	me, err := f.home.Whoami(ctx)
	must(t, err)
	rebuilt := reports(t, fresh.As(me))
	if diff := cmp.Diff(rebuilt, after); diff != "" {
		t.Errorf("incremental models differ from models rebuilt from the store (-rebuilt +incremental):\n%s", diff)
	}
}
