// Package threat compares organisations by their threat priorities and
// coverage: how closely two partners' priorities align (and a warning
// when they diverge), which pairs share high priorities but exchange
// little on them (an opportunity for cooperation), and which partners can
// help with a topic, ranked by coverage, trust and agreement scope. Every
// answer carries its explanation.
//
// The package is pure: it performs no I/O. Its inputs are what the store
// holds (liaison.ThreatPriority, liaison.Coverage, liaison.Agreement) and
// what other engines compute (trust as a projected probability, exchange
// volumes); wiring them is the caller's work.
package threat

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/liaison-dev/liaison"
)

// Config holds the parameters of the package's measures. A zero field
// takes its default (see DefaultConfig), so Config{} is the defaults.
type Config struct {
	// Persistence is rank-biased overlap's p, in (0, 1): the lower, the
	// more the top ranks weigh. With 0.8 the first rank carries 40% of
	// the weight and the first three 73% (Webber et al.'s W_RBO(1:d)).
	Persistence float64
	// Threshold is the alignment under which two organisations' priorities
	// diverge.
	Threshold float64
	// Top is how many ranks count as an organisation's high priorities.
	Top int
	// LittleExchange is the exchange volume on a topic at or under which
	// a pair exchanges little on it, in the unit of the Exchange given.
	LittleExchange float64
	// NoAgreementFactor multiplies the score of a partner with which no
	// agreement in force covers the topic asked about, in (0, 1].
	NoAgreementFactor float64
}

// The defaults of Config.
const (
	DefaultPersistence       = 0.8
	DefaultThreshold         = 0.4
	DefaultTop               = 3
	DefaultLittleExchange    = 2
	DefaultNoAgreementFactor = 0.3
)

// DefaultConfig returns the default parameters.
func DefaultConfig() Config {
	return Config{Persistence: DefaultPersistence, Threshold: DefaultThreshold, Top: DefaultTop,
		LittleExchange: DefaultLittleExchange, NoAgreementFactor: DefaultNoAgreementFactor}
}

// withDefaults returns c with every unset or out-of-range field at its default.
func (c Config) withDefaults() Config {
	if !(c.Persistence > 0 && c.Persistence < 1) {
		c.Persistence = DefaultPersistence
	}
	if !(c.Threshold > 0 && c.Threshold <= 1) {
		c.Threshold = DefaultThreshold
	}
	if c.Top <= 0 {
		c.Top = DefaultTop
	}
	if !(c.LittleExchange > 0) {
		c.LittleExchange = DefaultLittleExchange
	}
	if !(c.NoAgreementFactor > 0 && c.NoAgreementFactor <= 1) {
		c.NoAgreementFactor = DefaultNoAgreementFactor
	}
	return c
}

// Priorities is one organisation's threat priorities as a ranking:
// Topics[0] is its rank 1.
type Priorities struct {
	OrgID  string   `json:"org_id"`
	Topics []string `json:"topics"`
}

// PrioritiesOf returns orgID's ranking from stored priorities: its entries
// among ps (others are ignored), by rank.
func PrioritiesOf(orgID string, ps []*liaison.ThreatPriority) Priorities {
	var own []*liaison.ThreatPriority
	for _, p := range ps {
		if p.OrgID == orgID {
			own = append(own, p)
		}
	}
	slices.SortStableFunc(own, func(a, b *liaison.ThreatPriority) int { return a.Rank - b.Rank })
	out := Priorities{OrgID: orgID, Topics: make([]string, 0, len(own))}
	for _, p := range own {
		if !slices.Contains(out.Topics, p.Topic) {
			out.Topics = append(out.Topics, p.Topic)
		}
	}
	return out
}

// GroupPriorities returns the ranking of every organisation with entries
// in ps, by organisation id.
func GroupPriorities(ps []*liaison.ThreatPriority) []Priorities {
	var orgs []string
	for _, p := range ps {
		if !slices.Contains(orgs, p.OrgID) {
			orgs = append(orgs, p.OrgID)
		}
	}
	slices.Sort(orgs)
	out := make([]Priorities, len(orgs))
	for i, o := range orgs {
		out[i] = PrioritiesOf(o, ps)
	}
	return out
}

