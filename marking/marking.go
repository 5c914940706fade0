// Package marking is the vocabulary of protective markings: classification
// schemes with their total orders and the equivalence between them, the
// caveats that restrict handling (originator control, releasable-to lists,
// no-foreign, information-only, lead-only, no onward dissemination, Europol
// handling codes, expiry), and the banner lines that print them, such as
// "SECRET UE//ORCON//REL TO DE, FR".
//
// A Registry holds the schemes (DefaultRegistry, or NewRegistry with
// national schemes read by LoadSchemes) and ranks, compares, parses and
// validates against them.
//
// The package is pure: no I/O, no globals that change. Parse and String are
// inverse: r.Parse(m.String()) is Equal to m for every Marking m that
// r.Validate accepts. Errors about markings wrap ErrInvalid; errors about
// scheme definitions wrap ErrScheme.
package marking

import "time"

// Common ranks on the shared scale every scheme maps onto. Two levels of
// different schemes are equivalent when they have the same rank; clearance
// and ceilings are compared on ranks.
const (
	RankUnclassified = 0
	RankRestricted   = 1
	RankConfidential = 2
	RankSecret       = 3
	RankTopSecret    = 4
)

// Classification is one level of one scheme, e.g. {Scheme: "EU", Level:
// "SECRET UE"} or {Scheme: "TLP", Level: "AMBER+STRICT"}. The zero value is
// not a valid classification.
type Classification struct {
	Scheme string `json:"scheme"`
	Level  string `json:"level"`
}

// HandlingCode is a Europol-style handling code, H0 to H3, or empty.
type HandlingCode string

// The Europol handling codes.
const (
	H0 HandlingCode = "H0" // no restriction beyond the classification
	H1 HandlingCode = "H1" // not for use in judicial proceedings without the provider's permission
	H2 HandlingCode = "H2" // no dissemination without the provider's permission
	H3 HandlingCode = "H3" // other restrictions stated by the provider
)

// Marking is everything that governs how a product may be handled: its
// classification and its caveats. A Marking is a value; compare with Equal.
//
// ReleasableTo holds upper-case tokens, sorted and without duplicates: ISO
// 3166 alpha-2 country codes (DE, FR) or membership codes (EU, NATO).
// Expires, when set, is a UTC date at midnight.
type Marking struct {
	Classification    Classification `json:"classification"`
	OriginatorControl bool           `json:"orcon,omitempty"`
	NoForeign         bool           `json:"noforn,omitempty"`
	ReleasableTo      []string       `json:"rel_to,omitempty"`
	NoOnward          bool           `json:"no_onward,omitempty"`
	InfoOnly          bool           `json:"info_only,omitempty"`
	LeadOnly          bool           `json:"lead_only,omitempty"`
	Handling          HandlingCode   `json:"handling,omitempty"`
	Expires           time.Time      `json:"expires,omitzero"`
}
