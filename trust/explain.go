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
	ev   *Evidence
}

// topHeap is a min-heap on key of at most K items: the K largest seen.
type topHeap []topItem

// offer adds it if the heap holds fewer than k items or it outranks the
// smallest. The heap keeps its own copy of the evidence.
func (h *topHeap) offer(it topItem, k int) {
	if len(*h) >= k && it.key <= (*h)[0].key {
		return
	}
	ev := *it.ev
	if len(ev.Ties) > 0 {
		ev.Ties = slices.Clone(ev.Ties)
	}
	it.ev = &ev
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
	k := e.cfg.TopK
	contrib := func(h topHeap, sign int) []Contribution {
		out := make([]Contribution, 0, len(h)+2)
		for _, it := range h {
			if it.x > x {
				continue
			}
			w := it.part * math.Exp2(it.x-x)
			out = append(out, Contribution{Evidence: *it.ev, Sign: sign, Weight: w, Influence: e.cfg.DimensionWeight(it.ev.Dimension) * w})
		}
		return out
	}
	sup := contrib(p.support, +1)
	at := e.timeOf(s.latest)
	wb := e.cfg.BenevolenceWeight
	if s.tieUnits > 0 {
		w := s.tieUnits * s.relDecay
		sup = append(sup, Contribution{Sign: +1, Weight: w, Influence: wb * w, Evidence: Evidence{
			Truster: key.Truster, Trustee: key.Trustee, Dimension: Benevolence, Kind: KindOfficerTies, At: at,
			Positive: s.tieUnits, Note: fmt.Sprintf("%d distinct officer ties", s.ties),
		}})
	}
	if s.ageUnits > 0 {
		w := s.ageUnits * s.relDecay
		sup = append(sup, Contribution{Sign: +1, Weight: w, Influence: wb * w, Evidence: Evidence{
			Truster: key.Truster, Trustee: key.Trustee, Dimension: Benevolence, Kind: KindRelationshipAge, At: at,
			Positive: s.ageUnits, Note: fmt.Sprintf("relationship active for %.1f years", s.years),
		}})
	}
	und := contrib(p.undermine, -1)
	byInfluence := func(a, b Contribution) int {
		return cmp.Or(cmp.Compare(b.Influence, a.Influence), b.Evidence.At.Compare(a.Evidence.At), cmp.Compare(a.Evidence.Ref, b.Evidence.Ref))
	}
	slices.SortFunc(sup, byInfluence)
	slices.SortFunc(und, byInfluence)
	out := append(sup[:min(k, len(sup))], und[:min(k, len(und))]...)
	slices.SortStableFunc(out, byInfluence)
	return out
}

// timeOf maps a point of the engine's time axis back to a time, to the
// second.
func (e *Engine) timeOf(x float64) time.Time {
	return time.Unix(epochUnix+int64(math.Round(x*e.hl)), 0).UTC()
}
