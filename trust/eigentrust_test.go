package trust

import (
	"errors"
	"math"
	"testing"
)

func sum(m map[string]float64) float64 {
	var s float64
	for _, v := range m {
		s += v
	}
	return s
}

func TestGlobalOnACycleHasTheClosedForm(t *testing.T) {
	// a → b → c → a, a pre-trusted. With t = (1−α)·Cᵀ·t + α·p:
	// t_b = (1−α)·t_a, t_c = (1−α)·t_b, t_a = (1−α)·t_c + α, so
	// t_a = α / (1 − (1−α)³).
	local := map[Pair]float64{{"a", "b"}: 3, {"b", "c"}: 1, {"c", "a"}: 7}
	const alpha = 0.5
	g, err := Global(local, []string{"a"}, alpha, 1e-14, 1000)
	if err != nil {
		t.Fatal(err)
	}
	ta := alpha / (1 - math.Pow(1-alpha, 3))
	want := map[string]float64{"a": ta, "b": (1 - alpha) * ta, "c": (1 - alpha) * (1 - alpha) * ta}
	for n, w := range want {
		if !near(g.Scores[n], w, 1e-12) {
			t.Errorf("t_%s = %v, want %v", n, g.Scores[n], w)
		}
	}
	if !g.Converged || g.Residual >= 1e-14 {
		t.Errorf("converged %v with residual %v after %d iterations", g.Converged, g.Residual, g.Iterations)
	}
}

func TestGlobalHonoursPreTrust(t *testing.T) {
	// Treaty partners a, b, c trust each other and d; m1 and m2 praise
	// each other and distrust everyone else. Nobody trusts them.
	local := map[Pair]float64{
		{"a", "b"}: 5, {"b", "a"}: 5, {"b", "c"}: 3, {"c", "a"}: 4, {"a", "d"}: 2, {"d", "a"}: 1,
		{"m1", "m2"}: 100, {"m2", "m1"}: 100, {"m1", "a"}: -50, {"m2", "b"}: -50,
		{"a", "m1"}: -10,
	}
	g, err := Global(local, []string{"a", "b", "c"}, DefaultAlpha, DefaultEpsilon, DefaultMaxIterations)
	if err != nil {
		t.Fatal(err)
	}
	if !g.Converged {
		t.Fatalf("did not converge: residual %v after %d iterations", g.Residual, g.Iterations)
	}
	if !near(sum(g.Scores), 1, 1e-9) {
		t.Errorf("scores sum to %v, want 1", sum(g.Scores))
	}
	if g.Scores["m1"] > 1e-12 || g.Scores["m2"] > 1e-12 {
		t.Errorf("the self-praising clique got %v and %v, want nothing", g.Scores["m1"], g.Scores["m2"])
	}
	if g.Scores["d"] <= 0 || g.Scores["d"] >= g.Scores["a"] {
		t.Errorf("d, trusted by a only, got %v (a %v): want some, less than a", g.Scores["d"], g.Scores["a"])
	}
	for _, n := range []string{"a", "b", "c"} {
		if g.Scores[n] < DefaultAlpha/3 {
			t.Errorf("pre-trusted %s got %v, want at least α/3 = %v", n, g.Scores[n], DefaultAlpha/3)
		}
	}
	// Without pre-trust, the clique's mutual praise pays off.
	open, err := Global(local, nil, DefaultAlpha, DefaultEpsilon, DefaultMaxIterations)
	if err != nil {
		t.Fatal(err)
	}
	if open.Scores["m1"] < 0.1 {
		t.Errorf("without pre-trust the clique got %v; the test no longer shows what pre-trust does", open.Scores["m1"])
	}
}

func TestGlobalRowsWithoutTrustFallBackToPreTrust(t *testing.T) {
	// b trusts nobody: its trust goes to the pre-trusted a.
	g, err := Global(map[Pair]float64{{"a", "b"}: 1, {"b", "a"}: -1}, []string{"a"}, 0.2, 1e-14, 1000)
	if err != nil {
		t.Fatal(err)
	}
	// t_b = 0.8·t_a, t_a = 0.8·t_b + 0.2 → t_a = 0.2/0.36.
	if !near(g.Scores["a"], 0.2/0.36, 1e-12) || !near(g.Scores["b"], 0.8*0.2/0.36, 1e-12) {
		t.Errorf("scores %v, want a %v and b %v", g.Scores, 0.2/0.36, 0.8*0.2/0.36)
	}
}

func TestGlobalRejectsBadInput(t *testing.T) {
	local := map[Pair]float64{{"a", "b"}: 1}
	for _, c := range []struct {
		name    string
		local   map[Pair]float64
		pre     []string
		alpha   float64
		epsilon float64
		iter    int
	}{
		{"alpha 0", local, nil, 0, 1e-9, 10},
		{"alpha 1", local, nil, 1, 1e-9, 10},
		{"epsilon 0", local, nil, 0.1, 0, 10},
		{"no iterations", local, nil, 0.1, 1e-9, 0},
		{"NaN trust", map[Pair]float64{{"a", "b"}: math.NaN()}, nil, 0.1, 1e-9, 10},
		{"empty name", map[Pair]float64{{"", "b"}: 1}, nil, 0.1, 1e-9, 10},
		{"empty pre-trusted name", local, []string{""}, 0.1, 1e-9, 10},
	} {
		if _, err := Global(c.local, c.pre, c.alpha, c.epsilon, c.iter); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: error %v, want ErrInvalid", c.name, err)
		}
	}
	if g, err := Global(nil, nil, 0.1, 1e-9, 10); err != nil || len(g.Scores) != 0 {
		t.Errorf("an empty network: %+v, %v; want no scores and no error", g, err)
	}
}

func TestEngineGlobal(t *testing.T) {
	c := DefaultConfig()
	e := mustEngine(t, c)
	ev := must[Evidence](t)
	mustAdd(t, e,
		ev(c.Feedback("a", "b", t0, "1", 5)), ev(c.Feedback("b", "a", t0, "2", 5)),
		ev(c.Feedback("a", "x", t0, "3", 4)), ev(c.Breach("b", "x", t0, "4", "ORCON")),
	)
	local := e.LocalTrust(t0)
	if local[Pair{"b", "x"}] >= 0 || local[Pair{"a", "b"}] <= 0 {
		t.Errorf("local trust %v: want b→x negative and a→b positive", local)
	}
	g, err := e.Global(t0, []string{"a"}, DefaultAlpha)
	if err != nil {
		t.Fatal(err)
	}
	if !g.Converged || !near(sum(g.Scores), 1, 1e-9) || g.Scores["x"] <= 0 {
		t.Errorf("global %+v: want converged scores summing to 1, x above 0", g)
	}
}
