package misp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liaison-dev/liaison/stix"
)

const (
	fixtureEvent    = "5f3c2a1b-7d4e-4c2a-9b1e-3a5d7c9e1f20"
	fixtureIdentity = "identity--225233fb-8090-55aa-8a5f-aca3ad83c607" // UUIDv5(Namespace, Orgc uuid)
	md5Invoice      = "e5f96ae00443877315fbb64fd3d90005"
	sha1Lantern     = "1f8df4489b213ba892d52e14f794401c3e693650"
	sha256Dropper   = "a934d8d273e44f15ccddbcd7180cf99d0fff719acff064f0b080299f9cd83e41"
)

func readFixture(t *testing.T) *Event {
	t.Helper()
	f, err := os.Open("testdata/event.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e, err := ReadEvent(f)
	if err != nil {
		t.Fatalf("ReadEvent: %v", err)
	}
	return e
}

// decode turns the produced objects into maps by id, failing on duplicates.
func decode(t *testing.T, raws []json.RawMessage) (map[string]map[string]any, []string) {
	t.Helper()
	byID := map[string]map[string]any{}
	var ids []string
	for _, raw := range raws {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("produced invalid JSON %s: %v", raw, err)
		}
		id, _ := m["id"].(string)
		if _, dup := byID[id]; dup {
			t.Fatalf("id %s produced twice", id)
		}
		byID[id] = m
		ids = append(ids, id)
	}
	return byID, ids
}

func convert(t *testing.T, e *Event, opts Options) (map[string]map[string]any, []string, []json.RawMessage) {
	t.Helper()
	raws, err := e.STIX(opts)
	if err != nil {
		t.Fatalf("STIX: %v", err)
	}
	byID, ids := decode(t, raws)
	return byID, ids, raws
}

func markingOf(t *testing.T, o map[string]any) string {
	t.Helper()
	refs, _ := o["object_marking_refs"].([]any)
	if len(refs) != 1 {
		t.Fatalf("%s: object_marking_refs = %v, want exactly one", o["id"], o["object_marking_refs"])
	}
	level, ok := stix.TLPLevel(refs[0].(string))
	if !ok {
		t.Fatalf("%s: marking %v is not a TLP id", o["id"], refs[0])
	}
	return level
}

