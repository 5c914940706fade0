package ledger_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/liaison-dev/liaison/ledger"
)

// t0 is the start of the tests' timelines.
var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// day returns t0 plus d days (fractions allowed).
func day(d float64) time.Time { return t0.Add(time.Duration(d * float64(24*time.Hour))) }

func fb(v float64) *float64 { return &v }

// mustLedger returns an empty ledger with the default configuration.
func mustLedger(tb testing.TB) *ledger.Ledger {
	tb.Helper()
	l, err := ledger.New(ledger.DefaultConfig())
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return l
}

// mustAdd adds exchanges one by one.
func mustAdd(tb testing.TB, l *ledger.Ledger, es ...ledger.Exchange) {
	tb.Helper()
	for _, e := range es {
		if err := l.Add(e); err != nil {
			tb.Fatalf("Add(%+v): %v", e, err)
		}
	}
}

// give is an exchange of neutral value 1 (rank 2, graded C3, unrated).
func give(from, to string, d float64) ledger.Exchange {
	return ledger.Exchange{From: from, To: to, AgreementID: "ag", At: day(d), Rank: 2, Grading: "C3"}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func val(p *float64) string {
	if p == nil {
		return "absent"
	}
	return formatFloat(*p)
}

func formatFloat(v float64) string { b, _ := json.Marshal(v); return string(b) }

func TestValue(t *testing.T) {
	cfg := ledger.DefaultConfig()
	at := day(10)
	tests := []struct {
		name    string
		e       ledger.Exchange
		factors map[string]float64
		want    float64
	}{
		{"a neutral exchange is worth the base",
			ledger.Exchange{Rank: 2, Grading: "C3", At: at},
			map[string]float64{"base": 1, "classification": 1, "grading": 1, "feedback": 1, "timeliness": 1, "unsolicited": 1}, 1},
		{"higher classification is worth more",
			ledger.Exchange{Rank: 4, Grading: "C3", At: at}, map[string]float64{"classification": 1.5}, 1.5},
		{"unclassified is worth less",
			ledger.Exchange{Rank: 0, Grading: "C3", At: at}, map[string]float64{"classification": 0.6}, 0.6},
		{"A1 is the best grading",
			ledger.Exchange{Rank: 2, Grading: "A1", At: at}, map[string]float64{"grading": 1.44}, 1.44},
		{"a lower-case grading reads the same",
			ledger.Exchange{Rank: 2, Grading: "a1", At: at}, map[string]float64{"grading": 1.44}, 1.44},
		{"an ungraded exchange counts as F6",
			ledger.Exchange{Rank: 2, At: at}, map[string]float64{"grading": 0.81}, 0.81},
		{"E5 is the worst grading",
			ledger.Exchange{Rank: 2, Grading: "E5", At: at}, map[string]float64{"grading": 0.49}, 0.49},
		{"feedback 5 doubles the value",
			ledger.Exchange{Rank: 2, Grading: "C3", At: at, Feedback: fb(5)}, map[string]float64{"feedback": 2}, 2},
		{"feedback 0 makes it worthless",
			ledger.Exchange{Rank: 2, Grading: "C3", At: at, Feedback: fb(0)}, map[string]float64{"feedback": 0}, 0},
		{"feedback 2.5 is neutral",
			ledger.Exchange{Rank: 2, Grading: "C3", At: at, Feedback: fb(2.5)}, map[string]float64{"feedback": 1}, 1},
		{"an RFI answered by its deadline earns a bonus",
			ledger.Exchange{Rank: 2, Grading: "C3", At: at, AnswersRFI: true, RFIDeadline: at}, map[string]float64{"timeliness": 1.25}, 1.25},
		{"an RFI answered late earns a malus",
			ledger.Exchange{Rank: 2, Grading: "C3", At: at, AnswersRFI: true, RFIDeadline: day(9)}, map[string]float64{"timeliness": 0.75}, 0.75},
		{"an RFI without a deadline is neutral",
			ledger.Exchange{Rank: 2, Grading: "C3", At: at, AnswersRFI: true}, map[string]float64{"timeliness": 1}, 1},
		{"an unsolicited warning earns a bonus",
			ledger.Exchange{Rank: 2, Grading: "C3", At: at, Unsolicited: true}, map[string]float64{"unsolicited": 1.2}, 1.2},
		{"factors multiply",
			ledger.Exchange{Rank: 3, Grading: "B2", At: at, Feedback: fb(4), AnswersRFI: true, RFIDeadline: day(11), Unsolicited: true},
			map[string]float64{"classification": 1.25, "grading": 1.21, "feedback": 1.6, "timeliness": 1.25, "unsolicited": 1.2},
			1.25 * 1.21 * 1.6 * 1.25 * 1.2},
	}
	order := []string{"base", "classification", "grading", "feedback", "timeliness", "unsolicited"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, fs := ledger.Value(tt.e, cfg)
			if !near(v, tt.want) {
				t.Errorf("value = %v, want %v", v, tt.want)
			}
			if len(fs) != len(order) {
				t.Fatalf("%d factors, want %d", len(fs), len(order))
			}
			prod := 1.0
			for i, f := range fs {
				if f.Name != order[i] {
					t.Errorf("factor %d is %q, want %q", i, f.Name, order[i])
				}
				if f.Note == "" {
					t.Errorf("factor %s has no note", f.Name)
				}
				if want, ok := tt.factors[f.Name]; ok && !near(f.Multiplier, want) {
					t.Errorf("factor %s = %v, want %v (%s)", f.Name, f.Multiplier, want, f.Note)
				}
				prod *= f.Multiplier
			}
			if !near(prod, v) {
				t.Errorf("product of factors %v != value %v", prod, v)
			}
		})
	}
}

