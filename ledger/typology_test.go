package ledger_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/liaison-dev/liaison/ledger"
)

// month returns the start of the m-th month after t0.
func month(m int) time.Time { return t0.AddDate(0, m, 0) }

// quidProQuo plans, from month `from` for `months` months, perMonth rounds
// in which one side gives and the other returns in kind answerDays later;
// the side that opens alternates.
func quidProQuo(a, b, agreement string, multilateral bool, from, months, perMonth int, answerDays float64) []ledger.Exchange {
	var es []ledger.Exchange
	for m := from; m < from+months; m++ {
		for k := range perMonth {
			at := month(m).Add(time.Duration(float64(k)+0.2) * 28 * 24 * time.Hour / time.Duration(perMonth))
			x, y := a, b
			if (m*perMonth+k)%2 == 1 {
				x, y = b, a
			}
			es = append(es,
				ledger.Exchange{From: x, To: y, AgreementID: agreement, Multilateral: multilateral, At: at, Rank: 2, Grading: "B2", Feedback: fb(3)},
				ledger.Exchange{From: y, To: x, AgreementID: agreement, Multilateral: multilateral, At: at.Add(time.Duration(answerDays * float64(24*time.Hour))),
					Rank: 2, Grading: "B2", Feedback: fb(3)})
		}
	}
	return es
}

// diffuse plans gives that do not answer each other: a gives aPerMonth
// and b bPerMonth, on their own schedules.
func diffuse(a, b, agreement string, multilateral bool, from, months, aPerMonth, bPerMonth int) []ledger.Exchange {
	var es []ledger.Exchange
	for m := from; m < from+months; m++ {
		for _, side := range []struct {
			x, y   string
			n      int
			offset float64
		}{{a, b, aPerMonth, 0.1}, {b, a, bPerMonth, 0.55}} {
			for k := range side.n {
				at := month(m).Add(time.Duration((float64(k)+side.offset)/float64(side.n)*28*24) * time.Hour)
				es = append(es, ledger.Exchange{From: side.x, To: side.y, AgreementID: agreement, Multilateral: multilateral, At: at,
					Rank: 3, Grading: "B2", Feedback: fb(4)})
			}
		}
	}
	return es
}

// meetings plans perMonth interactions of orgs a month.
func meetings(orgs []string, from, months, perMonth, tone int, kind string) []ledger.Interaction {
	var is []ledger.Interaction
	for m := from; m < from+months; m++ {
		for k := range perMonth {
			var officers []string
			for _, o := range orgs {
				officers = append(officers, o+".lo")
			}
			is = append(is, ledger.Interaction{Orgs: orgs, Officers: officers, At: month(m).AddDate(0, 0, 3+7*k), Tone: tone, Kind: kind})
		}
	}
	return is
}

func load(tb testing.TB, es []ledger.Exchange, is []ledger.Interaction) *ledger.Ledger {
	tb.Helper()
	l := mustLedger(tb)
	if err := l.AddAll(es); err != nil {
		tb.Fatalf("AddAll: %v", err)
	}
	for _, i := range is {
		if err := l.AddInteraction(i); err != nil {
			tb.Fatalf("AddInteraction: %v", err)
		}
	}
	return l
}

