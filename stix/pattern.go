package stix

import (
	"regexp"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The OASIS schemas check every property name of every object against
// three regular expressions (properties.json), and every identifier and
// timestamp against others: together they were a quarter of the time of
// Validate. compilePattern gives the schema compiler hand-written matchers
// for those few patterns, and Go regular expressions for the rest.
// TestFastPatterns checks each matcher against its regular expression.
var fastPatterns = map[string]func(string) bool{
	`^[a-z][a-z0-9_]{0,245}_bin$`:  func(s string) bool { return suffixedName(s, "_bin") },
	`^[a-z][a-z0-9_]{0,245}_hex$`:  func(s string) bool { return suffixedName(s, "_hex") },
	`^([a-z][a-z0-9_]{2,249})|id$`: propertyName,
	identifierPattern:              identifierMatch,
	timestampPattern:               timestampMatch,
	`T\d{2}:\d{2}:\d{2}\.\d{3,}Z$`: millisMatch,
	`^(relationship|sighting|bundle|marking-definition|language-content)--.+$`: func(s string) bool {
		for _, p := range [...]string{"relationship--", "sighting--", "bundle--", "marking-definition--", "language-content--"} {
			if len(s) > len(p) && strings.HasPrefix(s, p) {
				return true
			}
		}
		return false
	},
}

const (
	identifierPattern = `^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`
	timestampPattern  = `^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(\.[0-9]+)?Z$`
)

// matcher is a hand-written jsonschema.Regexp.
type matcher struct {
	pattern string
	match   func(string) bool
}

func (m *matcher) MatchString(s string) bool { return m.match(s) }
func (m *matcher) String() string            { return m.pattern }

// compilePattern is the schema compiler's regular expression engine.
func compilePattern(pattern string) (jsonschema.Regexp, error) {
	if f, ok := fastPatterns[pattern]; ok {
		return &matcher{pattern, f}, nil // a pointer: the compiler keys maps by Regexp
	}
	return regexp.Compile(pattern)
}

func isLower(c byte) bool    { return c >= 'a' && c <= 'z' }
func isNameByte(c byte) bool { return isLower(c) || isDigit(c) || c == '_' }

// suffixedName matches ^[a-z][a-z0-9_]{0,245}SUFFIX$.
func suffixedName(s, suffix string) bool {
	n := len(s) - len(suffix)
	if n < 1 || n > 246 || !strings.HasSuffix(s, suffix) || !isLower(s[0]) {
		return false
	}
	for i := 1; i < n; i++ {
		if !isNameByte(s[i]) {
			return false
		}
	}
	return true
}

// propertyName matches ^([a-z][a-z0-9_]{2,249})|id$: a name starting with
// a lower-case letter and two name characters, or anything ending in "id"
// (the alternation binds loosely).
func propertyName(s string) bool {
	return (len(s) >= 3 && isLower(s[0]) && isNameByte(s[1]) && isNameByte(s[2])) || strings.HasSuffix(s, "id")
}

// identifierMatch matches identifierPattern.
func identifierMatch(s string) bool {
	n := len(s) - 38
	if n < 3 || s[n:n+2] != "--" || !validUUID(s[n+2:]) || !isLower(s[0]) {
		return false
	}
	for i := 1; i < n-1; i++ {
		if c := s[i]; !isLower(c) && !isDigit(c) && c != '-' {
			return false
		}
	}
	return isLower(s[n-1]) || isDigit(s[n-1])
}

// timestampMatch matches timestampPattern.
func timestampMatch(s string) bool {
	if len(s) < 20 {
		return false
	}
	for _, i := range [...]int{0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18} {
		if !isDigit(s[i]) {
			return false
		}
	}
	if s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return false
	}
	two := func(i int) int { return int(s[i]-'0')*10 + int(s[i+1]-'0') }
	if m := two(5); m < 1 || m > 12 {
		return false
	}
	if d := two(8); d < 1 || d > 31 {
		return false
	}
	if two(11) > 23 || two(14) > 59 || two(17) > 60 {
		return false
	}
	i := 19
	if s[i] == '.' {
		i++
		start := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == len(s)-1 && s[i] == 'Z'
}

// millisMatch matches T\d{2}:\d{2}:\d{2}\.\d{3,}Z$ (unanchored at the
// start).
func millisMatch(s string) bool {
	n := len(s)
	if n == 0 || s[n-1] != 'Z' {
		return false
	}
	j := n - 1
	for j > 0 && isDigit(s[j-1]) {
		j--
	}
	if n-1-j < 3 || j < 10 {
		return false
	}
	t := s[j-10 : j]
	return t[0] == 'T' && isDigit(t[1]) && isDigit(t[2]) && t[3] == ':' && isDigit(t[4]) && isDigit(t[5]) &&
		t[6] == ':' && isDigit(t[7]) && isDigit(t[8]) && t[9] == '.'
}
