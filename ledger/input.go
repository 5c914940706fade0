package ledger

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/liaison-dev/liaison/marking"
)

// Errors the ledger returns, wrapped with context: test with errors.Is.
var (
	// ErrInvalid: an input or a configuration breaks its contract.
	ErrInvalid = errors.New("ledger: invalid")
	// ErrDuplicate: an exchange with the same ID is held already.
	ErrDuplicate = errors.New("ledger: duplicate exchange id")
	// ErrNotFound: no exchange with that ID is held.
	ErrNotFound = errors.New("ledger: exchange not found")
)

// Exchange is one dissemination seen as an exchange: From gave To one
// product version under an agreement at a time. It carries what the value
// model needs (classification rank, grading, the recipient's feedback,
// whether it answered a request for information and by when it was due,
// whether it was an unsolicited warning) and nothing else.
//
// ID is optional; when set it must be unique in a ledger and lets the
// exchange be updated (feedback arrives after the dissemination) or
// removed (a recall). Multilateral must be true when the agreement has
// more than two parties: the caller knows the agreement, and the ledger
// takes the flag as given so that its state depends only on the exchanges
// it holds, not on the order in which agreements became known.
type Exchange struct {
	ID           string    `json:"id,omitempty"`
	From         string    `json:"from"`
	To           string    `json:"to"`
	AgreementID  string    `json:"agreement_id,omitempty"`
	Multilateral bool      `json:"multilateral"`
	At           time.Time `json:"at"`
	// Rank is the classification on the common scale,
	// marking.RankUnclassified (0) to marking.RankTopSecret (4).
	Rank int `json:"rank"`
	// Grading is the Admiralty code: source reliability A–F then
	// information credibility 1–6, e.g. "B2"; empty when not graded.
	Grading string `json:"grading,omitempty"`
	// Feedback is the recipient's rating, 0 (worthless) to 5
	// (exceptional), or the mean of its ratings; nil when not rated.
	Feedback *float64 `json:"feedback,omitempty"`
	// AnswersRFI is true when the product answered a request for
	// information; RFIDeadline is then the request's deadline (zero when
	// it had none).
	AnswersRFI  bool      `json:"answers_rfi,omitempty"`
	RFIDeadline time.Time `json:"rfi_deadline,omitzero"`
	// Unsolicited is true for a warning nobody asked for.
	Unsolicited bool `json:"unsolicited,omitempty"`
}

// Validate reports the first problem with e as an error wrapping
// ErrInvalid: From and To are required and distinct, At is required,
// Rank is 0–4, Feedback (when set) is 0–5, Grading is empty or a letter
// A–F and a digit 1–6 (either case), and only an answer to an RFI has a
// deadline.
func (e Exchange) Validate() error {
	switch {
	case strings.TrimSpace(e.From) == "" || strings.TrimSpace(e.To) == "":
		return fmt.Errorf("%w: exchange %q: from and to are required", ErrInvalid, e.ID)
	case e.From == e.To:
		return fmt.Errorf("%w: exchange %q: %s cannot give to itself", ErrInvalid, e.ID, e.From)
	case e.At.IsZero():
		return fmt.Errorf("%w: exchange %q: a time is required", ErrInvalid, e.ID)
	case e.Rank < marking.RankUnclassified || e.Rank > marking.RankTopSecret:
		return fmt.Errorf("%w: exchange %q: rank %d is not between 0 and 4", ErrInvalid, e.ID, e.Rank)
	case e.Feedback != nil && !(*e.Feedback >= 0 && *e.Feedback <= 5):
		return fmt.Errorf("%w: exchange %q: feedback %v is not between 0 and 5", ErrInvalid, e.ID, *e.Feedback)
	case !e.RFIDeadline.IsZero() && !e.AnswersRFI:
		return fmt.Errorf("%w: exchange %q: a deadline without an RFI to answer", ErrInvalid, e.ID)
	}
	if e.Grading != "" {
		if _, _, ok := parseGrading(e.Grading); !ok {
			return fmt.Errorf("%w: exchange %q: grading %q is not a letter A–F and a digit 1–6", ErrInvalid, e.ID, e.Grading)
		}
	}
	return nil
}

