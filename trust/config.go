package trust

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Config holds every weight of the model. Start from DefaultConfig and
// change what you must: a zero Config is not usable (Validate rejects it),
// so a forgotten field fails loudly instead of silently weighing nothing.
// Weights are in units of evidence (one unit is one observation of the
// Beta reputation system); docs/trust.md says why each default is what
// it is.
type Config struct {
	// HalfLife is the forgetting factor: evidence of age Δ weighs
	// 2^(−Δ/HalfLife) of what it weighed when new.
	HalfLife time.Duration `json:"half_life"`

	// AbilityWeight, IntegrityWeight and BenevolenceWeight convert a unit
	// of evidence on each dimension into units of overall evidence.
	AbilityWeight     float64 `json:"ability_weight"`
	IntegrityWeight   float64 `json:"integrity_weight"`
	BenevolenceWeight float64 `json:"benevolence_weight"`

	// PriorBaseRate is the base rate of a pair without shared
	// memberships; each shared membership adds MembershipStep, up to
	// MaxBaseRate. Memberships move only the base rate, never the
	// evidence.
	PriorBaseRate  float64 `json:"prior_base_rate"`
	MembershipStep float64 `json:"membership_step"`
	MaxBaseRate    float64 `json:"max_base_rate"`

	// Ability evidence.
	FeedbackWeight     float64 `json:"feedback_weight"`     // units of one feedback, split by its value
	CorroboratedWeight float64 `json:"corroborated_weight"` // positive units of a later corroboration
	RefutedWeight      float64 `json:"refuted_weight"`      // negative units of a later refutation

	// Integrity evidence.
	BreachWeight         float64 `json:"breach_weight"`          // negative units of one breach
	CaveatKeptWeight     float64 `json:"caveat_kept_weight"`     // positive units of a product entrusted under caveats
	ReleaseRequestWeight float64 `json:"release_request_weight"` // positive units of a release request (third-party rule honoured)

	// Benevolence evidence.
	RFIAnsweredWeight float64 `json:"rfi_answered_weight"` // positive units of an RFI answered by its deadline
	RFILateWeight     float64 `json:"rfi_late_weight"`     // positive units of an RFI answered late
	RFIMissedWeight   float64 `json:"rfi_missed_weight"`   // negative units of an RFI missed
	WarningWeight     float64 `json:"warning_weight"`      // positive units of an unsolicited warning
	InteractionWeight float64 `json:"interaction_weight"`  // units of an interaction, before duration, parties and tone

	// Relational structure, derived by the engine (0 turns it off):
	// n distinct officer ties are worth TieWeight·log2(1 + n) positive
	// benevolence units and a relationship active for Y years
	// AgeWeight·log2(1 + Y), both decaying from the pair's latest
	// evidence.
	TieWeight float64 `json:"tie_weight"`
	AgeWeight float64 `json:"age_weight"`

	// TopK is how many supporting and how many undermining items an
	// assessment shows (0 shows none).
	TopK int `json:"top_k"`
}

// DefaultConfig returns the model's default weights, documented in
// docs/trust.md.
func DefaultConfig() Config {
	return Config{
		HalfLife:          365 * 24 * time.Hour,
		AbilityWeight:     1,
		IntegrityWeight:   2,
		BenevolenceWeight: 0.5,

		PriorBaseRate:  0.5,
		MembershipStep: 0.05,
		MaxBaseRate:    0.75,

		FeedbackWeight:     1,
		CorroboratedWeight: 2,
		RefutedWeight:      3,

		BreachWeight:         10,
		CaveatKeptWeight:     0.1,
		ReleaseRequestWeight: 1,

		RFIAnsweredWeight: 1,
		RFILateWeight:     0.5,
		RFIMissedWeight:   1,
		WarningWeight:     2,
		InteractionWeight: 0.5,

		TieWeight: 1,
		AgeWeight: 1,

		TopK: 10,
	}
}

// maxTopK bounds Config.TopK.
const maxTopK = 1000

