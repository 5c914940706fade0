package liaison

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Discipline is an intelligence collection discipline (an "INT"): how an
// organisation gathers what it knows on a topic. Coverage is recorded per
// topic and discipline, because partners complement each other by
// discipline as much as by region (a service strong in HUMINT on a region
// is the partner to ask for sources; one strong in SIGINT, for intercepts).
type Discipline string

// The disciplines liaison knows: the set NATO (AJP-2) and the US
// intelligence community (JP 2-0) use, with the two that European services
// commonly add. IMINT is kept beside GEOINT because European services and
// SatCen still report imagery as a discipline of its own.
const (
	HUMINT  Discipline = "HUMINT"  // human sources: agents, liaison, debriefing
	SIGINT  Discipline = "SIGINT"  // signals: communications (COMINT) and electronic emissions (ELINT)
	IMINT   Discipline = "IMINT"   // imagery: satellite, aerial, ground
	GEOINT  Discipline = "GEOINT"  // geospatial analysis of imagery and other geographic data
	MASINT  Discipline = "MASINT"  // measurement and signature: radar, acoustic, nuclear, chemical
	OSINT   Discipline = "OSINT"   // open sources: media, online, grey literature
	TECHINT Discipline = "TECHINT" // technical: foreign equipment and weapons, materiel exploitation
	CYBINT  Discipline = "CYBINT"  // cyber: intrusion sets, malware, infrastructure (CTI)
	FININT  Discipline = "FININT"  // financial: transactions, funding networks
)

// Disciplines lists every discipline, in a stable order.
var Disciplines = []Discipline{HUMINT, SIGINT, IMINT, GEOINT, MASINT, OSINT, TECHINT, CYBINT, FININT}

// Valid reports whether d is a known discipline.
func (d Discipline) Valid() bool { return slices.Contains(Disciplines, d) }

// ParseDiscipline reads a discipline in any case ("sigint", "SIGINT").
func ParseDiscipline(s string) (Discipline, error) {
	d := Discipline(strings.ToUpper(strings.TrimSpace(s)))
	if !d.Valid() {
		return "", Errorf(EINVALID, "discipline %q is not one of %s", s, disciplineNames())
	}
	return d, nil
}

func disciplineNames() string {
	names := make([]string, len(Disciplines))
	for i, d := range Disciplines {
		names[i] = string(d)
	}
	return strings.Join(names, ", ")
}

// The capability scale of Coverage: how well an organisation covers a
// topic by a discipline.
const (
	CapabilityNone     = 0 // no collection on the topic by this discipline
	CapabilityLimited  = 1 // occasional or opportunistic reporting
	CapabilityModerate = 2 // regular reporting from established access
	CapabilityStrong   = 3 // dedicated, sustained collection; access few partners have
	MaxCapability      = CapabilityStrong
)

// capabilityNames are the words of the capability scale, by value.
var capabilityNames = [...]string{"none", "limited", "moderate", "strong"}

// CapabilityName returns the word for a capability value ("strong"), or
// the number for one off the scale.
func CapabilityName(c int) string {
	if c < 0 || c > MaxCapability {
		return strconv.Itoa(c)
	}
	return capabilityNames[c]
}

// ParseCapability reads a capability as a number 0-3 or its word
// ("none", "limited", "moderate", "strong").
func ParseCapability(s string) (int, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := slices.Index(capabilityNames[:], s); i >= 0 {
		return i, nil
	}
	c, err := strconv.Atoi(s)
	if err != nil || c < 0 || c > MaxCapability {
		return 0, Errorf(EINVALID, "capability %q: use 0-3 or none, limited, moderate, strong", s)
	}
	return c, nil
}

// Limits on the size of a set, so that one request cannot store without
// bound; both lie far above what a service ranks or records.
const (
	MaxThreatPriorities = 100
	MaxCoverage         = 1000
)

// ThreatPriority is one entry of an organisation's ranked threat
// priorities: a topic (a slug as used by agreements and products, e.g.
// "counter-terrorism" or "russia") and its rank, 1 being the highest.
// An organisation's priorities are set as a whole list that replaces the
// previous one; the store keeps every earlier list, so that how
// priorities moved apart or together over time can be computed. SetBy and
// SetAt are the officer who set the list and when.
type ThreatPriority struct {
	OrgID string    `json:"org_id"`
	Topic string    `json:"topic"`
	Rank  int       `json:"rank"`
	Note  string    `json:"note,omitempty"`
	SetBy string    `json:"set_by"`
	SetAt time.Time `json:"set_at"`
}

// Normalise puts p's fields in canonical form (lower-case, trimmed topic).
func (p *ThreatPriority) Normalise() {
	p.OrgID = strings.TrimSpace(p.OrgID)
	p.Topic = strings.ToLower(strings.TrimSpace(p.Topic))
	p.Note = strings.TrimSpace(p.Note)
}

// Validate reports the first problem with p's own fields.
func (p *ThreatPriority) Validate() error {
	switch {
	case !ValidSlug(p.OrgID):
		return Errorf(EINVALID, "threat priority: organisation %q is not an organisation id", p.OrgID)
	case !ValidSlug(p.Topic):
		return Errorf(EINVALID, "threat priority: topic %q: use lower-case letters, digits, '.', '-' or '_'", p.Topic)
	case p.Rank < 1:
		return Errorf(EINVALID, "threat priority %s: rank %d: ranks start at 1 (the highest)", p.Topic, p.Rank)
	}
	return nil
}

