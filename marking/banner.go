package marking

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrInvalid is wrapped by every error about a marking: a banner that does
// not parse, a Marking that does not validate, an unknown classification.
// Test for it with errors.Is.
var ErrInvalid = errors.New("invalid marking")

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// dateLayout is how EXPIRES prints its date.
const dateLayout = "2006-01-02"

// The range of expiry dates a marking may carry. The lower bound keeps the
// zero time.Time, which means "no expiry", out of reach of a banner.
var (
	minExpiry = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	maxExpiry = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)

// Banner caveat keywords, in canonical form.
const (
	kwORCON    = "ORCON"
	kwNOFORN   = "NOFORN"
	kwRelTo    = "REL TO"
	kwNoOnward = "NO ONWARD"
	kwInfoOnly = "INFO ONLY"
	kwLeadOnly = "LEAD ONLY"
	kwExpires  = "EXPIRES"
	separator  = "//"
)

// String returns the banner line of m: the classification, then its
// caveats in canonical order, separated by "//":
//
//	SECRET UE//ORCON//NOFORN//REL TO DE, FR//NO ONWARD//INFO ONLY//LEAD ONLY//H2//EXPIRES 2027-01-31
//
// (a valid marking never has both NOFORN and REL TO). For every Marking m
// that a Registry r validates, r.Parse(m.String()) is Equal to m.
func (m Marking) String() string {
	var b strings.Builder
	b.WriteString(m.Classification.String())
	m.writeCaveats(&b)
	return b.String()
}

// Caveats returns the banner without its classification, such as
// "ORCON//REL TO DE, FR", or "" when m has no caveat. Registry.ParseCaveats
// reads it back.
func (m Marking) Caveats() string {
	var b strings.Builder
	m.writeCaveats(&b)
	return b.String()
}

func (m Marking) writeCaveats(b *strings.Builder) {
	put := func(s ...string) {
		if b.Len() > 0 {
			b.WriteString(separator)
		}
		for _, x := range s {
			b.WriteString(x)
		}
	}
	if m.OriginatorControl {
		put(kwORCON)
	}
	if m.NoForeign {
		put(kwNOFORN)
	}
	if len(m.ReleasableTo) > 0 {
		rel := m.ReleasableTo
		if !isSortedSet(rel) {
			rel = sortedSet(slices.Clone(rel))
		}
		put(kwRelTo, " ", strings.Join(rel, ", "))
	}
	if m.NoOnward {
		put(kwNoOnward)
	}
	if m.InfoOnly {
		put(kwInfoOnly)
	}
	if m.LeadOnly {
		put(kwLeadOnly)
	}
	if m.Handling != "" {
		put(string(m.Handling))
	}
	if !m.Expires.IsZero() {
		put(kwExpires, " ", m.Expires.UTC().Format(dateLayout))
	}
}

// Equal reports whether m and o are the same marking. A nil and an empty
// ReleasableTo are equal; expiry times are compared as instants.
func (m Marking) Equal(o Marking) bool {
	return m.Classification == o.Classification &&
		m.OriginatorControl == o.OriginatorControl &&
		m.NoForeign == o.NoForeign &&
		slices.Equal(m.ReleasableTo, o.ReleasableTo) &&
		m.NoOnward == o.NoOnward &&
		m.InfoOnly == o.InfoOnly &&
		m.LeadOnly == o.LeadOnly &&
		m.Handling == o.Handling &&
		m.Expires.Equal(o.Expires)
}

// Expired reports whether m carries an expiry date and now is on or after
// it.
func (m Marking) Expired(now time.Time) bool {
	return !m.Expires.IsZero() && !now.Before(m.Expires)
}

