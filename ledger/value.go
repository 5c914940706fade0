package ledger

import (
	"fmt"
	"math"
	"strconv"

	"github.com/liaison-dev/liaison/marking"
)

// Factor is one multiplier of an exchange's value, named so that an
// explanation can show it: the value is the product of its factors.
type Factor struct {
	Name       string  `json:"name"`
	Multiplier float64 `json:"multiplier"`
	Note       string  `json:"note"`
}

// The names of the value factors, in the order Value returns them.
const (
	FactorBase           = "base"
	FactorClassification = "classification"
	FactorGrading        = "grading"
	FactorFeedback       = "feedback"
	FactorTimeliness     = "timeliness"
	FactorUnsolicited    = "unsolicited"
)

// Config tunes the value model, the matching of gives to returns and the
// typology. Start from DefaultConfig; New rejects a Config that fails
// Validate.
type Config struct {
	// Base is the value of an exchange before its factors.
	Base float64 `json:"base"`
	// RankFactors multiply by classification rank, 0 (unclassified) to 4
	// (top secret): more sensitive material is worth more.
	RankFactors [5]float64 `json:"rank_factors"`
	// ReliabilityFactors (A–F) and CredibilityFactors (1–6) multiply by
	// grading; an ungraded exchange is taken as F6 ("cannot be judged").
	ReliabilityFactors [6]float64 `json:"reliability_factors"`
	CredibilityFactors [6]float64 `json:"credibility_factors"`
	// FeedbackNeutral is the rating that leaves the value unchanged: the
	// feedback factor is feedback / FeedbackNeutral, and 1 when unrated.
	FeedbackNeutral float64 `json:"feedback_neutral"`
	// RFIOnTime and RFILate multiply an answer to an RFI given by its
	// deadline, or after it.
	RFIOnTime float64 `json:"rfi_on_time"`
	RFILate   float64 `json:"rfi_late"`
	// Unsolicited multiplies a warning nobody asked for.
	Unsolicited float64 `json:"unsolicited"`
	// AnswerWithinDays is the horizon of specific reciprocity: a give not
	// returned within it counts as unanswered (see the package doc).
	AnswerWithinDays float64 `json:"answer_within_days"`
	// Typology tunes Classify and History.
	Typology TypologyConfig `json:"typology"`
}

// DefaultConfig returns the default configuration; the package doc gives
// the reasons for each number.
func DefaultConfig() Config {
	return Config{
		Base:               1,
		RankFactors:        [5]float64{0.6, 0.8, 1.0, 1.25, 1.5},
		ReliabilityFactors: [6]float64{1.2, 1.1, 1.0, 0.9, 0.7, 0.9},
		CredibilityFactors: [6]float64{1.2, 1.1, 1.0, 0.9, 0.7, 0.9},
		FeedbackNeutral:    2.5,
		RFIOnTime:          1.25,
		RFILate:            0.75,
		Unsolicited:        1.2,
		AnswerWithinDays:   30,
		Typology:           DefaultTypologyConfig(),
	}
}

// Validate reports the first problem with c as an error wrapping
// ErrInvalid: every factor must be finite and positive, the horizon
// positive, and the typology configuration valid.
func (c Config) Validate() error {
	check := func(name string, v float64) error {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: config: %s = %v must be finite and positive", ErrInvalid, name, v)
		}
		return nil
	}
	if err := check("base", c.Base); err != nil {
		return err
	}
	for i, f := range c.RankFactors {
		if err := check("rank_factors["+strconv.Itoa(i)+"]", f); err != nil {
			return err
		}
	}
	for i := range 6 {
		if err := check("reliability_factors["+string(rune('A'+i))+"]", c.ReliabilityFactors[i]); err != nil {
			return err
		}
		if err := check("credibility_factors["+strconv.Itoa(i+1)+"]", c.CredibilityFactors[i]); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"feedback_neutral", c.FeedbackNeutral}, {"rfi_on_time", c.RFIOnTime}, {"rfi_late", c.RFILate},
		{"unsolicited", c.Unsolicited}, {"answer_within_days", c.AnswerWithinDays}} {
		if err := check(f.name, f.v); err != nil {
			return err
		}
	}
	return c.Typology.Validate()
}

