package marking

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// ErrScheme is wrapped by every error about a classification scheme itself
// (a bad scheme definition given to NewRegistry or LoadSchemes), as opposed
// to a bad marking, which wraps ErrInvalid.
var ErrScheme = errors.New("invalid classification scheme")

// Level is one level of a Scheme.
//
// Name is the canonical name: upper case, single spaces, no '/'; it is what
// a Classification holds and what banners print. Aliases are other spellings
// accepted when parsing (matched case-insensitively). Rank places the level
// on the common scale, RankUnclassified to RankTopSecret.
type Level struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
	Rank    int      `json:"rank"`
}

// Scheme is a classification scheme: a name ("EU", "NATO", "TLP",
// "UNCLASSIFIED", or a national code such as "DE") and its levels, lowest
// first. The order of Levels is the scheme's total order; ranks must not
// decrease along it. Several levels may share a rank (TLP:CLEAR and
// TLP:GREEN are both unclassified) and are then still ordered by position.
//
// How a level prints depends on the scheme name only; see
// Classification.String.
type Scheme struct {
	Name   string  `json:"name"`
	Levels []Level `json:"levels"`
}

// clone returns a deep copy of s.
func (s Scheme) clone() Scheme {
	c := Scheme{Name: s.Name, Levels: make([]Level, len(s.Levels))}
	for i, l := range s.Levels {
		c.Levels[i] = Level{Name: l.Name, Aliases: slices.Clone(l.Aliases), Rank: l.Rank}
	}
	return c
}

// String returns the form a banner prints: for schemes "EU", "NATO" and
// "UNCLASSIFIED" the level name as is ("SECRET UE", "NATO SECRET",
// "UNCLASSIFIED"); for "TLP", "TLP:" and the level ("TLP:AMBER+STRICT");
// for any other (national) scheme, the scheme, a space and the level ("DE
// GEHEIM", "UK SECRET"). The zero Classification prints as "".
func (c Classification) String() string {
	switch c.Scheme {
	case "EU", "NATO", "UNCLASSIFIED", "":
		return c.Level
	case "TLP":
		return "TLP:" + c.Level
	default:
		return c.Scheme + " " + c.Level
	}
}

// levelInfo is what the registry knows of one level.
type levelInfo struct {
	rank  int
	index int // position in its scheme's order
}

// Registry holds a set of classification schemes and answers questions
// about their levels: rank, order, parsing and printing of banners. A
// Registry is immutable once built and safe for concurrent use.
type Registry struct {
	schemes []Scheme                     // deep copies, never handed out
	byName  map[string]int               // scheme name -> index in schemes
	levels  map[Classification]levelInfo // canonical classification -> rank and position
	forms   map[string][]Classification  // normalised accepted spelling -> classifications it names
}

// defaultRegistry is built once, on first use, and never changed.
var defaultRegistry = sync.OnceValue(func() *Registry {
	r, err := NewRegistry(DefaultSchemes()...)
	if err != nil {
		panic("marking: default schemes are invalid: " + err.Error())
	}
	return r
})

// DefaultRegistry returns the registry of DefaultSchemes. It is shared and
// immutable.
func DefaultRegistry() *Registry { return defaultRegistry() }