func evidence(t ledger.Typology, name string) ledger.Indicator {
	for _, e := range t.Evidence {
		if e.Name == name {
			return e
		}
	}
	return ledger.Indicator{}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name  string
		build func(tb testing.TB) *ledger.Ledger
		// partner is a's partner in the relationship, "b" when empty.
		partner string
		want    ledger.Class
		// toward lists indicators and the side they must point to.
		toward map[string]string
	}{
		{"gives answered in kind within days, with no contact, are transactional bilateral",
			func(tb testing.TB) *ledger.Ledger {
				return load(tb, quidProQuo("a", "b", "ab", false, 0, 12, 4, 2), meetings([]string{"a", "b"}, 0, 12, 0, 0, "call"))
			},
			"", ledger.TransactionalBilateral,
			map[string]string{"return_lag": "transactional", "answered_share": "transactional", "monthly_balance": "transactional",
				"contact_density": "transactional", "multilateral_share": "bilateral", "tone": "unmeasured"}},
		{"a tolerated imbalance, warm monthly meetings and a secondment are relational bilateral",
			func(tb testing.TB) *ledger.Ledger {
				is := meetings([]string{"a", "b"}, 0, 12, 2, 2, "meeting")
				is = append(is, ledger.Interaction{Orgs: []string{"a", "b"}, Officers: []string{"a.x", "b.y"}, At: month(9), Tone: 2, Kind: "secondment"})
				return load(tb, diffuse("a", "b", "ab", false, 0, 12, 4, 1), is)
			},
			"", ledger.RelationalBilateral,
			map[string]string{"long_imbalance": "relational", "contact_density": "relational", "deep_contact": "relational",
				"officer_ties": "relational", "tone": "relational", "multilateral_share": "bilateral"}},
		{"quid pro quo under a multilateral agreement is transactional multilateral",
			func(tb testing.TB) *ledger.Ledger {
				return load(tb, quidProQuo("a", "b", "group", true, 0, 12, 4, 2), nil)
			},
			"", ledger.TransactionalMultilateral,
			map[string]string{"multilateral_share": "multilateral", "return_lag": "transactional", "generalised_returns": "relational"}},
		{"a hub returning more than it gets, with group meetings, is relational multilateral",
			func(tb testing.TB) *ledger.Ledger {
				es := diffuse("hub", "a", "group", true, 0, 12, 6, 2)
				es = append(es, diffuse("hub", "c", "group", true, 0, 12, 6, 2)...)
				return load(tb, es, meetings([]string{"hub", "a", "c", "d"}, 0, 12, 2, 1, "meeting"))
			},
			"hub", ledger.RelationalMultilateral,
			map[string]string{"multilateral_share": "multilateral", "generalised_returns": "relational", "contact_density": "relational",
				"long_imbalance": "relational"}},
		{"a hub makes a relationship multilateral whatever its agreement",
			func(tb testing.TB) *ledger.Ledger {
				l := load(tb, quidProQuo("a", "b", "ab", false, 0, 12, 4, 2), nil)
				l.SetHubs([]string{"b"})
				return l
			},
			"", ledger.TransactionalMultilateral,
			map[string]string{"hub_party": "multilateral", "multilateral_share": "bilateral"}},
		{"three exchanges are not enough to judge",
			func(tb testing.TB) *ledger.Ledger {
				return load(tb, quidProQuo("a", "b", "ab", false, 11, 1, 1, 2)[:1], nil)
			},
			"", ledger.InsufficientData, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := tt.build(t)
			at := month(12)
			b := tt.partner
			if b == "" {
				b = "b"
			}
			got := l.Classify("a", b, at)
			t.Logf("%s, score %.2f", got.Class, got.Score)
			if got.Class != tt.want {
				t.Errorf("class = %s (score %.2f), want %s", got.Class, got.Score, tt.want)
				for _, e := range got.Evidence {
					t.Logf("  %s = %s: %.2f points, %s (%s)", e.Name, val(e.Value), e.Points, e.Toward, e.Note)
				}
			}
			for name, side := range tt.toward {
				if e := evidence(got, name); e.Toward != side {
					t.Errorf("%s = %s points %s, want %s (%s)", name, val(e.Value), e.Toward, side, e.Note)
				}
			}
			if len(got.Evidence) != 11 {
				t.Errorf("%d indicators, want 11", len(got.Evidence))
			}
			if got.Score < 0 || got.Score > 1 || math.IsNaN(got.Score) {
				t.Errorf("score %v is not in [0, 1]", got.Score)
			}
			if _, err := json.Marshal(got); err != nil {
				t.Errorf("json: %v", err)
			}
			if got.Window.To != at || got.Window.From != month(6) {
				t.Errorf("window = %v, want the six months before %v", got.Window, at)
			}
			// The class does not depend on the order of the pair.
			rev := l.Classify(b, "a", at)
			if rev.Class != got.Class || rev.Score != got.Score {
				t.Errorf("Classify(%s, a) = %s %.3f, Classify(a, %s) = %s %.3f", b, rev.Class, rev.Score, b, got.Class, got.Score)
			}
		})
	}
}