// rankName names rank r (0–4) on the common scale.
func rankName(r int) string {
	switch r {
	case marking.RankUnclassified:
		return "unclassified"
	case marking.RankRestricted:
		return "restricted"
	case marking.RankConfidential:
		return "confidential"
	case marking.RankSecret:
		return "secret"
	}
	return "top secret"
}

// Value returns the value of e under cfg and the factors whose product it
// is, always six, in the order base, classification, grading, feedback,
// timeliness, unsolicited (a factor that does not apply is 1 and says
// why). The value is finite and at least 0; it is 0 only when the
// recipient rated the exchange 0. Value does not validate e: a rank out
// of range is clamped, an unreadable grading is taken as ungraded, a
// feedback out of range is clamped to 0–5.
func Value(e Exchange, cfg Config) (float64, []Factor) {
	fs := make([]Factor, 0, 6)
	v := factors(&e, &cfg, func(name string, m float64, note func() string) {
		fs = append(fs, Factor{Name: name, Multiplier: m, Note: note()})
	})
	return v, fs
}

// factors computes e's value, calling fn (when not nil) with each
// factor; the note is built only when asked for.
func factors(e *Exchange, cfg *Config, fn func(name string, m float64, note func() string)) float64 {
	v := 1.0
	f := func(name string, m float64, note func() string) {
		v *= m
		if fn != nil {
			fn(name, m, note)
		}
	}
	f(FactorBase, cfg.Base, func() string { return "every exchange" })

	r := min(max(e.Rank, 0), 4)
	f(FactorClassification, cfg.RankFactors[r], func() string { return "rank " + strconv.Itoa(r) + " (" + rankName(r) + ")" })

	if rel, cred, ok := parseGrading(e.Grading); ok {
		f(FactorGrading, cfg.ReliabilityFactors[rel]*cfg.CredibilityFactors[cred],
			func() string { return "graded " + string(rune('A'+rel)) + string(rune('1'+cred)) })
	} else {
		f(FactorGrading, cfg.ReliabilityFactors[5]*cfg.CredibilityFactors[5],
			func() string { return "not graded: taken as F6 (cannot be judged)" })
	}

	if e.Feedback != nil && !math.IsNaN(*e.Feedback) {
		fb := min(max(*e.Feedback, 0), 5)
		f(FactorFeedback, fb/cfg.FeedbackNeutral,
			func() string { return "rated " + strconv.FormatFloat(fb, 'f', -1, 64) + " of 5 by the recipient" })
	} else {
		f(FactorFeedback, 1, func() string { return "not rated: neutral" })
	}

	switch {
	case !e.AnswersRFI:
		f(FactorTimeliness, 1, func() string { return "not an answer to an RFI" })
	case e.RFIDeadline.IsZero():
		f(FactorTimeliness, 1, func() string { return "answer to an RFI without a deadline" })
	case !e.At.After(e.RFIDeadline):
		f(FactorTimeliness, cfg.RFIOnTime, func() string { return "answer to an RFI by its deadline" })
	default:
		f(FactorTimeliness, cfg.RFILate, func() string { return "answer to an RFI after its deadline" })
	}

	if e.Unsolicited {
		f(FactorUnsolicited, cfg.Unsolicited, func() string { return "a warning nobody asked for" })
	} else {
		f(FactorUnsolicited, 1, func() string { return "not an unsolicited warning" })
	}

	if !(v >= 0) || math.IsInf(v, 0) {
		v = 0
	}
	return v
}

// micro is the ledger's unit of value: values are kept as whole
// millionths so that sums are exact and do not depend on the order in
// which exchanges were added or removed.
const micro = 1e6

// toMicro rounds a value to whole millionths.
func toMicro(v float64) int64 { return int64(math.Round(v * micro)) }

// fromMicro converts millionths back to a value.
func fromMicro(m int64) float64 { return float64(m) / micro }
