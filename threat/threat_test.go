package threat_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/threat"
)

func ranking(org string, topics ...string) threat.Priorities {
	return threat.Priorities{OrgID: org, Topics: topics}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestAlignScore(t *testing.T) {
	// The expected scores are worked by hand from the formula in Align's
	// comment, with p = 0.8: (1-p)/p = 0.25, p² = 0.64, p³ = 0.512, p⁴ = 0.4096.
	tests := []struct {
		name string
		a, b []string
		p    float64
		want float64
	}{
		{"the same ranking", []string{"ct", "ru", "cy"}, []string{"ct", "ru", "cy"}, 0.8, 1},
		{"one topic, the same", []string{"ct"}, []string{"ct"}, 0.8, 1},
		{"no topic in common", []string{"ct", "ru"}, []string{"oc", "sa"}, 0.8, 0},
		// X1 = 0, X2 = 2: 0.25·(0 + 0.64) + 1·0.64 = 0.80
		{"the top two swapped", []string{"ct", "ru"}, []string{"ru", "ct"}, 0.8, 0.8},
		// X = 1, 2, 2, 2: 0.25·(0.8 + 0.64 + 2/3·0.512 + 2/4·0.4096) + 2/4·0.4096 = 0.70133…
		{"a prefix of a longer ranking", []string{"ct", "ru"}, []string{"ct", "ru", "cy", "hy"}, 0.8, 0.7013333333333334},
		// X = 1, 1, 1: 0.25·(0.8 + 0.32 + 0.512/3) + 0.512/3 = 0.49333…
		{"only the first in common", []string{"ct", "ru", "cy"}, []string{"ct", "oc", "sa"}, 0.8, 0.49333333333333335},
		// X = 0, 0, 1: 0.25·(0.512/3) + 0.512/3 = 0.21333…
		{"only the last in common", []string{"ct", "ru", "cy"}, []string{"oc", "sa", "cy"}, 0.8, 0.21333333333333335},
		// p = 0.5, (1-p)/p = 1; X1 = 0, X2 = 2: 1·(0 + 0.25) + 0.25 = 0.5
		{"the top two swapped, a steeper p", []string{"ct", "ru"}, []string{"ru", "ct"}, 0.5, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := threat.Config{Persistence: tt.p}
			ab := threat.Align(ranking("a", tt.a...), ranking("b", tt.b...), cfg)
			ba := threat.Align(ranking("b", tt.b...), ranking("a", tt.a...), cfg)
			if !near(ab.Score, tt.want) {
				t.Errorf("score %.12f, want %.12f", ab.Score, tt.want)
			}
			if !near(ab.Score, ba.Score) {
				t.Errorf("not symmetric: %.12f one way, %.12f the other", ab.Score, ba.Score)
			}
			if !ab.Comparable {
				t.Errorf("two rankings with topics are not comparable")
			}
		})
	}
}

func TestAlignWeighsTheTopMore(t *testing.T) {
	home := ranking("home", "ct", "ru", "hy", "cy", "ci")
	agreeTop := ranking("x", "ct", "ru", "oc", "sa", "me")    // agrees on the top two
	agreeBottom := ranking("y", "oc", "sa", "me", "cy", "ci") // agrees on the last two
	top := threat.Align(home, agreeTop, threat.Config{}).Score
	bottom := threat.Align(home, agreeBottom, threat.Config{}).Score
	if !(top > 2*bottom) {
		t.Errorf("agreeing on the top two scores %.3f, on the bottom two %.3f: want the top to weigh far more", top, bottom)
	}
}

func TestAlignExplains(t *testing.T) {
	al := threat.Align(ranking("nl-aivd", "counter-terrorism", "russia", "cyber"),
		ranking("es-cni", "organised-crime", "sahel", "counter-terrorism"), threat.Config{})
	want := threat.Alignment{A: "nl-aivd", B: "es-cni", Score: al.Score, Comparable: true,
		Shared: []threat.SharedTopic{{Topic: "counter-terrorism", RankA: 1, RankB: 3}},
		OnlyA:  []threat.TopicRank{{Topic: "russia", Rank: 2}, {Topic: "cyber", Rank: 3}},
		OnlyB:  []threat.TopicRank{{Topic: "organised-crime", Rank: 1}, {Topic: "sahel", Rank: 2}},
		Explain: []string{
			"rank-biased overlap 0.21 (p = 0.8): 1 is the same ranking, 0 no topic in common; 1 topics shared, 2 ranked by nl-aivd only, 2 by es-cni only",
			"counter-terrorism: nl-aivd ranks it 1st, es-cni 3rd",
			"russia: nl-aivd ranks it 2nd, es-cni does not rank it",
			"cyber: nl-aivd ranks it 3rd, es-cni does not rank it",
			"organised-crime: es-cni ranks it 1st, nl-aivd does not rank it",
			"sahel: es-cni ranks it 2nd, nl-aivd does not rank it",
		}}
	if d := cmp.Diff(want, al); d != "" {
		t.Errorf("alignment (-want +got):\n%s", d)
	}
}

