package ledger_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/liaison-dev/liaison/ledger"
)

// synthetic is a deterministic network of orgs organisations exchanging
// n times over two years, in random order: every pair has a bilateral
// agreement, three groups of 15 have multilateral ones (a fifth of the
// exchanges), half the exchanges are rated, one in twenty answers an RFI.
type synthetic struct {
	exchanges    []ledger.Exchange
	interactions []ledger.Interaction
	agreements   []ledger.Agreement
	orgs         []string
	start, end   time.Time
}

func makeSynthetic(orgs, n int, seed uint64) synthetic {
	rng := rand.New(rand.NewPCG(seed, 1))
	s := synthetic{start: time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)}
	s.end = s.start.AddDate(2, 0, 0)
	for i := range orgs {
		s.orgs = append(s.orgs, fmt.Sprintf("org-%02d", i))
	}
	groups := make([][]string, 3)
	for g := range groups {
		for k := range 15 {
			groups[g] = append(groups[g], s.orgs[(g*13+k)%orgs])
		}
		s.agreements = append(s.agreements, ledger.Agreement{ID: fmt.Sprintf("group-%d", g), Parties: groups[g], From: s.start})
	}
	span := s.end.Sub(s.start)
	grades := []string{"A1", "B2", "B3", "C2", "C3", "D4", "F6", ""}
	s.exchanges = make([]ledger.Exchange, n)
	for i := range s.exchanges {
		e := ledger.Exchange{ID: fmt.Sprintf("x%07d", i), At: s.start.Add(time.Duration(rng.Int64N(int64(span)))),
			Rank: rng.IntN(5), Grading: grades[rng.IntN(len(grades))]}
		if rng.IntN(5) == 0 {
			g := rng.IntN(len(groups))
			a, b := rng.IntN(15), rng.IntN(14)
			if b >= a {
				b++
			}
			e.From, e.To, e.AgreementID, e.Multilateral = groups[g][a], groups[g][b], fmt.Sprintf("group-%d", g), true
		} else {
			a, b := rng.IntN(orgs), rng.IntN(orgs-1)
			if b >= a {
				b++
			}
			e.From, e.To = s.orgs[a], s.orgs[b]
			lo, hi := min(a, b), max(a, b)
			e.AgreementID = fmt.Sprintf("bi-%02d-%02d", lo, hi)
		}
		if rng.IntN(2) == 0 {
			f := float64(rng.IntN(6))
			e.Feedback = &f
		}
		if rng.IntN(20) == 0 {
			e.AnswersRFI = true
			e.RFIDeadline = e.At.Add(time.Duration(rng.IntN(20)-5) * 24 * time.Hour)
		}
		e.Unsolicited = rng.IntN(50) == 0
		s.exchanges[i] = e
	}
	for range orgs * 100 {
		k := 2 + rng.IntN(3)
		var os []string
		for _, o := range rng.Perm(orgs)[:k] {
			os = append(os, s.orgs[o])
		}
		kinds := []string{"meeting", "call", "visit", "joint_training", "conference"}
		s.interactions = append(s.interactions, ledger.Interaction{Orgs: os, At: s.start.Add(time.Duration(rng.Int64N(int64(span)))),
			Tone: rng.IntN(5) - 2, Kind: kinds[rng.IntN(len(kinds))], Officers: []string{os[0] + ".lo", os[1] + ".lo"}})
	}
	return s
}

// build loads s into a new ledger.
func (s synthetic) build(tb testing.TB) *ledger.Ledger {
	tb.Helper()
	l, err := ledger.New(ledger.DefaultConfig())
	if err != nil {
		tb.Fatal(err)
	}
	if err := l.AddAll(s.exchanges); err != nil {
		tb.Fatal(err)
	}
	for _, i := range s.interactions {
		if err := l.AddInteraction(i); err != nil {
			tb.Fatal(err)
		}
	}
	if err := l.SetAgreements(s.agreements); err != nil {
		tb.Fatal(err)
	}
	return l
}

// scoreAll computes every score: each pair's summary and class, the
// network's reciprocity and every organisation's centrality.
func scoreAll(l *ledger.Ledger) int {
	n := 0
	for _, p := range l.Pairs() {
		s := l.Pair(p.A, p.B, ledger.Window{})
		t := l.Classify(p.A, p.B, time.Time{})
		n += s.Given.Count + len(t.Evidence)
	}
	n += len(l.Centrality(ledger.Window{}))
	n += l.Network(ledger.Window{}).Links
	return n
}

// BenchmarkRebuild recomputes every score from 1,000,000 exchanges among
// 50 organisations: load them (in random order) and score every pair.
func BenchmarkRebuild(b *testing.B) {
	s := makeSynthetic(50, 1_000_000, 1)
	b.ResetTimer()
	for b.Loop() {
		l := s.build(b)
		scoreAll(l)
	}
}

// BenchmarkAddOne adds one exchange to a ledger of 1,000,000 and reads
// the summary and class of the pair it touched.
func BenchmarkAddOne(b *testing.B) {
	s := makeSynthetic(50, 1_000_000, 1)
	l := s.build(b)
	rng := rand.New(rand.NewPCG(2, 2))
	at := l.Latest()
	i := 0
	b.ResetTimer()
	for b.Loop() {
		i++
		x, y := rng.IntN(50), rng.IntN(49)
		if y >= x {
			y++
		}
		f := 4.0
		e := ledger.Exchange{ID: fmt.Sprintf("new%08d", i), From: s.orgs[x], To: s.orgs[y], AgreementID: "bi",
			At: at.Add(time.Duration(i) * time.Minute), Rank: 2, Grading: "B2", Feedback: &f}
		if err := l.Add(e); err != nil {
			b.Fatal(err)
		}
		p := l.Pair(e.From, e.To, ledger.Window{})
		t := l.Classify(e.From, e.To, time.Time{})
		if p.Given.Count == 0 || t.Exchanges == 0 {
			b.Fatal("the new exchange is missing")
		}
	}
}