// DefaultSchemes returns a fresh copy of the built-in schemes: EU, NATO,
// TLP (2.0), UNCLASSIFIED, and the national schemes DE, ES, FR, IT, NL, NO,
// PL, SE, UK and US. Callers may append their own schemes and pass the
// result to NewRegistry.
func DefaultSchemes() []Scheme {
	return []Scheme{
		{Name: "UNCLASSIFIED", Levels: []Level{
			{Name: "UNCLASSIFIED", Rank: RankUnclassified},
		}},
		{Name: "EU", Levels: []Level{
			{Name: "RESTREINT UE", Aliases: []string{"EU RESTRICTED"}, Rank: RankRestricted},
			{Name: "CONFIDENTIEL UE", Aliases: []string{"EU CONFIDENTIAL"}, Rank: RankConfidential},
			{Name: "SECRET UE", Aliases: []string{"EU SECRET"}, Rank: RankSecret},
			{Name: "TRES SECRET UE", Aliases: []string{"TRÈS SECRET UE", "EU TOP SECRET"}, Rank: RankTopSecret},
		}},
		{Name: "NATO", Levels: []Level{
			{Name: "NATO UNCLASSIFIED", Rank: RankUnclassified},
			{Name: "NATO RESTRICTED", Rank: RankRestricted},
			{Name: "NATO CONFIDENTIAL", Rank: RankConfidential},
			{Name: "NATO SECRET", Rank: RankSecret},
			{Name: "COSMIC TOP SECRET", Rank: RankTopSecret},
		}},
		{Name: "TLP", Levels: []Level{
			{Name: "CLEAR", Aliases: []string{"WHITE"}, Rank: RankUnclassified},
			{Name: "GREEN", Rank: RankUnclassified},
			{Name: "AMBER", Rank: RankRestricted},
			{Name: "AMBER+STRICT", Rank: RankRestricted},
			{Name: "RED", Rank: RankConfidential},
		}},
		{Name: "DE", Levels: []Level{
			{Name: "VS-NUR FÜR DEN DIENSTGEBRAUCH", Aliases: []string{"VS-NFD", "VS-NUR FUER DEN DIENSTGEBRAUCH"}, Rank: RankRestricted},
			{Name: "VS-VERTRAULICH", Rank: RankConfidential},
			{Name: "GEHEIM", Rank: RankSecret},
			{Name: "STRENG GEHEIM", Rank: RankTopSecret},
		}},
		{Name: "ES", Levels: []Level{
			{Name: "DIFUSIÓN LIMITADA", Aliases: []string{"DIFUSION LIMITADA"}, Rank: RankRestricted},
			{Name: "CONFIDENCIAL", Rank: RankConfidential},
			{Name: "RESERVADO", Rank: RankSecret},
			{Name: "SECRETO", Rank: RankTopSecret},
		}},
		{Name: "FR", Levels: []Level{
			{Name: "DIFFUSION RESTREINTE", Rank: RankRestricted},
			{Name: "SECRET", Rank: RankSecret},
			{Name: "TRES SECRET", Aliases: []string{"TRÈS SECRET"}, Rank: RankTopSecret},
		}},
		{Name: "IT", Levels: []Level{
			{Name: "RISERVATO", Rank: RankRestricted},
			{Name: "RISERVATISSIMO", Rank: RankConfidential},
			{Name: "SEGRETO", Rank: RankSecret},
			{Name: "SEGRETISSIMO", Rank: RankTopSecret},
		}},
		{Name: "NL", Levels: []Level{
			{Name: "DEPARTEMENTAAL VERTROUWELIJK", Aliases: []string{"DEP. VERTROUWELIJK"}, Rank: RankRestricted},
			{Name: "STG. CONFIDENTIEEL", Aliases: []string{"STG CONFIDENTIEEL", "STAATSGEHEIM CONFIDENTIEEL"}, Rank: RankConfidential},
			{Name: "STG. GEHEIM", Aliases: []string{"STG GEHEIM", "STAATSGEHEIM GEHEIM"}, Rank: RankSecret},
			{Name: "STG. ZEER GEHEIM", Aliases: []string{"STG ZEER GEHEIM", "STAATSGEHEIM ZEER GEHEIM"}, Rank: RankTopSecret},
		}},
		{Name: "NO", Levels: []Level{
			{Name: "BEGRENSET", Rank: RankRestricted},
			{Name: "KONFIDENSIELT", Rank: RankConfidential},
			{Name: "HEMMELIG", Rank: RankSecret},
			{Name: "STRENGT HEMMELIG", Rank: RankTopSecret},
		}},
		{Name: "PL", Levels: []Level{
			{Name: "ZASTRZEŻONE", Aliases: []string{"ZASTRZEZONE"}, Rank: RankRestricted},
			{Name: "POUFNE", Rank: RankConfidential},
			{Name: "TAJNE", Rank: RankSecret},
			{Name: "ŚCIŚLE TAJNE", Aliases: []string{"SCISLE TAJNE"}, Rank: RankTopSecret},
		}},
		{Name: "SE", Levels: []Level{
			{Name: "BEGRÄNSAT HEMLIG", Aliases: []string{"BEGRANSAT HEMLIG"}, Rank: RankRestricted},
			{Name: "KONFIDENTIELL", Rank: RankConfidential},
			{Name: "HEMLIG", Rank: RankSecret},
			{Name: "KVALIFICERAT HEMLIG", Rank: RankTopSecret},
		}},
		{Name: "UK", Levels: []Level{
			{Name: "OFFICIAL-SENSITIVE", Aliases: []string{"OFFICIAL SENSITIVE"}, Rank: RankRestricted},
			{Name: "SECRET", Rank: RankSecret},
			{Name: "TOP SECRET", Rank: RankTopSecret},
		}},
		{Name: "US", Levels: []Level{
			{Name: "CONFIDENTIAL", Rank: RankConfidential},
			{Name: "SECRET", Rank: RankSecret},
			{Name: "TOP SECRET", Rank: RankTopSecret},
		}},
	}
}

