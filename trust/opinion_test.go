package trust

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// near reports whether a and b agree within tol.
func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// sameOpinion fails the test if got and want differ by more than tol in
// any field.
func sameOpinion(t *testing.T, what string, got, want Opinion, tol float64) {
	t.Helper()
	if !near(got.Belief, want.Belief, tol) || !near(got.Disbelief, want.Disbelief, tol) ||
		!near(got.Uncertainty, want.Uncertainty, tol) || !near(got.BaseRate, want.BaseRate, tol) {
		t.Errorf("%s = %+v, want %+v", what, got, want)
	}
}

func TestFromEvidence(t *testing.T) {
	tests := []struct {
		name    string
		r, s, a float64
		want    Opinion
		wantP   float64
	}{
		{"no evidence is vacuous and projects the base rate", 0, 0, 0.3, Opinion{0, 0, 1, 0.3}, 0.3},
		// Jøsang & Ismail 2002's worked example: 7 positive and 1
		// negative observations give Beta(8, 2), whose mean is 0.8.
		{"seven good and one bad observation are Beta(8,2) with mean 0.8", 7, 1, 0.5, Opinion{0.7, 0.1, 0.2, 0.5}, 0.8},
		{"eight good observations", 8, 0, 0.5, Opinion{0.8, 0, 0.2, 0.5}, 0.9},
		{"two bad observations halve the uncertainty", 0, 2, 0.5, Opinion{0, 0.5, 0.5, 0.5}, 0.25},
		{"fractional evidence", 1.5, 0.5, 0.75, Opinion{0.375, 0.125, 0.5, 0.75}, 0.75},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromEvidence(tt.r, tt.s, tt.a)
			if err != nil {
				t.Fatal(err)
			}
			sameOpinion(t, "FromEvidence", got, tt.want, 1e-12)
			if !near(got.Projected(), tt.wantP, 1e-12) {
				t.Errorf("Projected = %v, want %v", got.Projected(), tt.wantP)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

func TestFromEvidenceRejectsNonsense(t *testing.T) {
	for _, c := range []struct {
		name    string
		r, s, a float64
	}{
		{"negative positive evidence", -1, 0, 0.5},
		{"negative negative evidence", 0, -1, 0.5},
		{"NaN evidence", math.NaN(), 0, 0.5},
		{"infinite evidence", math.Inf(1), 0, 0.5},
		{"base rate above 1", 1, 1, 1.5},
		{"NaN base rate", 1, 1, math.NaN()},
	} {
		if _, err := FromEvidence(c.r, c.s, c.a); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: error %v, want ErrInvalid", c.name, err)
		}
	}
}

func TestProjectedIsTheMeanOfTheBetaDistribution(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		r, s, a := rng.Float64()*50, rng.Float64()*50, rng.Float64()
		op, err := FromEvidence(r, s, a)
		if err != nil {
			t.Fatal(err)
		}
		// Beta(r + W·a, s + W·(1 − a)) has mean (r + W·a)/(r + s + W).
		if want := (r + W*a) / (r + s + W); !near(op.Projected(), want, 1e-12) {
			t.Fatalf("r=%v s=%v a=%v: projected %v, want %v", r, s, a, op.Projected(), want)
		}
	}
}

func TestOpinionValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		op   Opinion
		ok   bool
	}{
		{"vacuous", Vacuous(0.5), true},
		{"dogmatic belief", Opinion{1, 0, 0, 0.5}, true},
		{"masses summing to more than 1", Opinion{0.6, 0.6, 0, 0.5}, false},
		{"negative mass", Opinion{1.1, -0.1, 0, 0.5}, false},
		{"base rate above 1", Opinion{0, 0, 1, 1.2}, false},
		{"NaN belief", Opinion{math.NaN(), 0, 1, 0.5}, false},
		{"zero value", Opinion{}, false},
	} {
		err := c.op.Validate()
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, ErrInvalid)) {
			t.Errorf("%s: Validate() = %v, want ok=%v", c.name, err, c.ok)
		}
	}
}