func TestExchangeValidate(t *testing.T) {
	ok := give("a", "b", 1)
	tests := []struct {
		name string
		edit func(*ledger.Exchange)
	}{
		{"without a giver", func(e *ledger.Exchange) { e.From = "" }},
		{"without a recipient", func(e *ledger.Exchange) { e.To = " " }},
		{"given to itself", func(e *ledger.Exchange) { e.To = e.From }},
		{"without a time", func(e *ledger.Exchange) { e.At = time.Time{} }},
		{"with a rank above top secret", func(e *ledger.Exchange) { e.Rank = 5 }},
		{"with a negative rank", func(e *ledger.Exchange) { e.Rank = -1 }},
		{"with feedback above 5", func(e *ledger.Exchange) { e.Feedback = fb(6) }},
		{"with feedback NaN", func(e *ledger.Exchange) { e.Feedback = fb(math.NaN()) }},
		{"with a grading G7", func(e *ledger.Exchange) { e.Grading = "G7" }},
		{"with a grading of three characters", func(e *ledger.Exchange) { e.Grading = "B22" }},
		{"with a deadline but no RFI", func(e *ledger.Exchange) { e.RFIDeadline = day(3) }},
	}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid exchange: %v", err)
	}
	l := mustLedger(t)
	for _, tt := range tests {
		t.Run("an exchange "+tt.name+" is refused", func(t *testing.T) {
			e := ok
			tt.edit(&e)
			if err := e.Validate(); !errors.Is(err, ledger.ErrInvalid) {
				t.Errorf("Validate = %v, want ErrInvalid", err)
			}
			if err := l.Add(e); !errors.Is(err, ledger.ErrInvalid) {
				t.Errorf("Add = %v, want ErrInvalid", err)
			}
		})
	}
	if l.Len() != 0 {
		t.Errorf("Len = %d after refused adds, want 0", l.Len())
	}
}

