package stix_test

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/stix"
)

func TestParse(t *testing.T) {
	ts := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		in   string
		want *stix.Header
	}{
		{
			name: "report",
			in: `{"type":"report","spec_version":"2.1","id":"report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3",
				"created_by_ref":"identity--a463ffb3-1bd9-4d94-b02d-74e4f1658283",
				"created":"2015-12-21T19:59:11.000Z","modified":"2016-05-21T19:59:11.123456Z",
				"name":"The Black Vine Cyberespionage Group","description":"A simple report",
				"report_types":["campaign"],"labels":["espionage","apt"],"published":"2016-01-20T17:00:00Z",
				"object_refs":["indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2","campaign--83422c77-904c-4dc1-aff5-5c38f3a2c55c"],
				"object_marking_refs":["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"],
				"granular_markings":[{"selectors":["description"],"marking_ref":"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"},{"selectors":["name"],"lang":"en"}],
				"revoked":true,"x_custom":{"anything":[1,2]}}`,
			want: &stix.Header{
				ID: "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3", Type: "report", SpecVersion: "2.1",
				Created: ts("2015-12-21T19:59:11Z"), Modified: ts("2016-05-21T19:59:11.123456Z"), Revoked: true,
				CreatedByRef:        "identity--a463ffb3-1bd9-4d94-b02d-74e4f1658283",
				ObjectMarkingRefs:   []string{stix.TLPAmber},
				GranularMarkingRefs: []string{stix.TLPRed},
				ObjectRefs:          []string{"indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2", "campaign--83422c77-904c-4dc1-aff5-5c38f3a2c55c"},
				Name:                "The Black Vine Cyberespionage Group", Description: "A simple report",
				Labels: []string{"espionage", "apt"}, ReportTypes: []string{"campaign"}, Published: ts("2016-01-20T17:00:00Z"),
			},
		},
		{
			name: "observable without spec_version",
			in:   `{"type":"ipv4-addr","id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"198.51.100.3"}`,
			want: &stix.Header{ID: "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd", Type: "ipv4-addr", SpecVersion: "2.1"},
		},
		{
			name: "custom observable without spec_version",
			in:   `{"type":"x-wallet","id":"x-wallet--ff26c055-6336-5bc5-b98d-13d6226742dd","address":"1A"}`,
			want: &stix.Header{ID: "x-wallet--ff26c055-6336-5bc5-b98d-13d6226742dd", Type: "x-wallet", SpecVersion: "2.1"},
		},
		{
			name: "TLP 2.0 marking-definition",
			in: `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
				"created":"2022-10-01T00:00:00.000Z","name":"TLP:AMBER+STRICT","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"amber+strict"}}}`,
			want: &stix.Header{ID: stix.TLPAmberStrict, Type: "marking-definition", SpecVersion: "2.1",
				Created: ts("2022-10-01T00:00:00Z"), Name: "TLP:AMBER+STRICT", TLP: "AMBER+STRICT"},
		},
		{
			name: "TLP 1.0 marking-definition",
			in: `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
				"created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"TLP:WHITE","definition":{"tlp":"white"}}`,
			want: &stix.Header{ID: stix.TLP1White, Type: "marking-definition", SpecVersion: "2.1",
				Created: ts("2017-01-20T00:00:00Z"), Name: "TLP:WHITE", DefinitionType: "tlp", TLP: "CLEAR"},
		},
		{
			name: "statement marking-definition",
			in: `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168",
				"created":"2017-06-01T00:00:00.000Z","created_by_ref":"identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5",
				"definition_type":"statement","definition":{"statement":"Copyright 2015-2025, The MITRE Corporation."}}`,
			want: &stix.Header{ID: "marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168", Type: "marking-definition",
				SpecVersion: "2.1", Created: ts("2017-06-01T00:00:00Z"), CreatedByRef: "identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5",
				DefinitionType: "statement", Statement: "Copyright 2015-2025, The MITRE Corporation."},
		},
		{
			name: "escaped strings are decoded",
			in:   `{"type":"x-thing","spec_version":"2.1","id":"x-thing--ff26c055-6336-4bc5-b98d-13d6226742dd","created":"2020-01-01T00:00:00Z","modified":"2020-01-01T00:00:00Z","name":"caf\u00e9 \"x\""}`,
			want: &stix.Header{ID: "x-thing--ff26c055-6336-4bc5-b98d-13d6226742dd", Type: "x-thing", SpecVersion: "2.1",
				Created: ts("2020-01-01T00:00:00Z"), Modified: ts("2020-01-01T00:00:00Z"), Name: `café "x"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := stix.Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, h); d != "" {
				t.Errorf("header (-want +got):\n%s", d)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	const (
		id   = `"id":"indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2"`
		base = `"type":"indicator","spec_version":"2.1",` + id
		when = `"created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z"`
	)
	tests := []struct {
		name, in, want string
		code           string
	}{
		{"malformed", `{"type":`, "STIX object: malformed JSON", liaison.EBADJSON},
		{"not an object", `[1]`, "STIX object: a list, not a JSON object", liaison.EINVALID},
		{"no type", `{` + id + `}`, "indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2: type is required", ""},
		{"type not a string", `{"type":3}`, "STIX object: type: want a string, found a number", ""},
		{"type too short", `{"type":"ab"}`, `type "ab": a type is 3 to 250 characters`, ""},
		{"type upper case", `{"type":"Indicator"}`, `type "Indicator": a type starts with a lower-case letter`, ""},
		{"type with underscore", `{"type":"x_thing"}`, `a type holds only lower-case letters`, ""},
		{"type with double hyphen", `{"type":"x--thing"}`, `a type may not hold "--"`, ""},
		{"bundle", `{"type":"bundle","id":"bundle--26ffb872-1dd9-446e-b6f5-d58527e5b5d2"}`, "a bundle is not a STIX object", ""},
		{"no id", `{"type":"indicator"}`, "indicator object: id is required", ""},
		{"bad id", `{"type":"indicator","id":"indicator--1234"}`, `id "indicator--1234" is not the type, "--" and an RFC 4122 UUID`, ""},
		{"id not RFC 4122", `{"type":"indicator","id":"indicator--26ffb872-1dd9-046e-b6f5-d58527e5b5d2"}`, `is not the type, "--" and an RFC 4122 UUID`, ""},
		{"id of another type", `{"type":"malware",` + id + `}`, `id "indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2" does not start with the type "malware"`, ""},
		{"no spec_version", `{"type":"indicator",` + id + `,` + when + `}`, "spec_version is required", ""},
		{"STIX 2.0", `{"type":"indicator","spec_version":"2.0",` + id + `,` + when + `}`, `spec_version "2.0": liaison reads STIX 2.1 objects only`, ""},
		{"no created", `{` + base + `,"modified":"2016-04-06T20:03:48.000Z"}`, "created is required", ""},
		{"no modified", `{` + base + `,"created":"2016-04-06T20:03:48.000Z"}`, "modified is required", ""},
		{"OASIS TLP example's bad date", `{` + base + `,"created":"2022-101-27T13:49:54.326Z","modified":"2022-10-27T13:49:54.326Z"}`,
			`indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2: created: "2022-101-27T13:49:54.326Z" is not a STIX timestamp: the date is not YYYY-MM-DD`, ""},
		{"timestamp with an offset", `{` + base + `,"created":"2016-04-06T20:03:48+01:00","modified":"2016-04-06T20:03:48.000Z"}`,
			`created: "2016-04-06T20:03:48+01:00" is not a STIX timestamp: it does not end in "Z" (UTC)`, ""},
		{"timestamp without time", `{` + base + `,"created":"2016-04-06","modified":"2016-04-06T20:03:48.000Z"}`,
			`is not a STIX timestamp: the date is not followed by "T" and a time`, ""},
		{"timestamp not a date", `{` + base + `,"created":"2016-02-30T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z"}`,
			`day 2016-02-30 does not exist`, ""},
		{"timestamp bad hour", `{` + base + `,"created":"2016-02-03T24:03:48.000Z","modified":"2016-04-06T20:03:48.000Z"}`,
			`time 24:03:48 does not exist`, ""},
		{"timestamp bad fraction", `{` + base + `,"created":"2016-02-03T20:03:48.Z","modified":"2016-04-06T20:03:48.000Z"}`,
			`"." is not followed by digits`, ""},
		{"modified before created", `{` + base + `,"created":"2016-04-06T20:03:48.001Z","modified":"2016-04-06T20:03:48.000Z"}`,
			`modified 2016-04-06T20:03:48.000Z is before created 2016-04-06T20:03:48.001Z`, ""},
		{"created_by_ref not an identity", `{` + base + `,` + when + `,"created_by_ref":"malware--26ffb872-1dd9-446e-b6f5-d58527e5b5d2"}`,
			`created_by_ref: "malware--26ffb872-1dd9-446e-b6f5-d58527e5b5d2" is not a identity`, ""},
		{"marking ref not an id", `{` + base + `,` + when + `,"object_marking_refs":["TLP:RED"]}`,
			`object_marking_refs[0]: "TLP:RED" is not a STIX identifier (type--UUID)`, ""},
		{"marking ref not a marking", `{` + base + `,` + when + `,"object_marking_refs":["identity--26ffb872-1dd9-446e-b6f5-d58527e5b5d2"]}`,
			`object_marking_refs[0]: "identity--26ffb872-1dd9-446e-b6f5-d58527e5b5d2" is not a marking-definition`, ""},
		{"marking refs not a list", `{` + base + `,` + when + `,"object_marking_refs":"x"}`,
			`object_marking_refs: want a list of strings, found a string`, ""},
		{"granular marking without ref or lang", `{` + base + `,` + when + `,"granular_markings":[{"selectors":["name"]}]}`,
			`granular_markings[0]: needs a marking_ref or a lang`, ""},
		{"report without object_refs", `{"type":"report","spec_version":"2.1","id":"report--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",` + when + `,"name":"r","published":"2016-04-06T20:03:48.000Z"}`,
			`object_refs is required`, ""},
		{"object ref not an id", `{"type":"note","spec_version":"2.1","id":"note--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",` + when + `,"object_refs":["x"]}`,
			`object_refs[0]: "x" is not a STIX identifier`, ""},
		{"revoked not a boolean", `{` + base + `,` + when + `,"revoked":"yes"}`, `revoked: want true or false, found a string`, ""},
		{"marking-definition without created", `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--26ffb872-1dd9-446e-b6f5-d58527e5b5d2"}`,
			`created is required`, ""},
		{"custom object with created only", `{"type":"x-mitre-tactic","spec_version":"2.1","id":"x-mitre-tactic--26ffb872-1dd9-446e-b6f5-d58527e5b5d2","created":"2016-04-06T20:03:48.000Z"}`,
			`modified is required`, ""},
		{"liaison extension with an unknown property", `{` + base + `,` + when + `,"extensions":{"` + stix.ExtensionID + `":{"extension_type":"property-extension","no_ai":true}}}`,
			`extensions.` + stix.ExtensionID + `: liaison extension: json: unknown field "no_ai"`, ""},
		{"liaison extension of the wrong type", `{` + base + `,` + when + `,"extensions":{"` + stix.ExtensionID + `":{"extension_type":"new-sdo"}}}`,
			`extension_type "new-sdo", want "property-extension"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := stix.Parse([]byte(tt.in))
			if err == nil {
				t.Fatalf("no error, header %+v", h)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
			code := tt.code
			if code == "" {
				code = liaison.EINVALID
			}
			if liaison.ErrorCode(err) != code {
				t.Errorf("code %s, want %s", liaison.ErrorCode(err), code)
			}
			if code == liaison.EINVALID && tt.code == "" && strings.Contains(tt.in, id) && h.ID == "" && !strings.Contains(tt.in, `"type":3`) {
				t.Errorf("the header returned with the error does not carry the id")
			}
		})
	}
}

func TestTimestamps(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Time
	}{
		{"2016-05-12T08:17:27Z", time.Date(2016, 5, 12, 8, 17, 27, 0, time.UTC)},
		{"2016-05-12T08:17:27.1Z", time.Date(2016, 5, 12, 8, 17, 27, 100_000_000, time.UTC)},
		{"2016-05-12T08:17:27.123456789123Z", time.Date(2016, 5, 12, 8, 17, 27, 123456789, time.UTC)},
		{"2016-12-31T23:59:60Z", time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"2024-02-29T00:00:00.000Z", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
	} {
		got, err := stix.ParseTimestamp(tt.in)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseTimestamp(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "2016", "2016-05-12 08:17:27Z", "2016-05-12t08:17:27Z", "2016-05-12T08:17:27z",
		"2016-05-12T08:17:27", "2016-05-12T08:17:27Zx", "2023-02-29T00:00:00Z", "2016-13-01T00:00:00Z", "2016-05-12T08:60:00Z",
		"+2016-05-12T08:17:27Z", "2016-5-12T08:17:27Z"} {
		if _, err := stix.ParseTimestamp(in); err == nil {
			t.Errorf("ParseTimestamp(%q): no error", in)
		}
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 123_456_789, time.FixedZone("CET", 3600))
	if got := stix.FormatTimestamp(at); got != "2026-01-02T02:04:05.123Z" {
		t.Errorf("FormatTimestamp = %q", got)
	}
}

// attackObjects returns the raw objects of ATT&CK for ICS.
func attackObjects(tb testing.TB) [][]byte {
	tb.Helper()
	data, err := os.ReadFile(sharedData(tb, "attack/ics-attack.json"))
	if err != nil {
		tb.Fatal(err)
	}
	r := stix.NewReader(bytes.NewReader(data))
	var objs [][]byte
	for {
		raw, err := r.Next()
		if err == io.EOF {
			return objs
		}
		if err != nil {
			tb.Fatal(err)
		}
		objs = append(objs, raw)
	}
}

func TestParseATTACK(t *testing.T) {
	types := map[string]int{}
	for _, raw := range attackObjects(t) {
		h, err := stix.Parse(raw)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		types[h.Type]++
		if h.Version().IsZero() && h.Type != "marking-definition" {
			t.Errorf("%s has no version", h.ID)
		}
	}
	if types["x-mitre-tactic"] != 12 || types["relationship"] != 1373 || types["marking-definition"] != 1 {
		t.Errorf("types read: %v", types)
	}
}

func BenchmarkParse(b *testing.B) {
	objs := attackObjects(b)
	var size int64
	for _, o := range objs {
		size += int64(len(o))
	}
	b.SetBytes(size / int64(len(objs)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := stix.Parse(objs[i%len(objs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
