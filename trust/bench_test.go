package trust

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"
)

const (
	benchOrgs  = 50
	benchItems = 1_000_000
	benchYears = 10
)

var benchStart = time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)

// benchEvidence is a deterministic history of a million evidence items
// among fifty organisations over ten years, in random order, with the mix
// of kinds a node would record. It is built once per test binary.
var benchEvidence = sync.OnceValue(func() []Evidence {
	c := DefaultConfig()
	rng := rand.New(rand.NewPCG(2026, 7))
	orgs := make([]string, benchOrgs)
	for i := range orgs {
		orgs[i] = fmt.Sprintf("org-%02d", i)
	}
	span := int64(benchYears * 365 * 24 * time.Hour)
	evs := make([]Evidence, 0, benchItems)
	for i := 0; len(evs) < benchItems; i++ {
		a := rng.IntN(benchOrgs)
		b := (a + 1 + rng.IntN(benchOrgs-1)) % benchOrgs
		tr, te := orgs[a], orgs[b]
		at := benchStart.Add(time.Duration(rng.Int64N(span)))
		ref := fmt.Sprintf("r%d", i)
		var (
			ev  Evidence
			err error
		)
		switch k := rng.IntN(1000); {
		case k < 400:
			ev, err = c.Feedback(tr, te, at, ref, rng.IntN(6))
		case k < 600:
			ev, err = c.CaveatKept(tr, te, at, ref)
		case k < 750:
			ev, err = c.Interaction(tr, te, at, ref, InteractionFacts{Tone: rng.IntN(5) - 2, Minutes: rng.IntN(240), Parties: 2 + rng.IntN(3),
				Ties: []string{fmt.Sprintf("%s/o%d|%s/o%d", tr, rng.IntN(5), te, rng.IntN(5))}})
		case k < 850:
			ev, err = c.RFI(tr, te, at, ref, []RFIOutcome{RFIAnswered, RFIAnswered, RFILate, RFIMissed}[rng.IntN(4)])
		case k < 900:
			ev, err = c.Warning(tr, te, at, ref)
		case k < 930:
			ev, err = c.Corroborated(tr, te, at, ref)
		case k < 950:
			ev, err = c.Refuted(tr, te, at, ref)
		case k < 998:
			ev, err = c.ReleaseRequested(tr, te, at, ref)
		default:
			ev, err = c.Breach(tr, te, at, ref, "ORCON")
		}
		if err != nil {
			panic(err) // a bug in the generator, not an input
		}
		evs = append(evs, ev)
	}
	return evs
})

// benchEngine builds an engine from evs, with memberships for every
// organisation.
func benchEngine(tb testing.TB, evs []Evidence) *Engine {
	tb.Helper()
	e := mustEngine(tb, DefaultConfig())
	clubs := []string{"EU", "NATO", "CLUB_OF_BERNE", "CTG", "FIVE_EYES"}
	for i := range benchOrgs {
		var ms []string
		for j, c := range clubs {
			if (i>>j)&1 == 1 {
				ms = append(ms, c)
			}
		}
		if err := e.SetMemberships(fmt.Sprintf("org-%02d", i), ms); err != nil {
			tb.Fatal(err)
		}
	}
	mustAdd(tb, e, evs...)
	return e
}

// BenchmarkRecompute recomputes every score from scratch: a new engine
// fed a million items, then the assessment of every pair (2,450), with
// explanations.
func BenchmarkRecompute(b *testing.B) {
	random := benchEvidence()
	ordered := slices.Clone(random)
	slices.SortStableFunc(ordered, func(x, y Evidence) int { return x.At.Compare(y.At) })
	now := benchStart.AddDate(benchYears, 0, 0)
	for _, c := range []struct {
		name string
		evs  []Evidence
	}{{"random order", random}, {"time order", ordered}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				e := benchEngine(b, c.evs)
				as := e.Assessments(now)
				if len(as) != benchOrgs*(benchOrgs-1) {
					b.Fatalf("%d assessments, want %d", len(as), benchOrgs*(benchOrgs-1))
				}
			}
		})
	}
}

// BenchmarkAdd adds one new event to an engine holding a million items
// and reads the assessment it affects, with its explanation; "back-dated"
// adds an event dated a year before the latest, which the engine must
// insert among the pair's items.
func BenchmarkAdd(b *testing.B) {
	e := benchEngine(b, benchEvidence())
	c := e.Config()
	now := benchStart.AddDate(benchYears, 0, 0)
	for _, bc := range []struct {
		name string
		back time.Duration
	}{{"latest", 0}, {"back-dated", 365 * day}} {
		b.Run(bc.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			i := 0
			for b.Loop() {
				i++
				at := now.Add(time.Duration(i)*time.Second - bc.back)
				tr, te := fmt.Sprintf("org-%02d", rng.IntN(benchOrgs)), fmt.Sprintf("org-%02d", rng.IntN(benchOrgs))
				if tr == te {
					te = "org-new"
				}
				ev, err := c.Feedback(tr, te, at, "bench", rng.IntN(6))
				if err != nil {
					b.Fatal(err)
				}
				if err := e.Add(ev); err != nil {
					b.Fatal(err)
				}
				if _, err := e.Assess(tr, te, now.Add(time.Duration(i)*time.Second)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTrend measures the 90-day trend of one pair of an engine
// holding a million items.
func BenchmarkTrend(b *testing.B) {
	e := benchEngine(b, benchEvidence())
	now := benchStart.AddDate(benchYears, 0, 0)
	for b.Loop() {
		if _, err := e.Trend("org-01", "org-02", now, DefaultTrendWindow); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTransitive measures trust derived through the network of
// fifty organisations, up to three edges.
func BenchmarkTransitive(b *testing.B) {
	e := benchEngine(b, benchEvidence())
	now := benchStart.AddDate(benchYears, 0, 0)
	for b.Loop() {
		if _, err := e.Transitive("org-01", "org-02", now, 3); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGlobal measures EigenTrust over the fifty organisations.
func BenchmarkGlobal(b *testing.B) {
	e := benchEngine(b, benchEvidence())
	now := benchStart.AddDate(benchYears, 0, 0)
	for b.Loop() {
		if _, err := e.Global(now, []string{"org-00", "org-01", "org-02"}, DefaultAlpha); err != nil {
			b.Fatal(err)
		}
	}
}