// Rank returns the rank p gives topic, or 0 when it does not rank it.
func (p Priorities) Rank(topic string) int { return slices.Index(p.Topics, topic) + 1 }

// SharedTopic is a topic both organisations rank, and their ranks.
type SharedTopic struct {
	Topic string `json:"topic"`
	RankA int    `json:"rank_a"`
	RankB int    `json:"rank_b"`
}

// TopicRank is a topic one organisation ranks, and its rank.
type TopicRank struct {
	Topic string `json:"topic"`
	Rank  int    `json:"rank"`
}

// Alignment is how closely two organisations' threat priorities agree.
// Score is their rank-biased overlap, from 0 (no topic in common) to 1
// (the same ranking). Comparable is false when either has no priorities,
// and Score is then 0 and means nothing. Shared lists the topics both
// rank, by A's rank; OnlyA and OnlyB those only one ranks, by rank.
type Alignment struct {
	A          string        `json:"a"`
	B          string        `json:"b"`
	Score      float64       `json:"score"`
	Comparable bool          `json:"comparable"`
	Shared     []SharedTopic `json:"shared"`
	OnlyA      []TopicRank   `json:"only_a"`
	OnlyB      []TopicRank   `json:"only_b"`
	Explain    []string      `json:"explain"`
}

// Align measures how closely a's and b's priorities agree by rank-biased
// overlap (RBO; W. Webber, A. Moffat, J. Zobel, "A similarity measure for
// indefinite rankings", ACM TOIS 28(4), 2010), which weighs agreement at
// the top of the rankings more than below and accepts rankings of
// different lengths and topics. With p the persistence, l the length of
// the longer ranking, and X_d the number of topics the first d ranks of
// both have in common:
//
//	RBO = (1-p)/p · Σ_{d=1..l} (X_d/d)·p^d  +  (X_l/l)·p^l
//
// This is the paper's extrapolated RBO evaluated at depth l, with the
// shorter ranking taken as complete: an organisation's list is all it
// ranks, so a topic it leaves out counts as disagreement, not as unknown.
// The measure is symmetric; identical rankings score 1, rankings without
// a common topic 0.
func Align(a, b Priorities, cfg Config) Alignment {
	cfg = cfg.withDefaults()
	al := Alignment{A: a.OrgID, B: b.OrgID, Shared: []SharedTopic{}, OnlyA: []TopicRank{}, OnlyB: []TopicRank{}}
	for i, t := range a.Topics {
		if r := b.Rank(t); r > 0 {
			al.Shared = append(al.Shared, SharedTopic{Topic: t, RankA: i + 1, RankB: r})
		} else {
			al.OnlyA = append(al.OnlyA, TopicRank{Topic: t, Rank: i + 1})
		}
	}
	for i, t := range b.Topics {
		if a.Rank(t) == 0 {
			al.OnlyB = append(al.OnlyB, TopicRank{Topic: t, Rank: i + 1})
		}
	}
	switch {
	case len(a.Topics) == 0 && len(b.Topics) == 0:
		al.Explain = []string{fmt.Sprintf("neither %s nor %s has recorded threat priorities: nothing to compare", a.OrgID, b.OrgID)}
		return al
	case len(a.Topics) == 0:
		al.Explain = []string{fmt.Sprintf("%s has recorded no threat priorities: nothing to compare", a.OrgID)}
		return al
	case len(b.Topics) == 0:
		al.Explain = []string{fmt.Sprintf("%s has recorded no threat priorities: nothing to compare", b.OrgID)}
		return al
	}
	al.Comparable = true
	al.Score = rbo(a.Topics, b.Topics, cfg.Persistence)
	al.Explain = append(al.Explain, fmt.Sprintf("rank-biased overlap %.2f (p = %g): 1 is the same ranking, 0 no topic in common; %d topics shared, %d ranked by %s only, %d by %s only",
		al.Score, cfg.Persistence, len(al.Shared), len(al.OnlyA), a.OrgID, len(al.OnlyB), b.OrgID))
	for _, s := range al.Shared {
		al.Explain = append(al.Explain, fmt.Sprintf("%s: %s ranks it %s, %s %s", s.Topic, a.OrgID, Ordinal(s.RankA), b.OrgID, Ordinal(s.RankB)))
	}
	for _, o := range al.OnlyA {
		al.Explain = append(al.Explain, fmt.Sprintf("%s: %s ranks it %s, %s does not rank it", o.Topic, a.OrgID, Ordinal(o.Rank), b.OrgID))
	}
	for _, o := range al.OnlyB {
		al.Explain = append(al.Explain, fmt.Sprintf("%s: %s ranks it %s, %s does not rank it", o.Topic, b.OrgID, Ordinal(o.Rank), a.OrgID))
	}
	return al
}

