package api

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/taxii"
)

// taxiiParams is a set of the URL query parameters of TAXII 2.1 section
// 3.4, those an endpoint takes. An endpoint reads only its own; the others
// are ignored, as are match fields the server does not know (the spec
// lets a server ignore fields it does not understand).
type taxiiParams uint8

// The TAXII query parameters.
const (
	paramAddedAfter taxiiParams = 1 << iota
	paramLimit
	paramNext
	paramMatchID
	paramMatchType
	paramMatchVersion
	paramMatchSpecVersion

	// paramsPaging are the parameters of every endpoint that pages.
	paramsPaging = paramAddedAfter | paramLimit | paramNext
	// paramsObjects are those of the objects and manifest endpoints.
	paramsObjects = paramsPaging | paramMatchID | paramMatchType | paramMatchVersion | paramMatchSpecVersion
	// paramsObject are those of the object-by-id endpoint (TAXII 2.1
	// section 5.6): the path gives the id, so match[id] and match[type]
	// are ignored there.
	paramsObject = paramsPaging | paramMatchVersion | paramMatchSpecVersion
	// paramsVersions are those of the versions endpoint (section 5.8),
	// which lists every version.
	paramsVersions = paramsPaging | paramMatchSpecVersion
	// paramsDelete are those of DELETE on an object (section 5.7).
	paramsDelete = paramMatchVersion | paramMatchSpecVersion
)

// parseTAXIIQuery reads the TAXII query parameters of rawQuery that the
// endpoint takes (want) into an ObjectQuery, with Limit set to the page
// size to ask for. A malformed parameter, and any of them given more than
// once, is an EINVALID error that says which parameter and why: TAXII
// answers those with 400.
//
//   - added_after: one timestamp in UTC with a "Z" and any number of
//     fractional digits.
//   - limit: a whole number above zero; more than liaison.MaxObjectPage
//     asks for liaison.MaxObjectPage; absent, taxiiDefaultPage.
//   - next: the opaque string of the previous envelope, passed on as it is.
//   - match[id], match[type]: comma-separated values, none empty, without
//     spaces.
//   - match[version]: comma-separated "last", "first", "all" or STIX
//     timestamps, none twice, and "all" alone. Absent means last.
//   - match[spec_version]: comma-separated versions such as 2.0 or 2.1.
//     Absent means the latest each object has.
func parseTAXIIQuery(rawQuery string, want taxiiParams) (liaison.ObjectQuery, error) {
	q := liaison.ObjectQuery{Limit: taxiiDefaultPage}
	if rawQuery == "" {
		return q, nil
	}
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return q, liaison.Errorf(liaison.EINVALID, "the query string is malformed: %v", err)
	}
	// one returns the single value of a parameter the endpoint takes.
	one := func(p taxiiParams, name string) (string, bool, error) {
		vs, ok := values[name]
		if !ok || want&p == 0 {
			return "", false, nil
		}
		if len(vs) != 1 {
			return "", false, liaison.Errorf(liaison.EINVALID, "query parameter %s is given %d times; TAXII allows it once", name, len(vs))
		}
		return vs[0], true, nil
	}

	if s, ok, err := one(paramAddedAfter, "added_after"); err != nil {
		return q, err
	} else if ok {
		t, err := taxii.ParseTimestamp(s)
		if err != nil {
			return q, liaison.Errorf(liaison.EINVALID, "query parameter added_after: %q is not a timestamp such as 2025-01-02T03:04:05.123456Z", s)
		}
		q.AddedAfter = t
	}
	if s, ok, err := one(paramLimit, "limit"); err != nil {
		return q, err
	} else if ok {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 || strings.HasPrefix(s, "+") {
			return q, liaison.Errorf(liaison.EINVALID, "query parameter limit: %q is not a whole number above zero", s)
		}
		q.Limit = min(n, liaison.MaxObjectPage)
	}
	if s, ok, err := one(paramNext, "next"); err != nil {
		return q, err
	} else if ok {
		if s == "" {
			return q, liaison.Errorf(liaison.EINVALID, "query parameter next is empty; give the next of the previous envelope")
		}
		q.Next = s
	}
	if s, ok, err := one(paramMatchID, "match[id]"); err != nil {
		return q, err
	} else if ok {
		if q.IDs, err = matchList("match[id]", s); err != nil {
			return q, err
		}
	}
	if s, ok, err := one(paramMatchType, "match[type]"); err != nil {
		return q, err
	} else if ok {
		if q.Types, err = matchList("match[type]", s); err != nil {
			return q, err
		}
	}
	if s, ok, err := one(paramMatchVersion, "match[version]"); err != nil {
		return q, err
	} else if ok {
		if q.Versions, err = matchVersions(s); err != nil {
			return q, err
		}
	}
	if s, ok, err := one(paramMatchSpecVersion, "match[spec_version]"); err != nil {
		return q, err
	} else if ok {
		if q.SpecVersions, err = matchSpecVersions(s); err != nil {
			return q, err
		}
	}
	return q, nil
}