func TestAddUpdateRemove(t *testing.T) {
	l := mustLedger(t)
	e := give("a", "b", 1)
	e.ID = "x1"
	mustAdd(t, l, e)
	if err := l.Add(e); !errors.Is(err, ledger.ErrDuplicate) {
		t.Errorf("second Add = %v, want ErrDuplicate", err)
	}
	e.Feedback = fb(5)
	if err := l.Update(e); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if got := l.Pair("a", "b", ledger.Window{}).Given.Value; !near(got, 2) {
		t.Errorf("value after the feedback = %v, want 2", got)
	}
	if err := l.Update(ledger.Exchange{ID: "nope", From: "a", To: "b", At: day(1)}); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("Update of an unknown id = %v, want ErrNotFound", err)
	}
	if err := l.Update(give("a", "b", 2)); !errors.Is(err, ledger.ErrInvalid) {
		t.Errorf("Update without an id = %v, want ErrInvalid", err)
	}
	if err := l.Remove("x1"); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if err := l.Remove("x1"); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("second Remove = %v, want ErrNotFound", err)
	}
	if s := l.Pair("a", "b", ledger.Window{}); s.Given.Count != 0 || s.Given.Value != 0 || l.Len() != 0 {
		t.Errorf("after Remove: count %d value %v len %d, want zeros", s.Given.Count, s.Given.Value, l.Len())
	}

	// AddAll is all or nothing.
	batch := []ledger.Exchange{give("a", "b", 1), give("b", "a", 2), give("a", "c", 3)}
	batch[0].ID, batch[1].ID, batch[2].ID = "y1", "y2", "y1"
	if err := l.AddAll(batch); !errors.Is(err, ledger.ErrDuplicate) {
		t.Errorf("AddAll with an id twice = %v, want ErrDuplicate", err)
	}
	batch[2].ID = "y3"
	batch[1].Rank = 9
	if err := l.AddAll(batch); !errors.Is(err, ledger.ErrInvalid) {
		t.Errorf("AddAll with an invalid exchange = %v, want ErrInvalid", err)
	}
	if l.Len() != 0 {
		t.Fatalf("Len = %d after refused batches, want 0", l.Len())
	}
	batch[1].Rank = 2
	if err := l.AddAll(batch); err != nil {
		t.Fatalf("AddAll: %v", err)
	}
	if err := l.AddAll([]ledger.Exchange{batch[0]}); !errors.Is(err, ledger.ErrDuplicate) {
		t.Errorf("AddAll of a held id = %v, want ErrDuplicate", err)
	}
	if l.Len() != 3 {
		t.Errorf("Len = %d, want 3", l.Len())
	}
}