// WithCaveats returns m with the caveats of c added; the classification of
// c is ignored. The result is at least as restrictive as each of m and c:
//
//   - ORCON, NOFORN, NO ONWARD, INFO ONLY and LEAD ONLY are set when either
//     sets them;
//   - when both have a REL TO list the result is their intersection, and an
//     empty intersection becomes NOFORN; when only one has a list it is
//     kept; NOFORN on either side drops the list;
//   - of two handling codes the higher wins (H3 > H2 > H1 > H0), and H0,
//     which means no restriction, is dropped when ORCON or NO ONWARD is set;
//   - the earlier expiry wins.
//
// So when m and c are valid, so is the result.
func (m Marking) WithCaveats(c Marking) Marking {
	out := m
	out.OriginatorControl = m.OriginatorControl || c.OriginatorControl
	out.NoForeign = m.NoForeign || c.NoForeign
	out.NoOnward = m.NoOnward || c.NoOnward
	out.InfoOnly = m.InfoOnly || c.InfoOnly
	out.LeadOnly = m.LeadOnly || c.LeadOnly

	switch a, b := m.ReleasableTo, c.ReleasableTo; {
	case len(a) > 0 && len(b) > 0:
		var both []string
		for _, t := range a {
			if slices.Contains(b, t) {
				both = append(both, t)
			}
		}
		out.ReleasableTo = sortedSet(both)
		if len(both) == 0 {
			out.NoForeign = true
		}
	case len(a) > 0:
		out.ReleasableTo = slices.Clone(a)
	case len(b) > 0:
		out.ReleasableTo = slices.Clone(b)
	default:
		out.ReleasableTo = nil
	}
	if out.NoForeign {
		out.ReleasableTo = nil
	}

	out.Handling = max(m.Handling, c.Handling) // "" < "H0" < "H1" < "H2" < "H3"
	if out.Handling == H0 && (out.OriginatorControl || out.NoOnward) {
		out.Handling = ""
	}

	switch {
	case m.Expires.IsZero():
		out.Expires = c.Expires
	case !c.Expires.IsZero() && c.Expires.Before(m.Expires):
		out.Expires = c.Expires
	}
	return out
}

// Validate reports, with an error wrapping ErrInvalid, the first reason
// why m is not a marking that Parse could have returned: an unknown
// classification, a REL TO entry that is not an upper-case token, a REL TO
// list not sorted or with duplicates, NOFORN with REL TO, an unknown
// handling code, H0 with ORCON or NO ONWARD, or an expiry that is not a UTC
// midnight between 1900-01-01 and 9999-12-31.
func (r *Registry) Validate(m Marking) error {
	if _, err := r.Rank(m.Classification); err != nil {
		return err
	}
	for i, t := range m.ReleasableTo {
		if !validRelToken(t) {
			return invalidf("REL TO entry %q is not a country code or membership token (upper case, e.g. DE, EU, NATO)", t)
		}
		if i > 0 && m.ReleasableTo[i-1] >= t {
			return invalidf("REL TO list %q is not sorted and free of duplicates", strings.Join(m.ReleasableTo, ", "))
		}
	}
	switch m.Handling {
	case "", H0, H1, H2, H3:
	default:
		return invalidf("unknown handling code %q (want H0, H1, H2 or H3)", m.Handling)
	}
	if !m.Expires.IsZero() {
		e := m.Expires.UTC()
		if h, mi, sec := e.Clock(); h != 0 || mi != 0 || sec != 0 || e.Nanosecond() != 0 {
			return invalidf("expiry %s is not a date (midnight UTC)", m.Expires.Format(time.RFC3339Nano))
		}
		if e.Before(minExpiry) || e.After(maxExpiry) {
			return invalidf("expiry date %s is outside %s..%s", e.Format(dateLayout), minExpiry.Format(dateLayout), maxExpiry.Format(dateLayout))
		}
	}
	return contradictions(m)
}

// contradictions reports caveats that cannot go together.
func contradictions(m Marking) error {
	if m.NoForeign && len(m.ReleasableTo) > 0 {
		return invalidf("NOFORN contradicts REL TO %s: a product is either releasable to no foreign party or to those listed", strings.Join(m.ReleasableTo, ", "))
	}
	if m.Handling == H0 {
		if m.OriginatorControl {
			return invalidf("H0 contradicts ORCON: H0 means no restriction beyond the classification")
		}
		if m.NoOnward {
			return invalidf("H0 contradicts NO ONWARD: H0 means no restriction beyond the classification")
		}
	}
	return nil
}