func TestClassifyEmpty(t *testing.T) {
	l := mustLedger(t)
	if got := l.Classify("a", "b", time.Time{}); got.Class != ledger.InsufficientData {
		t.Errorf("empty ledger: %s, want insufficient_data", got.Class)
	}
	if got := l.History("a", "b"); got != nil {
		t.Errorf("empty ledger: history %v, want nil", got)
	}
	mustAdd(t, l, give("a", "b", 1))
	if got := l.Classify("a", "zz", time.Time{}); got.Class != ledger.InsufficientData || len(got.Evidence) != 11 {
		t.Errorf("unknown partner: %s with %d indicators, want insufficient_data with 11", got.Class, len(got.Evidence))
	}
}

func TestHistory(t *testing.T) {
	// A year of strict quid pro quo and little contact, then a year of
	// tolerated imbalance, training, a secondment and frequent warm
	// contact.
	es := quidProQuo("a", "b", "ab", false, 0, 12, 2, 3)
	es = append(es, diffuse("a", "b", "ab", false, 12, 12, 4, 2)...)
	is := meetings([]string{"a", "b"}, 0, 12, 0, 0, "call")
	is = append(is, ledger.Interaction{Orgs: []string{"a", "b"}, At: month(3), Tone: 0, Kind: "call"})
	is = append(is, meetings([]string{"a", "b"}, 12, 12, 2, 2, "meeting")...)
	is = append(is, ledger.Interaction{Orgs: []string{"a", "b"}, At: month(14), Tone: 2, Kind: "joint_training"},
		ledger.Interaction{Orgs: []string{"a", "b"}, Officers: []string{"a.x", "b.y"}, At: month(16), Tone: 2, Kind: "secondment"})
	l := load(t, es, is)

	h := l.History("a", "b")
	if len(h) != 8 {
		t.Fatalf("%d periods, want 8 quarters", len(h))
	}
	if h[0].Period != "2025-Q1" || h[7].Period != "2026-Q4" {
		t.Errorf("periods run from %s to %s, want 2025-Q1 to 2026-Q4", h[0].Period, h[7].Period)
	}
	var changes []*ledger.ClassChange
	for _, p := range h {
		if p.Change != nil {
			changes = append(changes, p.Change)
		}
	}
	if len(changes) != 1 {
		for _, p := range h {
			t.Logf("%s %s %.2f", p.Period, p.Typology.Class, p.Typology.Score)
		}
		t.Fatalf("%d changes, want 1", len(changes))
	}
	c := changes[0]
	t.Log(c.Summary)
	if c.From != ledger.TransactionalBilateral || c.To != ledger.RelationalBilateral {
		t.Errorf("change from %s to %s, want transactional_bilateral to relational_bilateral", c.From, c.To)
	}
	if c.Period != "2026-Q1" && c.Period != "2026-Q2" {
		t.Errorf("change in %s, want in the first half of the second year", c.Period)
	}
	if len(c.Because) == 0 || !strings.Contains(c.Summary, "because") || !strings.HasPrefix(c.Summary, "from transactional_bilateral to relational_bilateral in "+c.Period) {
		t.Errorf("change is not explained: %q %v", c.Summary, c.Because)
	}
	// Each period's class is Classify at the period's end.
	for _, p := range h[:7] {
		end := p.Typology.Window.To
		if got := l.Classify("a", "b", end); got.Class != p.Typology.Class || got.Score != p.Typology.Score {
			t.Errorf("%s: history says %s %.3f, Classify at %v says %s %.3f", p.Period, p.Typology.Class, p.Typology.Score, end, got.Class, got.Score)
		}
	}
	// The last period ends at the latest record.
	if got := l.Classify("a", "b", time.Time{}); got.Class != h[7].Typology.Class || got.Score != h[7].Typology.Score {
		t.Errorf("the period under way is %s %.3f, Classify now is %s %.3f", h[7].Typology.Class, h[7].Typology.Score, got.Class, got.Score)
	}
	if _, err := json.Marshal(h); err != nil {
		t.Errorf("json: %v", err)
	}
}

