package trust

import (
	"fmt"
	"math"
	"time"
)

// Dimension is one of the three factors of trustworthiness of Mayer, Davis
// and Schoorman (1995). Each pair of organisations has one opinion per
// dimension; the overall opinion combines them with the weights of Config.
type Dimension string

// The dimensions, after Mayer, Davis and Schoorman (1995).
const (
	// Ability is the reliability of what the trustee sends: feedback on
	// its products, later corroboration or refutation.
	Ability Dimension = "ability"
	// Integrity is the trustee's keeping of the rules: caveats and the
	// third-party rule. A breach is heavy negative evidence.
	Integrity Dimension = "integrity"
	// Benevolence is the trustee's goodwill towards the truster:
	// unsolicited warnings, RFIs answered, and the relational evidence
	// (interactions, officer ties, the age of the relationship).
	Benevolence Dimension = "benevolence"
)

// numDims is the number of dimensions; dimIndex gives each its index.
const numDims = 3

// Dimensions returns the dimensions in their fixed order: ability,
// integrity, benevolence. The slice is the caller's.
func Dimensions() []Dimension { return []Dimension{Ability, Integrity, Benevolence} }

// Valid reports whether d is one of the three dimensions.
func (d Dimension) Valid() bool { _, ok := d.index(); return ok }

// index returns d's position in Dimensions.
func (d Dimension) index() (int, bool) {
	switch d {
	case Ability:
		return 0, true
	case Integrity:
		return 1, true
	case Benevolence:
		return 2, true
	}
	return 0, false
}

// Kind says what an evidence item records. The kinds below are those the
// constructors of Config make; the wiring may add its own (any non-empty
// string), as long as it says which dimension they bear on.
type Kind string

// The kinds of evidence the constructors make, and the two the engine
// derives itself for explanations.
const (
	KindFeedback         Kind = "feedback"          // ability: a recipient's rating 0..5 of a product
	KindCorroborated     Kind = "corroborated"      // ability: what the trustee sent was later confirmed
	KindRefuted          Kind = "refuted"           // ability: what the trustee sent was later shown wrong
	KindBreach           Kind = "breach"            // integrity: a caveat or the third-party rule broken
	KindCaveatKept       Kind = "caveat_kept"       // integrity: a product entrusted under caveats, no breach known
	KindReleaseRequested Kind = "release_requested" // integrity: the trustee asked the originator's consent before passing on
	KindRFIAnswered      Kind = "rfi_answered"      // benevolence: an RFI answered by its deadline
	KindRFILate          Kind = "rfi_late"          // benevolence: an RFI answered after its deadline
	KindRFIMissed        Kind = "rfi_missed"        // benevolence: an RFI's deadline passed without an answer
	KindWarning          Kind = "warning"           // benevolence: an unsolicited warning
	KindInteraction      Kind = "interaction"       // benevolence: a meeting, call, exercise... with its tone
	KindOfficerTies      Kind = "officer_ties"      // benevolence, derived: distinct officer ties of the pair
	KindRelationshipAge  Kind = "relationship_age"  // benevolence, derived: how long the relationship has been active
)

// Evidence is one item of evidence about how far Truster can rely on
// Trustee, on one dimension: Positive and Negative units (each >= 0, not
// both 0) at time At. One unit is worth one observation of the Beta
// reputation system (Jøsang & Ismail 2002); the constructors of Config
// give each kind its weight. Ref names the record the item comes from
// (a feedback, breach or RFI id) and Note says in words what it was;
// both are shown in explanations. Ties optionally names the officer ties
// that carried the item (opaque ids, e.g. "nl-aivd/jan|be-vsse/marie"):
// the engine counts the distinct ties of each pair.
type Evidence struct {
	Truster   string    `json:"truster"`
	Trustee   string    `json:"trustee"`
	Dimension Dimension `json:"dimension"`
	Kind      Kind      `json:"kind"`
	At        time.Time `json:"at"`
	Positive  float64   `json:"positive"`
	Negative  float64   `json:"negative"`
	Ref       string    `json:"ref,omitempty"`
	Note      string    `json:"note,omitempty"`
	Ties      []string  `json:"ties,omitempty"`
}

