package ledger

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
)

// PageRankDamping is the damping factor of Centrality's PageRank.
const PageRankDamping = 0.85

// OrgCentrality is an organisation's prominence in the exchange network
// over a window: the weighted directed graph whose link i→j weighs the
// value i gave j.
type OrgCentrality struct {
	Org string `json:"org"`
	// OutStrength and InStrength are the value it gave and received;
	// ReciprocatedStrength is Σ_j min(w_ij, w_ji), the part of its
	// exchange that is reciprocated (Squartini et al. 2013).
	OutStrength          float64 `json:"out_strength"`
	InStrength           float64 `json:"in_strength"`
	ReciprocatedStrength float64 `json:"reciprocated_strength"`
	// OutDegree and InDegree count the organisations it gave to and
	// received from.
	OutDegree int `json:"out_degree"`
	InDegree  int `json:"in_degree"`
	// PageRank is the value-weighted PageRank (damping 0.85) of the
	// graph of gives: high for services where intelligence converges,
	// receiving much from services that themselves receive much.
	// SourceRank is the same on the reversed graph: high for services
	// whose gives reach services that give much. Each sums to 1 over
	// the organisations listed.
	PageRank   float64 `json:"pagerank"`
	SourceRank float64 `json:"source_rank"`
	// Betweenness is the share of shortest paths between other pairs
	// that pass through it, on the graph whose link lengths are 1/value
	// (a strong link is short; Opsahl et al. 2010, α = 1), normalised by
	// (n−1)(n−2) to lie in 0–1: a broker between services.
	Betweenness float64 `json:"betweenness"`
}

// Centrality returns the prominence of every organisation that gave or
// received in w, by PageRank (highest first), then id. It uses gonum's
// graph algorithms; results are rounded to 1e-9 so that they do not
// depend on PageRank's random starting vector.
func (l *Ledger) Centrality(w Window) []OrgCentrality {
	l.mu.RLock()
	s := l.span(w)
	type link struct {
		from, to int32
		value    int64
	}
	var links []link
	active := map[int32]bool{}
	for _, p := range l.pairs {
		v, c := p.totals(s)
		if c[0] > 0 {
			links = append(links, link{p.lo, p.hi, v[0]})
		}
		if c[1] > 0 {
			links = append(links, link{p.hi, p.lo, v[1]})
		}
		if c[0] > 0 || c[1] > 0 {
			active[p.lo], active[p.hi] = true, true
		}
	}
	ids := make([]int32, 0, len(active))
	for o := range active {
		ids = append(ids, o)
	}
	slices.SortFunc(ids, func(x, y int32) int { return cmp.Compare(l.orgs[x], l.orgs[y]) })
	out := make([]OrgCentrality, len(ids))
	node := make(map[int32]int64, len(ids))
	for i, o := range ids {
		node[o] = int64(i)
		out[i].Org = l.orgs[o]
	}
	l.mu.RUnlock()
	if len(ids) == 0 {
		return out
	}

	give := simple.NewWeightedDirectedGraph(0, 0)
	back := simple.NewWeightedDirectedGraph(0, 0)
	dist := simple.NewWeightedDirectedGraph(0, math.Inf(1))
	for i := range ids {
		give.AddNode(simple.Node(i))
		back.AddNode(simple.Node(i))
		dist.AddNode(simple.Node(i))
	}
	outS, inS, recS := make([]int64, len(ids)), make([]int64, len(ids)), make([]int64, len(ids))
	pairValue := map[[2]int64]int64{}
	for _, k := range links {
		u, v := node[k.from], node[k.to]
		outS[u] += k.value
		inS[v] += k.value
		out[u].OutDegree++
		out[v].InDegree++
		pairValue[[2]int64{u, v}] = k.value
		if k.value > 0 {
			wv := fromMicro(k.value)
			give.SetWeightedEdge(simple.WeightedEdge{F: simple.Node(u), T: simple.Node(v), W: wv})
			back.SetWeightedEdge(simple.WeightedEdge{F: simple.Node(v), T: simple.Node(u), W: wv})
			dist.SetWeightedEdge(simple.WeightedEdge{F: simple.Node(u), T: simple.Node(v), W: 1 / wv})
		}
	}
	for uv, x := range pairValue {
		if y, ok := pairValue[[2]int64{uv[1], uv[0]}]; ok {
			recS[uv[0]] += min(x, y)
		}
	}
	for i := range out {
		out[i].OutStrength, out[i].InStrength, out[i].ReciprocatedStrength = fromMicro(outS[i]), fromMicro(inS[i]), fromMicro(recS[i])
	}
	pr := network.PageRankSparse(give, PageRankDamping, 1e-12)
	sr := network.PageRankSparse(back, PageRankDamping, 1e-12)
	bw := network.BetweennessWeighted(dist, path.DijkstraAllPaths(dist))
	n := float64(len(ids))
	for i := range out {
		out[i].PageRank = round9(pr[int64(i)])
		out[i].SourceRank = round9(sr[int64(i)])
		if n > 2 {
			out[i].Betweenness = round9(bw[int64(i)] / ((n - 1) * (n - 2)))
		}
	}
	slices.SortStableFunc(out, func(x, y OrgCentrality) int {
		if c := cmp.Compare(y.PageRank, x.PageRank); c != 0 {
			return c
		}
		return cmp.Compare(x.Org, y.Org)
	})
	return out
}

func round9(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return math.Round(x*1e9) / 1e9
}