func TestReadEventFixture(t *testing.T) {
	e := readFixture(t)
	checks := []struct {
		name      string
		got, want any
	}{
		{"uuid", e.UUID, fixtureEvent},
		{"info", e.Info, "OSINT - Operation Paper Lantern: spear-phishing against foreign ministries"},
		{"date", e.Date, time.Date(2024, 3, 14, 0, 0, 0, 0, time.UTC)},
		{"timestamp", e.Timestamp, time.Unix(1710500000, 0).UTC()},
		{"publish_timestamp", e.PublishTimestamp, time.Unix(1710503600, 0).UTC()},
		{"published", e.Published, true},
		{"threat_level_id", e.ThreatLevel, 1},
		{"analysis", e.Analysis, 2},
		{"distribution", e.Distribution, 1},
		{"Orgc", e.Orgc, Org{UUID: "55f6ea5e-2c60-40e5-964f-47a8950d210f", Name: "CIRCL"}},
		{"Org name", e.Org.Name, "NCSC-Liaison"},
		{"tags", strings.Join(e.Tags, "\n"), strings.Join([]string{
			"TLP:GREEN", `misp-galaxy:threat-actor="APT28"`, "type:OSINT",
			`misp-galaxy:mitre-attack-pattern="Spearphishing Attachment - T1566.001"`}, "\n")},
		{"attributes (deleted one left out)", len(e.Attributes), 19},
		{"objects", len(e.Objects), 1},
		{"object attributes", len(e.Objects[0].Attributes), 3},
		{"object relation", e.Objects[0].Attributes[1].ObjectRelation, "sha1"},
		{`to_ids "1"`, e.Attributes[4].ToIDs, true},
		{`to_ids "0"`, e.Attributes[7].ToIDs, false},
		{"attribute distribution", e.Attributes[0].Distribution, DistInherit},
		{"attribute galaxy tag", slices.Contains(e.Attributes[18].Tags, `misp-galaxy:mitre-attack-pattern="Exfiltration Over C2 Channel - T1041"`), true},
		{"attribute timestamp", e.Attributes[0].Timestamp, time.Unix(1710499000, 0).UTC()},
		{"escaped value", e.Attributes[2].Value, `https://paper-lantern.example/o'brien\path?q=1`},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestEventSTIXFixture(t *testing.T) {
	e := readFixture(t)
	byID, ids, raws := convert(t, e, Options{})
	validateAll(t, raws)

	if len(raws) != 25 {
		t.Errorf("produced %d objects, want 25 (report, identity, 23 from 22 attributes)", len(raws))
	}
	a := func(n string) string { return "a0000001-0000-4000-8000-0000000000" + n }
	// The event is TLP:GREEN with distribution 1 (this community only,
	// AMBER): attributes that inherit both are AMBER, the stricter.
	tests := []struct {
		id      string
		tlp     string
		pattern string         // for indicators
		props   map[string]any // further properties that must be equal
	}{
		{"indicator--" + a("01"), "AMBER", `[ipv4-addr:value = '198.51.100.23']`,
			map[string]any{"description": "C2 server", "valid_from": "2024-03-15T10:36:40.000Z", "x_misp_category": "Network activity"}},
		{"indicator--" + a("02"), "RED", `[domain-name:value = 'paper-lantern.example']`, nil},
		{"indicator--" + a("03"), "AMBER", `[url:value = 'https://paper-lantern.example/o\'brien\\path?q=1']`, nil},
		{"indicator--" + a("04"), "AMBER", `[file:hashes.'SHA-256' = '` + sha256Dropper + `']`, nil},
		{"indicator--" + a("05"), "AMBER", `[file:name = 'invoice.doc' AND file:hashes.MD5 = '` + md5Invoice + `']`, nil},
		{"ipv4-addr--" + a("06"), "AMBER", "", map[string]any{"value": "203.0.113.7", "x_misp_type": "ip-src"}},
		{"domain-name--" + a("07"), "AMBER+STRICT", "", map[string]any{"value": "mail.paper-lantern.example",
			"x_misp_tags": []any{`osint:source-type="blog-post"`}}},
		{"email-addr--" + a("08"), "AMBER", "", map[string]any{"value": "attacker@paper-lantern.example"}},
		{"indicator--" + a("09"), "AMBER", `[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\lantern']`, nil},
		{"autonomous-system--" + a("0a"), "AMBER", "", map[string]any{"number": float64(64496)}},
		{"vulnerability--" + a("0b"), "AMBER", "", map[string]any{"name": "CVE-2023-23397",
			"description":         "Outlook elevation of privilege",
			"external_references": []any{map[string]any{"source_name": "cve", "external_id": "CVE-2023-23397"}}}},
		{"note--" + a("0c"), "AMBER", "", map[string]any{"content": "The actor reused infrastructure from its 2023 campaign.",
			"object_refs": []any{"report--" + fixtureEvent}}},
		{"x-misp-attribute--" + a("0d"), "AMBER", "", map[string]any{"x_misp_type": "link",
			"x_misp_value": "https://blog.example.org/paper-lantern", "x_misp_to_ids": false}},
		{"indicator--" + a("0e"), "AMBER", `[network-traffic:dst_ref.type = 'ipv6-addr' AND network-traffic:dst_ref.value = '2001:db8::5' AND network-traffic:dst_port = 443]`, nil},
		{"domain-name--" + a("0f"), "AMBER", "", map[string]any{"value": "cdn.paper-lantern.example",
			"resolves_to_refs": []any{"ipv4-addr--666596e3-6283-52b4-abff-278e46d5bfd4"}}},
		{"ipv4-addr--666596e3-6283-52b4-abff-278e46d5bfd4", "AMBER", "", map[string]any{"value": "198.51.100.24"}},
		{"indicator--" + a("10"), "AMBER", `[mutex:name = 'Global\\PL_Mutex\'1']`, nil},
		{"email-message--" + a("11"), "AMBER", "", map[string]any{"subject": "Invitation: ministerial meeting", "is_multipart": false}},
		{"x-misp-attribute--" + a("13"), "AMBER", "", map[string]any{"x_misp_value": "not-an-ip", "x_misp_to_ids": true,
			"x_misp_unmapped_reason": `ip-dst value "not-an-ip" is not an IP address or CIDR block`}},
		// the event's TLP:GREEN tag, but distribution 0: the stricter
		{"ipv4-addr--" + a("14"), "RED", "", map[string]any{"value": "192.0.2.10",
			"x_misp_tags": []any{`misp-galaxy:mitre-attack-pattern="Exfiltration Over C2 Channel - T1041"`}}},
		{"file--c0000001-0000-4000-8000-000000000001", "AMBER", "", map[string]any{"name": "lantern.dll",
			"x_misp_object_name": "file", "x_misp_object_relation": "filename", "x_misp_meta_category": "file",
			"x_misp_object_uuid": "b0000001-0000-4000-8000-000000000001", "x_misp_object_comment": "second stage"}},
		{"indicator--c0000001-0000-4000-8000-000000000002", "AMBER", `[file:hashes.'SHA-1' = '` + sha1Lantern + `']`,
			map[string]any{"labels": []any{"misp-object:file"}, "modified": "2024-03-15T10:45:00.000Z"}},
		{"x-misp-attribute--c0000001-0000-4000-8000-000000000003", "AMBER", "", map[string]any{"x_misp_type": "size-in-bytes",
			"x_misp_value": "482304", "labels": []any{"misp-object:file"}}},
	}
	for _, tc := range tests {
		o, ok := byID[tc.id]
		if !ok {
			t.Errorf("%s not produced", tc.id)
			continue
		}
		if got := markingOf(t, o); got != tc.tlp {
			t.Errorf("%s: marking %s, want %s", tc.id, got, tc.tlp)
		}
		if tc.pattern != "" {
			if o["pattern"] != tc.pattern {
				t.Errorf("%s: pattern\n got %v\nwant %s", tc.id, o["pattern"], tc.pattern)
			}
			if o["pattern_type"] != "stix" || o["pattern_version"] != "2.1" {
				t.Errorf("%s: pattern_type %v version %v", tc.id, o["pattern_type"], o["pattern_version"])
			}
		}
		for k, want := range tc.props {
			if !jsonEqual(o[k], want) {
				t.Errorf("%s: %s = %#v, want %#v", tc.id, k, o[k], want)
			}
		}
		if strings.HasPrefix(tc.id, "indicator--") || strings.HasPrefix(tc.id, "vulnerability--") ||
			strings.HasPrefix(tc.id, "note--") || strings.HasPrefix(tc.id, "x-misp-attribute--") {
			if o["created_by_ref"] != fixtureIdentity {
				t.Errorf("%s: created_by_ref %v", tc.id, o["created_by_ref"])
			}
		}
	}
	for id, o := range byID {
		if o["x_misp_attribute_uuid"] == a("12") {
			t.Errorf("deleted attribute produced %s", id)
		}
	}

	rep := byID["report--"+fixtureEvent]
	if rep == nil {
		t.Fatal("no report")
	}
	if ids[0] != "report--"+fixtureEvent {
		t.Errorf("first object %s, want the report", ids[0])
	}
	wantReport := map[string]any{
		"name":                   e.Info,
		"published":              "2024-03-15T11:53:20.000Z",
		"created":                "2024-03-14T00:00:00.000Z",
		"modified":               "2024-03-15T10:53:20.000Z",
		"created_by_ref":         fixtureIdentity,
		"report_types":           []any{"threat-report"},
		"x_misp_threat_level_id": float64(1),
		"x_misp_analysis":        float64(2),
		"x_misp_distribution":    float64(1),
		"x_misp_published":       true,
		"labels": []any{`misp-galaxy:threat-actor="APT28"`, "type:OSINT",
			`misp-galaxy:mitre-attack-pattern="Spearphishing Attachment - T1566.001"`},
	}
	for k, want := range wantReport {
		if !jsonEqual(rep[k], want) {
			t.Errorf("report %s = %#v, want %#v", k, rep[k], want)
		}
	}
	if got := markingOf(t, rep); got != "AMBER" { // TLP:GREEN, distribution 1
		t.Errorf("report marking %s, want AMBER", got)
	}
	var refs []string
	for _, r := range rep["object_refs"].([]any) {
		refs = append(refs, r.(string))
	}
	others := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == "report--"+fixtureEvent })
	slices.Sort(refs)
	slices.Sort(others)
	if !slices.Equal(refs, others) {
		t.Errorf("report object_refs\n got %v\nwant %v", refs, others)
	}

	idn := byID[fixtureIdentity]
	if idn == nil {
		t.Fatalf("no identity %s", fixtureIdentity)
	}
	if idn["name"] != "CIRCL" || idn["identity_class"] != "organization" || markingOf(t, idn) != "AMBER" {
		t.Errorf("identity %v", idn)
	}
}