func TestScale(t *testing.T) {
	tests := []struct {
		name string
		s    ledger.Scale
		v    float64
		want float64
	}{
		{"at the transactional anchor", ledger.Scale{Transactional: 0.2, Relational: 0.5}, 0.2, 0},
		{"below it", ledger.Scale{Transactional: 0.2, Relational: 0.5}, 0, 0},
		{"half way", ledger.Scale{Transactional: 0.2, Relational: 0.5}, 0.35, 0.5},
		{"beyond the relational anchor", ledger.Scale{Transactional: 0.2, Relational: 0.5}, 3, 1},
		{"on a falling scale", ledger.Scale{Transactional: 0.9, Relational: 0.5}, 0.7, 0.5},
		{"on a logarithmic scale, at the geometric mean", ledger.Scale{Transactional: 5, Relational: 20, Log: true}, 10, 0.5},
		{"on a logarithmic scale, at 0", ledger.Scale{Transactional: 5, Relational: 20, Log: true}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.Points(tt.v); !near(got, tt.want) {
				t.Errorf("Points(%v) = %v, want %v", tt.v, got, tt.want)
			}
		})
	}
	if got := (ledger.Scale{Transactional: 5, Relational: 20, Log: true}).Threshold(); !near(got, 10) {
		t.Errorf("log threshold = %v, want 10", got)
	}
}

func TestCentrality(t *testing.T) {
	// a→b 3, a→c 1, b→c 2, c→a 1, d→c 1 (values 1 each). Reference
	// PageRank (damping 0.85) by power iteration; betweenness on lengths
	// 1/value: a lies on c→b and d→b, b on a→c, c on b→a, d→a and d→b;
	// normalised by (n−1)(n−2) = 6.
	l := mustLedger(t)
	for _, g := range []struct {
		from, to string
		n        int
	}{{"a", "b", 3}, {"a", "c", 1}, {"b", "c", 2}, {"c", "a", 1}, {"d", "c", 1}} {
		for k := range g.n {
			mustAdd(t, l, give(g.from, g.to, float64(k)))
		}
	}
	want := []ledger.OrgCentrality{
		{Org: "c", OutStrength: 1, InStrength: 4, ReciprocatedStrength: 1, OutDegree: 1, InDegree: 3, PageRank: 0.361053044, SourceRank: 0.335798521, Betweenness: 0.5},
		{Org: "a", OutStrength: 4, InStrength: 1, ReciprocatedStrength: 1, OutDegree: 2, InDegree: 1, PageRank: 0.344395088, SourceRank: 0.316381600, Betweenness: 1.0 / 3},
		{Org: "b", OutStrength: 2, InStrength: 3, OutDegree: 1, InDegree: 1, PageRank: 0.257051868, SourceRank: 0.209588533, Betweenness: 1.0 / 6},
		{Org: "d", OutStrength: 1, OutDegree: 1, PageRank: 0.0375, SourceRank: 0.138231347},
	}
	got := l.Centrality(ledger.Window{})
	if len(got) != len(want) {
		t.Fatalf("%d organisations, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Org != w.Org || g.OutDegree != w.OutDegree || g.InDegree != w.InDegree {
			t.Errorf("%d: %+v, want %+v", i, g, w)
			continue
		}
		for _, c := range []struct {
			name      string
			got, want float64
		}{{"out strength", g.OutStrength, w.OutStrength}, {"in strength", g.InStrength, w.InStrength},
			{"reciprocated strength", g.ReciprocatedStrength, w.ReciprocatedStrength}, {"pagerank", g.PageRank, w.PageRank},
			{"source rank", g.SourceRank, w.SourceRank}, {"betweenness", g.Betweenness, w.Betweenness}} {
			if math.Abs(c.got-c.want) > 1e-6 {
				t.Errorf("%s: %s = %v, want %v", g.Org, c.name, c.got, c.want)
			}
		}
	}
	// A window with nothing in it lists no one.
	if got := l.Centrality(ledger.Window{From: day(100)}); len(got) != 0 {
		t.Errorf("empty window: %v, want nothing", got)
	}
}
