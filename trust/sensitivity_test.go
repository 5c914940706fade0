package trust

import (
	"fmt"
	"testing"
	"time"
)

// record builds a history of evidence from a to b ending just before
// end.
type record func(c Config, end time.Time) []Evidence

func feedbacks(n, value int) record {
	return func(c Config, end time.Time) []Evidence {
		var evs []Evidence
		for i := range n {
			ev, _ := c.Feedback("a", "b", end.Add(-time.Duration(i+1)*3*day), fmt.Sprint("f", i), value)
			evs = append(evs, ev)
		}
		return evs
	}
}

func both(rs ...record) record {
	return func(c Config, end time.Time) []Evidence {
		var evs []Evidence
		for _, r := range rs {
			evs = append(evs, r(c, end)...)
		}
		return evs
	}
}

func answeredRFIs(n int) record {
	return func(c Config, end time.Time) []Evidence {
		var evs []Evidence
		for i := range n {
			ev, _ := c.RFI("a", "b", end.Add(-time.Duration(i+1)*11*day), fmt.Sprint("q", i), RFIAnswered)
			evs = append(evs, ev)
		}
		return evs
	}
}

func meetings(n, tone int) record {
	return func(c Config, end time.Time) []Evidence {
		var evs []Evidence
		for i := range n {
			ev, _ := c.Interaction("a", "b", end.Add(-time.Duration(i+1)*29*day), fmt.Sprint("m", i),
				InteractionFacts{Tone: tone, Minutes: 120, Parties: 2, Ties: []string{fmt.Sprint("tie", i%4)}})
			evs = append(evs, ev)
		}
		return evs
	}
}

// projectedWith returns the overall projected probability and opinion of
// a→b at now after the record and the extra items.
func projectedWith(t *testing.T, c Config, base []Evidence, now time.Time, extra ...Evidence) (float64, Opinion) {
	t.Helper()
	e := mustEngine(t, c)
	if err := e.SetMemberships("a", []string{"EU"}); err != nil {
		t.Fatal(err)
	}
	if err := e.SetMemberships("b", []string{"EU"}); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, e, base...)
	mustAdd(t, e, extra...)
	a := mustAssess(t, e, "a", "b", now)
	return a.Projected, a.Overall
}

// One breach lowers trust more than any one good exchange raises it, from
// any standing but one already near the floor (where a breach has little
// left to take; see docs/trust.md).
func TestOneBreachOutweighsOneGoodExchange(t *testing.T) {
	c := DefaultConfig()
	now := t0.AddDate(2, 0, 0)
	ev := must[Evidence](t)
	goods := []Evidence{
		ev(c.Feedback("a", "b", now, "good", 5)),
		ev(c.Corroborated("a", "b", now, "good")),
		ev(c.RFI("a", "b", now, "good", RFIAnswered)),
		ev(c.Warning("a", "b", now, "good")),
		ev(c.ReleaseRequested("a", "b", now, "good")),
		ev(c.CaveatKept("a", "b", now, "good")),
		ev(c.Interaction("a", "b", now, "good", InteractionFacts{Tone: 2, Minutes: 480, Parties: 2})),
	}
	breach := ev(c.Breach("a", "b", now, "breach", "NOFORN"))
	for _, base := range []struct {
		name string
		rec  record
	}{
		{"a partner without history", both()},
		{"a new partner with two good products", feedbacks(2, 5)},
		{"a reliable partner of some standing", both(feedbacks(30, 4), answeredRFIs(6), meetings(8, 1))},
		{"a long and excellent record", both(feedbacks(200, 5), answeredRFIs(30), meetings(24, 2))},
		{"a mixed record", both(feedbacks(15, 5), feedbacks(15, 0))},
		{"a poor but not hopeless record", both(feedbacks(10, 1), meetings(3, -1))},
	} {
		t.Run(base.name, func(t *testing.T) {
			evs := base.rec(c, now)
			p0, o0 := projectedWith(t, c, evs, now)
			pb, ob := projectedWith(t, c, evs, now, breach)
			fall := p0 - pb
			t.Logf("trust %.3f; after a breach %.3f", p0, pb)
			if ob.Disbelief <= o0.Disbelief || ob.Belief > o0.Belief {
				t.Errorf("the breach moved (b, d) from (%v, %v) to (%v, %v), want less belief and more disbelief", o0.Belief, o0.Disbelief, ob.Belief, ob.Disbelief)
			}
			for _, g := range goods {
				pg, _ := projectedWith(t, c, evs, now, g)
				rise := pg - p0
				if rise <= 0 {
					t.Errorf("%s did not raise trust (%v → %v)", g.Kind, p0, pg)
				}
				if fall <= rise {
					t.Errorf("from %.3f: a breach lowers trust by %.4f, one %s raises it by %.4f; want the breach to weigh more", p0, fall, g.Kind, rise)
				}
			}
		})
	}
}