// NewRegistry builds a registry of the given schemes. It returns an error
// wrapping ErrScheme when there is no scheme, a scheme name is empty,
// repeated or not of the form [A-Z][A-Z0-9_-]{0,31}, a scheme has no
// levels, a level name is empty, not upper case and single-spaced, or
// contains '/', two levels of one scheme share a spelling, a rank is
// outside RankUnclassified..RankTopSecret or decreases along the order, or
// the printed form of a level (Classification.String) would not parse back
// to that level alone.
//
// Every spelling of a level is accepted when parsing: its name and aliases
// alone, and prefixed by the scheme name and a space or a colon ("DE
// GEHEIM", "TLP:RED", "TLP RED", "GEHEIM"). A spelling shared by levels of
// several schemes ("SECRET") is ambiguous and must be prefixed.
func NewRegistry(schemes ...Scheme) (*Registry, error) {
	if len(schemes) == 0 {
		return nil, fmt.Errorf("%w: no schemes", ErrScheme)
	}
	r := &Registry{
		byName: make(map[string]int, len(schemes)),
		levels: make(map[Classification]levelInfo),
		forms:  make(map[string][]Classification),
	}
	for _, s := range schemes {
		if err := validateScheme(s); err != nil {
			return nil, err
		}
		if _, dup := r.byName[s.Name]; dup {
			return nil, fmt.Errorf("%w: scheme %s is defined twice", ErrScheme, s.Name)
		}
		s = s.clone()
		r.byName[s.Name] = len(r.schemes)
		r.schemes = append(r.schemes, s)
		for i, l := range s.Levels {
			c := Classification{Scheme: s.Name, Level: l.Name}
			r.levels[c] = levelInfo{rank: l.Rank, index: i}
			for _, sp := range spellings(l) {
				r.addForm(sp, c)
				r.addForm(s.Name+" "+sp, c)
				r.addForm(s.Name+":"+sp, c)
			}
		}
	}
	for _, s := range r.schemes {
		for _, l := range s.Levels {
			c := Classification{Scheme: s.Name, Level: l.Name}
			p := c.String()
			if got := r.forms[normalize(p)]; len(got) != 1 || got[0] != c {
				return nil, fmt.Errorf("%w: level %s of scheme %s prints as %q, which also names %s",
					ErrScheme, l.Name, s.Name, p, describe(without(got, c), "and"))
			}
		}
	}
	return r, nil
}

// spellings returns the normalised name and aliases of l.
func spellings(l Level) []string {
	out := make([]string, 0, 1+len(l.Aliases))
	out = append(out, l.Name)
	for _, a := range l.Aliases {
		out = append(out, normalize(a))
	}
	return out
}

func (r *Registry) addForm(form string, c Classification) {
	form = normalize(form)
	if !slices.Contains(r.forms[form], c) {
		r.forms[form] = append(r.forms[form], c)
	}
}

func without(cs []Classification, c Classification) []Classification {
	return slices.DeleteFunc(slices.Clone(cs), func(x Classification) bool { return x == c })
}

// describe lists classifications for an error message: "FR SECRET, UK
// SECRET and US SECRET" (or "or").
func describe(cs []Classification, conj string) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.String()
	}
	switch len(names) {
	case 0:
		return "nothing"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + conj + " " + names[len(names)-1]
}