// Validate reports the first problem with ev, as an error wrapping
// ErrInvalid.
func (ev *Evidence) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: evidence %s→%s %s: %s", ErrInvalid, ev.Truster, ev.Trustee, ev.Kind, fmt.Sprintf(format, args...))
	}
	switch {
	case ev.Truster == "":
		return bad("truster is empty")
	case ev.Trustee == "":
		return bad("trustee is empty")
	case ev.Truster == ev.Trustee:
		return bad("an organisation's trust in itself is not modelled")
	case !ev.Dimension.Valid():
		return bad("dimension %q is not one of ability, integrity, benevolence", ev.Dimension)
	case ev.Kind == "":
		return bad("kind is empty")
	case ev.At.IsZero():
		return bad("time is missing")
	case !(ev.Positive >= 0) || math.IsInf(ev.Positive, 0):
		return bad("positive weight %v is not a finite number >= 0", ev.Positive)
	case !(ev.Negative >= 0) || math.IsInf(ev.Negative, 0):
		return bad("negative weight %v is not a finite number >= 0", ev.Negative)
	case ev.Positive == 0 && ev.Negative == 0:
		return bad("carries no weight")
	}
	for _, t := range ev.Ties {
		if t == "" {
			return bad("an officer tie id is empty")
		}
	}
	return nil
}

// RFIOutcome is how a request for information ended, as far as trust is
// concerned.
type RFIOutcome string

// The RFI outcomes.
const (
	RFIAnswered RFIOutcome = "answered" // answered by the deadline
	RFILate     RFIOutcome = "late"     // answered after the deadline
	RFIMissed   RFIOutcome = "missed"   // the deadline passed without an answer
)

// InteractionFacts describes an interaction for Config.Interaction.
type InteractionFacts struct {
	// Tone from -2 (hostile) to +2 (warm), as recorded.
	Tone int `json:"tone"`
	// Minutes the contact lasted; 0 if unknown.
	Minutes int `json:"minutes"`
	// Parties is how many organisations took part (at least 2).
	Parties int `json:"parties"`
	// Ties are the officer ties between the two organisations that the
	// interaction carried (opaque ids; see Evidence.Ties).
	Ties []string `json:"ties,omitempty"`
}

// item builds an evidence item after validating the configuration and
// the common fields.
func (c Config) item(truster, trustee string, at time.Time, ref string, d Dimension, k Kind, pos, neg float64, note string, ties []string) (Evidence, error) {
	if err := c.Validate(); err != nil {
		return Evidence{}, err
	}
	ev := Evidence{Truster: truster, Trustee: trustee, Dimension: d, Kind: k, At: at, Positive: pos, Negative: neg, Ref: ref, Note: note, Ties: ties}
	if err := ev.Validate(); err != nil {
		return Evidence{}, err
	}
	return ev, nil
}

// Feedback is Truster's rating of a product of Trustee, value from 0
// (worthless) to 5 (exceptional): ability evidence of FeedbackWeight
// units, split as in the Beta reputation system (Jøsang & Ismail 2002):
// positive = weight·value/5, negative = weight·(5 − value)/5.
func (c Config) Feedback(truster, trustee string, at time.Time, ref string, value int) (Evidence, error) {
	if value < 0 || value > 5 {
		return Evidence{}, fmt.Errorf("%w: feedback value %d is not between 0 and 5", ErrInvalid, value)
	}
	v := float64(value) / 5
	return c.item(truster, trustee, at, ref, Ability, KindFeedback, c.FeedbackWeight*v, c.FeedbackWeight*(1-v), fmt.Sprintf("feedback %d/5", value), nil)
}

// Corroborated records that what Trustee sent was later confirmed by
// other sources: CorroboratedWeight positive ability units.
func (c Config) Corroborated(truster, trustee string, at time.Time, ref string) (Evidence, error) {
	return c.item(truster, trustee, at, ref, Ability, KindCorroborated, c.CorroboratedWeight, 0, "later corroborated", nil)
}

// Refuted records that what Trustee sent was later shown wrong:
// RefutedWeight negative ability units.
func (c Config) Refuted(truster, trustee string, at time.Time, ref string) (Evidence, error) {
	return c.item(truster, trustee, at, ref, Ability, KindRefuted, 0, c.RefutedWeight, "later refuted", nil)
}