// rbo is the rank-biased overlap of two rankings without duplicates, at
// the depth of the longer, the shorter taken as complete (see Align).
func rbo(a, b []string, p float64) float64 {
	l := max(len(a), len(b))
	if l == 0 {
		return 0
	}
	seenA, seenB := map[string]bool{}, map[string]bool{}
	overlap, sum, pd := 0, 0.0, 1.0
	for d := 1; d <= l; d++ {
		pd *= p
		// Add the d-th topic of each ranking; one seen before in the
		// other ranking makes one more in common.
		if d <= len(a) {
			t := a[d-1]
			seenA[t] = true
			if seenB[t] {
				overlap++
			}
		}
		if d <= len(b) {
			t := b[d-1]
			seenB[t] = true
			if seenA[t] {
				overlap++
			}
		}
		sum += float64(overlap) / float64(d) * pd
	}
	score := (1-p)/p*sum + float64(overlap)/float64(l)*pd
	return math.Min(1, math.Max(0, score))
}

// Warning codes of Divergence.
const (
	// WarnLowAlignment: two organisations' priorities align under the
	// threshold.
	WarnLowAlignment = "low_alignment"
	// WarnUnrankedTopPriority: a high priority of one organisation that
	// the other does not rank at all.
	WarnUnrankedTopPriority = "unranked_top_priority"
)

// Warning is a divergence of threat perception between two organisations,
// which the texts name among the threats to liaison: partners who rank
// threats differently expect different things of each other. Topic is
// set for WarnUnrankedTopPriority.
type Warning struct {
	Code    string `json:"code"`
	A       string `json:"a"`
	B       string `json:"b"`
	Topic   string `json:"topic,omitempty"`
	Message string `json:"message"`
}

// Divergence returns the warnings an alignment gives: one when the score
// is under cfg.Threshold, and one for every topic that one organisation
// ranks in its top cfg.Top and the other does not rank at all (A's by
// rank, then B's). Two organisations that cannot be compared (one has no
// priorities) give no warning.
func Divergence(al Alignment, cfg Config) []Warning {
	cfg = cfg.withDefaults()
	out := []Warning{}
	if !al.Comparable {
		return out
	}
	if al.Score < cfg.Threshold {
		out = append(out, Warning{Code: WarnLowAlignment, A: al.A, B: al.B,
			Message: fmt.Sprintf("the threat priorities of %s and %s diverge: alignment %.2f is under %.2f", al.A, al.B, al.Score, cfg.Threshold)})
	}
	unranked := func(who, other string, only []TopicRank) {
		for _, o := range only {
			if o.Rank <= cfg.Top {
				out = append(out, Warning{Code: WarnUnrankedTopPriority, A: al.A, B: al.B, Topic: o.Topic,
					Message: fmt.Sprintf("%s ranks %s %s; %s does not rank it at all", who, o.Topic, Ordinal(o.Rank), other)})
			}
		}
	}
	unranked(al.A, al.B, al.OnlyA)
	unranked(al.B, al.A, al.OnlyB)
	return out
}

// Ordinal writes a rank as "1st", "2nd", "3rd", "4th", …
func Ordinal(n int) string {
	suffix := "th"
	switch n % 100 {
	case 11, 12, 13:
	default:
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}