// validateScheme checks one scheme on its own.
func validateScheme(s Scheme) error {
	if !validSchemeName(s.Name) {
		return fmt.Errorf("%w: scheme name %q: use 1-32 upper-case letters, digits, '_' or '-', starting with a letter", ErrScheme, s.Name)
	}
	if len(s.Levels) == 0 {
		return fmt.Errorf("%w: scheme %s has no levels", ErrScheme, s.Name)
	}
	owner := make(map[string]string) // spelling -> level name
	for i, l := range s.Levels {
		if err := validLevelText(l.Name); err != nil {
			return fmt.Errorf("%w: scheme %s: level name %q %s", ErrScheme, s.Name, l.Name, err)
		}
		if l.Name != normalize(l.Name) {
			return fmt.Errorf("%w: scheme %s: level name %q must be upper case with single spaces (%q)", ErrScheme, s.Name, l.Name, normalize(l.Name))
		}
		for _, a := range l.Aliases {
			if err := validLevelText(normalize(a)); err != nil {
				return fmt.Errorf("%w: scheme %s: alias %q of level %s %s", ErrScheme, s.Name, a, l.Name, err)
			}
		}
		if l.Rank < RankUnclassified || l.Rank > RankTopSecret {
			return fmt.Errorf("%w: scheme %s: level %s has rank %d, outside %d..%d", ErrScheme, s.Name, l.Name, l.Rank, RankUnclassified, RankTopSecret)
		}
		if i > 0 && l.Rank < s.Levels[i-1].Rank {
			return fmt.Errorf("%w: scheme %s: level %s (rank %d) is ordered above %s (rank %d): ranks must not decrease along the order",
				ErrScheme, s.Name, l.Name, l.Rank, s.Levels[i-1].Name, s.Levels[i-1].Rank)
		}
		for _, sp := range spellings(l) {
			if o, ok := owner[sp]; ok && o != l.Name {
				return fmt.Errorf("%w: scheme %s: %q names both %s and %s", ErrScheme, s.Name, sp, o, l.Name)
			}
			owner[sp] = l.Name
		}
	}
	return nil
}

func validSchemeName(s string) bool {
	if len(s) == 0 || len(s) > 32 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// validLevelText reports what is wrong with a normalised level name or
// alias, or nil.
func validLevelText(s string) error {
	switch {
	case s == "":
		return errors.New("is empty")
	case strings.Contains(s, "/"):
		return errors.New("contains '/'")
	}
	return nil
}

// normalize puts s in the form used to look spellings up: upper case, runs
// of white space made one space, trimmed, and no space around ':'.
func normalize(s string) string {
	s = strings.Join(strings.Fields(strings.ToUpper(s)), " ")
	if strings.Contains(s, ":") {
		s = strings.ReplaceAll(s, " :", ":")
		s = strings.ReplaceAll(s, ": ", ":")
	}
	return s
}

// Schemes returns a copy of the registry's schemes, in the order they were
// given.
func (r *Registry) Schemes() []Scheme {
	out := make([]Scheme, len(r.schemes))
	for i, s := range r.schemes {
		out[i] = s.clone()
	}
	return out
}

// Rank returns the common rank of c (RankUnclassified..RankTopSecret). It
// does not allocate when c is known. For an unknown classification it
// returns -1 and an error wrapping ErrInvalid; callers must not use the
// rank then.
func (r *Registry) Rank(c Classification) (int, error) {
	if li, ok := r.levels[c]; ok {
		return li.rank, nil
	}
	return -1, r.unknown(c)
}

// Compare returns -1, 0 or +1 as a is lower than, equivalent to, or higher
// than b. Levels of different schemes compare by rank, so SECRET UE, NATO
// SECRET and DE GEHEIM are equivalent; levels of one scheme compare by the
// scheme's order, so TLP:CLEAR < TLP:GREEN although both have rank 0 (and
// both are equivalent to UNCLASSIFIED: across schemes only ranks count, so
// use Rank for ceilings and clearances). It does not allocate when both are
// known; otherwise it returns an error wrapping ErrInvalid.
func (r *Registry) Compare(a, b Classification) (int, error) {
	la, ok := r.levels[a]
	if !ok {
		return 0, r.unknown(a)
	}
	lb, ok := r.levels[b]
	if !ok {
		return 0, r.unknown(b)
	}
	x, y := la.rank, lb.rank
	if a.Scheme == b.Scheme {
		x, y = la.index, lb.index
	}
	switch {
	case x < y:
		return -1, nil
	case x > y:
		return 1, nil
	}
	return 0, nil
}

// IsTLP reports whether c is a level of the TLP scheme in r.
func (r *Registry) IsTLP(c Classification) bool {
	_, ok := r.levels[c]
	return ok && c.Scheme == "TLP"
}

func (r *Registry) unknown(c Classification) error {
	if c == (Classification{}) {
		return fmt.Errorf("%w: classification is missing", ErrInvalid)
	}
	if i, ok := r.byName[c.Scheme]; ok {
		return fmt.Errorf("%w: unknown classification %q: scheme %s has no level %q (levels: %s)",
			ErrInvalid, c.String(), c.Scheme, c.Level, levelList(r.schemes[i]))
	}
	return fmt.Errorf("%w: unknown classification %q: no scheme %q", ErrInvalid, c.String(), c.Scheme)
}

func levelList(s Scheme) string {
	names := make([]string, len(s.Levels))
	for i, l := range s.Levels {
		names[i] = l.Name
	}
	return strings.Join(names, ", ")
}

// ParseClassification parses one classification, case-insensitively and
// tolerating extra white space: "secret ue", "NATO SECRET", "de geheim",
// "TLP:amber+strict", "TLP: RED", "GEHEIM". A spelling that names levels of
// several schemes, such as a bare "SECRET", is an error saying it is
// ambiguous; prefix the scheme ("UK SECRET"). Errors wrap ErrInvalid.
func (r *Registry) ParseClassification(s string) (Classification, error) {
	key := normalize(s)
	if key == "" {
		return Classification{}, fmt.Errorf("%w: classification is missing", ErrInvalid)
	}
	switch cs := r.forms[key]; len(cs) {
	case 1:
		return cs[0], nil
	case 0:
		return Classification{}, r.unknownSpelling(s, key)
	default:
		return Classification{}, fmt.Errorf("%w: classification %q is ambiguous: it may be %s; prefix the scheme, as in %q",
			ErrInvalid, strings.TrimSpace(s), describe(cs, "or"), cs[0].String())
	}
}

// unknownSpelling explains why key names no level, listing the levels of
// the scheme it seems to start with.
func (r *Registry) unknownSpelling(s, key string) error {
	if n := strings.IndexAny(key, " :"); n > 0 {
		if i, ok := r.byName[key[:n]]; ok {
			return fmt.Errorf("%w: unknown classification %q: scheme %s has levels %s",
				ErrInvalid, strings.TrimSpace(s), key[:n], levelList(r.schemes[i]))
		}
	}
	return fmt.Errorf("%w: unknown classification %q", ErrInvalid, strings.TrimSpace(s))
}

// schemeJSON and levelJSON are the configuration shape read by LoadSchemes;
// Rank is a pointer so that a forgotten rank is an error, not rank 0.
type schemeJSON struct {
	Name   string      `json:"name"`
	Levels []levelJSON `json:"levels"`
}

type levelJSON struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases"`
	Rank    *int     `json:"rank"`
}

