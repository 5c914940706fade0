// Package liaison holds the domain of intelligence liaison: organisations
// and the officers who act for them, agreements between organisations,
// intelligence products with their markings and provenance, and the acts of
// liaison (dissemination, release requests, requests for information,
// feedback, interactions) together with the interfaces between the layers
// that store and serve them.
//
// The package is pure: it performs no I/O. Subpackages adapt it to
// dependencies (sqlite, api) and hold the pure engines that work on it
// (marking, policy, audit). Every type has a Validate method that the edges
// call before anything is written.
package liaison

import (
	"crypto/rand"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Clock tells the time. Services take one so that tests and the demo are
// deterministic.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now returns f().
func (f ClockFunc) Now() time.Time { return f() }

// SystemClock is the wall clock, in UTC.
var SystemClock Clock = ClockFunc(func() time.Time { return time.Now().UTC() })

// slugPattern is the shape of human-chosen identifiers (organisations,
// officers): lower case, digits, dots, hyphens and underscores.
var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

// ValidSlug reports whether s may serve as an organisation or officer id.
func ValidSlug(s string) bool { return slugPattern.MatchString(s) }

// NewID returns a random RFC 4122 version 4 UUID. Products, agreements and
// the records of liaison acts use them, so that ids stay unique when nodes
// federate (a STIX id is the object type, "--", and such a UUID).
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("liaison: crypto/rand failed: %v", err))
	}
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// ValidID reports whether s has the shape of an id made by NewID.
func ValidID(s string) bool { return uuidPattern.MatchString(s) }

// normaliseTopics lower-cases, trims, sorts and de-duplicates topics, and
// reports the first one that is not a valid topic.
func normaliseTopics(topics []string) ([]string, error) {
	out := make([]string, 0, len(topics))
	for _, t := range topics {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" {
			continue
		}
		if t != AllTopics && !slugPattern.MatchString(t) {
			return nil, Errorf(EINVALID, "topic %q: use lower-case letters, digits, '.', '-' or '_'", t)
		}
		out = append(out, t)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// NormaliseTopics is the canonical form of a topic list: lower case,
// trimmed, sorted, without duplicates or empty entries. It fails with
// EINVALID on a topic that is not a slug or "*".
func NormaliseTopics(topics []string) ([]string, error) { return normaliseTopics(topics) }

// AllTopics in an officer's need-to-know or an agreement's scope stands for
// every topic.
const AllTopics = "*"

// CoversTopics reports whether scope (which may hold AllTopics) covers every
// topic in topics.
func CoversTopics(scope, topics []string) bool {
	if slices.Contains(scope, AllTopics) {
		return true
	}
	for _, t := range topics {
		if !slices.Contains(scope, t) {
			return false
		}
	}
	return true
}

// SharesTopic reports whether scope (which may hold AllTopics) shares at
// least one topic with topics.
func SharesTopic(scope, topics []string) bool {
	if slices.Contains(scope, AllTopics) {
		return true
	}
	for _, t := range topics {
		if slices.Contains(scope, t) {
			return true
		}
	}
	return false
}