// Validate reports the first problem with c, as an error wrapping
// ErrInvalid: a half-life of at least one hour, every weight a finite
// number > 0 (TieWeight and AgeWeight may be 0), base rates with
// 0 < PriorBaseRate <= MaxBaseRate < 1, MembershipStep >= 0 and
// 0 <= TopK <= 1000.
func (c Config) Validate() error {
	if c.HalfLife < time.Hour {
		return fmt.Errorf("%w: config: half-life %v is under an hour (start from DefaultConfig)", ErrInvalid, c.HalfLife)
	}
	positive := []struct {
		name string
		v    float64
	}{
		{"ability_weight", c.AbilityWeight}, {"integrity_weight", c.IntegrityWeight}, {"benevolence_weight", c.BenevolenceWeight},
		{"feedback_weight", c.FeedbackWeight}, {"corroborated_weight", c.CorroboratedWeight}, {"refuted_weight", c.RefutedWeight},
		{"breach_weight", c.BreachWeight}, {"caveat_kept_weight", c.CaveatKeptWeight}, {"release_request_weight", c.ReleaseRequestWeight},
		{"rfi_answered_weight", c.RFIAnsweredWeight}, {"rfi_late_weight", c.RFILateWeight}, {"rfi_missed_weight", c.RFIMissedWeight},
		{"warning_weight", c.WarningWeight}, {"interaction_weight", c.InteractionWeight},
	}
	for _, w := range positive {
		if !(w.v > 0) || math.IsInf(w.v, 0) {
			return fmt.Errorf("%w: config: %s %v is not a finite number > 0 (start from DefaultConfig)", ErrInvalid, w.name, w.v)
		}
	}
	for _, w := range []struct {
		name string
		v    float64
	}{{"tie_weight", c.TieWeight}, {"age_weight", c.AgeWeight}, {"membership_step", c.MembershipStep}} {
		if !(w.v >= 0) || math.IsInf(w.v, 0) {
			return fmt.Errorf("%w: config: %s %v is not a finite number >= 0", ErrInvalid, w.name, w.v)
		}
	}
	switch {
	case !(c.PriorBaseRate > 0 && c.PriorBaseRate < 1):
		return fmt.Errorf("%w: config: prior_base_rate %v is not in (0, 1)", ErrInvalid, c.PriorBaseRate)
	case !(c.MaxBaseRate >= c.PriorBaseRate && c.MaxBaseRate < 1):
		return fmt.Errorf("%w: config: max_base_rate %v is not in [prior_base_rate, 1)", ErrInvalid, c.MaxBaseRate)
	case c.TopK < 0 || c.TopK > maxTopK:
		return fmt.Errorf("%w: config: top_k %d is not in [0, %d]", ErrInvalid, c.TopK, maxTopK)
	}
	return nil
}

// DimensionWeight returns the weight of dimension d in the overall
// opinion, 0 for an unknown dimension.
func (c Config) DimensionWeight(d Dimension) float64 {
	switch d {
	case Ability:
		return c.AbilityWeight
	case Integrity:
		return c.IntegrityWeight
	case Benevolence:
		return c.BenevolenceWeight
	}
	return 0
}

// BaseRate is the institutional evidence: the base rate of a pair of
// organisations that share the given memberships (EU, NATO, CLUB_OF_BERNE
// ...), and the reasons, one per line of the sum:
//
//	a = min(PriorBaseRate + MembershipStep · |distinct shared|, MaxBaseRate)
//
// Shared institutions give "a simple and efficient basis for trust"
// (Tuinier 2025) before any track record: they set the prior, which is
// all a base rate is, and nothing else. Empty names are ignored.
func (c Config) BaseRate(shared []string) (float64, []string) {
	ms := normalise(shared)
	reasons := []string{fmt.Sprintf("prior %.2f", c.PriorBaseRate)}
	for i, m := range ms {
		before := c.baseRate(i)
		if step := c.baseRate(i+1) - before; step > 0 {
			reasons = append(reasons, fmt.Sprintf("shared membership %s: %+.2f", m, step))
		} else {
			reasons = append(reasons, fmt.Sprintf("shared membership %s: not counted, the cap %.2f is reached", m, c.MaxBaseRate))
		}
	}
	return c.baseRate(len(ms)), reasons
}

// baseRate is BaseRate without the reasons, for n distinct shared
// memberships.
func (c Config) baseRate(n int) float64 {
	return min(c.PriorBaseRate+c.MembershipStep*float64(n), c.MaxBaseRate)
}

// normalise returns the distinct non-empty strings of s, sorted, in a new
// slice.
func normalise(s []string) []string {
	out := make([]string, 0, len(s))
	for _, m := range s {
		if m != "" {
			out = append(out, m)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