func TestAlignWithoutPriorities(t *testing.T) {
	tests := []struct {
		name    string
		a, b    threat.Priorities
		explain string
	}{
		{"the first has none", ranking("a"), ranking("b", "ct"), "a has recorded no threat priorities"},
		{"the second has none", ranking("a", "ct"), ranking("b"), "b has recorded no threat priorities"},
		{"neither has any", ranking("a"), ranking("b"), "neither a nor b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			al := threat.Align(tt.a, tt.b, threat.Config{})
			if al.Comparable || al.Score != 0 {
				t.Errorf("comparable %t, score %v: want not comparable, 0", al.Comparable, al.Score)
			}
			if len(al.Explain) != 1 || !strings.Contains(al.Explain[0], tt.explain) {
				t.Errorf("explain %q, want it to say %q", al.Explain, tt.explain)
			}
			if w := threat.Divergence(al, threat.Config{}); len(w) != 0 {
				t.Errorf("divergence warns %v about rankings that cannot be compared", w)
			}
		})
	}
}

func TestDivergence(t *testing.T) {
	home := ranking("nl-aivd", "counter-terrorism", "russia", "hybrid-threats", "cyber", "organised-crime")
	tests := []struct {
		name  string
		other threat.Priorities
		cfg   threat.Config
		want  []string // code:topic
	}{
		{"the same priorities", ranking("x", "counter-terrorism", "russia", "hybrid-threats", "cyber", "organised-crime"), threat.Config{}, nil},
		{"close priorities, each ranking the other's top three", ranking("x", "russia", "counter-terrorism", "hybrid-threats"), threat.Config{}, nil},
		{"a top-three topic home does not rank", ranking("x", "counter-terrorism", "sahel", "russia", "hybrid-threats"), threat.Config{},
			[]string{"unranked_top_priority:sahel"}},
		{"low alignment, and top topics unranked both ways", ranking("es-cni", "organised-crime", "sahel", "middle-east", "counter-terrorism"), threat.Config{},
			[]string{"low_alignment:", "unranked_top_priority:russia", "unranked_top_priority:hybrid-threats", "unranked_top_priority:sahel", "unranked_top_priority:middle-east"}},
		{"a fourth-ranked topic is not a top priority", ranking("x", "counter-terrorism", "russia", "hybrid-threats", "sahel"), threat.Config{}, nil},
		{"unless the top is wider, which takes in home's fourth too", ranking("x", "counter-terrorism", "russia", "hybrid-threats", "sahel"), threat.Config{Top: 4},
			[]string{"unranked_top_priority:cyber", "unranked_top_priority:sahel"}},
		{"a stricter threshold", ranking("x", "russia", "counter-terrorism", "hybrid-threats"), threat.Config{Threshold: 0.99},
			[]string{"low_alignment:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			al := threat.Align(home, tt.other, tt.cfg)
			var got []string
			for _, w := range threat.Divergence(al, tt.cfg) {
				got = append(got, w.Code+":"+w.Topic)
				if w.A != home.OrgID || w.B != tt.other.OrgID || w.Message == "" {
					t.Errorf("warning %+v: want it of %s and %s, with a message", w, home.OrgID, tt.other.OrgID)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("warnings %q, want %q (alignment %.3f)", got, tt.want, al.Score)
			}
		})
	}
}

func TestPrioritiesOf(t *testing.T) {
	ps := []*liaison.ThreatPriority{
		{OrgID: "nl-aivd", Topic: "russia", Rank: 2},
		{OrgID: "es-cni", Topic: "sahel", Rank: 1},
		{OrgID: "nl-aivd", Topic: "counter-terrorism", Rank: 1},
		{OrgID: "nl-aivd", Topic: "cyber", Rank: 3},
	}
	got := threat.GroupPriorities(ps)
	want := []threat.Priorities{ranking("es-cni", "sahel"), ranking("nl-aivd", "counter-terrorism", "russia", "cyber")}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("grouped (-want +got):\n%s", d)
	}
	if r := got[1].Rank("cyber"); r != 3 {
		t.Errorf("rank of cyber %d, want 3", r)
	}
	if r := got[1].Rank("sahel"); r != 0 {
		t.Errorf("rank of an unranked topic %d, want 0", r)
	}
	if p := threat.PrioritiesOf("fr-dgsi", ps); p.OrgID != "fr-dgsi" || p.Topics == nil || len(p.Topics) != 0 {
		t.Errorf("an organisation without priorities: %+v, want an empty ranking", p)
	}
}

