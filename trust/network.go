package trust

import (
	"cmp"
	"fmt"
	"slices"
)

// Graph is a network of direct trust: Graph[truster][trustee] is the
// overall opinion of truster about trustee. Engine.Graph makes one from
// the evidence; tests and the wiring may build their own.
type Graph map[string]map[string]Opinion

// Path is one chain of trust used by Transitive: the organisations from
// the truster to the target, and the opinion the chain yields, every
// edge discounted by the ones before it.
type Path struct {
	Nodes     []string `json:"nodes"`
	Opinion   Opinion  `json:"opinion"`
	Projected float64  `json:"projected"`
}

// Inference is trust derived through the network: the fused opinion and
// the paths it fused, most certain first.
type Inference struct {
	From      string  `json:"from"`
	To        string  `json:"to"`
	Opinion   Opinion `json:"opinion"`
	Projected float64 `json:"projected"`
	Paths     []Path  `json:"paths"`
}

// MaxDepth is the longest chain Transitive follows.
const MaxDepth = 6

// Transitive derives the trust of from in to through the network g, for
// a partner with little or no direct history: trust transitivity and
// fusion of subjective logic, as in Jøsang's Trust Network Analysis
// (TNA-SL; Jøsang, Hayward & Pope 2006).
//
// Every chain from → b1 → … → bk → to of at most maxDepth edges yields
// the opinion ω(from,b1) ⊗ ω(b1,b2) ⊗ … ⊗ ω(bk,to), ⊗ being Discount
// (uncertainty-favouring, so only belief in a recommender carries its
// advice). Chains that share an edge are not independent, and fusing them
// would count that edge's evidence twice, so Transitive picks
// edge-disjoint chains greedily, most certain first: the chain whose
// opinion has the least uncertainty (the largest product of the
// recommenders' beliefs times the certainty 1 − u of the last edge),
// found by a dynamic programme over at most maxDepth − 1 referral edges;
// then its edges are removed and the next is sought, until none is left.
// The chosen chains' opinions are fused with Fuse (cumulative fusion).
// A direct edge from → to is a chain of one edge, so direct experience is
// fused with what partners say. Recommenders with no belief, and the
// target itself, are never intermediaries.
//
// Two simplifications of ours: the overall opinion of an edge serves as
// both referral trust (trust in the partner's judgement of others) and
// functional trust (trust in the partner itself), which TNA-SL keeps
// apart; and the greedy choice of chains stands in for TNA-SL's
// simplification of the network to a series-parallel graph.
//
// With no chain the result is vacuous with base rate 1/2 (Engine.Transitive
// sets the pair's own base rate, which only moves the projection). The
// error wraps ErrInvalid for empty or equal names, maxDepth outside
// [1, MaxDepth], or an invalid opinion in g.
func Transitive(g Graph, from, to string, maxDepth int) (Inference, error) {
	if err := checkPair(from, to); err != nil {
		return Inference{}, fmt.Errorf("trust: transitive: %w", err)
	}
	if maxDepth < 1 || maxDepth > MaxDepth {
		return Inference{}, fmt.Errorf("%w: trust: transitive: depth %d is not in [1, %d]", ErrInvalid, maxDepth, MaxDepth)
	}
	for a, row := range g {
		for b, op := range row {
			if err := op.Validate(); err != nil {
				return Inference{}, fmt.Errorf("trust: transitive: edge %s→%s: %w", a, b, err)
			}
		}
	}
	removed := make(map[Pair]bool)
	inf := Inference{From: from, To: to, Paths: []Path{}}
	var ops []Opinion
	for {
		nodes, ok := bestChain(g, from, to, maxDepth, removed)
		if !ok {
			break
		}
		op := g[nodes[len(nodes)-2]][to]
		for i := len(nodes) - 2; i > 0; i-- {
			op = discount(g[nodes[i-1]][nodes[i]], op)
		}
		for i := 1; i < len(nodes); i++ {
			removed[Pair{nodes[i-1], nodes[i]}] = true
		}
		ops = append(ops, op)
		inf.Paths = append(inf.Paths, Path{Nodes: nodes, Opinion: op, Projected: op.Projected()})
	}
	inf.Opinion = Vacuous(0.5)
	if len(ops) > 0 {
		inf.Opinion = fuse(ops)
	}
	inf.Projected = inf.Opinion.Projected()
	return inf, nil
}

// layerState is the best referral chain found to a node within a number
// of edges: the product of beliefs along it and where it came from.
type layerState struct {
	val       float64
	prev      string
	prevLayer int
}

// bestChain returns the most certain chain from → … → to of at most
// maxDepth edges avoiding removed edges, or false if there is none with
// positive certainty. Ties go to the shorter chain, then to the chain
// found first in name order.
func bestChain(g Graph, from, to string, maxDepth int, removed map[Pair]bool) ([]string, bool) {
	layers := make([]map[string]layerState, maxDepth)
	layers[0] = map[string]layerState{from: {val: 1, prevLayer: -1}}
	for k := 1; k < maxDepth; k++ {
		cur := make(map[string]layerState, len(layers[k-1]))
		for v, st := range layers[k-1] {
			cur[v] = st
		}
		for _, u := range sortedKeys(layers[k-1]) {
			su := layers[k-1][u]
			row := g[u]
			for _, v := range sortedKeys(row) {
				op := row[v]
				if v == from || v == to || op.Belief <= 0 || removed[Pair{u, v}] {
					continue
				}
				val := su.val * op.Belief
				if old, ok := cur[v]; !ok || val > old.val {
					cur[v] = layerState{val: val, prev: u, prevLayer: k - 1}
				}
			}
		}
		layers[k] = cur
	}
	last := layers[maxDepth-1]
	var (
		best      float64
		bestNode  string
		bestChain []string
	)
	for _, v := range sortedKeys(last) {
		op, ok := g[v][to]
		if !ok || removed[Pair{v, to}] {
			continue
		}
		score := last[v].val * (1 - op.Uncertainty)
		if score <= 0 {
			continue
		}
		chain := walkBack(layers, v, maxDepth-1)
		if score > best || (score == best && len(chain) < len(bestChain)) {
			best, bestNode, bestChain = score, v, chain
		}
	}
	if bestNode == "" {
		return nil, false
	}
	return append(bestChain, to), true
}

// walkBack rebuilds the chain from the truster to v recorded in layers,
// cutting out any cycle (there is none unless beliefs of exactly 1 tie).
func walkBack(layers []map[string]layerState, v string, k int) []string {
	var rev []string
	for k >= 0 {
		st := layers[k][v]
		rev = append(rev, v)
		if st.prevLayer < 0 {
			break
		}
		v, k = st.prev, st.prevLayer
	}
	slices.Reverse(rev)
	out := rev[:0:0]
	for _, n := range rev {
		if i := slices.Index(out, n); i >= 0 {
			out = out[:i]
		}
		out = append(out, n)
	}
	return out
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, cmp.Compare[string])
	return ks
}