func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

func TestSTIXDeterministic(t *testing.T) {
	first, err := readFixture(t).STIX(Options{})
	if err != nil {
		t.Fatal(err)
	}
	second, err := readFixture(t).STIX(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != len(second) {
		t.Fatalf("%d objects, then %d", len(first), len(second))
	}
	for i := range first {
		if !bytes.Equal(first[i], second[i]) {
			t.Errorf("object %d differs:\n%s\n%s", i, first[i], second[i])
		}
	}
}

// TestMarkingResolution covers how an attribute's level is chosen.
func TestMarkingResolution(t *testing.T) {
	const attr = "d0000001-0000-4000-8000-000000000001"
	tests := []struct {
		name       string
		eventTags  []string
		eventDist  int
		objectDist int // -2: the attribute is not in an object
		attrTags   []string
		attrDist   int
		floor      string
		want       string // the attribute's level
		wantEvent  string // the report's level
	}{
		{"distribution 0", nil, 3, -2, nil, DistOrganisation, "", "RED", "CLEAR"},
		{"distribution 1", nil, 3, -2, nil, DistCommunity, "", "AMBER", "CLEAR"},
		{"distribution 2", nil, 3, -2, nil, DistConnected, "", "GREEN", "CLEAR"},
		{"distribution 3", nil, 3, -2, nil, DistAll, "", "CLEAR", "CLEAR"},
		{"the event's distribution caps the attribute's", nil, 0, -2, nil, DistAll, "", "RED", "RED"},
		{"distribution 4", nil, 3, -2, nil, DistSharingGroup, "", "AMBER+STRICT", "CLEAR"},
		{"distribution 5 inherits the event's", nil, 2, -2, nil, DistInherit, "", "GREEN", "GREEN"},
		{"5 inherits the object's", nil, 3, DistCommunity, nil, DistInherit, "", "AMBER", "CLEAR"},
		{"5 through object 5 to the event", nil, 4, DistInherit, nil, DistInherit, "", "AMBER+STRICT", "AMBER+STRICT"},
		{"the object's distribution caps the attribute's", nil, 3, DistOrganisation, nil, DistAll, "", "RED", "CLEAR"},
		{"unknown event distribution is RED", nil, DistUnknown, -2, nil, DistInherit, "", "RED", "RED"},
		{"event distribution 5 is RED", nil, DistInherit, -2, nil, DistInherit, "", "RED", "RED"},
		{"odd distribution is RED", nil, 3, -2, nil, 9, "", "RED", "CLEAR"},
		{"attribute tag beats event tag", []string{"tlp:red"}, 3, -2, []string{"tlp:clear"}, DistInherit, "", "CLEAR", "RED"},
		{"event tag stricter than distribution", []string{"tlp:amber"}, 3, -2, nil, DistAll, "", "AMBER", "AMBER"},
		{"attribute tag stricter than distribution", nil, 3, -2, []string{"TLP:Amber+Strict"}, DistAll, "", "AMBER+STRICT", "CLEAR"},
		{"most restrictive attribute tag", nil, 3, -2, []string{"tlp:green", "tlp:red", "tlp:amber"}, DistAll, "", "RED", "CLEAR"},
		{"white is clear", []string{"tlp:white"}, 3, -2, nil, DistInherit, "", "CLEAR", "CLEAR"},
		{"event tag green, distribution 0", []string{"tlp:green"}, 2, -2, nil, DistOrganisation, "", "RED", "GREEN"},
		{"attribute tag green, distribution 0", nil, 3, -2, []string{"tlp:green"}, DistOrganisation, "", "RED", "CLEAR"},
		{"tag red, distribution 3", nil, 3, -2, []string{"tlp:red"}, DistAll, "", "RED", "CLEAR"},
		{"tag clear, distribution 1", nil, 3, -2, []string{"tlp:clear"}, DistCommunity, "", "AMBER", "CLEAR"},
		{"no tag, 5 inherits object's 4", nil, 3, DistSharingGroup, nil, DistInherit, "", "AMBER+STRICT", "CLEAR"},
		{"tag, 5 inherits object's 0", nil, 3, DistOrganisation, []string{"tlp:clear"}, DistInherit, "", "RED", "CLEAR"},
		{"event tag, 5 through object 5 to event's 1", []string{"tlp:green"}, 1, DistInherit, nil, DistInherit, "", "AMBER", "AMBER"},
		{"attribute tag, 5 inherits event's distribution not tag", []string{"tlp:red"}, 2, -2, []string{"tlp:clear"}, DistInherit, "", "GREEN", "RED"},
		{"event tag clear, event distribution 0", []string{"tlp:clear"}, 0, -2, nil, DistInherit, "", "RED", "RED"},
		{"event tag red, event distribution 3", []string{"tlp:red"}, 3, -2, nil, DistInherit, "", "RED", "RED"},
		{"event distribution 5 is RED despite a tag, and so are its attributes", []string{"tlp:green"}, DistInherit, -2, []string{"tlp:green"}, DistAll, "", "RED", "RED"},
		{"non-TLP tags ignored", []string{"tlp:ex:chr", "pap:red"}, 2, -2, []string{"tlp:unclear"}, DistInherit, "", "GREEN", "GREEN"},
		{"floor raises", nil, 3, -2, nil, DistConnected, "AMBER", "AMBER", "AMBER"},
		{"floor keeps stricter", nil, 3, -2, []string{"tlp:red"}, DistConnected, "AMBER", "RED", "AMBER"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
			a := Attribute{UUID: attr, Type: "ip-dst", Value: "192.0.2.1", Timestamp: ts, Distribution: tc.attrDist, Tags: tc.attrTags}
			e := &Event{UUID: fixtureEvent, Info: "test", Timestamp: ts, Distribution: tc.eventDist, Tags: tc.eventTags,
				Orgc: Org{UUID: "55f6ea5e-2c60-40e5-964f-47a8950d210f", Name: "CIRCL"}}
			if tc.objectDist == -2 {
				e.Attributes = []Attribute{a}
			} else {
				e.Objects = []Object{{UUID: "d0000002-0000-4000-8000-000000000001", Name: "ip-port", Timestamp: ts,
					Distribution: tc.objectDist, Attributes: []Attribute{a}}}
			}
			byID, _, raws := convert(t, e, Options{Floor: tc.floor})
			validateAll(t, raws)
			if got := markingOf(t, byID["ipv4-addr--"+attr]); got != tc.want {
				t.Errorf("attribute level %s, want %s", got, tc.want)
			}
			if got := markingOf(t, byID["report--"+fixtureEvent]); got != tc.wantEvent {
				t.Errorf("report level %s, want %s", got, tc.wantEvent)
			}
			if got := markingOf(t, byID[fixtureIdentity]); got != tc.wantEvent {
				t.Errorf("identity level %s, want %s", got, tc.wantEvent)
			}
		})
	}
}

