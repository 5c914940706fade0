package ledger_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/liaison-dev/liaison/ledger"
)

// randomExchanges returns n exchanges among orgs over 14 months with
// deliberate ties in time, some without an id, every optional field
// exercised.
func randomExchanges(rng *rand.Rand, orgs []string, n int) []ledger.Exchange {
	es := make([]ledger.Exchange, n)
	for i := range es {
		a, b := rng.IntN(len(orgs)), rng.IntN(len(orgs)-1)
		if b >= a {
			b++
		}
		// Times on a 6-hour grid, so that many coincide.
		at := t0.Add(time.Duration(rng.IntN(14*30*4)) * 6 * time.Hour)
		e := ledger.Exchange{From: orgs[a], To: orgs[b], At: at, Rank: rng.IntN(5),
			Grading: []string{"", "A1", "B2", "c3", "F6"}[rng.IntN(5)]}
		if rng.IntN(10) > 0 {
			e.ID = fmt.Sprintf("e%04d", i)
		}
		// Two agreements per channel, so that which of two gives made
		// at once is returned first shows in the per-agreement ledgers.
		if rng.IntN(3) == 0 {
			e.AgreementID, e.Multilateral = []string{"group", "club"}[rng.IntN(2)], true
		} else {
			e.AgreementID = "bi-" + min(orgs[a], orgs[b]) + "-" + max(orgs[a], orgs[b]) + []string{"", "-2024"}[rng.IntN(2)]
		}
		if rng.IntN(2) == 0 {
			e.Feedback = fb(float64(rng.IntN(11)) / 2)
		}
		if rng.IntN(8) == 0 {
			e.AnswersRFI = true
			if rng.IntN(2) == 0 {
				e.RFIDeadline = at.Add(time.Duration(rng.IntN(10)-5) * 24 * time.Hour)
			}
		}
		e.Unsolicited = rng.IntN(20) == 0
		es[i] = e
	}
	return es
}

// snapshot is everything a ledger answers, for comparison.
type snapshot struct {
	Pairs      map[string]ledger.PairSummary
	Months     map[string][]ledger.MonthSummary
	Classes    map[string]ledger.Typology
	Histories  map[string][]ledger.ClassPeriod
	Networks   []ledger.NetworkSummary
	Centrality [][]ledger.OrgCentrality
	Len        int
	Latest     time.Time
	PairKeys   []ledger.PairKey
}

func takeSnapshot(l *ledger.Ledger, orgs []string) snapshot {
	s := snapshot{Pairs: map[string]ledger.PairSummary{}, Months: map[string][]ledger.MonthSummary{},
		Classes: map[string]ledger.Typology{}, Histories: map[string][]ledger.ClassPeriod{}}
	windows := []ledger.Window{{}, {From: month(3)}, {To: month(7)}, {From: month(2).Add(36 * time.Hour), To: month(9).Add(-5 * time.Hour)},
		{From: month(5).AddDate(0, 0, 3), To: month(5).AddDate(0, 0, 20)}}
	for _, a := range orgs {
		for _, b := range orgs {
			if a == b {
				continue
			}
			for wi, w := range windows {
				k := fmt.Sprintf("%s>%s@%d", a, b, wi)
				s.Pairs[k] = l.Pair(a, b, w)
				s.Months[k] = l.Months(a, b, w)
			}
			for _, at := range []time.Time{{}, month(6), month(9).Add(17 * time.Hour)} {
				s.Classes[fmt.Sprintf("%s>%s@%v", a, b, at)] = l.Classify(a, b, at)
			}
			s.Histories[a+">"+b] = l.History(a, b)
		}
	}
	for _, w := range windows {
		s.Networks = append(s.Networks, l.Network(w))
		s.Centrality = append(s.Centrality, l.Centrality(w))
	}
	s.Len, s.Latest, s.PairKeys = l.Len(), l.Latest(), l.Pairs()
	return s
}

