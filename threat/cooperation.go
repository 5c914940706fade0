package threat

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/liaison-dev/liaison"
)

// ExchangeKey names a pair of organisations and a topic, the pair in
// order (A < B) so that exchange either way counts once.
type ExchangeKey struct {
	A, B  string
	Topic string
}

// Key returns the key of the pair a, b and topic, in either order.
func Key(a, b, topic string) ExchangeKey {
	if b < a {
		a, b = b, a
	}
	return ExchangeKey{A: a, B: b, Topic: topic}
}

// Exchange is how much two organisations exchanged on each topic, both
// ways together, in a unit of the caller's choice (products disseminated
// in a window, or a ledger's value). A key that is absent is none.
type Exchange map[ExchangeKey]float64

// Add adds v to what a and b exchanged on topic.
func (e Exchange) Add(a, b, topic string, v float64) { e[Key(a, b, topic)] += v }

// Volume returns what a and b exchanged on topic.
func (e Exchange) Volume(a, b, topic string) float64 { return e[Key(a, b, topic)] }

// Opportunity is a topic two organisations both rank high but exchange
// little on: a gap a closer cooperation could fill. A < B.
type Opportunity struct {
	A         string   `json:"a"`
	B         string   `json:"b"`
	Topic     string   `json:"topic"`
	RankA     int      `json:"rank_a"`
	RankB     int      `json:"rank_b"`
	Exchanged float64  `json:"exchanged"`
	Score     float64  `json:"score"`
	Why       []string `json:"why"`
}

// Opportunities finds, among every pair of the organisations in ps, the
// topics both rank in their top cfg.Top and on which they exchanged at
// most cfg.LittleExchange. Each is scored by how high both rank it and how
// little they exchange:
//
//	score = (w(rank_a) + w(rank_b)) / 2 · 1 / (1 + exchanged),  w(r) = (Top + 1 - r) / Top
//
// so a topic both rank first with nothing exchanged scores 1. The result
// is by score, highest first, then by pair and topic.
func Opportunities(ps []Priorities, ex Exchange, cfg Config) []Opportunity {
	cfg = cfg.withDefaults()
	sorted := slices.Clone(ps)
	slices.SortFunc(sorted, func(a, b Priorities) int { return cmp.Compare(a.OrgID, b.OrgID) })
	w := func(r int) float64 { return float64(cfg.Top+1-r) / float64(cfg.Top) }
	out := []Opportunity{}
	for i, a := range sorted {
		for _, b := range sorted[i+1:] {
			if a.OrgID == b.OrgID {
				continue
			}
			for ra, topic := range a.Topics[:min(cfg.Top, len(a.Topics))] {
				rb := b.Rank(topic)
				if rb == 0 || rb > cfg.Top {
					continue
				}
				v := ex.Volume(a.OrgID, b.OrgID, topic)
				if v > cfg.LittleExchange {
					continue
				}
				o := Opportunity{A: a.OrgID, B: b.OrgID, Topic: topic, RankA: ra + 1, RankB: rb, Exchanged: v,
					Score: (w(ra+1) + w(rb)) / 2 / (1 + math.Max(0, v))}
				o.Why = []string{
					fmt.Sprintf("both rank %s in their top %d: %s %s, %s %s", topic, cfg.Top, a.OrgID, Ordinal(o.RankA), b.OrgID, Ordinal(rb)),
					fmt.Sprintf("they exchanged %g on %s, at most %g counts as little", v, topic, cfg.LittleExchange),
				}
				out = append(out, o)
			}
		}
	}
	slices.SortStableFunc(out, func(x, y Opportunity) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B), cmp.Compare(x.Topic, y.Topic))
	})
	return out
}

// Coverage score parameters: the best capability on a topic makes most of
// the score, breadth (disciplines at moderate or better) the rest.
const (
	breadthWeight = 0.15
	breadthFull   = 3 // disciplines at moderate or better for the full breadth bonus
)

// CoverageScore rates an organisation's coverage of topic from 0 to 1:
//
//	coverage = 0.85 · best/3 + 0.15 · min(1, n/3)
//
// where best is its highest capability on the topic over all disciplines
// (0-3) and n the number of disciplines in which it is at least moderate
// (2). One strong discipline scores 0.90, three strong ones 1, one
// moderate 0.62, only limited ones 0.28, none 0. Entries of other topics
// in cs are ignored. It also returns the entries of topic with a
// capability, best first, for explanations.
func CoverageScore(topic string, cs []*liaison.Coverage) (float64, []*liaison.Coverage) {
	var on []*liaison.Coverage
	best, n := 0, 0
	for _, c := range cs {
		if c.Topic != topic || c.Capability <= liaison.CapabilityNone {
			continue
		}
		on = append(on, c)
		best = max(best, c.Capability)
		if c.Capability >= liaison.CapabilityModerate {
			n++
		}
	}
	slices.SortStableFunc(on, func(a, b *liaison.Coverage) int {
		return cmp.Or(cmp.Compare(b.Capability, a.Capability), cmp.Compare(a.Discipline, b.Discipline))
	})
	score := (1-breadthWeight)*float64(best)/liaison.MaxCapability + breadthWeight*math.Min(1, float64(n)/breadthFull)
	return score, on
}

