package trust

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

// mustEngine returns an engine with cfg or fails the test.
func mustEngine(tb testing.TB, cfg Config) *Engine {
	tb.Helper()
	e, err := NewEngine(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// mustAdd adds evidence or fails the test.
func mustAdd(tb testing.TB, e *Engine, evs ...Evidence) {
	tb.Helper()
	if err := e.AddAll(evs); err != nil {
		tb.Fatal(err)
	}
}

// must returns v or fails the test on err.
func must[T any](tb testing.TB) func(v T, err error) T {
	return func(v T, err error) T {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
		return v
	}
}

// mustAssess assesses or fails the test.
func mustAssess(tb testing.TB, e *Engine, truster, trustee string, now time.Time) Assessment {
	tb.Helper()
	a, err := e.Assess(truster, trustee, now)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// reference is the model computed the slow, obvious way from the list of
// evidence, for comparison with the engine's incremental sums.
type reference struct {
	r, s    [numDims]float64
	items   int
	overall Opinion
	dims    [numDims]Opinion
	// contributions of every item, relational ones included
	contribs []Contribution
}

func computeReference(cfg Config, evs []Evidence, shared []string, truster, trustee string, now time.Time) reference {
	var ref reference
	h := cfg.HalfLife.Seconds()
	decay := func(at time.Time) float64 { return math.Exp2(-now.Sub(at).Seconds() / h) }
	var first, latest time.Time
	ties := map[string]bool{}
	for _, ev := range evs {
		if ev.Truster != truster || ev.Trustee != trustee || ev.At.After(now) {
			continue
		}
		d, _ := ev.Dimension.index()
		w := decay(ev.At)
		ref.r[d] += ev.Positive * w
		ref.s[d] += ev.Negative * w
		ref.items++
		if first.IsZero() || ev.At.Before(first) {
			first = ev.At
		}
		if ev.At.After(latest) {
			latest = ev.At
		}
		for _, t := range ev.Ties {
			ties[t] = true
		}
		dw := cfg.DimensionWeight(ev.Dimension)
		if ev.Positive > 0 {
			ref.contribs = append(ref.contribs, Contribution{Evidence: ev, Sign: 1, Weight: ev.Positive * w, Influence: dw * ev.Positive * w})
		}
		if ev.Negative > 0 {
			ref.contribs = append(ref.contribs, Contribution{Evidence: ev, Sign: -1, Weight: ev.Negative * w, Influence: dw * ev.Negative * w})
		}
	}
	if ref.items > 0 {
		rel := decay(latest)
		years := latest.Sub(first).Seconds() / (365.25 * 24 * 3600)
		age := cfg.AgeWeight * math.Log2(1+years) * rel
		tie := cfg.TieWeight * math.Log2(1+float64(len(ties))) * rel
		ref.r[2] += age + tie
		if age > 0 {
			ref.contribs = append(ref.contribs, Contribution{Evidence: Evidence{Kind: KindRelationshipAge, Dimension: Benevolence}, Sign: 1, Weight: age, Influence: cfg.BenevolenceWeight * age})
		}
		if tie > 0 {
			ref.contribs = append(ref.contribs, Contribution{Evidence: Evidence{Kind: KindOfficerTies, Dimension: Benevolence}, Sign: 1, Weight: tie, Influence: cfg.BenevolenceWeight * tie})
		}
	}
	a, _ := cfg.BaseRate(shared)
	var r, s float64
	for d, dim := range Dimensions() {
		ref.dims[d], _ = FromEvidence(ref.r[d], ref.s[d], a)
		r += cfg.DimensionWeight(dim) * ref.r[d]
		s += cfg.DimensionWeight(dim) * ref.s[d]
	}
	ref.overall, _ = FromEvidence(r, s, a)
	return ref
}

// randomEvidence returns n random items among the organisations, dated
// within span after t0.
func randomEvidence(rng *rand.Rand, orgs []string, n int, span time.Duration) []Evidence {
	dims := Dimensions()
	evs := make([]Evidence, n)
	for i := range evs {
		a := rng.IntN(len(orgs))
		b := (a + 1 + rng.IntN(len(orgs)-1)) % len(orgs)
		ev := Evidence{
			Truster: orgs[a], Trustee: orgs[b],
			Dimension: dims[rng.IntN(3)], Kind: "test",
			At:  t0.Add(time.Duration(rng.Int64N(int64(span)))),
			Ref: fmt.Sprintf("ev-%d", i),
		}
		switch rng.IntN(3) {
		case 0:
			ev.Positive = 0.1 + rng.Float64()*3
		case 1:
			ev.Negative = 0.1 + rng.Float64()*10
		default:
			ev.Positive, ev.Negative = rng.Float64()+0.01, rng.Float64()
		}
		if rng.IntN(4) == 0 {
			ev.Ties = []string{fmt.Sprintf("tie-%d", rng.IntN(6))}
		}
		evs[i] = ev
	}
	return evs
}

func TestIncrementalEqualsBatch(t *testing.T) {
	orgs := []string{"at-dsn", "be-vsse", "de-bfv", "eu-intcen", "nl-aivd"}
	for seed := range uint64(8) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 42))
			cfg := DefaultConfig()
			cfg.HalfLife = time.Duration(30+rng.IntN(700)) * day
			cfg.TopK = 1 + rng.IntN(6)
			span := 6 * 365 * day
			evs := randomEvidence(rng, orgs, 400, span)
			e := mustEngine(t, cfg)
			members := map[string][]string{"at-dsn": {"EU"}, "be-vsse": {"EU", "NATO"}, "de-bfv": {"EU", "NATO", "CLUB_OF_BERNE"}, "nl-aivd": {"CLUB_OF_BERNE", "EU", "NATO"}}
			for org, ms := range members {
				if err := e.SetMemberships(org, ms); err != nil {
					t.Fatal(err)
				}
			}
			// Add one by one, in random order, reading now and then so
			// that sums are brought up to date between insertions.
			for i, ev := range evs {
				mustAdd(t, e, ev)
				if i%37 == 0 {
					mustAssess(t, e, ev.Truster, ev.Trustee, t0.Add(time.Duration(rng.Int64N(int64(span)))))
				}
			}
			if e.Len() != len(evs) {
				t.Fatalf("Len = %d, want %d", e.Len(), len(evs))
			}
			times := []time.Time{t0.Add(-day), t0.Add(span / 3), t0.Add(span / 2), t0.Add(span), t0.Add(span + 400*day)}
			for _, now := range times {
				for _, a := range orgs {
					for _, b := range orgs {
						if a == b {
							continue
						}
						got := mustAssess(t, e, a, b, now)
						want := computeReference(cfg, evs, e.Shared(a, b), a, b, now)
						what := fmt.Sprintf("%s→%s at %s", a, b, now.Format(time.DateOnly))
						sameOpinion(t, what+" overall", got.Overall, want.overall, 1e-9)
						if got.Items != want.items {
							t.Errorf("%s: %d items, want %d", what, got.Items, want.items)
						}
						for d := range numDims {
							sameOpinion(t, what+" "+string(got.Dimensions[d].Dimension), got.Dimensions[d].Opinion, want.dims[d], 1e-9)
							if !near(got.Dimensions[d].Positive, want.r[d], 1e-9*(1+want.r[d])) || !near(got.Dimensions[d].Negative, want.s[d], 1e-9*(1+want.s[d])) {
								t.Errorf("%s %s: evidence (%v, %v), want (%v, %v)", what, got.Dimensions[d].Dimension,
									got.Dimensions[d].Positive, got.Dimensions[d].Negative, want.r[d], want.s[d])
							}
						}
						if now.After(t0.Add(span)) {
							checkTop(t, what, cfg.TopK, got.Top, want.contribs)
						}
						for _, c := range got.Top {
							if c.Evidence.At.After(now) {
								t.Errorf("%s: top item %s is dated after the assessment", what, c.Evidence.Ref)
							}
						}
					}
				}
			}
		})
	}
}