// diff reports the first difference between two snapshots. Centrality is
// compared within 1e-8 (PageRank starts from a random vector).
func diff(a, b snapshot) string {
	for k, x := range a.Centrality {
		y := b.Centrality[k]
		if len(x) != len(y) {
			return fmt.Sprintf("centrality %d: %d vs %d organisations", k, len(x), len(y))
		}
		byOrg := map[string]ledger.OrgCentrality{}
		for _, c := range y {
			byOrg[c.Org] = c
		}
		for _, xs := range x {
			ys := byOrg[xs.Org]
			if math.Abs(xs.PageRank-ys.PageRank) > 1e-8 || math.Abs(xs.SourceRank-ys.SourceRank) > 1e-8 {
				return fmt.Sprintf("centrality %d: %+v vs %+v", k, xs, ys)
			}
			xs.PageRank, xs.SourceRank, ys.PageRank, ys.SourceRank = 0, 0, 0, 0
			if xs != ys {
				return fmt.Sprintf("centrality %d: %+v vs %+v", k, xs, ys)
			}
		}
	}
	a.Centrality, b.Centrality = nil, nil
	if reflect.DeepEqual(a, b) {
		return ""
	}
	for k, x := range a.Pairs {
		if !reflect.DeepEqual(x, b.Pairs[k]) {
			return fmt.Sprintf("pair %s:\n%s\nvs\n%s", k, js(x), js(b.Pairs[k]))
		}
	}
	for k, x := range a.Months {
		if !reflect.DeepEqual(x, b.Months[k]) {
			return fmt.Sprintf("months %s:\n%s\nvs\n%s", k, js(x), js(b.Months[k]))
		}
	}
	for k, x := range a.Classes {
		if !reflect.DeepEqual(x, b.Classes[k]) {
			return fmt.Sprintf("class %s:\n%s\nvs\n%s", k, js(x), js(b.Classes[k]))
		}
	}
	for k, x := range a.Histories {
		if !reflect.DeepEqual(x, b.Histories[k]) {
			return fmt.Sprintf("history %s differs", k)
		}
	}
	return fmt.Sprintf("networks or totals differ: %s vs %s", js([]any{a.Networks, a.Len, a.Latest, a.PairKeys}), js([]any{b.Networks, b.Len, b.Latest, b.PairKeys}))
}

func js(v any) string { b, _ := json.MarshalIndent(v, "", " "); return string(b) }

