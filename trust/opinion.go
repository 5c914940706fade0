package trust

import (
	"errors"
	"fmt"
	"math"
)

// ErrInvalid is wrapped by every error this package returns for input that
// fails validation. The wiring maps it to liaison.EINVALID.
var ErrInvalid = errors.New("invalid input")

// W is the non-informative prior weight of subjective logic: the number of
// units of evidence a base rate is worth before any evidence is seen. W = 2
// makes a vacuous opinion with base rate 1/2 the uniform Beta(1, 1)
// (Jøsang 2016, the chapter on opinion representations).
const W = 2.0

// tolerance bounds the rounding error Validate accepts in b + d + u = 1 and
// in the ranges of the masses.
const tolerance = 1e-9

// Opinion is a binomial opinion of subjective logic (Jøsang 2016) about a
// proposition, here "the trustee can be relied upon": belief, disbelief
// and uncertainty masses that sum to 1, and the base rate, the prior
// probability that holds in the absence of evidence.
type Opinion struct {
	Belief      float64 `json:"belief"`
	Disbelief   float64 `json:"disbelief"`
	Uncertainty float64 `json:"uncertainty"`
	BaseRate    float64 `json:"base_rate"`
}

// Vacuous returns the opinion of no evidence at all: uncertainty 1 and the
// base rate a. It does not check a.
func Vacuous(a float64) Opinion { return Opinion{Uncertainty: 1, BaseRate: a} }

// Projected returns the projected probability P = b + a·u: the probability
// the opinion expects, the base rate filling in for what evidence does not
// say. For an opinion made by FromEvidence it equals the mean of the Beta
// distribution Beta(r + W·a, s + W·(1 − a)).
func (o Opinion) Projected() float64 { return o.Belief + o.BaseRate*o.Uncertainty }

// Validate reports whether o is a well-formed opinion: every mass and the
// base rate in [0, 1] and b + d + u = 1, within a rounding tolerance of
// 1e-9. The error wraps ErrInvalid.
func (o Opinion) Validate() error {
	for _, f := range [...]struct {
		name string
		v    float64
	}{{"belief", o.Belief}, {"disbelief", o.Disbelief}, {"uncertainty", o.Uncertainty}, {"base rate", o.BaseRate}} {
		if math.IsNaN(f.v) || f.v < -tolerance || f.v > 1+tolerance {
			return fmt.Errorf("%w: opinion: %s %v is not in [0, 1]", ErrInvalid, f.name, f.v)
		}
	}
	if s := o.Belief + o.Disbelief + o.Uncertainty; math.Abs(s-1) > tolerance {
		return fmt.Errorf("%w: opinion: belief + disbelief + uncertainty = %v, not 1", ErrInvalid, s)
	}
	return nil
}

// FromEvidence maps r units of positive and s units of negative evidence
// and the base rate a to an opinion, by Jøsang's bijection between
// opinions and Beta distributions (Jøsang & Ismail 2002; Jøsang 2016,
// on opinion representations):
//
//	b = r / (r + s + W),  d = s / (r + s + W),  u = W / (r + s + W)
//
// r and s must be finite and not negative, a in [0, 1]; otherwise the
// error wraps ErrInvalid.
func FromEvidence(r, s, a float64) (Opinion, error) {
	switch {
	case !(r >= 0) || math.IsInf(r, 0):
		return Opinion{}, fmt.Errorf("%w: positive evidence %v is not a finite number >= 0", ErrInvalid, r)
	case !(s >= 0) || math.IsInf(s, 0):
		return Opinion{}, fmt.Errorf("%w: negative evidence %v is not a finite number >= 0", ErrInvalid, s)
	case !(a >= 0 && a <= 1):
		return Opinion{}, fmt.Errorf("%w: base rate %v is not in [0, 1]", ErrInvalid, a)
	}
	return fromEvidence(r, s, a), nil
}

// fromEvidence is FromEvidence for arguments known to be valid.
func fromEvidence(r, s, a float64) Opinion {
	n := r + s + W
	return Opinion{Belief: r / n, Disbelief: s / n, Uncertainty: W / n, BaseRate: a}
}