// checkTop compares an assessment's top contributions with the reference
// list of every contribution: the K largest of each sign, by influence.
func checkTop(t *testing.T, what string, k int, got, all []Contribution) {
	t.Helper()
	var want []Contribution
	for _, sign := range []int{1, -1} {
		var s []Contribution
		for _, c := range all {
			if c.Sign == sign {
				s = append(s, c)
			}
		}
		slices.SortFunc(s, func(a, b Contribution) int { return cmp.Compare(b.Influence, a.Influence) })
		want = append(want, s[:min(k, len(s))]...)
	}
	slices.SortFunc(want, func(a, b Contribution) int { return cmp.Compare(b.Influence, a.Influence) })
	if len(got) != len(want) {
		t.Fatalf("%s: %d top items, want %d", what, len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Sign != w.Sign || g.Evidence.Kind != w.Evidence.Kind || g.Evidence.Ref != w.Evidence.Ref ||
			!near(g.Influence, w.Influence, 1e-9*(1+w.Influence)) || !near(g.Weight, w.Weight, 1e-9*(1+w.Weight)) {
			t.Errorf("%s: top[%d] = %s %s %+d influence %v, want %s %s %+d influence %v", what, i,
				g.Evidence.Kind, g.Evidence.Ref, g.Sign, g.Influence, w.Evidence.Kind, w.Evidence.Ref, w.Sign, w.Influence)
		}
	}
}

func TestDecayHalvesEvidenceEveryHalfLife(t *testing.T) {
	cfg := DefaultConfig()
	cfg.AgeWeight, cfg.TieWeight = 0, 0
	e := mustEngine(t, cfg)
	mustAdd(t, e, Evidence{Truster: "a", Trustee: "b", Dimension: Ability, Kind: "test", At: t0, Positive: 8})
	for _, c := range []struct {
		after time.Duration
		want  float64
	}{{0, 8}, {cfg.HalfLife, 4}, {2 * cfg.HalfLife, 2}, {cfg.HalfLife / 2, 8 / math.Sqrt2}, {10 * cfg.HalfLife, 8.0 / 1024}} {
		a := mustAssess(t, e, "a", "b", t0.Add(c.after))
		if got := a.Dimensions[0].Positive; !near(got, c.want, 1e-12) {
			t.Errorf("after %v: r = %v, want %v", c.after, got, c.want)
		}
	}
	if a := mustAssess(t, e, "a", "b", t0.Add(-time.Second)); a.Items != 0 || a.Overall.Uncertainty != 1 {
		t.Errorf("before the evidence: %d items, uncertainty %v; want 0 and 1", a.Items, a.Overall.Uncertainty)
	}
}

func TestLongSpansDoNotOverflow(t *testing.T) {
	cfg := DefaultConfig()
	cfg.HalfLife = time.Hour
	e := mustEngine(t, cfg)
	// Sixty years at a one-hour half-life is over 500,000 half-lives:
	// 2^(t/h) overflows a float64 long before, its log2 does not.
	for y := range 60 {
		mustAdd(t, e, Evidence{Truster: "a", Trustee: "b", Dimension: Ability, Kind: "test", At: t0.AddDate(y-30, 0, 0), Positive: 1})
	}
	last := t0.AddDate(29, 0, 0)
	a := mustAssess(t, e, "a", "b", last.Add(2*time.Hour))
	if r := a.Dimensions[0].Positive; !near(r, 0.25, 1e-9) {
		t.Errorf("r = %v, want 0.25 (the last item, two half-lives old)", r)
	}
	if err := a.Overall.Validate(); err != nil {
		t.Error(err)
	}
}

func TestAssessUnknownPairIsVacuous(t *testing.T) {
	e := mustEngine(t, DefaultConfig())
	if err := e.SetMemberships("a", []string{"EU", "NATO"}); err != nil {
		t.Fatal(err)
	}
	if err := e.SetMemberships("b", []string{"NATO"}); err != nil {
		t.Fatal(err)
	}
	a := mustAssess(t, e, "a", "b", t0)
	if a.Items != 0 || a.Overall.Uncertainty != 1 || !near(a.Projected, 0.55, 1e-12) || len(a.Top) != 0 {
		t.Errorf("unknown pair: %+v; want vacuous with base rate 0.55 and no top items", a)
	}
	if !slices.Equal(a.SharedMemberships, []string{"NATO"}) {
		t.Errorf("shared = %v, want [NATO]", a.SharedMemberships)
	}
	if _, err := e.Assess("a", "b", time.Time{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Assess at the zero time: error %v, want ErrInvalid", err)
	}
	for _, c := range [][2]string{{"", "b"}, {"a", ""}, {"a", "a"}} {
		if _, err := e.Assess(c[0], c[1], t0); !errors.Is(err, ErrInvalid) {
			t.Errorf("Assess(%q, %q): error %v, want ErrInvalid", c[0], c[1], err)
		}
	}
}

func TestAddRejectsInvalidEvidence(t *testing.T) {
	good := Evidence{Truster: "a", Trustee: "b", Dimension: Ability, Kind: "test", At: t0, Positive: 1}
	for _, c := range []struct {
		name string
		edit func(*Evidence)
	}{
		{"no truster", func(e *Evidence) { e.Truster = "" }},
		{"no trustee", func(e *Evidence) { e.Trustee = "" }},
		{"trust in oneself", func(e *Evidence) { e.Trustee = "a" }},
		{"unknown dimension", func(e *Evidence) { e.Dimension = "charm" }},
		{"no kind", func(e *Evidence) { e.Kind = "" }},
		{"no time", func(e *Evidence) { e.At = time.Time{} }},
		{"negative weight", func(e *Evidence) { e.Negative = -1 }},
		{"NaN weight", func(e *Evidence) { e.Positive = math.NaN() }},
		{"infinite weight", func(e *Evidence) { e.Positive = math.Inf(1) }},
		{"no weight", func(e *Evidence) { e.Positive = 0 }},
		{"empty tie", func(e *Evidence) { e.Ties = []string{""} }},
	} {
		e := mustEngine(t, DefaultConfig())
		ev := good
		c.edit(&ev)
		if err := e.Add(ev); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Add error %v, want ErrInvalid", c.name, err)
		}
		if err := e.AddAll([]Evidence{good, ev}); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: AddAll error %v, want ErrInvalid", c.name, err)
		}
		if e.Len() != 0 {
			t.Errorf("%s: the engine holds %d items after rejecting, want 0", c.name, e.Len())
		}
	}
}