// LoadSchemes reads classification schemes from JSON, so that national
// schemes are configuration rather than code. The document is a list of
// schemes, each with a name and its levels lowest first; a level has a
// canonical name, optional aliases and a rank (0 unclassified, 1
// restricted, 2 confidential, 3 secret, 4 top secret), which is required:
//
//	[
//	  {"name": "DE", "levels": [
//	    {"name": "VS-NUR FÜR DEN DIENSTGEBRAUCH", "aliases": ["VS-NFD"], "rank": 1},
//	    {"name": "VS-VERTRAULICH", "rank": 2},
//	    {"name": "GEHEIM", "rank": 3},
//	    {"name": "STRENG GEHEIM", "rank": 4}
//	  ]}
//	]
//
// Unknown fields are errors. Each scheme is checked as NewRegistry checks
// it; pass the result (perhaps appended to DefaultSchemes) to NewRegistry.
// Errors wrap ErrScheme.
func LoadSchemes(data []byte) ([]Scheme, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var raw []schemeJSON
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrScheme, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: unexpected data after the list of schemes", ErrScheme)
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("%w: no schemes", ErrScheme)
	}
	out := make([]Scheme, 0, len(raw))
	seen := make(map[string]bool, len(raw))
	for i, rs := range raw {
		s := Scheme{Name: rs.Name, Levels: make([]Level, 0, len(rs.Levels))}
		for j, rl := range rs.Levels {
			if rl.Rank == nil {
				return nil, fmt.Errorf("%w: scheme %d (%q), level %d (%q): rank is required", ErrScheme, i+1, rs.Name, j+1, rl.Name)
			}
			s.Levels = append(s.Levels, Level{Name: rl.Name, Aliases: rl.Aliases, Rank: *rl.Rank})
		}
		if err := validateScheme(s); err != nil {
			return nil, err
		}
		if seen[s.Name] {
			return nil, fmt.Errorf("%w: scheme %s is defined twice", ErrScheme, s.Name)
		}
		seen[s.Name] = true
		out = append(out, s)
	}
	return out, nil
}