func TestMarking(t *testing.T) {
	tests := []struct {
		tags []string
		dist int
		want string
	}{
		{nil, 0, "RED"},
		{nil, 1, "AMBER"},
		{nil, 2, "GREEN"},
		{nil, 3, "CLEAR"},
		{nil, 4, "AMBER+STRICT"},
		{nil, 5, ""},
		{nil, DistUnknown, "RED"},
		{nil, 17, "RED"},
		{[]string{"tlp:clear"}, 3, "CLEAR"},
		{[]string{"tlp:white"}, 3, "CLEAR"},
		{[]string{" TLP:GREEN "}, 3, "GREEN"},
		{[]string{"Tlp:Amber"}, 3, "AMBER"},
		{[]string{"tlp:amber+strict"}, 3, "AMBER+STRICT"},
		{[]string{"tlp:red"}, 3, "RED"},
		{[]string{"tlp:green", "tlp:amber+strict", "tlp:amber"}, 3, "AMBER+STRICT"},
		{[]string{"tlp:clear", "tlp:white"}, 3, "CLEAR"},
		{[]string{"type:OSINT", "tlp:ex:chr", "tlp:"}, 2, "GREEN"},
		// the stricter of tag and distribution
		{[]string{"tlp:green"}, 0, "RED"},
		{[]string{"tlp:clear", "tlp:white"}, 0, "RED"},
		{[]string{"tlp:clear"}, 1, "AMBER"},
		{[]string{"tlp:green"}, 4, "AMBER+STRICT"},
		{[]string{"tlp:amber+strict"}, 1, "AMBER+STRICT"},
		{[]string{"tlp:amber"}, 2, "AMBER"},
		{[]string{"tlp:green"}, DistUnknown, "RED"},
		{[]string{"tlp:clear"}, 17, "RED"},
		{[]string{"tlp:red"}, 5, "RED"},
		{[]string{"tlp:green"}, 5, "GREEN"},
	}
	for _, tc := range tests {
		if got := Marking(tc.tags, tc.dist); got != tc.want {
			t.Errorf("Marking(%q, %d) = %q, want %q", tc.tags, tc.dist, got, tc.want)
		}
		if got := Marking(tc.tags, tc.dist); got != "" {
			if _, ok := stix.TLPID(got); !ok {
				t.Errorf("Marking(%q, %d) = %q: stix.TLPID does not know it", tc.tags, tc.dist, got)
			}
		}
	}
}

