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
	n := newNetwork(g)
	inf := Inference{From: from, To: to, Paths: []Path{}, Opinion: Vacuous(0.5)}
	src, ok1 := n.index[from]
	dst, ok2 := n.index[to]
	if !ok1 || !ok2 {
		inf.Projected = inf.Opinion.Projected()
		return inf, nil
	}
	var ops []Opinion
	for {
		chain, ok := n.bestChain(src, dst, maxDepth)
		if !ok {
			break
		}
		// chain holds edge indices; discount from the last edge back.
		op := n.edges[chain[len(chain)-1]].op
		for i := len(chain) - 2; i >= 0; i-- {
			op = discount(n.edges[chain[i]].op, op)
		}
		nodes := []string{from}
		for _, ei := range chain {
			n.edges[ei].removed = true
			nodes = append(nodes, n.names[n.edges[ei].to])
		}
		ops = append(ops, op)
		inf.Paths = append(inf.Paths, Path{Nodes: nodes, Opinion: op, Projected: op.Projected()})
	}
	if len(ops) > 0 {
		inf.Opinion = fuse(ops)
	}
	inf.Projected = inf.Opinion.Projected()
	return inf, nil
}

// network is a Graph indexed for the search of chains: organisations by
// number in name order, edges by number, each node's outgoing edges in
// the order of their targets' names.
type network struct {
	names []string
	index map[string]int
	edges []edge
	out   [][]int // node → indices of its outgoing edges
}

type edge struct {
	from, to int
	op       Opinion
	removed  bool
}

func newNetwork(g Graph) *network {
	n := &network{index: make(map[string]int)}
	for a, row := range g {
		n.names = append(n.names, a)
		for b := range row {
			n.names = append(n.names, b)
		}
	}
	slices.Sort(n.names)
	n.names = slices.Compact(n.names)
	for i, name := range n.names {
		n.index[name] = i
	}
	n.out = make([][]int, len(n.names))
	for i, a := range n.names {
		row := g[a]
		for _, b := range sortedKeys(row) {
			n.out[i] = append(n.out[i], len(n.edges))
			n.edges = append(n.edges, edge{from: i, to: n.index[b], op: row[b]})
		}
	}
	return n
}

// bestChain returns the edges of the most certain chain src → … → dst of
// at most maxDepth edges that avoids removed edges, or false if there is
// none with positive certainty. The certainty of a chain is the product
// of the referral edges' beliefs times 1 − u of the last edge; it is
// found by a dynamic programme over layers (layer k: the best product of
// beliefs over at most k referral edges). Ties go to the chain found
// first, which favours shorter chains and names earlier in order.
func (n *network) bestChain(src, dst, maxDepth int) ([]int, bool) {
	const none = -1
	size := len(n.names)
	// val[k][v] is the best product of beliefs from src to v over at most
	// k edges; via[k][v] the edge of its last step (none at src or if
	// unchanged from layer k−1, in which case the chain is layer k−1's).
	val := make([][]float64, maxDepth)
	via := make([][]int, maxDepth)
	for k := range val {
		val[k] = make([]float64, size)
		via[k] = make([]int, size)
		for v := range via[k] {
			via[k][v] = none
		}
	}
	val[0][src] = 1
	for k := 1; k < maxDepth; k++ {
		copy(val[k], val[k-1])
		for u := range size {
			if val[k-1][u] <= 0 {
				continue
			}
			for _, ei := range n.out[u] {
				e := &n.edges[ei]
				if e.removed || e.to == src || e.to == dst || e.op.Belief <= 0 {
					continue
				}
				if c := val[k-1][u] * e.op.Belief; c > val[k][e.to] {
					val[k][e.to] = c
					via[k][e.to] = ei
				}
			}
		}
	}
	last := maxDepth - 1
	best, bestEdge := 0.0, none
	for u := range size {
		if val[last][u] <= 0 {
			continue
		}
		for _, ei := range n.out[u] {
			e := &n.edges[ei]
			if e.to != dst || e.removed {
				continue
			}
			if c := val[last][u] * (1 - e.op.Uncertainty); c > best {
				best, bestEdge = c, ei
			}
		}
	}
	if bestEdge == none {
		return nil, false
	}
	// Walk back from the last edge's source through the layers.
	chain := []int{bestEdge}
	v, k := n.edges[bestEdge].from, last
	for v != src {
		for k > 0 && via[k][v] == none {
			k--
		}
		ei := via[k][v]
		if ei == none || len(chain) > maxDepth {
			return nil, false // cannot happen: every reached node has a recorded step
		}
		chain = append(chain, ei)
		v, k = n.edges[ei].from, k-1
	}
	slices.Reverse(chain)
	return dropCycles(n, chain), true
}

// dropCycles removes any cycle from a chain of edges (there is none
// unless beliefs of exactly 1 make a detour tie with the direct way).
func dropCycles(n *network, chain []int) []int {
	out := chain[:0:0]
	for _, ei := range chain {
		from := n.edges[ei].from
		for i, oj := range out {
			if n.edges[oj].from == from {
				out = out[:i]
				break
			}
		}
		out = append(out, ei)
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
