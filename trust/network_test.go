package trust

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func op(r, s float64) Opinion { return fromEvidence(r, s, 0.5) }

func TestTransitiveChain(t *testing.T) {
	ab, bc, cd := op(18, 2), op(8, 2), op(10, 0)
	g := Graph{"a": {"b": ab}, "b": {"c": bc}, "c": {"d": cd}}
	inf, err := Transitive(g, "a", "d", 3)
	if err != nil {
		t.Fatal(err)
	}
	want := discount(ab, discount(bc, cd))
	sameOpinion(t, "a→b→c→d", inf.Opinion, want, 1e-12)
	// b = (18/22)·(8/12)·(10/12), by hand.
	if b := 18.0 / 22 * 8 / 12 * 10 / 12; !near(inf.Opinion.Belief, b, 1e-12) {
		t.Errorf("belief %v, want %v", inf.Opinion.Belief, b)
	}
	if len(inf.Paths) != 1 || !slices.Equal(inf.Paths[0].Nodes, []string{"a", "b", "c", "d"}) {
		t.Errorf("paths %+v, want a→b→c→d", inf.Paths)
	}
	if short, _ := Transitive(g, "a", "d", 2); len(short.Paths) != 0 || short.Opinion.Uncertainty != 1 {
		t.Errorf("within two edges: %+v, want no path and a vacuous opinion", short)
	}
}

func TestTransitiveFusesParallelPaths(t *testing.T) {
	ab, bx, ac, cx := op(18, 2), op(10, 0), op(8, 2), op(0, 6)
	g := Graph{"a": {"b": ab, "c": ac}, "b": {"x": bx}, "c": {"x": cx}}
	inf, err := Transitive(g, "a", "x", 2)
	if err != nil {
		t.Fatal(err)
	}
	viaB, viaC := discount(ab, bx), discount(ac, cx)
	sameOpinion(t, "two paths", inf.Opinion, fuse([]Opinion{viaB, viaC}), 1e-12)
	if len(inf.Paths) != 2 {
		t.Fatalf("paths %+v, want two", inf.Paths)
	}
	// Most certain first: via b, (18/22)·(10/12) ≈ 0.68; via c, (8/12)·(6/8) = 0.5.
	if !slices.Equal(inf.Paths[0].Nodes, []string{"a", "b", "x"}) || !slices.Equal(inf.Paths[1].Nodes, []string{"a", "c", "x"}) {
		t.Errorf("paths %v then %v, want a→b→x then a→c→x", inf.Paths[0].Nodes, inf.Paths[1].Nodes)
	}
	if inf.Opinion.Uncertainty >= viaB.Uncertainty || inf.Opinion.Uncertainty >= viaC.Uncertainty {
		t.Errorf("fused uncertainty %v, want below each path's (%v, %v)", inf.Opinion.Uncertainty, viaB.Uncertainty, viaC.Uncertainty)
	}
}