func TestZeroConfigIsRejected(t *testing.T) {
	if _, err := NewEngine(Config{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("NewEngine(Config{}) error %v, want ErrInvalid", err)
	}
	if _, err := (Config{}).Feedback("a", "b", t0, "f1", 4); !errors.Is(err, ErrInvalid) {
		t.Errorf("zero Config's Feedback error %v, want ErrInvalid", err)
	}
	for _, c := range []struct {
		name string
		edit func(*Config)
	}{
		{"no half-life", func(c *Config) { c.HalfLife = 0 }},
		{"no breach weight", func(c *Config) { c.BreachWeight = 0 }},
		{"negative tie weight", func(c *Config) { c.TieWeight = -1 }},
		{"NaN integrity weight", func(c *Config) { c.IntegrityWeight = math.NaN() }},
		{"base rate of 1", func(c *Config) { c.PriorBaseRate = 1 }},
		{"cap below the prior", func(c *Config) { c.MaxBaseRate = 0.4 }},
		{"negative top k", func(c *Config) { c.TopK = -1 }},
	} {
		cfg := DefaultConfig()
		c.edit(&cfg)
		if err := cfg.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Validate() = %v, want ErrInvalid", c.name, err)
		}
	}
	if err := DefaultConfig().Validate(); err != nil {
		t.Errorf("DefaultConfig is not valid: %v", err)
	}
}