// TestIncrementalEqualsBatch builds the same ledger five ways and checks
// that every answer is identical: a sorted batch, one by one in time
// order (the live path), one by one in random order, batches in random
// order, and with exchanges added then removed and others updated then
// restored.
func TestIncrementalEqualsBatch(t *testing.T) {
	orgs := []string{"hub", "nl", "de", "be", "no", "fr"}
	interactions := meetings([]string{"hub", "nl", "de", "be"}, 0, 14, 1, 1, "meeting")
	interactions = append(interactions, meetings([]string{"nl", "be"}, 4, 10, 2, 2, "visit")...)
	interactions = append(interactions, meetings([]string{"nl", "no"}, 0, 14, 1, 0, "call")...)
	agreements := []ledger.Agreement{{ID: "group", Parties: []string{"hub", "nl", "de", "be", "fr"}}}
	for seed := range uint64(6) {
		// Seeds 4 and 5 crowd exchanges without ids onto the same
		// instants, where only the tie-break keeps the order canonical.
		ties := seed >= 4
		t.Run(fmt.Sprintf("seed %d ties %v", seed, ties), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 42))
			es := randomExchanges(rng, orgs, 600)
			if ties {
				for i := range es {
					if i%2 == 0 {
						es[i].ID = ""
					}
					es[i].At = es[i].At.Truncate(10 * 24 * time.Hour)
					if es[i].AnswersRFI && !es[i].RFIDeadline.IsZero() {
						es[i].RFIDeadline = es[i].At
					}
				}
			}
			setup := func(l *ledger.Ledger) {
				// Interactions in a different order each time.
				is := slices.Clone(interactions)
				rng.Shuffle(len(is), func(i, j int) { is[i], is[j] = is[j], is[i] })
				for _, i := range is {
					if err := l.AddInteraction(i); err != nil {
						t.Fatal(err)
					}
				}
				if err := l.SetAgreements(agreements); err != nil {
					t.Fatal(err)
				}
				l.SetHubs([]string{"hub"})
			}

			sorted := slices.Clone(es)
			slices.SortStableFunc(sorted, func(a, b ledger.Exchange) int { return a.At.Compare(b.At) })
			batch := mustLedger(t)
			setup(batch)
			if err := batch.AddAll(sorted); err != nil {
				t.Fatal(err)
			}
			want := takeSnapshot(batch, orgs)

			inOrder := mustLedger(t)
			setup(inOrder)
			mustAdd(t, inOrder, sorted...)
			if d := diff(want, takeSnapshot(inOrder, orgs)); d != "" {
				t.Fatalf("one by one in time order differs from the batch: %s", d)
			}

			shuffled := slices.Clone(es)
			rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })

			oneByOne := mustLedger(t)
			setup(oneByOne)
			mustAdd(t, oneByOne, shuffled...)
			if d := diff(want, takeSnapshot(oneByOne, orgs)); d != "" {
				t.Fatalf("one by one in random order differs from the batch: %s", d)
			}

			batches := mustLedger(t)
			setup(batches)
			for i := 0; i < len(shuffled); i += 97 {
				if err := batches.AddAll(shuffled[i:min(i+97, len(shuffled))]); err != nil {
					t.Fatal(err)
				}
			}
			if d := diff(want, takeSnapshot(batches, orgs)); d != "" {
				t.Fatalf("random batches differ from the sorted batch: %s", d)
			}

			churn := mustLedger(t)
			setup(churn)
			extra := randomExchanges(rng, orgs, 80)
			for i := range extra {
				extra[i].ID = fmt.Sprintf("extra%03d", i)
			}
			mixed := append(slices.Clone(shuffled), extra...)
			rng.Shuffle(len(mixed), func(i, j int) { mixed[i], mixed[j] = mixed[j], mixed[i] })
			if err := churn.AddAll(mixed[:300]); err != nil {
				t.Fatal(err)
			}
			mustAdd(t, churn, mixed[300:]...)
			for _, e := range extra {
				if err := churn.Remove(e.ID); err != nil {
					t.Fatal(err)
				}
			}
			for _, e := range es[:100] {
				if e.ID == "" {
					continue
				}
				changed := e
				changed.Feedback = fb(5)
				changed.At = changed.At.AddDate(0, 0, -40)
				if err := churn.Update(changed); err != nil {
					t.Fatal(err)
				}
			}
			for _, e := range es[:100] {
				if e.ID != "" {
					if err := churn.Update(e); err != nil {
						t.Fatal(err)
					}
				}
			}
			if d := diff(want, takeSnapshot(churn, orgs)); d != "" {
				t.Fatalf("after adds, removals and updates the ledger differs from the batch: %s", d)
			}
		})
	}
}

// TestNoNaN checks that nothing the ledger answers holds NaN or an
// infinity, whatever the data: JSON would refuse it.
func TestNoNaN(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	orgs := []string{"a", "b", "c"}
	es := randomExchanges(rng, orgs, 60)
	for i := range es {
		if i%2 == 0 {
			es[i].Feedback = fb(0) // worthless: zero values everywhere
		}
	}
	l := load(t, es, meetings([]string{"a", "b"}, 0, 3, 1, -2, "call"))
	s := takeSnapshot(l, orgs)
	if _, err := json.Marshal(s); err != nil {
		t.Fatalf("json: %v", err)
	}
}