// TestIoCTypes converts every IoC type both ways (to_ids and not) and checks
// the patterns, the SCO types and that every object is schema-valid.
func TestIoCTypes(t *testing.T) {
	tests := []struct {
		typ, value string
		pattern    string   // with to_ids
		scos       []string // types without to_ids; nil: becomes x-misp-attribute
	}{
		{"ip-src", "203.0.113.1", `[ipv4-addr:value = '203.0.113.1']`, []string{"ipv4-addr"}},
		{"ip-dst", "2001:DB8:0:0::1", `[ipv6-addr:value = '2001:db8::1']`, []string{"ipv6-addr"}},
		{"ip-dst", "::ffff:192.0.2.1", `[ipv4-addr:value = '192.0.2.1']`, []string{"ipv4-addr"}},
		{"ip-dst", "10.0.0.0/8", `[ipv4-addr:value = '10.0.0.0/8']`, []string{"ipv4-addr"}},
		{"ip-dst", "2001:db8::/32", `[ipv6-addr:value = '2001:db8::/32']`, []string{"ipv6-addr"}},
		{"ip-src|port", "192.0.2.5|8080", `[network-traffic:src_ref.type = 'ipv4-addr' AND network-traffic:src_ref.value = '192.0.2.5' AND network-traffic:src_port = 8080]`, []string{"network-traffic", "ipv4-addr"}},
		{"ip-dst|port", "192.0.2.5|53", `[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '192.0.2.5' AND network-traffic:dst_port = 53]`, []string{"network-traffic", "ipv4-addr"}},
		{"hostname|port", "c2.example.net|8443", `[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'c2.example.net' AND network-traffic:dst_port = 8443]`, []string{"network-traffic", "domain-name"}},
		{"domain", "example.com", `[domain-name:value = 'example.com']`, []string{"domain-name"}},
		{"domain", "_dmarc.example.com", `[domain-name:value = '_dmarc.example.com']`, nil},
		{"hostname", "www.example.com", `[domain-name:value = 'www.example.com']`, []string{"domain-name"}},
		{"domain|ip", "example.com|2001:db8::7", `[domain-name:value = 'example.com' AND domain-name:resolves_to_refs[*].value = '2001:db8::7']`, []string{"domain-name", "ipv6-addr"}},
		{"url", "http://example.com/a b", `[url:value = 'http://example.com/a b']`, nil},
		{"url", "example.com/login.php", `[url:value = 'example.com/login.php']`, nil},
		{"url", "https://example.com/it's", `[url:value = 'https://example.com/it\'s']`, []string{"url"}},
		{"uri", "/wp-admin/x.php", `[url:value = '/wp-admin/x.php']`, nil},
		{"md5", md5Invoice, `[file:hashes.MD5 = '` + md5Invoice + `']`, []string{"file"}},
		{"sha1", sha1Lantern, `[file:hashes.'SHA-1' = '` + sha1Lantern + `']`, []string{"file"}},
		{"sha256", sha256Dropper, `[file:hashes.'SHA-256' = '` + sha256Dropper + `']`, []string{"file"}},
		{"sha512", strings.Repeat("ab", 64), `[file:hashes.'SHA-512' = '` + strings.Repeat("ab", 64) + `']`, []string{"file"}},
		{"ssdeep", "96:s4Ud1Lj96tHHlZDrwciQmA+4uy1I0G4HYuL8N3TzS8QsO/wqWXLcMSx:sF1LjEtHHlZDrJzrhuyZvHYm8tKp/RWO", `[file:hashes.SSDEEP = '96:s4Ud1Lj96tHHlZDrwciQmA+4uy1I0G4HYuL8N3TzS8QsO/wqWXLcMSx:sF1LjEtHHlZDrJzrhuyZvHYm8tKp/RWO']`, []string{"file"}},
		{"filename", `C:\Users\o'neil\a.exe`, `[file:name = 'C:\\Users\\o\'neil\\a.exe']`, []string{"file"}},
		{"filename|sha256", "a.exe|" + sha256Dropper, `[file:name = 'a.exe' AND file:hashes.'SHA-256' = '` + sha256Dropper + `']`, []string{"file"}},
		{"filename|sha1", "a.exe|" + sha1Lantern, `[file:name = 'a.exe' AND file:hashes.'SHA-1' = '` + sha1Lantern + `']`, []string{"file"}},
		{"malware-sample", "a.exe|" + md5Invoice, `[file:name = 'a.exe' AND file:hashes.MD5 = '` + md5Invoice + `']`, []string{"file"}},
		{"email", "x@example.com", `[email-addr:value = 'x@example.com']`, []string{"email-addr"}},
		{"email-src", "x@example.com", `[email-message:from_ref.value = 'x@example.com']`, []string{"email-addr"}},
		{"email-dst", "y@example.com", `[email-message:to_refs[*].value = 'y@example.com']`, []string{"email-addr"}},
		{"email-dst", "Y <y@example.com>", `[email-message:to_refs[*].value = 'Y <y@example.com>']`, nil},
		{"email-subject", "Re: 'urgent'", `[email-message:subject = 'Re: \'urgent\'']`, []string{"email-message"}},
		{"mutex", `Local\m`, `[mutex:name = 'Local\\m']`, []string{"mutex"}},
		{"regkey", `hkcu\Software\Run`, `[windows-registry-key:key = 'HKEY_CURRENT_USER\\Software\\Run']`, []string{"windows-registry-key"}},
		{"regkey", `HKEY_USERS\S-1-5\chkusr`, `[windows-registry-key:key = 'HKEY_USERS\\S-1-5\\chkusr']`, nil},
		{"regkey|value", `HKLM\Software\Run|C:\evil.exe`, `[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\Software\\Run' AND windows-registry-key:values[*].data = 'C:\\evil.exe']`, []string{"windows-registry-key"}},
		{"AS", "AS64496", `[autonomous-system:number = 64496]`, []string{"autonomous-system"}},
		{"AS", "64497", `[autonomous-system:number = 64497]`, []string{"autonomous-system"}},
		{"yara", "rule x { condition: true }", "rule x { condition: true }", nil},
	}
	for i, tc := range tests {
		t.Run(tc.typ+" "+tc.value, func(t *testing.T) {
			u := func(n int) string { return fmt.Sprintf("f%07d-0000-4000-8000-%012d", n, i) }
			ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
			e := &Event{UUID: fixtureEvent, Info: "types", Timestamp: ts, Distribution: DistAll, Attributes: []Attribute{
				{UUID: u(1), Type: tc.typ, Value: tc.value, ToIDs: true, Timestamp: ts, Distribution: DistInherit},
				{UUID: u(2), Type: tc.typ, Value: tc.value, ToIDs: false, Timestamp: ts, Distribution: DistInherit},
			}}
			byID, ids, raws := convert(t, e, Options{})
			validateAll(t, raws)
			ind := byID["indicator--"+u(1)]
			if ind == nil {
				t.Fatalf("no indicator; got %v", ids)
			}
			if ind["pattern"] != tc.pattern {
				t.Errorf("pattern\n got %v\nwant %s", ind["pattern"], tc.pattern)
			}
			var types []string
			for _, id := range ids {
				if o := byID[id]; o["x_misp_attribute_uuid"] == u(2) || (o["type"] != "report" && o["type"] != "indicator" && o["x_misp_attribute_uuid"] == nil) {
					types = append(types, o["type"].(string))
				}
			}
			want := tc.scos
			if want == nil {
				want = []string{"x-misp-attribute"}
			}
			if !slices.Equal(types, want) {
				t.Errorf("without to_ids: %v, want %v", types, want)
			}
			if want[0] == "x-misp-attribute" {
				if r, _ := byID["x-misp-attribute--"+u(2)]["x_misp_unmapped_reason"].(string); r == "" {
					t.Errorf("x-misp-attribute without x_misp_unmapped_reason")
				}
			}
		})
	}
}