func TestTransitiveCountsASharedEdgeOnce(t *testing.T) {
	// a→b→x and a→c→b→x share b→x: fusing both would count b's opinion
	// of x twice. The most certain one is kept, here the longer: its
	// certainty is (30/32)²·(10/12) ≈ 0.73 against (18/22)·(10/12) ≈ 0.68.
	ab, ac, cb, bx := op(18, 2), op(30, 0), op(30, 0), op(10, 0)
	g := Graph{"a": {"b": ab, "c": ac}, "c": {"b": cb}, "b": {"x": bx}}
	inf, err := Transitive(g, "a", "x", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(inf.Paths) != 1 {
		t.Fatalf("paths %+v, want one", inf.Paths)
	}
	if !slices.Equal(inf.Paths[0].Nodes, []string{"a", "c", "b", "x"}) {
		t.Errorf("path %v, want a→c→b→x, the more certain", inf.Paths[0].Nodes)
	}
	sameOpinion(t, "shared edge", inf.Opinion, discount(ac, discount(cb, bx)), 1e-12)
	if inf.Opinion.Uncertainty <= fuse([]Opinion{discount(ab, bx), discount(ac, discount(cb, bx))}).Uncertainty {
		t.Error("the shared edge seems counted twice")
	}
}

func TestTransitiveFusesDirectExperience(t *testing.T) {
	ax, ab, bx := op(2, 0), op(18, 2), op(10, 0)
	g := Graph{"a": {"x": ax, "b": ab}, "b": {"x": bx}}
	inf, err := Transitive(g, "a", "x", 2)
	if err != nil {
		t.Fatal(err)
	}
	sameOpinion(t, "direct and recommended", inf.Opinion, fuse([]Opinion{ax, discount(ab, bx)}), 1e-12)
	if len(inf.Paths) != 2 {
		t.Errorf("paths %+v, want the direct edge and a→b→x", inf.Paths)
	}
}

func TestTransitiveIgnoresDistrustedRecommenders(t *testing.T) {
	g := Graph{"a": {"m": op(0, 20)}, "m": {"x": op(50, 0)}}
	inf, err := Transitive(g, "a", "x", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(inf.Paths) != 0 || inf.Opinion.Uncertainty != 1 {
		t.Errorf("through a distrusted recommender: %+v, want nothing", inf)
	}
}

func TestTransitiveRejectsBadInput(t *testing.T) {
	g := Graph{"a": {"b": op(1, 1)}}
	for _, c := range []struct {
		name     string
		g        Graph
		from, to string
		depth    int
	}{
		{"depth 0", g, "a", "b", 0},
		{"depth beyond the limit", g, "a", "b", MaxDepth + 1},
		{"no truster", g, "", "b", 2},
		{"trust in oneself", g, "a", "a", 2},
		{"an invalid opinion", Graph{"a": {"b": {Belief: 2}}}, "a", "b", 2},
	} {
		if _, err := Transitive(c.g, c.from, c.to, c.depth); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: error %v, want ErrInvalid", c.name, err)
		}
	}
}

func TestEngineTransitiveUsesThePairsBaseRate(t *testing.T) {
	c := DefaultConfig()
	e := mustEngine(t, c)
	ev := must[Evidence](t)
	mustAdd(t, e,
		ev(c.Corroborated("a", "b", t0, "1")), ev(c.Corroborated("a", "b", t0, "2")),
		ev(c.Feedback("b", "x", t0, "3", 5)), ev(c.Feedback("b", "x", t0, "4", 4)),
	)
	for org, ms := range map[string][]string{"a": {"EU", "NATO"}, "x": {"EU", "NATO"}} {
		if err := e.SetMemberships(org, ms); err != nil {
			t.Fatal(err)
		}
	}
	inf, err := e.Transitive("a", "x", t0, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !near(inf.Opinion.BaseRate, 0.6, 1e-12) || !near(inf.Projected, inf.Opinion.Projected(), 1e-15) {
		t.Errorf("base rate %v, projected %v; want a and x's 0.6 and the opinion's projection", inf.Opinion.BaseRate, inf.Projected)
	}
	g := e.Graph(t0)
	want := discount(g["a"]["b"], g["b"]["x"])
	if inf.Opinion.Belief != want.Belief || inf.Opinion.Uncertainty != want.Uncertainty || math.IsNaN(inf.Projected) {
		t.Errorf("opinion %+v, want the masses of %+v", inf.Opinion, want)
	}
}

// allChains enumerates every simple chain from → … → to of at most
// depth edges whose intermediaries are neither end, with its certainty
// (product of the referral beliefs times 1 − u of the last edge), skipping
// used edges.
func allChains(g Graph, from, to string, depth int, used map[Pair]bool) (chains [][]string, certainty []float64) {
	var walk func(path []string, prod float64)
	walk = func(path []string, prod float64) {
		u := path[len(path)-1]
		if len(path)-1 >= depth {
			return
		}
		for v, op := range g[u] {
			if used[Pair{u, v}] {
				continue
			}
			if v == to {
				if c := prod * (1 - op.Uncertainty); c > 0 {
					chains = append(chains, append(slices.Clone(path), v))
					certainty = append(certainty, c)
				}
				continue
			}
			if v == from || slices.Contains(path, v) || op.Belief <= 0 {
				continue
			}
			walk(append(path, v), prod*op.Belief)
		}
	}
	walk([]string{from}, 1)
	return chains, certainty
}

func TestTransitivePicksTheMostCertainDisjointChains(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	names := []string{"a", "b", "c", "d", "e", "f", "g"}
	for round := range 300 {
		g := Graph{}
		for _, u := range names {
			for _, v := range names {
				if u != v && rng.IntN(3) > 0 {
					if g[u] == nil {
						g[u] = map[string]Opinion{}
					}
					r, s := float64(rng.IntN(20)), float64(rng.IntN(6))
					if rng.IntN(5) == 0 {
						r = 0
					}
					g[u][v] = op(r, s)
				}
			}
		}
		depth := 1 + rng.IntN(4)
		inf, err := Transitive(g, "a", "g", depth)
		if err != nil {
			t.Fatal(err)
		}
		used := map[Pair]bool{}
		for i, p := range inf.Paths {
			what := fmt.Sprintf("round %d, depth %d, path %d %v", round, depth, i, p.Nodes)
			_, cs := allChains(g, "a", "g", depth, used)
			if len(cs) == 0 {
				t.Fatalf("%s: chosen, but brute force finds no chain", what)
			}
			if best := slices.Max(cs); !near(1-p.Opinion.Uncertainty, best, 1e-12) {
				t.Errorf("%s: certainty %v, but the best chain left has %v", what, 1-p.Opinion.Uncertainty, best)
			}
			if len(p.Nodes)-1 > depth || p.Nodes[0] != "a" || p.Nodes[len(p.Nodes)-1] != "g" {
				t.Errorf("%s: not a chain from a to g within the depth", what)
			}
			for j := 1; j < len(p.Nodes); j++ {
				e := Pair{p.Nodes[j-1], p.Nodes[j]}
				if used[e] {
					t.Errorf("%s: edge %v used twice", what, e)
				}
				used[e] = true
			}
		}
		if chains, _ := allChains(g, "a", "g", depth, used); len(chains) > 0 {
			t.Errorf("round %d: chains %v are left unused", round, chains)
		}
	}
}