// matchList splits the comma-separated values of a match field. Every
// value must be non-empty and free of spaces and control characters
// (TAXII 2.1 section 3.4: "separated by a comma without any spaces").
func matchList(field, s string) ([]string, error) {
	var out []string
	for v := range strings.SplitSeq(s, ",") {
		if v == "" {
			return nil, liaison.Errorf(liaison.EINVALID, "query parameter %s: %q has an empty value; separate values by single commas", field, s)
		}
		if i := strings.IndexFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f }); i >= 0 {
			return nil, liaison.Errorf(liaison.EINVALID, "query parameter %s: %q holds a space or control character; separate values by commas without spaces", field, v)
		}
		out = append(out, v)
	}
	return out, nil
}

// matchVersions reads match[version] into a VersionMatch.
func matchVersions(s string) (liaison.VersionMatch, error) {
	var m liaison.VersionMatch
	vs, err := matchList("match[version]", s)
	if err != nil {
		return m, err
	}
	twice := func(v string) error {
		return liaison.Errorf(liaison.EINVALID, "query parameter match[version]: %q is given twice", v)
	}
	for _, v := range vs {
		switch v {
		case "all":
			if m.All {
				return m, twice(v)
			}
			m.All = true
		case "first":
			if m.First {
				return m, twice(v)
			}
			m.First = true
		case "last":
			if m.Last {
				return m, twice(v)
			}
			m.Last = true
		default:
			t, err := taxii.ParseTimestamp(v)
			if err != nil {
				return m, liaison.Errorf(liaison.EINVALID, "query parameter match[version]: %q is neither last, first, all nor a timestamp such as 2016-01-01T01:01:01.000Z", v)
			}
			for _, u := range m.At {
				if u.Equal(t) {
					return m, twice(v)
				}
			}
			m.At = append(m.At, t)
		}
	}
	if m.All && len(vs) > 1 {
		return m, liaison.Errorf(liaison.EINVALID, "query parameter match[version]: all may not be combined with other versions")
	}
	return m, nil
}

// matchSpecVersions reads match[spec_version]: versions of the form n.m,
// each once in the result.
func matchSpecVersions(s string) ([]string, error) {
	vs, err := matchList("match[spec_version]", s)
	if err != nil {
		return nil, err
	}
	out := vs[:0]
	for _, v := range vs {
		if !isSpecVersion(v) {
			return nil, liaison.Errorf(liaison.EINVALID, "query parameter match[spec_version]: %q is not a version such as 2.1", v)
		}
		dup := false
		for _, u := range out {
			dup = dup || u == v
		}
		if !dup {
			out = append(out, v)
		}
	}
	return out, nil
}

// isSpecVersion reports whether s has the form n.m of decimal digits.
func isSpecVersion(s string) bool {
	major, minor, ok := strings.Cut(s, ".")
	return ok && isDigits(major) && isDigits(minor)
}

func isDigits(s string) bool {
	if s == "" || len(s) > 4 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// taxiiVersion is the TAXII version string of an object version: its
// STIX modified (or created) timestamp with microseconds, or with
// nanoseconds when it is that precise, so that a version given back in
// match[version] selects exactly it. An object that has neither (a
// cyber-observable, whose Version is zero) is versioned by its date_added
// in the collection: TAXII asks for "a value consistent to the server".
func taxiiVersion(o *liaison.Object) string {
	t := o.Version
	if t.IsZero() {
		t = o.Added
	}
	return formatVersion(t)
}

// formatVersion renders a version timestamp: six fractional digits, or
// nine when the time has sub-microsecond precision.
func formatVersion(t time.Time) string {
	if t.Nanosecond()%1000 != 0 {
		return t.UTC().Format("2006-01-02T15:04:05.000000000Z")
	}
	return taxii.FormatTimestamp(t)
}
