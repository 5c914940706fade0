package trust

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// topItem is an item in a pair's top-K heap. Its key, log2(part·w) + x
// with w the dimension's weight, orders items by their influence at any
// time after them: an item's influence at time y is 2^(key − y), and all
// items decay by the same factor.
type topItem struct {
	key  float64
	x    float64
	part float64 // the positive or the negative units of the item
	ev   Evidence
}

// topHeap is a min-heap on key of at most K items: the K largest seen.
type topHeap []topItem

// offer adds item ev of the given key, time and units if the heap holds
// fewer than k items or it outranks the smallest. The heap keeps its own
// copy of the evidence.
func (h *topHeap) offer(key, x, part float64, ev *Evidence, k int) {
	if len(*h) >= k && key <= (*h)[0].key {
		return
	}
	it := topItem{key: key, x: x, part: part, ev: *ev}
	if len(ev.Ties) > 0 {
		it.ev.Ties = slices.Clone(ev.Ties)
	}
	if len(*h) < k {
		*h = append(*h, it)
		h.up(len(*h) - 1)
		return
	}
	(*h)[0] = it
	h.down(0)
}

func (h topHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if h[p].key <= h[i].key {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func (h topHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && h[r].key < h[l].key {
			m = r
		}
		if h[i].key <= h[m].key {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// explain returns the top contributions of a pair at x: the heaps' items
// dated at or before x and the derived relational items, at most TopK of
// each sign, largest influence first. An assessment at a time before some
// of the kept items may show fewer than TopK of a sign: the heaps keep the
// all-time largest.
func (e *Engine) explain(key Pair, p *pairState, x float64, s *sums) []Contribution {
	// Candidates are sorted as small structs and made into contributions
	// at the end: sorting contributions themselves would move their
	// evidence around.
	type cand struct {
		influence, weight float64
		sign              int
		ev                *Evidence
	}
	k := e.cfg.TopK
	collect := func(h topHeap, sign int, extra int) []cand {
		out := make([]cand, 0, len(h)+extra)
		for i := range h {
			it := &h[i]
			if it.x > x {
				continue
			}
			w := it.part * math.Exp2(it.x-x)
			out = append(out, cand{e.cfg.DimensionWeight(it.ev.Dimension) * w, w, sign, &it.ev})
		}
		return out
	}
	sup := collect(p.support, +1, 2)
	at := e.timeOf(s.latest)
	wb := e.cfg.BenevolenceWeight
	if s.tieUnits > 0 {
		w := s.tieUnits * s.relDecay
		sup = append(sup, cand{wb * w, w, +1, &Evidence{
			Truster: key.Truster, Trustee: key.Trustee, Dimension: Benevolence, Kind: KindOfficerTies, At: at,
			Positive: s.tieUnits, Note: fmt.Sprintf("%d distinct officer ties", s.ties),
		}})
	}
	if s.ageUnits > 0 {
		w := s.ageUnits * s.relDecay
		sup = append(sup, cand{wb * w, w, +1, &Evidence{
			Truster: key.Truster, Trustee: key.Trustee, Dimension: Benevolence, Kind: KindRelationshipAge, At: at,
			Positive: s.ageUnits, Note: fmt.Sprintf("relationship active for %.1f years", s.years),
		}})
	}
	und := collect(p.undermine, -1, 0)
	byInfluence := func(a, b cand) int {
		if c := cmp.Compare(b.influence, a.influence); c != 0 {
			return c
		}
		if c := b.ev.At.Compare(a.ev.At); c != 0 {
			return c
		}
		return cmp.Compare(a.ev.Ref, b.ev.Ref)
	}
	slices.SortFunc(sup, byInfluence)
	slices.SortFunc(und, byInfluence)
	top := append(sup[:min(k, len(sup))], und[:min(k, len(und))]...)
	slices.SortStableFunc(top, byInfluence)
	out := make([]Contribution, len(top))
	for i, c := range top {
		out[i] = Contribution{Evidence: *c.ev, Sign: c.sign, Weight: c.weight, Influence: c.influence}
	}
	return out
}

// timeOf maps a point of the engine's time axis back to a time, to the
// second.
func (e *Engine) timeOf(x float64) time.Time {
	return time.Unix(epochUnix+int64(math.Round(x*e.hl)), 0).UTC()
}