// Parse reads a banner line, CLASSIFICATION//CAVEAT//CAVEAT..., into a
// Marking. The classification comes first (see ParseClassification); the
// caveats may come in any order:
//
//	ORCON (or ORIGINATOR CONTROLLED)   originator control
//	NOFORN (or NO FOREIGN)             not releasable to foreign parties
//	REL TO DE, FR, EU                  releasable to these countries (ISO 3166
//	                                   alpha-2) or memberships (EU, NATO, FVEY)
//	NO ONWARD (or NOONWARD)            no onward dissemination
//	INFO ONLY (or INFORMATION ONLY)    for information only
//	LEAD ONLY                          lead only, not for use as evidence
//	H0, H1, H2, H3                     Europol handling code
//	EXPIRES 2027-01-31                 expiry date (UTC)
//
// Parsing is case-insensitive and tolerates white space around segments,
// inside keywords and around the commas of a REL TO list. The result is
// normalised: ReleasableTo is upper case, sorted and without duplicates
// (nil when there is none), Expires is a UTC midnight.
//
// Every error wraps ErrInvalid and names the offending part: an empty
// banner or segment, an unknown or ambiguous classification, two
// classifications, an unknown or repeated caveat, an empty REL TO list or a
// bad entry in one, NOFORN with REL TO, more than one handling code, H0
// with ORCON or NO ONWARD, a bad EXPIRES date.
func (r *Registry) Parse(banner string) (Marking, error) {
	if strings.TrimSpace(banner) == "" {
		return Marking{}, invalidf("empty banner")
	}
	segs := strings.Split(banner, separator)
	first := strings.TrimSpace(segs[0])
	if first == "" {
		return Marking{}, invalidf("banner %q does not start with a classification", banner)
	}
	c, err := r.ParseClassification(first)
	if err != nil {
		if isCaveat(normalize(first)) {
			return Marking{}, invalidf("banner %q starts with the caveat %q: the classification comes first", banner, first)
		}
		return Marking{}, err
	}
	p := caveatParser{r: r, m: Marking{Classification: c}, what: "banner"}
	if err := p.parse(banner, segs[1:]); err != nil {
		return Marking{}, err
	}
	return p.m, nil
}

// ParseCaveats reads the caveat part of a banner only, such as
// "ORCON//REL TO DE, FR" (an agreement's default caveats), with the rules
// of Parse. A classification in it is an error. An empty or blank string
// gives a Marking with no caveats. The Classification of the result is
// zero; combine it with a marking using Marking.WithCaveats.
func (r *Registry) ParseCaveats(s string) (Marking, error) {
	if strings.TrimSpace(s) == "" {
		return Marking{}, nil
	}
	p := caveatParser{r: r, what: "caveat list"}
	if err := p.parse(s, strings.Split(s, separator)); err != nil {
		return Marking{}, err
	}
	return p.m, nil
}

// isCaveat reports whether the normalised segment s looks like a caveat.
func isCaveat(s string) bool {
	switch s {
	case kwORCON, "ORIGINATOR CONTROLLED", kwNOFORN, "NO FOREIGN", kwNoOnward, "NOONWARD",
		kwInfoOnly, "INFORMATION ONLY", kwLeadOnly, "H0", "H1", "H2", "H3":
		return true
	}
	return hasKeyword(s, kwRelTo) || hasKeyword(s, kwExpires)
}

// hasKeyword reports whether s is kw or starts with kw and a space.
func hasKeyword(s, kw string) bool {
	return strings.HasPrefix(s, kw) && (len(s) == len(kw) || s[len(kw)] == ' ')
}

// caveat bits, to find repeats.
const (
	seenORCON = 1 << iota
	seenNOFORN
	seenRelTo
	seenNoOnward
	seenInfoOnly
	seenLeadOnly
	seenHandling
	seenExpires
)

// caveatParser accumulates caveats into m.
type caveatParser struct {
	r    *Registry
	m    Marking
	what string // "banner" or "caveat list", for messages
	seen int
}

func (p *caveatParser) parse(input string, segs []string) error {
	for _, seg := range segs {
		if err := p.segment(input, seg); err != nil {
			return err
		}
	}
	p.m.ReleasableTo = sortedSet(p.m.ReleasableTo)
	return contradictions(p.m)
}

// once marks bit as seen, or reports the caveat as repeated.
func (p *caveatParser) once(bit int, raw string) error {
	if p.seen&bit != 0 {
		return invalidf("caveat %q is repeated", raw)
	}
	p.seen |= bit
	return nil
}