func TestPairSums(t *testing.T) {
	l := mustLedger(t)
	mustAdd(t, l,
		ledger.Exchange{From: "a", To: "b", AgreementID: "bi", At: day(1), Rank: 2, Grading: "C3", Feedback: fb(5)},       // 2
		ledger.Exchange{From: "a", To: "b", AgreementID: "bi", At: day(2), Rank: 4, Grading: "C3"},                        // 1.5
		ledger.Exchange{From: "a", To: "b", AgreementID: "group", Multilateral: true, At: day(3), Rank: 2, Grading: "C3"}, // 1
		ledger.Exchange{From: "b", To: "a", AgreementID: "bi", At: day(4), Rank: 2, Grading: "C3", Feedback: fb(1.25), // 0.5 × 1.25
			AnswersRFI: true, RFIDeadline: day(5)},
		ledger.Exchange{From: "b", To: "c", AgreementID: "other", At: day(5), Rank: 2, Grading: "C3"},
	)
	s := l.Pair("a", "b", ledger.Window{})
	checks := []struct {
		name      string
		got, want float64
	}{
		{"given count", float64(s.Given.Count), 3},
		{"given value", s.Given.Value, 4.5},
		{"given multilateral value", s.Given.MultilateralValue, 1},
		{"given rated", float64(s.Given.Rated), 1},
		{"received count", float64(s.Received.Count), 1},
		{"received value", s.Received.Value, 0.625},
		{"received RFI answers", float64(s.Received.RFIAnswers), 1},
		{"received RFI on time", float64(s.Received.RFIOnTime), 1},
		{"balance", s.Balance, 3.875},
		{"reciprocated", s.Reciprocity.Reciprocated, 0.625},
	}
	for _, c := range checks {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if s.Received.MeanFeedback == nil || !near(*s.Received.MeanFeedback, 1.25) {
		t.Errorf("received mean feedback = %s, want 1.25", val(s.Received.MeanFeedback))
	}
	if len(s.ByAgreement) != 2 || s.ByAgreement[0].AgreementID != "bi" || s.ByAgreement[1].AgreementID != "group" {
		t.Fatalf("by agreement = %+v, want bi then group", s.ByAgreement)
	}
	if bi := s.ByAgreement[0]; bi.Given.Count != 2 || !near(bi.Given.Value, 3.5) || bi.Received.Count != 1 || !near(bi.Balance, 2.875) || bi.Multilateral {
		t.Errorf("bi = %+v", bi)
	}
	if g := s.ByAgreement[1]; !g.Multilateral || g.Given.Count != 1 || g.Received.Count != 0 {
		t.Errorf("group = %+v", g)
	}

	// The mirror.
	r := l.Pair("b", "a", ledger.Window{})
	if r.Given.Count != 1 || r.Received.Count != 3 || !near(r.Balance, -3.875) {
		t.Errorf("mirror: given %d received %d balance %v", r.Given.Count, r.Received.Count, r.Balance)
	}

	// A window keeps only what lies inside it.
	w := l.Pair("a", "b", ledger.Window{From: day(2), To: day(4)})
	if w.Given.Count != 2 || !near(w.Given.Value, 2.5) || w.Received.Count != 0 {
		t.Errorf("window [2, 4): given %d (%v) received %d, want 2 (2.5) and 0", w.Given.Count, w.Given.Value, w.Received.Count)
	}

	// Unknown organisations and inverted windows give zero summaries.
	for _, z := range []ledger.PairSummary{l.Pair("a", "zz", ledger.Window{}), l.Pair("a", "a", ledger.Window{}),
		l.Pair("a", "b", ledger.Window{From: day(4), To: day(2)})} {
		if z.Given.Count != 0 || z.Received.Count != 0 || z.ByAgreement == nil {
			t.Errorf("expected an empty summary, got %+v", z)
		}
	}
}

func TestReciprocity(t *testing.T) {
	// a→b 2, b→a 1, a→c 2: s_a = 4, s_b = 1, p_ab = 0.5, p_ba = 1.
	l := mustLedger(t)
	mustAdd(t, l, give("a", "b", 1), give("a", "b", 2), give("b", "a", 3), give("a", "c", 4), give("a", "c", 5))
	r := l.Pair("a", "b", ledger.Window{}).Reciprocity
	want := map[string]*float64{"ratio": fb(0.5), "given_share": fb(0.5), "received_share": fb(1), "log_ratio": fb(math.Ln2)}
	got := map[string]*float64{"ratio": r.Ratio, "given_share": r.GivenShare, "received_share": r.ReceivedShare, "log_ratio": r.LogRatio}
	for k, w := range want {
		if got[k] == nil || !near(*got[k], *w) {
			t.Errorf("%s = %s, want %v", k, val(got[k]), *w)
		}
	}
	if !near(r.Reciprocated, 1) {
		t.Errorf("reciprocated = %v, want 1", r.Reciprocated)
	}

	// a→c has no return: the log-ratio and c's share are absent, the
	// ratio is 0, and the summary encodes as JSON.
	s := l.Pair("a", "c", ledger.Window{})
	if s.Reciprocity.LogRatio != nil || s.Reciprocity.ReceivedShare != nil {
		t.Errorf("one-way flow: log_ratio %s received_share %s, want both absent", val(s.Reciprocity.LogRatio), val(s.Reciprocity.ReceivedShare))
	}
	if s.Reciprocity.Ratio == nil || *s.Reciprocity.Ratio != 0 {
		t.Errorf("one-way flow: ratio %s, want 0", val(s.Reciprocity.Ratio))
	}
	if _, err := json.Marshal(s); err != nil {
		t.Errorf("json: %v", err)
	}

	// Zero-valued flows (feedback 0) leave every ratio absent.
	z := mustLedger(t)
	e := give("a", "b", 1)
	e.Feedback = fb(0)
	mustAdd(t, z, e)
	zs := z.Pair("a", "b", ledger.Window{})
	if zs.Reciprocity.Ratio != nil || zs.Reciprocity.GivenShare != nil || zs.Reciprocity.LogRatio != nil {
		t.Errorf("zero value: %+v, want no ratios", zs.Reciprocity)
	}
	if _, err := json.Marshal(zs); err != nil {
		t.Errorf("json: %v", err)
	}
}

func TestLag(t *testing.T) {
	// Horizon 30 days. a gives on days 0 and 1; b returns on days 3 and
	// 10 (FIFO: day 0 in 3 days, day 1 in 9); a gives on day 12, 50 and
	// 80; b returns on day 90 (day 50 has expired: day 80 is answered in
	// 10).
	l := mustLedger(t)
	mustAdd(t, l, give("a", "b", 0), give("a", "b", 1), give("b", "a", 3), give("b", "a", 10),
		give("a", "b", 12), give("a", "b", 50), give("a", "b", 80), give("b", "a", 90))
	tests := []struct {
		name                                string
		w                                   ledger.Window
		answered, unanswered, open, returns int
		median, mean                        *float64
	}{
		{"over everything", ledger.Window{}, 3, 2, 0, 0, fb(9), fb(22.0 / 3)},
		{"as of day 11", ledger.Window{To: day(11)}, 2, 0, 0, 0, fb(6), fb(6)},
		{"as of day 40 the give of day 12 is open", ledger.Window{From: day(11), To: day(40)}, 0, 0, 1, 0, nil, nil},
		{"as of day 45 the give of day 12 has expired", ledger.Window{From: day(11), To: day(45)}, 0, 1, 0, 0, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := l.Pair("a", "b", tt.w).Given.Lag
			if g.Answered != tt.answered || g.Unanswered != tt.unanswered || g.Open != tt.open || g.Returns != tt.returns {
				t.Errorf("answered %d unanswered %d open %d returns %d, want %d %d %d %d", g.Answered, g.Unanswered, g.Open, g.Returns,
					tt.answered, tt.unanswered, tt.open, tt.returns)
			}
			for _, c := range []struct {
				name      string
				got, want *float64
			}{{"median", g.MedianDays, tt.median}, {"mean", g.MeanDays, tt.mean}} {
				if (c.got == nil) != (c.want == nil) || (c.got != nil && !near(*c.got, *c.want)) {
					t.Errorf("%s = %s, want %s", c.name, val(c.got), val(c.want))
				}
			}
		})
	}
	r := l.Pair("a", "b", ledger.Window{}).Received.Lag
	if r.Returns != 3 || r.Answered+r.Unanswered+r.Open != 0 {
		t.Errorf("b's gives: %+v, want 3 returns and nothing awaiting", r)
	}
	all := l.Pair("a", "b", ledger.Window{}).Given
	if s := all.Lag.AnsweredShare; s == nil || !near(*s, 0.6) {
		t.Errorf("answered share = %s, want 0.6", val(s))
	}

	// Multilateral and bilateral gives are matched in their own channel.
	m := mustLedger(t)
	multi := give("b", "a", 1)
	multi.Multilateral = true
	mustAdd(t, m, give("a", "b", 0), multi, give("b", "a", 2))
	g := m.Pair("a", "b", ledger.Window{}).Given.Lag
	if g.MedianDays == nil || !near(*g.MedianDays, 2) {
		t.Errorf("bilateral give returned after %s days, want 2 (the multilateral give is not its return)", val(g.MedianDays))
	}
}

