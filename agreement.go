package liaison

import (
	"slices"
	"strings"
	"time"

	"github.com/liaison-dev/liaison/marking"
)

// AgreementStatus is where an agreement stands.
type AgreementStatus string

// The agreement statuses. Only an active agreement within its validity
// period allows dissemination.
const (
	AgreementDraft      AgreementStatus = "draft"
	AgreementActive     AgreementStatus = "active"
	AgreementSuspended  AgreementStatus = "suspended"
	AgreementTerminated AgreementStatus = "terminated"
)

// Valid reports whether s is a known status.
func (s AgreementStatus) Valid() bool {
	switch s {
	case AgreementDraft, AgreementActive, AgreementSuspended, AgreementTerminated:
		return true
	}
	return false
}

// Duty is what one party to an agreement undertakes, in words.
type Duty struct {
	Party string `json:"party"`
	Text  string `json:"text"`
}

// Agreement is the basis on which organisations exchange intelligence: two
// or more parties, the topics in scope, the highest classification it
// carries, the caveats applied by default, each party's duties, and its
// validity period. Bilateral when it has two parties, multilateral beyond.
type Agreement struct {
	ID             string                 `json:"id"`
	Title          string                 `json:"title"`
	Parties        []string               `json:"parties"` // organisation ids, sorted
	Topics         []string               `json:"topics"`  // scope; AllTopics for any
	Ceiling        marking.Classification `json:"ceiling"`
	DefaultCaveats string                 `json:"default_caveats,omitempty"` // caveat part of a banner, e.g. "ORCON//LEAD ONLY"
	Duties         []Duty                 `json:"duties,omitempty"`
	ValidFrom      time.Time              `json:"valid_from"`
	ValidTo        *time.Time             `json:"valid_to,omitempty"`
	Status         AgreementStatus        `json:"status"`
	CreatedAt      time.Time              `json:"created_at"`
}

// Multilateral reports whether the agreement has more than two parties.
func (a *Agreement) Multilateral() bool { return len(a.Parties) > 2 }

// HasParty reports whether org is a party.
func (a *Agreement) HasParty(org string) bool { return slices.Contains(a.Parties, org) }

// InForce reports whether the agreement is active and t lies in its
// validity period (ValidTo exclusive).
func (a *Agreement) InForce(t time.Time) bool {
	return a.Status == AgreementActive && !t.Before(a.ValidFrom) && (a.ValidTo == nil || t.Before(*a.ValidTo))
}

// Normalise puts the agreement in canonical form.
func (a *Agreement) Normalise() error {
	a.Title = strings.TrimSpace(a.Title)
	for i, p := range a.Parties {
		a.Parties[i] = strings.TrimSpace(p)
	}
	slices.Sort(a.Parties)
	t, err := normaliseTopics(a.Topics)
	if err != nil {
		return err
	}
	a.Topics = t
	if a.Status == "" {
		a.Status = AgreementActive
	}
	return nil
}

// Validate reports the first problem with a. Parties must be distinct (a
// duplicate is an EPARTIES error, not silently merged).
func (a *Agreement) Validate() error {
	if a.Title == "" {
		return Errorf(EINVALID, "agreement: title is required")
	}
	seen := map[string]bool{}
	for _, p := range a.Parties {
		if !ValidSlug(p) {
			return Errorf(EPARTIES, "agreement %q: party %q is not an organisation id", a.Title, p)
		}
		if seen[p] {
			return Errorf(EPARTIES, "agreement %q: party %s is listed twice", a.Title, p)
		}
		seen[p] = true
	}
	if len(a.Parties) < 2 {
		return Errorf(EPARTIES, "agreement %q: needs at least two distinct parties, has %d", a.Title, len(a.Parties))
	}
	if len(a.Topics) == 0 {
		return Errorf(EINVALID, "agreement %q: scope needs at least one topic (or %q for any)", a.Title, AllTopics)
	}
	if a.Ceiling.Scheme == "" || a.Ceiling.Level == "" {
		return Errorf(EINVALID, "agreement %q: ceiling is required", a.Title)
	}
	if a.ValidFrom.IsZero() {
		return Errorf(EPERIOD, "agreement %q: valid_from is required", a.Title)
	}
	if a.ValidTo != nil && !a.ValidTo.After(a.ValidFrom) {
		return Errorf(EPERIOD, "agreement %q: validity ends (%s) before it starts (%s)", a.Title,
			a.ValidTo.Format(time.DateOnly), a.ValidFrom.Format(time.DateOnly))
	}
	if !a.Status.Valid() {
		return Errorf(EINVALID, "agreement %q: status %q is not one of draft, active, suspended, terminated", a.Title, a.Status)
	}
	for _, d := range a.Duties {
		if !seen[d.Party] {
			return Errorf(EINVALID, "agreement %q: duty for %s, who is not a party", a.Title, d.Party)
		}
	}
	return nil
}