func (p *caveatParser) segment(input, seg string) error {
	raw := strings.TrimSpace(seg)
	if raw == "" {
		return invalidf("empty segment in %s %q: nothing between two %q", p.what, input, separator)
	}
	s := normalize(raw)
	switch s {
	case kwORCON, "ORIGINATOR CONTROLLED":
		p.m.OriginatorControl = true
		return p.once(seenORCON, raw)
	case kwNOFORN, "NO FOREIGN":
		p.m.NoForeign = true
		return p.once(seenNOFORN, raw)
	case kwNoOnward, "NOONWARD":
		p.m.NoOnward = true
		return p.once(seenNoOnward, raw)
	case kwInfoOnly, "INFORMATION ONLY":
		p.m.InfoOnly = true
		return p.once(seenInfoOnly, raw)
	case kwLeadOnly:
		p.m.LeadOnly = true
		return p.once(seenLeadOnly, raw)
	case "H0", "H1", "H2", "H3":
		h := HandlingCode(s)
		if p.seen&seenHandling != 0 && p.m.Handling != h {
			return invalidf("more than one handling code: %s and %s", p.m.Handling, h)
		}
		p.m.Handling = h
		return p.once(seenHandling, raw)
	}
	switch {
	case hasKeyword(s, kwRelTo):
		if err := p.once(seenRelTo, kwRelTo); err != nil {
			return err
		}
		return p.relTo(raw, strings.TrimSpace(s[len(kwRelTo):]))
	case hasKeyword(s, kwExpires):
		if err := p.once(seenExpires, kwExpires); err != nil {
			return err
		}
		return p.expires(raw, strings.TrimSpace(s[len(kwExpires):]))
	}
	if _, ok := p.r.forms[s]; ok {
		if p.what == "banner" {
			return invalidf("two classifications in banner %q: %q and %q", input, p.m.Classification.String(), raw)
		}
		return invalidf("classification %q in caveat list %q: only caveats are allowed here", raw, input)
	}
	if strings.HasPrefix(s, "REL ") || strings.HasPrefix(s, "RELTO") {
		return invalidf("unknown caveat %q: a releasable-to list is written \"REL TO DE, FR\"", raw)
	}
	return invalidf("unknown caveat %q (want ORCON, NOFORN, REL TO ..., NO ONWARD, INFO ONLY, LEAD ONLY, H0-H3 or EXPIRES yyyy-mm-dd)", raw)
}

func (p *caveatParser) relTo(raw, list string) error {
	if list == "" {
		return invalidf("empty REL TO list in %q", raw)
	}
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimSpace(t)
		if t == "" {
			return invalidf("empty entry in REL TO list %q", raw)
		}
		if !validRelToken(t) {
			return invalidf("REL TO entry %q is not a country code or membership token (A-Z, 0-9, _; 2-32 characters, e.g. DE, EU, NATO)", t)
		}
		p.m.ReleasableTo = append(p.m.ReleasableTo, t)
	}
	return nil
}

func (p *caveatParser) expires(raw, date string) error {
	if date == "" {
		return invalidf("EXPIRES without a date in %q (want EXPIRES yyyy-mm-dd)", raw)
	}
	t, err := time.Parse(dateLayout, date)
	if err != nil || t.Format(dateLayout) != date {
		return invalidf("EXPIRES date %q is not a valid yyyy-mm-dd date", date)
	}
	if t.Before(minExpiry) || t.After(maxExpiry) {
		return invalidf("EXPIRES date %s is outside %s..%s", date, minExpiry.Format(dateLayout), maxExpiry.Format(dateLayout))
	}
	p.m.Expires = t
	return nil
}

// validRelToken reports whether t matches ^[A-Z][A-Z0-9_]{1,31}$.
func validRelToken(t string) bool {
	if len(t) < 2 || len(t) > 32 || t[0] < 'A' || t[0] > 'Z' {
		return false
	}
	for i := 1; i < len(t); i++ {
		switch c := t[i]; {
		case 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_':
		default:
			return false
		}
	}
	return true
}

// sortedSet sorts s in place and removes duplicates; it returns nil for an
// empty s.
func sortedSet(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	slices.Sort(s)
	return slices.Compact(s)
}

// isSortedSet reports whether s is strictly increasing.
func isSortedSet(s []string) bool {
	for i := 1; i < len(s); i++ {
		if s[i-1] >= s[i] {
			return false
		}
	}
	return true
}