// Breach records that Trustee broke a caveat (or the third-party rule) on
// something Truster gave it: BreachWeight negative integrity units, the
// heaviest single item of the model. caveat names the rule broken.
func (c Config) Breach(truster, trustee string, at time.Time, ref, caveat string) (Evidence, error) {
	note := "breach of a caveat"
	if caveat != "" {
		note = "breach of caveat " + caveat
	}
	return c.item(truster, trustee, at, ref, Integrity, KindBreach, 0, c.BreachWeight, note, nil)
}

// CaveatKept records that Truster entrusted Trustee with a product under
// caveats and no breach of it is known: CaveatKeptWeight positive
// integrity units, dated when the product was given.
func (c Config) CaveatKept(truster, trustee string, at time.Time, ref string) (Evidence, error) {
	return c.item(truster, trustee, at, ref, Integrity, KindCaveatKept, c.CaveatKeptWeight, 0, "product entrusted under caveats, no breach known", nil)
}

// ReleaseRequested records that Trustee asked Truster, the originator,
// for consent before passing a product on: the third-party rule honoured,
// ReleaseRequestWeight positive integrity units.
func (c Config) ReleaseRequested(truster, trustee string, at time.Time, ref string) (Evidence, error) {
	return c.item(truster, trustee, at, ref, Integrity, KindReleaseRequested, c.ReleaseRequestWeight, 0, "asked the originator's consent before passing on", nil)
}

// RFI records how Trustee dealt with a request for information from
// Truster: answered by the deadline (RFIAnsweredWeight positive
// benevolence units), answered late (RFILateWeight positive) or missed
// (RFIMissedWeight negative). at is when the answer came or, for a miss,
// the deadline.
func (c Config) RFI(truster, trustee string, at time.Time, ref string, outcome RFIOutcome) (Evidence, error) {
	switch outcome {
	case RFIAnswered:
		return c.item(truster, trustee, at, ref, Benevolence, KindRFIAnswered, c.RFIAnsweredWeight, 0, "RFI answered by its deadline", nil)
	case RFILate:
		return c.item(truster, trustee, at, ref, Benevolence, KindRFILate, c.RFILateWeight, 0, "RFI answered after its deadline", nil)
	case RFIMissed:
		return c.item(truster, trustee, at, ref, Benevolence, KindRFIMissed, 0, c.RFIMissedWeight, "RFI deadline passed without an answer", nil)
	}
	return Evidence{}, fmt.Errorf("%w: RFI outcome %q is not one of answered, late, missed", ErrInvalid, outcome)
}

// Warning records an unsolicited warning from Trustee to Truster:
// WarningWeight positive benevolence units.
func (c Config) Warning(truster, trustee string, at time.Time, ref string) (Evidence, error) {
	return c.item(truster, trustee, at, ref, Benevolence, KindWarning, c.WarningWeight, 0, "unsolicited warning", nil)
}

// Interaction records contact between officers of Truster and Trustee:
// benevolence evidence of
//
//	units = InteractionWeight · log2(2 + minutes/60) / (parties − 1)
//
// (one hour with one partner is log2(3) ≈ 1.6 times the weight, a full
// day about 3.3 times; a conference of n organisations is shared among
// the n − 1 partners each met), split by tone like a rating:
// positive = units·(tone + 2)/4, negative = units·(2 − tone)/4.
func (c Config) Interaction(truster, trustee string, at time.Time, ref string, f InteractionFacts) (Evidence, error) {
	switch {
	case f.Tone < -2 || f.Tone > 2:
		return Evidence{}, fmt.Errorf("%w: interaction tone %d is not between -2 and +2", ErrInvalid, f.Tone)
	case f.Minutes < 0:
		return Evidence{}, fmt.Errorf("%w: interaction duration %d minutes is negative", ErrInvalid, f.Minutes)
	case f.Parties < 2:
		return Evidence{}, fmt.Errorf("%w: an interaction has at least 2 parties, not %d", ErrInvalid, f.Parties)
	}
	units := c.InteractionWeight * math.Log2(2+float64(f.Minutes)/60) / float64(f.Parties-1)
	t := float64(f.Tone)
	note := fmt.Sprintf("interaction, tone %+d, %d min, %d parties", f.Tone, f.Minutes, f.Parties)
	var ties []string
	if len(f.Ties) > 0 {
		ties = append([]string(nil), f.Ties...)
	}
	return c.item(truster, trustee, at, ref, Benevolence, KindInteraction, units*(t+2)/4, units*(2-t)/4, note, ties)
}