func TestOpportunities(t *testing.T) {
	ps := []threat.Priorities{
		ranking("nl-aivd", "counter-terrorism", "russia", "hybrid-threats", "cyber"),
		ranking("pl-abw", "russia", "hybrid-threats", "cyber"),
		ranking("no-pst", "counter-terrorism", "violent-extremism", "russia"),
		ranking("es-cni", "organised-crime", "sahel", "counter-terrorism"),
	}
	ex := threat.Exchange{}
	ex.Add("pl-abw", "nl-aivd", "russia", 1)         // little
	ex.Add("nl-aivd", "pl-abw", "hybrid-threats", 5) // plenty, added the other way round
	ex.Add("nl-aivd", "no-pst", "counter-terrorism", 40)
	ex.Add("nl-aivd", "es-cni", "counter-terrorism", 3)
	tests := []struct {
		name string
		cfg  threat.Config
		want []string // "a/b topic rankA,rankB score", in the order expected
	}{
		// w(r) = (4-r)/3 with the top three. Not opportunities:
		// hybrid-threats nl-aivd/pl-abw (exchanged 5), counter-terrorism
		// nl-aivd/no-pst (40) and nl-aivd/es-cni (3, more than 2).
		{"by default", threat.Config{}, []string{
			// counter-terrorism es-cni 3rd, no-pst 1st, nothing exchanged: (1/3+1)/2 = 0.667
			"es-cni/no-pst counter-terrorism 3,1 0.667",
			// russia no-pst 3rd, pl-abw 1st: (1/3+1)/2 = 0.667; a tie, by pair
			"no-pst/pl-abw russia 3,1 0.667",
			// russia: nl-aivd 2nd, no-pst 3rd, nothing exchanged: (2/3+1/3)/2 = 0.5
			"nl-aivd/no-pst russia 2,3 0.500",
			// russia nl-aivd 2nd, pl-abw 1st, exchanged 1: (2/3+1)/2/(1+1) = 0.4167
			"nl-aivd/pl-abw russia 2,1 0.417",
		}},
		{"with more counting as little", threat.Config{LittleExchange: 3}, []string{
			"es-cni/no-pst counter-terrorism 3,1 0.667",
			"no-pst/pl-abw russia 3,1 0.667",
			"nl-aivd/no-pst russia 2,3 0.500",
			"nl-aivd/pl-abw russia 2,1 0.417",
			// counter-terrorism: es-cni 3rd, nl-aivd 1st, exchanged 3: (1/3+1)/2/4 = 0.1667
			"es-cni/nl-aivd counter-terrorism 3,1 0.167",
		}},
		{"with the top two only", threat.Config{Top: 2}, []string{
			// w(r) = (3-r)/2; russia nl-aivd 2nd, pl-abw 1st: (1/2+1)/2/2 = 0.375
			"nl-aivd/pl-abw russia 2,1 0.375",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops := threat.Opportunities(ps, ex, tt.cfg)
			var got []string
			for _, o := range ops {
				got = append(got, fmt.Sprintf("%s/%s %s %d,%d %.3f", o.A, o.B, o.Topic, o.RankA, o.RankB, o.Score))
				if len(o.Why) == 0 {
					t.Errorf("%+v has no why", o)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("opportunities:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestCoverageScore(t *testing.T) {
	c := func(topic string, d liaison.Discipline, capability int) *liaison.Coverage {
		return &liaison.Coverage{OrgID: "x", Topic: topic, Discipline: d, Capability: capability}
	}
	tests := []struct {
		name string
		cs   []*liaison.Coverage
		want float64
	}{
		{"nothing", nil, 0},
		{"only other topics", []*liaison.Coverage{c("sahel", liaison.HUMINT, 3)}, 0},
		{"none said outright", []*liaison.Coverage{c("russia", liaison.HUMINT, 0)}, 0},
		{"limited", []*liaison.Coverage{c("russia", liaison.OSINT, 1)}, 0.85 / 3},
		{"limited in many disciplines", []*liaison.Coverage{c("russia", liaison.OSINT, 1), c("russia", liaison.HUMINT, 1), c("russia", liaison.SIGINT, 1)}, 0.85 / 3},
		{"moderate", []*liaison.Coverage{c("russia", liaison.OSINT, 2)}, 0.85*2/3 + 0.05},
		{"strong", []*liaison.Coverage{c("russia", liaison.SIGINT, 3)}, 0.90},
		{"strong and moderate", []*liaison.Coverage{c("russia", liaison.SIGINT, 3), c("russia", liaison.HUMINT, 2)}, 0.95},
		{"strong in three", []*liaison.Coverage{c("russia", liaison.SIGINT, 3), c("russia", liaison.HUMINT, 3), c("russia", liaison.OSINT, 3)}, 1},
		{"strong in four is no more", []*liaison.Coverage{c("russia", liaison.SIGINT, 3), c("russia", liaison.HUMINT, 3), c("russia", liaison.OSINT, 3), c("russia", liaison.IMINT, 3)}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := threat.CoverageScore("russia", tt.cs)
			if !near(got, tt.want) {
				t.Errorf("coverage %.6f, want %.6f", got, tt.want)
			}
		})
	}
}

func TestWhoCan(t *testing.T) {
	cov := func(org string, d liaison.Discipline, capability int) []*liaison.Coverage {
		return []*liaison.Coverage{{OrgID: org, Topic: "russia", Discipline: d, Capability: capability},
			{OrgID: org, Topic: "sahel", Discipline: liaison.HUMINT, Capability: 3}}
	}
	candidates := []threat.Candidate{
		// strong SIGINT (0.90), trusted 0.8, in scope: 0.72
		{OrgID: "de-bfv", Coverage: cov("de-bfv", liaison.SIGINT, 3), Trust: 0.8, AgreementCovers: true, AgreementID: "ag-de"},
		// strong HUMINT (0.90), trusted 0.9, no agreement: 0.9·0.9·0.3 = 0.243
		{OrgID: "pl-abw", Coverage: cov("pl-abw", liaison.HUMINT, 3), Trust: 0.9, TrustWhy: []string{"pilot went well"}},
		// moderate OSINT (0.6167), trusted 0.7, in scope: 0.4317
		{OrgID: "fr-dgsi", Coverage: cov("fr-dgsi", liaison.OSINT, 2), Trust: 0.7, AgreementCovers: true, AgreementID: "ag-fr"},
		// no coverage of russia: left out
		{OrgID: "es-cni", Coverage: cov("es-cni", liaison.HUMINT, 0), Trust: 1, AgreementCovers: true},
		// a trust out of range is clamped: 0.90·1·1 = 0.90
		{OrgID: "se-sapo", Coverage: cov("se-sapo", liaison.SIGINT, 3), Trust: 1.7, AgreementCovers: true, AgreementID: "ag-se"},
		// NaN trust counts as none: 0
		{OrgID: "at-dsn", Coverage: cov("at-dsn", liaison.SIGINT, 3), Trust: math.NaN(), AgreementCovers: true, AgreementID: "ag-at"},
	}
	got := threat.WhoCan("russia", candidates, threat.Config{})
	want := []struct {
		org   string
		score float64
	}{{"se-sapo", 0.90}, {"de-bfv", 0.72}, {"fr-dgsi", (0.85*2/3 + 0.05) * 0.7}, {"pl-abw", 0.243}, {"at-dsn", 0}}
	if len(got) != len(want) {
		t.Fatalf("got %d ranked, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].OrgID != w.org || !near(got[i].Score, w.score) {
			t.Errorf("#%d: %s %.4f, want %s %.4f", i+1, got[i].OrgID, got[i].Score, w.org, w.score)
		}
		if r := got[i]; !near(r.Score, r.Coverage*r.Trust*r.Scope) {
			t.Errorf("%s: score %.4f is not coverage %.4f × trust %.4f × scope %.4f", r.OrgID, r.Score, r.Coverage, r.Trust, r.Scope)
		}
	}
	pl := got[3]
	wantWhy := []string{
		"coverage 0.90: strong (3) HUMINT on russia",
		"trust 0.90",
		"pilot went well",
		"no agreement in force with pl-abw covers russia: score × 0.30",
	}
	if d := cmp.Diff(wantWhy, pl.Why); d != "" {
		t.Errorf("why of pl-abw (-want +got):\n%s", d)
	}
	if de := got[1]; de.AgreementID != "ag-de" || !slices.Contains(de.Why, "agreement ag-de covers russia") {
		t.Errorf("de-bfv: agreement %q, why %q", de.AgreementID, de.Why)
	}
	if len(threat.WhoCan("russia", nil, threat.Config{})) != 0 || threat.WhoCan("russia", nil, threat.Config{}) == nil {
		t.Errorf("no candidates: want an empty, non-nil answer")
	}
}

func TestAgreementFor(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ag := func(id string, from time.Time, status liaison.AgreementStatus, topics []string, parties ...string) *liaison.Agreement {
		return &liaison.Agreement{ID: id, Parties: parties, Topics: topics, ValidFrom: from, Status: status}
	}
	old, recent := now.AddDate(-5, 0, 0), now.AddDate(-1, 0, 0)
	ags := []*liaison.Agreement{
		ag("multi", old, liaison.AgreementActive, []string{"russia", "cyber"}, "eu-intcen", "nl-aivd", "pl-abw"),
		ag("bilateral-cyber", recent, liaison.AgreementActive, []string{"cyber"}, "nl-aivd", "pl-abw"),
		ag("suspended", old, liaison.AgreementSuspended, []string{"russia"}, "nl-aivd", "pl-abw"),
		ag("any-later", recent, liaison.AgreementActive, []string{liaison.AllTopics}, "es-cni", "nl-aivd"),
		ag("any-earlier", old, liaison.AgreementActive, []string{liaison.AllTopics}, "es-cni", "nl-aivd"),
		ag("future", now.AddDate(1, 0, 0), liaison.AgreementActive, []string{"sahel"}, "fr-dgsi", "nl-aivd"),
	}
	tests := []struct {
		partner, topic, want string
	}{
		{"pl-abw", "cyber", "bilateral-cyber"}, // the bilateral before the multilateral
		{"pl-abw", "russia", "multi"},          // the suspended bilateral does not count
		{"pl-abw", "sahel", ""},
		{"es-cni", "sahel", "any-earlier"}, // every topic; the earliest of two
		{"fr-dgsi", "sahel", ""},           // not yet in force
	}
	for _, tt := range tests {
		got := threat.AgreementFor("nl-aivd", tt.partner, tt.topic, ags, now)
		id := ""
		if got != nil {
			id = got.ID
		}
		if id != tt.want {
			t.Errorf("AgreementFor(%s, %s) = %q, want %q", tt.partner, tt.topic, id, tt.want)
		}
	}
}

func TestOrdinal(t *testing.T) {
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 101: "101st", 111: "111th"} {
		if got := threat.Ordinal(n); got != want {
			t.Errorf("Ordinal(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestConfigDefaults(t *testing.T) {
	// Out-of-range parameters fall back to the defaults rather than
	// making nonsense: the same answer as the zero Config.
	a, b := ranking("a", "ct", "ru", "cy"), ranking("b", "ru", "oc")
	want := threat.Align(a, b, threat.Config{})
	for _, cfg := range []threat.Config{threat.DefaultConfig(), {Persistence: 1}, {Persistence: -0.5}, {Persistence: math.NaN()}} {
		if got := threat.Align(a, b, cfg); !near(got.Score, want.Score) {
			t.Errorf("%+v: score %v, want the default's %v", cfg, got.Score, want.Score)
		}
	}
}

// TestWhoCanWithholdsTrust checks that a withheld trust still ranks but
// shows neither in the figures nor in the why.
func TestWhoCanWithholdsTrust(t *testing.T) {
	cov := func(org string) []*liaison.Coverage {
		return []*liaison.Coverage{{OrgID: org, Topic: "russia", Discipline: liaison.SIGINT, Capability: 3}}
	}
	cands := []threat.Candidate{
		{OrgID: "de-bfv", Coverage: cov("de-bfv"), Trust: 0.4, TrustWhy: []string{"why de"}, AgreementCovers: true, AgreementID: "ag"},
		{OrgID: "fr-dgsi", Coverage: cov("fr-dgsi"), Trust: 0.9, TrustWhy: []string{"why fr"}, AgreementCovers: true, AgreementID: "ag"},
	}
	for i := range cands {
		cands[i].WithholdTrust = true
	}
	got := threat.WhoCan("russia", cands, threat.Config{})
	if len(got) != 2 || got[0].OrgID != "fr-dgsi" {
		t.Fatalf("the ranking ignores the withheld trust: %+v", got)
	}
	for _, r := range got {
		if r.Trust != 0 || r.Score != 0 || r.Why[len(r.Why)-1] != threat.TrustWithheld {
			t.Errorf("%s: trust %.2f, score %.2f, why %q: want both 0 and the withheld line last", r.OrgID, r.Trust, r.Score, r.Why)
		}
		for _, w := range r.Why {
			if strings.HasPrefix(w, "trust 0") || strings.HasPrefix(w, "why ") {
				t.Errorf("%s: the why shows the trust: %q", r.OrgID, w)
			}
		}
	}
}
