package taxii

import (
	"net/url"
	"testing"
	"time"
)

func TestFilterQuery(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	tests := []struct {
		name string
		f    Filter
		want string
	}{
		{"zero", Filter{}, ""},
		{"added_after with microseconds", Filter{AddedAfter: time.Date(2025, 1, 2, 3, 4, 5, 123456000, time.UTC)}, "added_after=2025-01-02T03:04:05.123456Z"},
		{"added_after on the second", Filter{AddedAfter: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}, "added_after=2025-01-02T03:04:05.000000Z"},
		{"added_after in another zone", Filter{AddedAfter: time.Date(2025, 1, 2, 4, 4, 5, 1000, paris)}, "added_after=2025-01-02T03:04:05.000001Z"},
		{"added_after with nanoseconds", Filter{AddedAfter: time.Date(2025, 1, 2, 3, 4, 5, 123456789, time.UTC)}, "added_after=2025-01-02T03:04:05.123456789Z"},
		{"limit", Filter{Limit: 100}, "limit=100"},
		{"next", Filter{Next: "abc-123_x.y~z"}, "next=abc-123_x.y~z"},
		{"next escaped", Filter{Next: "a b+c&d=e,f/g:h"}, "next=a%20b%2Bc%26d%3De%2Cf%2Fg%3Ah"},
		{"match[id] one", Filter{ID: []string{"indicator--3600ad1b-fff1-4c98-bcc9-4de3bc2e2ffb"}}, "match[id]=indicator--3600ad1b-fff1-4c98-bcc9-4de3bc2e2ffb"},
		{"match[id] two", Filter{ID: []string{"a", "b"}}, "match[id]=a,b"},
		{"match[type]", Filter{Type: []string{"incident", "malware"}}, "match[type]=incident,malware"},
		{"match[version]", Filter{Version: []string{"first", "2018-03-02T01:01:01.123Z", "last"}}, "match[version]=first,2018-03-02T01:01:01.123Z,last"},
		{"match[spec_version]", Filter{SpecVersion: []string{"2.0", "2.1"}}, "match[spec_version]=2.0,2.1"},
		{"match on another field", Filter{Match: map[string][]string{"x_acme_score": {"high"}}}, "match[x_acme_score]=high"},
		{"value escaped", Filter{Type: []string{"x-my type+1"}}, "match[type]=x-my%20type%2B1"},
		{"empty lists are left out", Filter{ID: []string{}, Match: map[string][]string{"x": nil}}, ""},
		{"everything, in order", Filter{
			AddedAfter: time.Date(2016, 11, 4, 3, 4, 5, 51000, time.UTC), Limit: 10, Next: "n1",
			ID: []string{"a", "b"}, Type: []string{"indicator"}, Version: []string{"all"}, SpecVersion: []string{"2.1"},
			Match: map[string][]string{"x_b": {"2"}, "x_a": {"1"}},
		}, "added_after=2016-11-04T03:04:05.000051Z&limit=10&next=n1&match[id]=a,b&match[spec_version]=2.1&match[type]=indicator&match[version]=all&match[x_a]=1&match[x_b]=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.f.Query()
			if err != nil || got != tt.want {
				t.Fatalf("Query() = %q, %v; want %q", got, err, tt.want)
			}
			// What a server reads back is what was meant.
			q, err := url.ParseQuery(got)
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", got, err)
			}
			if tt.f.Next != "" && q.Get("next") != tt.f.Next {
				t.Errorf("next reads back as %q", q.Get("next"))
			}
			for _, v := range tt.f.Type {
				if q.Get("match[type]") != v && len(tt.f.Type) == 1 {
					t.Errorf("match[type] reads back as %q, want %q", q.Get("match[type]"), v)
				}
			}
		})
	}
}

func TestFilterQueryErrors(t *testing.T) {
	tests := []struct {
		name string
		f    Filter
	}{
		{"negative limit", Filter{Limit: -1}},
		{"comma in a value", Filter{ID: []string{"a,b"}}},
		{"empty value", Filter{Type: []string{"indicator", ""}}},
		{"field given twice", Filter{ID: []string{"a"}, Match: map[string][]string{"id": {"b"}}}},
		{"bad field name", Filter{Match: map[string][]string{"a]&x[": {"b"}}}},
		{"empty field name", Filter{Match: map[string][]string{"": {"b"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if q, err := tt.f.Query(); err == nil {
				t.Errorf("Query() = %q, want an error", q)
			}
		})
	}
}