// TestUnfitIndicators: to_ids values that cannot make a pattern become
// x-misp-attribute objects that say why.
func TestUnfitIndicators(t *testing.T) {
	tests := []struct{ typ, value, reason string }{
		{"ip-dst", "192.0.2.256", "is not an IP address"},
		{"ip-dst", "fe80::1%eth0", "is not an IP address"},
		{"md5", "abc", "is not a valid MD5"},
		{"sha256", md5Invoice, "is not a valid SHA-256"},
		{"filename|md5", "noseparator", "is not filename|md5"},
		{"ip-dst|port", "192.0.2.1|70000", "is not 0..65535"},
		{"ip-dst|port", "192.0.2.1", "has no |port"},
		{"domain|ip", "example.com", "is not domain|ip"},
		{"AS", "ASN-foo", "is not an AS number"},
		{"regkey|value", `HKLM\x`, "is not key|data"},
		{"domain", "   ", "empty value"},
	}
	for i, tc := range tests {
		t.Run(tc.typ+" "+tc.value, func(t *testing.T) {
			id := fmt.Sprintf("f1000000-0000-4000-8000-%012d", i)
			ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
			e := &Event{UUID: fixtureEvent, Info: "unfit", Timestamp: ts, Distribution: DistCommunity,
				Attributes: []Attribute{{UUID: id, Type: tc.typ, Value: tc.value, ToIDs: true, Timestamp: ts, Distribution: DistInherit}}}
			byID, _, raws := convert(t, e, Options{})
			validateAll(t, raws)
			x := byID["x-misp-attribute--"+id]
			if x == nil {
				t.Fatalf("no x-misp-attribute--%s", id)
			}
			if r, _ := x["x_misp_unmapped_reason"].(string); !strings.Contains(r, tc.reason) {
				t.Errorf("reason %q, want it to say %q", r, tc.reason)
			}
			if x["x_misp_value"] != tc.value || x["x_misp_to_ids"] != true || markingOf(t, x) != "AMBER" {
				t.Errorf("x-misp-attribute %v", x)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `'plain'`},
		{"it's", `'it\'s'`},
		{`a\b`, `'a\\b'`},
		{`\'`, `'\\\''`},
		{"", `''`},
		{"ünï", `'ünï'`},
	}
	for _, tc := range tests {
		if got := quote(tc.in); got != tc.want {
			t.Errorf("quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestSTIXIdsAndErrors(t *testing.T) {
	ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	base := func() *Event {
		return &Event{UUID: fixtureEvent, Info: "x", Timestamp: ts, Distribution: DistAll}
	}

	t.Run("non-RFC 4122 uuid gets a derived id", func(t *testing.T) {
		e := base()
		e.Attributes = []Attribute{{UUID: "00000000-0000-0000-0000-000000000001", Type: "comment", Value: "v", Timestamp: ts, Distribution: DistInherit}}
		byID, ids, raws := convert(t, e, Options{})
		validateAll(t, raws)
		want := objectID("note", "00000000-0000-0000-0000-000000000001")
		if byID[want] == nil || want == "note--00000000-0000-0000-0000-000000000001" {
			t.Errorf("ids %v, want derived %s", ids, want)
		}
	})
	t.Run("created never after modified", func(t *testing.T) {
		e := base()
		e.Date = ts.AddDate(0, 0, 3) // a date in the future of the timestamp
		e.Attributes = []Attribute{{UUID: "f2000000-0000-4000-8000-000000000001", Type: "text", Value: "v", Timestamp: ts.Add(-time.Hour), Distribution: DistInherit}}
		byID, _, _ := convert(t, e, Options{})
		rep := byID["report--"+fixtureEvent]
		if rep["created"] != rep["modified"] || rep["published"] != ts.AddDate(0, 0, 3).Format("2006-01-02T15:04:05.000Z") {
			t.Errorf("report created %v modified %v published %v", rep["created"], rep["modified"], rep["published"])
		}
		n := byID["note--f2000000-0000-4000-8000-000000000001"]
		if n["created"] != n["modified"] || n["modified"] != ts.Add(-time.Hour).Format("2006-01-02T15:04:05.000Z") {
			t.Errorf("note created %v modified %v", n["created"], n["modified"])
		}
	})
	t.Run("org without uuid", func(t *testing.T) {
		e := base()
		e.Orgc = Org{Name: "Some CERT"}
		byID, ids, raws := convert(t, e, Options{})
		validateAll(t, raws)
		if len(ids) != 2 || byID[ids[1]]["type"] != "identity" || byID[ids[1]]["name"] != "Some CERT" {
			t.Errorf("got %v", ids)
		}
	})
	errs := []struct {
		name string
		mod  func(e *Event)
		opts Options
		want string
	}{
		{"nothing to refer to", func(e *Event) {}, Options{}, "needs at least one object"},
		{"bad floor", func(e *Event) { e.Orgc.Name = "x" }, Options{Floor: "PURPLE"}, "not a TLP level"},
		{"duplicate attribute", func(e *Event) {
			a := Attribute{UUID: "f3000000-0000-4000-8000-000000000001", Type: "text", Value: "v", Timestamp: ts}
			e.Attributes = []Attribute{a}
			e.Objects = []Object{{UUID: "f3000000-0000-4000-8000-000000000002", Name: "o", Attributes: []Attribute{a}}}
		}, Options{}, "appears twice"},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			e := base()
			tc.mod(e)
			_, err := e.STIX(tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want one saying %q", err, tc.want)
			}
		})
	}
}

func TestErrInvalidIsWrapped(t *testing.T) {
	_, err := (&Event{UUID: fixtureEvent, Info: "x", Timestamp: time.Now()}).STIX(Options{})
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("%v does not wrap ErrInvalid", err)
	}
}
