package taxii

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Filter holds the URL query parameters of TAXII 2.1 section 3.4 that the
// objects, object, versions, manifest and delete endpoints take. The zero
// Filter asks for everything, with the server's defaults (oldest first, the
// latest version of each object, the server's page size).
type Filter struct {
	// AddedAfter, unless zero, asks only for records added to the
	// collection after it (added_after).
	AddedAfter time.Time
	// Limit, when positive, is the most records the client wants in one
	// response (limit). Zero leaves it to the server; negative is an error.
	Limit int
	// Next is the opaque paging value of a previous response's "next"
	// property, sent back with the same other parameters (next).
	Next string
	// ID, Type, Version and SpecVersion are match[id], match[type],
	// match[version] and match[spec_version]. The values of one field are
	// ORed, the fields ANDed. Version takes "first", "last", "all" or STIX
	// timestamps; SpecVersion takes "2.0", "2.1".
	ID, Type, Version, SpecVersion []string
	// Match holds match[<field>] filters on fields this type does not name,
	// keyed by field ("id", "type", "version" and "spec_version" belong in
	// the fields above).
	Match map[string][]string
}

// Query returns f as a URL query without the leading "?", written the way
// TAXII 2.1 writes it: brackets and the commas between values literal
// ("match[type]=indicator,malware"), timestamps in TAXII format with
// microseconds ("added_after=2025-01-02T03:04:05.123456Z"), anything else
// percent-encoded. Parameters come in a fixed order: added_after, limit,
// next, then the match fields sorted by name. It is an error for Limit to
// be negative, for a match value to be empty or hold a comma (the
// separator), for a match field name to be anything but letters, digits,
// "_" and "-", or for a field to be given twice.
func (f Filter) Query() (string, error) {
	var b strings.Builder
	add := func(key, value string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(key)
		b.WriteByte('=')
		b.WriteString(value)
	}
	if !f.AddedAfter.IsZero() {
		add("added_after", formatAddedAfter(f.AddedAfter))
	}
	switch {
	case f.Limit < 0:
		return "", fmt.Errorf("taxii: filter: limit %d: want a positive integer, or 0 for the server's default", f.Limit)
	case f.Limit > 0:
		add("limit", strconv.Itoa(f.Limit))
	}
	if f.Next != "" {
		add("next", escapeQuery(f.Next, false))
	}
	match := make(map[string][]string, len(f.Match)+4)
	for field, values := range f.Match {
		if !validField(field) {
			return "", fmt.Errorf("taxii: filter: match field %q: want letters, digits, _ and - only", field)
		}
		match[field] = values
	}
	for _, m := range []struct {
		field  string
		values []string
	}{{"id", f.ID}, {"type", f.Type}, {"version", f.Version}, {"spec_version", f.SpecVersion}} {
		if len(m.values) == 0 {
			continue
		}
		if _, dup := match[m.field]; dup {
			return "", fmt.Errorf("taxii: filter: match[%s] given both in Match and as a field", m.field)
		}
		match[m.field] = m.values
	}
	fields := make([]string, 0, len(match))
	for field, values := range match {
		if len(values) > 0 {
			fields = append(fields, field)
		}
	}
	slices.Sort(fields)
	for _, field := range fields {
		values := match[field]
		escaped := make([]string, len(values))
		for i, v := range values {
			if v == "" || strings.Contains(v, ",") {
				return "", fmt.Errorf("taxii: filter: match[%s] value %q: want a non-empty value without a comma", field, v)
			}
			escaped[i] = escapeQuery(v, true)
		}
		add("match["+field+"]", strings.Join(escaped, ","))
	}
	return b.String(), nil
}

// formatAddedAfter renders t as a TAXII timestamp, keeping nanoseconds
// when t has them (a server that sent nine digits in X-TAXII-Date-Added-Last
// gets them back, so that added_after does not fall before its own record).
func formatAddedAfter(t time.Time) string {
	if t.Nanosecond()%1000 != 0 {
		return t.UTC().Format("2006-01-02T15:04:05.000000000Z")
	}
	return FormatTimestamp(t)
}

// validField reports whether s can name a match field.
func validField(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// escapeQuery percent-encodes s for a query value, leaving the unreserved
// characters of RFC 3986 as they are and, when keepColon, ":" (which
// timestamps have and RFC 3986 allows in a query).
func escapeQuery(s string, keepColon bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == ':' && keepColon:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