func TestConstructors(t *testing.T) {
	c := DefaultConfig()
	ev := must[Evidence](t)
	tests := []struct {
		name     string
		ev       Evidence
		dim      Dimension
		kind     Kind
		pos, neg float64
	}{
		{"feedback 4/5 is 0.8 good and 0.2 bad", ev(c.Feedback("a", "b", t0, "f", 4)), Ability, KindFeedback, 0.8, 0.2},
		{"feedback 0/5 is one bad unit", ev(c.Feedback("a", "b", t0, "f", 0)), Ability, KindFeedback, 0, 1},
		{"corroboration", ev(c.Corroborated("a", "b", t0, "p")), Ability, KindCorroborated, 2, 0},
		{"refutation", ev(c.Refuted("a", "b", t0, "p")), Ability, KindRefuted, 0, 3},
		{"breach", ev(c.Breach("a", "b", t0, "br", "ORCON")), Integrity, KindBreach, 0, 10},
		{"caveat kept", ev(c.CaveatKept("a", "b", t0, "d")), Integrity, KindCaveatKept, 0.1, 0},
		{"release requested", ev(c.ReleaseRequested("a", "b", t0, "rr")), Integrity, KindReleaseRequested, 1, 0},
		{"RFI answered", ev(c.RFI("a", "b", t0, "q", RFIAnswered)), Benevolence, KindRFIAnswered, 1, 0},
		{"RFI late", ev(c.RFI("a", "b", t0, "q", RFILate)), Benevolence, KindRFILate, 0.5, 0},
		{"RFI missed", ev(c.RFI("a", "b", t0, "q", RFIMissed)), Benevolence, KindRFIMissed, 0, 1},
		{"warning", ev(c.Warning("a", "b", t0, "w")), Benevolence, KindWarning, 2, 0},
		// 0.5·log2(2 + 1) split 3/4 : 1/4 by tone +1.
		{"warm one-hour bilateral meeting", ev(c.Interaction("a", "b", t0, "i", InteractionFacts{Tone: 1, Minutes: 60, Parties: 2})), Benevolence, KindInteraction,
			0.5 * math.Log2(3) * 0.75, 0.5 * math.Log2(3) * 0.25},
		// 0.5·log2(2)/4, all bad.
		{"hostile call at a five-party conference", ev(c.Interaction("a", "b", t0, "i", InteractionFacts{Tone: -2, Parties: 5})), Benevolence, KindInteraction, 0, 0.125},
	}
	for _, tt := range tests {
		if tt.ev.Dimension != tt.dim || tt.ev.Kind != tt.kind || !near(tt.ev.Positive, tt.pos, 1e-12) || !near(tt.ev.Negative, tt.neg, 1e-12) {
			t.Errorf("%s: %s %s (%v, %v), want %s %s (%v, %v)", tt.name, tt.ev.Dimension, tt.ev.Kind, tt.ev.Positive, tt.ev.Negative, tt.dim, tt.kind, tt.pos, tt.neg)
		}
		if tt.ev.Note == "" || tt.ev.Truster != "a" || tt.ev.Trustee != "b" || !tt.ev.At.Equal(t0) {
			t.Errorf("%s: %+v lacks its note, parties or time", tt.name, tt.ev)
		}
	}
	for _, bad := range []struct {
		name string
		err  error
	}{
		{"feedback 6", second(c.Feedback("a", "b", t0, "f", 6))},
		{"feedback -1", second(c.Feedback("a", "b", t0, "f", -1))},
		{"unknown RFI outcome", second(c.RFI("a", "b", t0, "q", "ignored"))},
		{"tone 3", second(c.Interaction("a", "b", t0, "i", InteractionFacts{Tone: 3, Parties: 2}))},
		{"negative duration", second(c.Interaction("a", "b", t0, "i", InteractionFacts{Minutes: -5, Parties: 2}))},
		{"one party", second(c.Interaction("a", "b", t0, "i", InteractionFacts{Parties: 1}))},
		{"no trustee", second(c.Warning("a", "", t0, "w"))},
	} {
		if !errors.Is(bad.err, ErrInvalid) {
			t.Errorf("%s: error %v, want ErrInvalid", bad.name, bad.err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestBaseRate(t *testing.T) {
	c := DefaultConfig()
	tests := []struct {
		name    string
		shared  []string
		want    float64
		reasons int
	}{
		{"no shared membership is the prior", nil, 0.5, 1},
		{"one shared membership", []string{"EU"}, 0.55, 2},
		{"duplicates and empty names count once", []string{"NATO", "EU", "", "EU"}, 0.6, 3},
		{"the cap holds", []string{"A1", "A2", "A3", "A4", "A5", "A6", "A7"}, 0.75, 8},
	}
	for n := range 10 {
		names := make([]string, n)
		for i := range names {
			names[i] = fmt.Sprint("M", i)
		}
		if a, _ := c.BaseRate(names); a != c.baseRate(n) {
			t.Errorf("%d shared: BaseRate %v, baseRate %v", n, a, c.baseRate(n))
		}
	}
	for _, tt := range tests {
		a, reasons := c.BaseRate(tt.shared)
		if !near(a, tt.want, 1e-12) || len(reasons) != tt.reasons {
			t.Errorf("%s: BaseRate(%v) = %v with %d reasons %q, want %v with %d", tt.name, tt.shared, a, len(reasons), reasons, tt.want, tt.reasons)
		}
	}
}

func TestRelationalStructure(t *testing.T) {
	c := DefaultConfig()
	e := mustEngine(t, c)
	ev := must[Evidence](t)
	mustAdd(t, e,
		ev(c.Interaction("a", "b", t0, "i1", InteractionFacts{Tone: 1, Minutes: 60, Parties: 2, Ties: []string{"t1"}})),
		ev(c.Interaction("a", "b", t0.AddDate(1, 0, 0), "i2", InteractionFacts{Tone: 1, Minutes: 60, Parties: 2, Ties: []string{"t1", "t2"}})),
		ev(c.Interaction("a", "b", t0.AddDate(3, 0, 0), "i3", InteractionFacts{Tone: 0, Minutes: 60, Parties: 2, Ties: []string{"t3"}})),
	)
	now := t0.AddDate(3, 0, 0)
	a := mustAssess(t, e, "a", "b", now)
	var ties, age *Contribution
	for i := range a.Top {
		switch a.Top[i].Evidence.Kind {
		case KindOfficerTies:
			ties = &a.Top[i]
		case KindRelationshipAge:
			age = &a.Top[i]
		}
	}
	if ties == nil || age == nil {
		t.Fatalf("top %+v lacks officer ties or relationship age", a.Top)
	}
	// 3 distinct ties: log2(4) = 2 units; 3 years (1096 days): log2(1 + 3.0007).
	if !near(ties.Weight, 2, 1e-9) || ties.Evidence.Note != "3 distinct officer ties" {
		t.Errorf("ties: %+v, want weight 2 for 3 ties", ties)
	}
	years := now.Sub(t0).Hours() / (365.25 * 24)
	if !near(age.Weight, math.Log2(1+years), 1e-9) {
		t.Errorf("age: weight %v, want %v", age.Weight, math.Log2(1+years))
	}
	// A year earlier the relationship was one year old and had 2 ties.
	b := mustAssess(t, e, "a", "b", t0.AddDate(1, 0, 0))
	for _, c := range b.Top {
		if c.Evidence.Kind == KindOfficerTies && c.Evidence.Note != "2 distinct officer ties" {
			t.Errorf("a year in: %q, want 2 ties", c.Evidence.Note)
		}
	}
}

func TestTrend(t *testing.T) {
	c := DefaultConfig()
	e := mustEngine(t, c)
	ev := must[Evidence](t)
	for i := range 40 {
		mustAdd(t, e, ev(c.Feedback("a", "b", t0.Add(time.Duration(i)*7*day), fmt.Sprint("f", i), 5)))
	}
	now := t0.Add(300 * day)
	quiet, err := e.Trend("a", "b", now, DefaultTrendWindow)
	if err != nil {
		t.Fatal(err)
	}
	before := mustAssess(t, e, "a", "b", now.Add(-DefaultTrendWindow))
	sameOpinion(t, "Trend.Before", quiet.Before, before.Overall, 1e-12)
	mustAdd(t, e, ev(c.Breach("a", "b", now.Add(-10*day), "br1", "ORCON")))
	fall, err := e.Trend("a", "b", now, DefaultTrendWindow)
	if err != nil {
		t.Fatal(err)
	}
	sameOpinion(t, "Trend.Before after a later breach", fall.Before, before.Overall, 1e-12)
	if fall.Change > -0.1 || fall.Change >= quiet.Change {
		t.Errorf("a breach in the window: change %v (without it %v), want a fall of more than 0.1", fall.Change, quiet.Change)
	}
	if _, err := e.Trend("a", "b", now, 0); !errors.Is(err, ErrInvalid) {
		t.Errorf("zero window: error %v, want ErrInvalid", err)
	}
}

func TestTopShowsTheHeaviestItems(t *testing.T) {
	c := DefaultConfig()
	c.TopK = 2
	e := mustEngine(t, c)
	ev := must[Evidence](t)
	mustAdd(t, e,
		ev(c.Feedback("a", "b", t0, "old-good", 5)),
		ev(c.Breach("a", "b", t0.Add(10*day), "breach", "REL TO")),
		ev(c.Feedback("a", "b", t0.Add(20*day), "new-good", 5)),
		ev(c.Corroborated("a", "b", t0.Add(30*day), "corroborated")),
		ev(c.RFI("a", "b", t0.Add(40*day), "missed", RFIMissed)),
		ev(c.Feedback("a", "b", t0.Add(50*day), "meh", 2)),
	)
	a := mustAssess(t, e, "a", "b", t0.Add(60*day))
	var got []string
	for _, c := range a.Top {
		got = append(got, fmt.Sprintf("%s%+d", c.Evidence.Ref, c.Sign))
	}
	// Influence, before a little decay: breach 10·2, corroborated 2·1,
	// new feedback 1·1 (the old one has decayed more), "meh" (2/5) 0.6·1
	// bad, which outweighs the missed RFI's 1·0.5 (benevolence weighs
	// half), and 0.4 good.
	want := []string{"breach-1", "corroborated+1", "new-good+1", "meh-1"}
	if !slices.Equal(got, want) {
		t.Errorf("top = %v, want %v", got, want)
	}
}

func TestEngineIsSafeForConcurrentUse(t *testing.T) {
	c := DefaultConfig()
	e := mustEngine(t, c)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			for i, ev := range randomEvidence(rng, []string{"a", "b", "c"}, 200, 365*day) {
				if err := e.Add(ev); err != nil {
					t.Error(err)
				}
				if i%10 == 0 {
					if _, err := e.Assess(ev.Truster, ev.Trustee, t0.Add(200*day)); err != nil {
						t.Error(err)
					}
					e.Graph(t0.Add(100 * day))
				}
			}
		})
	}
	wg.Wait()
	if e.Len() != 800 {
		t.Errorf("Len = %d, want 800", e.Len())
	}
}