// A year without any interaction raises uncertainty, overall and on every
// dimension with evidence, and draws trust back towards the base rate.
func TestAYearOfSilenceRaisesUncertainty(t *testing.T) {
	c := DefaultConfig()
	end := t0.AddDate(3, 0, 0)
	ev := must[Evidence](t)
	evs := both(feedbacks(40, 4), answeredRFIs(10), meetings(12, 1))(c, end)
	evs = append(evs, ev(c.Breach("a", "b", end.AddDate(-1, 0, 0), "br", "ORCON")), ev(c.CaveatKept("a", "b", end.AddDate(0, -2, 0), "d1")))
	e := mustEngine(t, c)
	mustAdd(t, e, evs...)
	before := mustAssess(t, e, "a", "b", end)
	after := mustAssess(t, e, "a", "b", end.AddDate(1, 0, 0))
	if after.Overall.Uncertainty <= before.Overall.Uncertainty {
		t.Errorf("overall uncertainty %v after a silent year, %v before; want it to rise", after.Overall.Uncertainty, before.Overall.Uncertainty)
	}
	for d := range before.Dimensions {
		b, a := before.Dimensions[d], after.Dimensions[d]
		if a.Opinion.Uncertainty <= b.Opinion.Uncertainty {
			t.Errorf("%s: uncertainty %v after a silent year, %v before; want it to rise", b.Dimension, a.Opinion.Uncertainty, b.Opinion.Uncertainty)
		}
		if a.Items != b.Items {
			t.Errorf("%s: %d items after a silent year, %d before", b.Dimension, a.Items, b.Items)
		}
	}
	if dist := func(x Assessment) float64 { return abs(x.Projected - x.BaseRate) }; dist(after) >= dist(before) {
		t.Errorf("projected %v after a silent year, %v before, base rate %v: want it closer to the base rate", after.Projected, before.Projected, before.BaseRate)
	}
	// With the default half-life of a year, the evidence halves.
	ab, aa := before.Dimensions[0], after.Dimensions[0]
	if !near(aa.Positive, ab.Positive/2, 1e-9) || !near(aa.Negative, ab.Negative/2, 1e-9) {
		t.Errorf("ability evidence (%v, %v) a year on, want half of (%v, %v)", aa.Positive, aa.Negative, ab.Positive, ab.Negative)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// Shared memberships change the prior (the base rate, hence the projected
// probability) and nothing of the evidence: belief, disbelief and
// uncertainty stay the same.
func TestSharedMembershipMovesOnlyThePrior(t *testing.T) {
	c := DefaultConfig()
	end := t0.AddDate(1, 0, 0)
	for _, rec := range []struct {
		name string
		rec  record
	}{
		{"no evidence", both()},
		{"a good record", both(feedbacks(20, 4), meetings(6, 1))},
		{"a poor record", feedbacks(20, 1)},
	} {
		t.Run(rec.name, func(t *testing.T) {
			evs := rec.rec(c, end)
			assess := func(memberships ...string) Assessment {
				e := mustEngine(t, c)
				mustAdd(t, e, evs...)
				for _, org := range []string{"a", "b"} {
					if err := e.SetMemberships(org, memberships); err != nil {
						t.Fatal(err)
					}
				}
				return mustAssess(t, e, "a", "b", end)
			}
			strangers := assess()
			allies := assess("EU", "NATO", "CLUB_OF_BERNE")
			if strangers.BaseRate >= allies.BaseRate {
				t.Errorf("base rate %v without shared memberships, %v with three: want it higher with", strangers.BaseRate, allies.BaseRate)
			}
			if strangers.Projected >= allies.Projected {
				t.Errorf("projected %v without shared memberships, %v with three: want it higher with", strangers.Projected, allies.Projected)
			}
			sameMasses := func(what string, x, y Opinion) {
				if x.Belief != y.Belief || x.Disbelief != y.Disbelief || x.Uncertainty != y.Uncertainty {
					t.Errorf("%s: (b, d, u) = (%v, %v, %v) without shared memberships, (%v, %v, %v) with: want them equal",
						what, x.Belief, x.Disbelief, x.Uncertainty, y.Belief, y.Disbelief, y.Uncertainty)
				}
			}
			sameMasses("overall", strangers.Overall, allies.Overall)
			for d := range strangers.Dimensions {
				sameMasses(string(strangers.Dimensions[d].Dimension), strangers.Dimensions[d].Opinion, allies.Dimensions[d].Opinion)
				if strangers.Dimensions[d].Positive != allies.Dimensions[d].Positive || strangers.Dimensions[d].Negative != allies.Dimensions[d].Negative {
					t.Errorf("%s: the evidence changed with memberships", strangers.Dimensions[d].Dimension)
				}
			}
		})
	}
}