// parseGrading returns the indexes (0–5) of an Admiralty code's letter
// and digit.
func parseGrading(g string) (rel, cred int, ok bool) {
	if len(g) != 2 {
		return 0, 0, false
	}
	r, c := g[0], g[1]
	if r >= 'a' && r <= 'f' {
		r -= 'a' - 'A'
	}
	if r < 'A' || r > 'F' || c < '1' || c > '6' {
		return 0, 0, false
	}
	return int(r - 'A'), int(c - '1'), true
}

// Interaction is contact between organisations: a meeting, a call, a
// visit, joint training, a secondment. Orgs are the organisations that
// took part (at least two distinct), Officers the officers named (any
// identifiers), Tone −2 (hostile) to +2 (warm), Kind free text; the kinds
// in TypologyConfig.DeepKinds count as deep contact.
type Interaction struct {
	Orgs     []string  `json:"orgs"`
	Officers []string  `json:"officers,omitempty"`
	At       time.Time `json:"at"`
	Tone     int       `json:"tone"`
	Kind     string    `json:"kind"`
}

// Validate reports the first problem with i as an error wrapping
// ErrInvalid.
func (i Interaction) Validate() error {
	orgs := slices.Clone(i.Orgs)
	slices.Sort(orgs)
	orgs = slices.Compact(orgs)
	if len(orgs) > 0 && strings.TrimSpace(orgs[0]) == "" {
		return fmt.Errorf("%w: interaction: an organisation id is empty", ErrInvalid)
	}
	switch {
	case len(orgs) < 2:
		return fmt.Errorf("%w: interaction: needs at least two distinct organisations", ErrInvalid)
	case i.At.IsZero():
		return fmt.Errorf("%w: interaction: a time is required", ErrInvalid)
	case i.Tone < -2 || i.Tone > 2:
		return fmt.Errorf("%w: interaction: tone %d is not between -2 and +2", ErrInvalid, i.Tone)
	}
	return nil
}

// Agreement is what the typology needs of an agreement: its parties and
// its validity period (To zero when open-ended). Two organisations share a
// group when both are parties to an agreement with more than two parties
// whose period overlaps the window looked at.
type Agreement struct {
	ID      string    `json:"id"`
	Parties []string  `json:"parties"`
	From    time.Time `json:"from,omitzero"`
	To      time.Time `json:"to,omitzero"`
}

// Validate reports the first problem with a as an error wrapping
// ErrInvalid.
func (a Agreement) Validate() error {
	ps := slices.Clone(a.Parties)
	slices.Sort(ps)
	ps = slices.Compact(ps)
	switch {
	case strings.TrimSpace(a.ID) == "":
		return fmt.Errorf("%w: agreement: an id is required", ErrInvalid)
	case len(ps) < 2:
		return fmt.Errorf("%w: agreement %s: needs at least two distinct parties", ErrInvalid, a.ID)
	case !a.To.IsZero() && !a.To.After(a.From):
		return fmt.Errorf("%w: agreement %s: ends before it starts", ErrInvalid, a.ID)
	}
	return nil
}

// Window is a half-open period [From, To). A zero From reaches back to the
// first record, a zero To forward to the last. Measures that depend on
// what had happened by a time (whether a give was answered) are taken as
// of To, or of the latest record when To is zero.
type Window struct {
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
}

// Validate reports an error wrapping ErrInvalid when To is not after From.
func (w Window) Validate() error {
	if !w.From.IsZero() && !w.To.IsZero() && !w.To.After(w.From) {
		return fmt.Errorf("%w: window ends (%s) before it starts (%s)", ErrInvalid,
			w.To.Format(time.RFC3339), w.From.Format(time.RFC3339))
	}
	return nil
}