func TestMonths(t *testing.T) {
	l := mustLedger(t)
	mustAdd(t, l,
		ledger.Exchange{From: "a", To: "b", At: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), Rank: 2, Grading: "C3"},
		ledger.Exchange{From: "a", To: "b", At: time.Date(2026, 1, 20, 0, 0, 0, 0, time.UTC), Rank: 2, Grading: "C3"},
		ledger.Exchange{From: "b", To: "a", At: time.Date(2026, 1, 31, 23, 0, 0, 0, time.UTC), Rank: 2, Grading: "C3"},
		ledger.Exchange{From: "b", To: "a", At: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Rank: 2, Grading: "C3", Feedback: fb(5)},
	)
	ms := l.Months("a", "b", ledger.Window{})
	want := []struct {
		month               string
		given, recv         int
		balance, cumulative float64
	}{{"2026-01", 2, 1, 1, 1}, {"2026-03", 0, 1, -2, -1}}
	if len(ms) != len(want) {
		t.Fatalf("%d months, want %d: %+v", len(ms), len(want), ms)
	}
	for i, w := range want {
		m := ms[i]
		if m.Month != w.month || m.Given.Count != w.given || m.Received.Count != w.recv || !near(m.Balance, w.balance) || !near(m.CumulativeBalance, w.cumulative) {
			t.Errorf("month %d = %s given %d received %d balance %v cumulative %v, want %+v", i, m.Month, m.Given.Count, m.Received.Count, m.Balance, m.CumulativeBalance, w)
		}
	}
	if ms[0].Ratio == nil || !near(*ms[0].Ratio, 0.5) {
		t.Errorf("January ratio = %s, want 0.5", val(ms[0].Ratio))
	}
	// A window that cuts January counts only its part.
	cut := l.Months("a", "b", ledger.Window{From: time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)})
	if len(cut) != 2 || cut[0].Given.Count != 1 {
		t.Errorf("cut window: %+v, want January with one give", cut)
	}
	if got := l.Months("a", "zz", ledger.Window{}); got == nil || len(got) != 0 {
		t.Errorf("unknown pair: %v, want an empty list", got)
	}
}