// ValidateThreatPriorities normalises and checks a whole list of an
// organisation's priorities, and sorts it by rank. Every entry must be
// valid and of the same organisation; a topic may appear once; ranks must
// run from 1 to the number of entries without gaps or ties, so that a
// rank is also the topic's place in the list. An empty list is valid: it
// clears the organisation's priorities.
func ValidateThreatPriorities(ps []*ThreatPriority) error {
	if len(ps) > MaxThreatPriorities {
		return Errorf(EINVALID, "threat priorities: %d entries, at most %d", len(ps), MaxThreatPriorities)
	}
	topics := map[string]int{}
	ranks := map[int]string{}
	for _, p := range ps {
		p.Normalise()
		if err := p.Validate(); err != nil {
			return err
		}
		if p.OrgID != ps[0].OrgID {
			return Errorf(EINVALID, "threat priorities: one list is of one organisation, not of %s and %s", ps[0].OrgID, p.OrgID)
		}
		if r, dup := topics[p.Topic]; dup {
			return Errorf(EINVALID, "threat priorities: topic %s is ranked twice (%d and %d)", p.Topic, r, p.Rank)
		}
		if t, dup := ranks[p.Rank]; dup {
			return Errorf(EINVALID, "threat priorities: rank %d is given to both %s and %s", p.Rank, t, p.Topic)
		}
		topics[p.Topic], ranks[p.Rank] = p.Rank, p.Topic
	}
	for r := 1; r <= len(ps); r++ {
		if _, ok := ranks[r]; !ok {
			return Errorf(EINVALID, "threat priorities: %d entries need ranks 1 to %d; rank %d is missing", len(ps), len(ps), r)
		}
	}
	slices.SortFunc(ps, func(a, b *ThreatPriority) int { return cmp.Compare(a.Rank, b.Rank) })
	return nil
}

// Coverage is what an organisation can collect on a topic by one
// discipline: a capability from 0 (none) to 3 (strong), see the
// Capability constants. An organisation's coverage is set as a whole that
// replaces the previous one; the store keeps every earlier set.
type Coverage struct {
	OrgID      string     `json:"org_id"`
	Topic      string     `json:"topic"`
	Discipline Discipline `json:"discipline"`
	Capability int        `json:"capability"`
	Note       string     `json:"note,omitempty"`
	SetBy      string     `json:"set_by"`
	SetAt      time.Time  `json:"set_at"`
}

// Normalise puts c's fields in canonical form (lower-case topic,
// upper-case discipline).
func (c *Coverage) Normalise() {
	c.OrgID = strings.TrimSpace(c.OrgID)
	c.Topic = strings.ToLower(strings.TrimSpace(c.Topic))
	c.Discipline = Discipline(strings.ToUpper(strings.TrimSpace(string(c.Discipline))))
	c.Note = strings.TrimSpace(c.Note)
}

// Validate reports the first problem with c's own fields.
func (c *Coverage) Validate() error {
	switch {
	case !ValidSlug(c.OrgID):
		return Errorf(EINVALID, "coverage: organisation %q is not an organisation id", c.OrgID)
	case !ValidSlug(c.Topic):
		return Errorf(EINVALID, "coverage: topic %q: use lower-case letters, digits, '.', '-' or '_'", c.Topic)
	case !c.Discipline.Valid():
		return Errorf(EINVALID, "coverage of %s: discipline %q is not one of %s", c.Topic, c.Discipline, disciplineNames())
	case c.Capability < CapabilityNone || c.Capability > MaxCapability:
		return Errorf(EINVALID, "coverage of %s by %s: capability %d is not between 0 (none) and 3 (strong)", c.Topic, c.Discipline, c.Capability)
	}
	return nil
}

// ValidateCoverage normalises and checks the whole coverage of an
// organisation, and sorts it by topic and discipline. Every entry must be
// valid and of the same organisation, and a topic and discipline may
// appear once. An empty set is valid: it clears the coverage.
func ValidateCoverage(cs []*Coverage) error {
	if len(cs) > MaxCoverage {
		return Errorf(EINVALID, "coverage: %d entries, at most %d", len(cs), MaxCoverage)
	}
	seen := map[string]bool{}
	for _, c := range cs {
		c.Normalise()
		if err := c.Validate(); err != nil {
			return err
		}
		if c.OrgID != cs[0].OrgID {
			return Errorf(EINVALID, "coverage: one set is of one organisation, not of %s and %s", cs[0].OrgID, c.OrgID)
		}
		key := c.Topic + "\x00" + string(c.Discipline)
		if seen[key] {
			return Errorf(EINVALID, "coverage: %s by %s is given twice", c.Topic, c.Discipline)
		}
		seen[key] = true
	}
	slices.SortFunc(cs, compareCoverage)
	return nil
}

// compareCoverage orders coverage by organisation, topic and discipline.
func compareCoverage(a, b *Coverage) int {
	return cmp.Or(cmp.Compare(a.OrgID, b.OrgID), cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Discipline, b.Discipline))
}

// String describes c briefly, e.g. "cyber SIGINT strong (3)".
func (c *Coverage) String() string {
	return fmt.Sprintf("%s %s %s (%d)", c.Topic, c.Discipline, CapabilityName(c.Capability), c.Capability)
}