// evidence inverts FromEvidence: the positive and negative evidence an
// opinion stands for. A dogmatic opinion (u = 0) stands for infinite
// evidence; ok is false then.
func (o Opinion) evidence() (r, s float64, ok bool) {
	if o.Uncertainty <= 0 {
		return 0, 0, false
	}
	return W * o.Belief / o.Uncertainty, W * o.Disbelief / o.Uncertainty, true
}

// Discount is trust transitivity: the opinion about x that A derives from
// B's opinion about x (op), given A's trust in B as a recommender (trust).
// It is Jøsang's uncertainty-favouring discounting (Jøsang, Marsh & Pope
// 2006; Jøsang, Hayward & Pope 2006, TNA-SL):
//
//	b = b_AB · b_Bx
//	d = b_AB · d_Bx
//	u = d_AB + u_AB + b_AB · u_Bx
//	a = a_Bx
//
// Only A's belief in B carries B's advice; A's disbelief in B and A's
// uncertainty about B both become uncertainty, so a recommender A knows
// nothing about, or distrusts, passes on nothing. The probability-sensitive
// discounting of Jøsang 2016 would instead scale the advice by A's
// projected probability of B, passing on a share of an unknown
// recommender's advice equal to A's base rate for it; we do not want an
// unknown service's word to count. Both opinions must be valid.
func Discount(trust, op Opinion) (Opinion, error) {
	if err := trust.Validate(); err != nil {
		return Opinion{}, fmt.Errorf("discount: trust in the recommender: %w", err)
	}
	if err := op.Validate(); err != nil {
		return Opinion{}, fmt.Errorf("discount: recommended opinion: %w", err)
	}
	return discount(trust, op), nil
}

// discount is Discount for valid opinions.
func discount(trust, op Opinion) Opinion {
	return Opinion{
		Belief:      trust.Belief * op.Belief,
		Disbelief:   trust.Belief * op.Disbelief,
		Uncertainty: trust.Disbelief + trust.Uncertainty + trust.Belief*op.Uncertainty,
		BaseRate:    op.BaseRate,
	}
}

// Fuse is cumulative fusion (consensus) of opinions held on independent
// evidence about the same proposition: aleatory cumulative fusion (Jøsang
// 2016, on belief fusion). It adds up the evidence the opinions stand for:
//
//	r = Σ r_i,  s = Σ s_i   where r_i = W·b_i/u_i, s_i = W·d_i/u_i
//	a = Σ a_i·(r_i + s_i) / Σ (r_i + s_i)   (the mean of a_i if all are vacuous)
//
// which for two opinions is Jøsang's b = (b_A·u_B + b_B·u_A)/(u_A + u_B −
// u_A·u_B) and u = u_A·u_B/(u_A + u_B − u_A·u_B). Dogmatic opinions (u = 0)
// stand for infinite evidence: if any is present, the result is the plain
// average of the dogmatic ones and the others are ignored (the limit of
// the formula with equal relative weights). Fusing nothing, or any invalid
// opinion, is an error wrapping ErrInvalid.
func Fuse(ops ...Opinion) (Opinion, error) {
	if len(ops) == 0 {
		return Opinion{}, fmt.Errorf("%w: fuse: no opinions", ErrInvalid)
	}
	for i, o := range ops {
		if err := o.Validate(); err != nil {
			return Opinion{}, fmt.Errorf("fuse: opinion %d: %w", i, err)
		}
	}
	return fuse(ops), nil
}

// fuse is Fuse for a non-empty list of valid opinions.
func fuse(ops []Opinion) Opinion {
	var (
		dogmatic            int
		db, dd, da          float64 // sums over dogmatic opinions
		r, s, wa, sumA, tot float64
	)
	for _, o := range ops {
		ri, si, ok := o.evidence()
		if !ok {
			dogmatic++
			db += o.Belief
			dd += o.Disbelief
			da += o.BaseRate
			continue
		}
		r += ri
		s += si
		wa += o.BaseRate * (ri + si)
		tot += ri + si
		sumA += o.BaseRate
	}
	if dogmatic > 0 {
		n := float64(dogmatic)
		return Opinion{Belief: db / n, Disbelief: dd / n, BaseRate: da / n}
	}
	a := sumA / float64(len(ops))
	if tot > 0 {
		a = wa / tot
	}
	return fromEvidence(r, s, a)
}