func TestNetwork(t *testing.T) {
	// Links a→b, b→a, a→c: L = 3, L↔ = 2, r = 2/3; N = 3, ā = 3/6,
	// ρ = (2/3 − 1/2)/(1 − 1/2) = 1/3. Values: w_ab = 2, w_ba = 1,
	// w_ac = 1: W = 4, W↔ = 2·min(2, 1) = 2, r^w = 1/2.
	l := mustLedger(t)
	mustAdd(t, l, give("a", "b", 1), give("a", "b", 2), give("b", "a", 3), give("a", "c", 4))
	n := l.Network(ledger.Window{})
	if n.Orgs != 3 || n.Links != 3 || n.ReciprocalLinks != 2 {
		t.Errorf("orgs %d links %d reciprocal %d, want 3 3 2", n.Orgs, n.Links, n.ReciprocalLinks)
	}
	for _, c := range []struct {
		name string
		got  *float64
		want float64
	}{{"reciprocity", n.Reciprocity, 2.0 / 3}, {"rho", n.Rho, 1.0 / 3}, {"weighted reciprocity", n.WeightedReciprocity, 0.5}} {
		if c.got == nil || !near(*c.got, c.want) {
			t.Errorf("%s = %s, want %v", c.name, val(c.got), c.want)
		}
	}
	if !near(n.Value, 4) || !near(n.ReciprocatedValue, 2) {
		t.Errorf("W = %v W↔ = %v, want 4 and 2", n.Value, n.ReciprocatedValue)
	}
	empty := mustLedger(t).Network(ledger.Window{})
	if empty.Reciprocity != nil || empty.Rho != nil || empty.WeightedReciprocity != nil {
		t.Errorf("empty network: %+v, want no measures", empty)
	}
	// A complete reciprocal dyad has density 1: ρ is undefined.
	d := mustLedger(t)
	mustAdd(t, d, give("a", "b", 1), give("b", "a", 2))
	if dn := d.Network(ledger.Window{}); dn.Rho != nil || dn.Reciprocity == nil || *dn.Reciprocity != 1 {
		t.Errorf("dyad: r %s rho %s, want 1 and absent", val(dn.Reciprocity), val(dn.Rho))
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*ledger.Config)
	}{
		{"a zero base", func(c *ledger.Config) { c.Base = 0 }},
		{"a negative rank factor", func(c *ledger.Config) { c.RankFactors[3] = -1 }},
		{"an infinite grading factor", func(c *ledger.Config) { c.ReliabilityFactors[0] = math.Inf(1) }},
		{"a NaN horizon", func(c *ledger.Config) { c.AnswerWithinDays = math.NaN() }},
		{"an empty window", func(c *ledger.Config) { c.Typology.WindowMonths = 0 }},
		{"a relational score of 1", func(c *ledger.Config) { c.Typology.RelationalScore = 1 }},
		{"equal anchors", func(c *ledger.Config) { c.Typology.Tone.Relational = c.Typology.Tone.Transactional }},
		{"a logarithmic scale through 0", func(c *ledger.Config) { c.Typology.ReturnLag.Transactional = 0 }},
		{"no weight at all", func(c *ledger.Config) {
			for _, s := range []*ledger.Scale{&c.Typology.ReturnLag, &c.Typology.AnsweredShare, &c.Typology.MonthlyBalance,
				&c.Typology.LongImbalance, &c.Typology.GeneralisedReturns, &c.Typology.ContactDensity, &c.Typology.DeepContact,
				&c.Typology.OfficerTies, &c.Typology.Tone} {
				s.Weight = 0
			}
		}},
	}
	if err := ledger.DefaultConfig().Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	for _, tt := range tests {
		t.Run("a config with "+tt.name+" is refused", func(t *testing.T) {
			c := ledger.DefaultConfig()
			tt.edit(&c)
			if _, err := ledger.New(c); !errors.Is(err, ledger.ErrInvalid) {
				t.Errorf("New = %v, want ErrInvalid", err)
			}
		})
	}
}
