package liaison

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// OrgKind is what kind of body an organisation is.
type OrgKind string

// The kinds of organisation liaison knows.
const (
	OrgNationalService OrgKind = "national_service" // a national intelligence or security service
	OrgEUBody          OrgKind = "eu_body"          // EU INTCEN, EUMS INT, SatCen, Europol
	OrgNATOBody        OrgKind = "nato_body"        // NATO bodies
	OrgPolice          OrgKind = "police"           // police services and units
	OrgCERT            OrgKind = "cert"             // CERTs, CSIRTs and CTI teams
)

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool {
	switch k {
	case OrgNationalService, OrgEUBody, OrgNATOBody, OrgPolice, OrgCERT:
		return true
	}
	return false
}

// Organisation is a party to liaison: a national service, an EU or NATO
// body, a police or CERT unit. Its ID is a slug chosen by the node that
// registers it (e.g. "de-bfv"); NodeID names the node that is authoritative
// for it, so that organisations of federated nodes keep distinct identities.
type Organisation struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Kind        OrgKind   `json:"kind"`
	Country     string    `json:"country,omitempty"`     // ISO 3166 alpha-2, empty for international bodies
	Memberships []string  `json:"memberships,omitempty"` // e.g. EU, NATO, CLUB_OF_BERNE; sorted, upper case
	NodeID      string    `json:"node_id"`
	CreatedAt   time.Time `json:"created_at"`
}

var countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
var membershipPattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]{1,31}$`)

// Normalise puts the organisation's fields in canonical form (upper-case
// country and memberships, sorted memberships).
func (o *Organisation) Normalise() {
	o.ID = strings.TrimSpace(o.ID)
	o.Name = strings.TrimSpace(o.Name)
	o.Country = strings.ToUpper(strings.TrimSpace(o.Country))
	for i, m := range o.Memberships {
		o.Memberships[i] = strings.ToUpper(strings.TrimSpace(m))
	}
	slices.Sort(o.Memberships)
	o.Memberships = slices.Compact(o.Memberships)
}

// Validate reports the first problem with o as an EINVALID error.
func (o *Organisation) Validate() error {
	switch {
	case !ValidSlug(o.ID):
		return Errorf(EINVALID, "organisation id %q: use 1-63 lower-case letters, digits, '.', '-' or '_'", o.ID)
	case o.Name == "":
		return Errorf(EINVALID, "organisation %s: name is required", o.ID)
	case !o.Kind.Valid():
		return Errorf(EINVALID, "organisation %s: kind %q is not one of national_service, eu_body, nato_body, police, cert", o.ID, o.Kind)
	case o.Kind == OrgNationalService && o.Country == "":
		return Errorf(EINVALID, "organisation %s: a national service needs a country", o.ID)
	case o.Country != "" && !countryPattern.MatchString(o.Country):
		return Errorf(EINVALID, "organisation %s: country %q is not an ISO 3166 alpha-2 code", o.ID, o.Country)
	}
	for _, m := range o.Memberships {
		if !membershipPattern.MatchString(m) {
			return Errorf(EINVALID, "organisation %s: membership %q: use upper-case letters, digits and '_'", o.ID, m)
		}
	}
	return nil
}

// MemberOf reports whether o holds the membership or has the country code
// token (as used in releasable-to lists).
func (o *Organisation) MemberOf(token string) bool {
	return o.Country == token || slices.Contains(o.Memberships, token)
}