func TestDiscount(t *testing.T) {
	op := Opinion{0.6, 0.3, 0.1, 0.7}
	tests := []struct {
		name  string
		trust Opinion
		want  Opinion
	}{
		// b = 0.8·0.6, d = 0.8·0.3, u = 0.1 + 0.1 + 0.8·0.1, a = 0.7.
		{"partial trust scales belief and disbelief by the recommender's belief", Opinion{0.8, 0.1, 0.1, 0.5}, Opinion{0.48, 0.24, 0.28, 0.7}},
		{"full trust passes the advice on unchanged", Opinion{1, 0, 0, 0.5}, op},
		{"a recommender one knows nothing about passes on nothing", Opinion{0, 0, 1, 0.5}, Opinion{0, 0, 1, 0.7}},
		{"a distrusted recommender passes on nothing", Opinion{0, 1, 0, 0.5}, Opinion{0, 0, 1, 0.7}},
		// b = 0.5·0.6, d = 0.5·0.3, u = 0.25 + 0.25 + 0.5·0.1.
		{"half belief, the rest split", Opinion{0.5, 0.25, 0.25, 0.9}, Opinion{0.3, 0.15, 0.55, 0.7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Discount(tt.trust, op)
			if err != nil {
				t.Fatal(err)
			}
			sameOpinion(t, "Discount", got, tt.want, 1e-12)
			if err := got.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
	if _, err := Discount(Opinion{0.9, 0.9, 0, 0.5}, op); !errors.Is(err, ErrInvalid) {
		t.Errorf("Discount of an invalid trust opinion: error %v, want ErrInvalid", err)
	}
}

func TestDiscountIsAssociative(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		a, b, c := randomOpinion(rng), randomOpinion(rng), randomOpinion(rng)
		left := discount(discount(a, b), c)
		right := discount(a, discount(b, c))
		sameOpinion(t, "(a⊗b)⊗c vs a⊗(b⊗c)", left, right, 1e-12)
	}
}

func randomOpinion(rng *rand.Rand) Opinion {
	op, _ := FromEvidence(rng.Float64()*20, rng.Float64()*20, rng.Float64())
	return op
}

// josangFuse2 is Jøsang's two-source cumulative fusion operator as the
// book writes it (Jøsang 2016, on belief fusion), for non-dogmatic
// opinions, to check Fuse's evidence-space implementation against.
func josangFuse2(x, y Opinion) Opinion {
	k := x.Uncertainty + y.Uncertainty - x.Uncertainty*y.Uncertainty
	a := (x.BaseRate + y.BaseRate) / 2
	if x.Uncertainty != 1 || y.Uncertainty != 1 {
		a = (x.BaseRate*y.Uncertainty + y.BaseRate*x.Uncertainty - (x.BaseRate+y.BaseRate)*x.Uncertainty*y.Uncertainty) /
			(x.Uncertainty + y.Uncertainty - 2*x.Uncertainty*y.Uncertainty)
	}
	return Opinion{
		Belief:      (x.Belief*y.Uncertainty + y.Belief*x.Uncertainty) / k,
		Disbelief:   (x.Disbelief*y.Uncertainty + y.Disbelief*x.Uncertainty) / k,
		Uncertainty: x.Uncertainty * y.Uncertainty / k,
		BaseRate:    a,
	}
}

func TestFuse(t *testing.T) {
	tests := []struct {
		name string
		ops  []Opinion
		want Opinion
	}{
		// r = 2·0.4/0.6 + 2·0.7/0.3 = 4/3 + 14/3 = 6, s = 0: b = 6/8, u = 2/8.
		{"two believers pile up their evidence", []Opinion{{0.4, 0, 0.6, 0.5}, {0.7, 0, 0.3, 0.5}}, Opinion{0.75, 0, 0.25, 0.5}},
		// (r, s) = (12, 6) and (0.091·2/0.305, 0.604·2/0.305); base rate
		// weighted by evidence: 0.4·4.5574/(18 + 4.5574).
		{"base rates are weighted by evidence", []Opinion{{0.6, 0.3, 0.1, 0}, {0.091, 0.604, 0.305, 0.4}},
			Opinion{0.5129506008011, 0.4056074766355, 0.08144192256342, 0.08081395348837}},
		{"a vacuous opinion changes nothing", []Opinion{{0.6, 0.3, 0.1, 0.2}, {0, 0, 1, 0.9}}, Opinion{0.6, 0.3, 0.1, 0.2}},
		{"vacuous opinions average their base rates", []Opinion{{0, 0, 1, 0.2}, {0, 0, 1, 0.6}}, Opinion{0, 0, 1, 0.4}},
		{"dogmatic opinions are averaged", []Opinion{{1, 0, 0, 0.5}, {0, 1, 0, 0.5}}, Opinion{0.5, 0.5, 0, 0.5}},
		{"a dogmatic opinion overrides uncertain ones", []Opinion{{0, 1, 0, 0.5}, {0.6, 0.3, 0.1, 0}}, Opinion{0, 1, 0, 0.5}},
		{"one opinion is itself", []Opinion{{0.2, 0.3, 0.5, 0.6}}, Opinion{0.2, 0.3, 0.5, 0.6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Fuse(tt.ops...)
			if err != nil {
				t.Fatal(err)
			}
			sameOpinion(t, "Fuse", got, tt.want, 1e-9)
		})
	}
	if _, err := Fuse(); !errors.Is(err, ErrInvalid) {
		t.Errorf("Fuse() error %v, want ErrInvalid", err)
	}
	if _, err := Fuse(Vacuous(0.5), Opinion{2, 0, 0, 0.5}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Fuse of an invalid opinion: error %v, want ErrInvalid", err)
	}
}

func TestFuseMatchesJosangsFormulaAndAddsEvidence(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 500 {
		r1, s1, r2, s2 := rng.Float64()*30, rng.Float64()*30, rng.Float64()*30, rng.Float64()*30
		a1, a2 := rng.Float64(), rng.Float64()
		x, _ := FromEvidence(r1, s1, a1)
		y, _ := FromEvidence(r2, s2, a2)
		got, err := Fuse(x, y)
		if err != nil {
			t.Fatal(err)
		}
		sameOpinion(t, "Fuse vs Jøsang's formula", got, josangFuse2(x, y), 1e-9)
		sum, _ := FromEvidence(r1+r2, s1+s2, got.BaseRate)
		sameOpinion(t, "Fuse vs summed evidence", got, sum, 1e-9)
		// Fusion is associative and commutative.
		z := randomOpinion(rng)
		l, _ := Fuse(got, z)
		r, _ := Fuse(z, y, x)
		sameOpinion(t, "(x⊕y)⊕z vs z⊕y⊕x", l, r, 1e-9)
	}
}