// Candidate is a partner that might help with a topic, and what the
// caller knows of it: its coverage (of any topics; only the one asked
// about counts), how far the asker trusts it, and whether an agreement in
// force between them covers the topic (see AgreementFor).
type Candidate struct {
	OrgID    string              `json:"org_id"`
	Coverage []*liaison.Coverage `json:"coverage"`
	// Trust is the asker's trust in the partner as a projected
	// probability in [0, 1] (a subjective-logic opinion's b + a·u). With
	// no evidence, pass the base rate (0.5 when nothing is known).
	Trust float64 `json:"trust"`
	// TrustWhy explains Trust; it is passed on in the answer's Why.
	TrustWhy []string `json:"trust_why,omitempty"`
	// AgreementCovers says an agreement in force between the asker and
	// the partner has the topic in scope; AgreementID names it.
	AgreementCovers bool   `json:"agreement_covers"`
	AgreementID     string `json:"agreement_id,omitempty"`
	// WithholdTrust is set when the answer's reader may see the ranking
	// but not the trust: the candidate is ranked with it, and then its
	// Trust and Score (from which the trust could be worked out) are 0
	// and Why says only that trust was weighed.
	WithholdTrust bool `json:"withhold_trust,omitempty"`
}

// TrustWithheld is the line of Why that stands for the trust lines of a
// candidate whose trust is withheld.
const TrustWithheld = "trust weighed in the score (shown to liaison officers)"

// Ranked is a partner's answer to "who can help with this topic": its
// score and the three factors it is the product of, each in [0, 1], and
// why.
type Ranked struct {
	OrgID       string   `json:"org_id"`
	Score       float64  `json:"score"`
	Coverage    float64  `json:"coverage"`
	Trust       float64  `json:"trust"`
	Scope       float64  `json:"scope"`
	AgreementID string   `json:"agreement_id,omitempty"`
	Why         []string `json:"why"`
}

// WhoCan ranks the candidates that can help with topic:
//
//	score = coverage × trust × scope
//
// coverage is CoverageScore of the candidate's coverage of topic; trust is
// Candidate.Trust, clamped to [0, 1]; scope is 1 when an agreement in
// force covers the topic and cfg.NoAgreementFactor otherwise, so that a
// partner one cannot yet exchange with on the topic is still listed, lower,
// and says so. Candidates without coverage of the topic cannot help and
// are left out. The result is by score, highest first, then by coverage
// and organisation id. The asker should not be among the candidates.
func WhoCan(topic string, candidates []Candidate, cfg Config) []Ranked {
	cfg = cfg.withDefaults()
	out := []Ranked{}
	withheld := map[string]bool{}
	for _, c := range candidates {
		cov, on := CoverageScore(topic, c.Coverage)
		if cov <= 0 {
			continue
		}
		r := Ranked{OrgID: c.OrgID, Coverage: cov, Trust: clamp01(c.Trust), Scope: cfg.NoAgreementFactor}
		r.Why = append(r.Why, fmt.Sprintf("coverage %.2f: %s", cov, describeCoverage(topic, on)))
		if c.WithholdTrust {
			withheld[c.OrgID] = true
		} else {
			r.Why = append(r.Why, fmt.Sprintf("trust %.2f", r.Trust))
			r.Why = append(r.Why, c.TrustWhy...)
		}
		if c.AgreementCovers {
			r.Scope, r.AgreementID = 1, c.AgreementID
			r.Why = append(r.Why, fmt.Sprintf("agreement %s covers %s", orDash(c.AgreementID), topic))
		} else {
			r.Why = append(r.Why, fmt.Sprintf("no agreement in force with %s covers %s: score × %.2f", c.OrgID, topic, r.Scope))
		}
		r.Score = r.Coverage * r.Trust * r.Scope
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(x, y Ranked) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(y.Coverage, x.Coverage), cmp.Compare(x.OrgID, y.OrgID))
	})
	for i := range out {
		if r := &out[i]; withheld[r.OrgID] {
			r.Trust, r.Score = 0, 0
			r.Why = append(r.Why, TrustWithheld)
		}
	}
	return out
}

// describeCoverage says what an organisation covers of topic, best first:
// "strong (3) HUMINT, moderate (2) OSINT on russia".
func describeCoverage(topic string, on []*liaison.Coverage) string {
	parts := make([]string, len(on))
	for i, c := range on {
		parts[i] = fmt.Sprintf("%s (%d) %s", liaison.CapabilityName(c.Capability), c.Capability, c.Discipline)
	}
	return strings.Join(parts, ", ") + " on " + topic
}

// AgreementFor returns the agreement in force at now between asker and
// partner whose scope covers topic, or nil: of several, the one with the
// fewest parties (a bilateral agreement before a multilateral one), then
// the earliest valid, then by id.
func AgreementFor(asker, partner, topic string, ags []*liaison.Agreement, now time.Time) *liaison.Agreement {
	var best *liaison.Agreement
	for _, a := range ags {
		if !a.InForce(now) || !a.HasParty(asker) || !a.HasParty(partner) || !liaison.CoversTopics(a.Topics, []string{topic}) {
			continue
		}
		if best == nil || cmp.Or(cmp.Compare(len(a.Parties), len(best.Parties)), a.ValidFrom.Compare(best.ValidFrom), cmp.Compare(a.ID, best.ID)) < 0 {
			best = a
		}
	}
	return best
}

func clamp01(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return math.Min(1, math.Max(0, x))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
