package stix_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
	"github.com/liaison-dev/liaison/stix"
)

var (
	day1 = time.Date(2026, 3, 1, 9, 30, 15, 123_000_000, time.UTC)
	day2 = time.Date(2026, 3, 4, 17, 5, 0, 456_000_000, time.UTC)
)

func mustMarking(t testing.TB, banner string) marking.Marking {
	t.Helper()
	m, err := marking.DefaultRegistry().Parse(banner)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sampleProducts covers every kind of marking and a tear-line.
func sampleProducts() []*liaison.Product {
	reg := marking.DefaultRegistry()
	m := func(b string) marking.Marking {
		v, err := reg.Parse(b)
		if err != nil {
			panic(err)
		}
		return v
	}
	return []*liaison.Product{
		{ID: "3f1c1a52-8a5e-4a4e-9d07-2a8c5b1e0f01", Version: 1, Title: "Phishing wave against ministries", Body: "Lures <in> & \"quotes\".",
			Topics: []string{"cyber", "phishing"}, Marking: m("TLP:AMBER"), OriginatorOrg: "nl-ncsc", Reliability: "B", Credibility: "2",
			Origins: []string{"nl-ncsc"}, OriginNode: "node-nl", CreatedAt: day1},
		{ID: "3f1c1a52-8a5e-4a4e-9d07-2a8c5b1e0f02", Version: 1, Title: "Clear bulletin", Body: "",
			Topics: []string{"cyber"}, Marking: m("TLP:CLEAR"), OriginatorOrg: "cert-eu", Reliability: "A", Credibility: "1",
			Origins: []string{"cert-eu"}, OriginNode: "node-eu", CreatedAt: day1},
		{ID: "3f1c1a52-8a5e-4a4e-9d07-2a8c5b1e0f03", Version: 3, Title: "Red with caveats", Body: "x",
			Topics: []string{"ransomware"}, Marking: m("TLP:RED//ORCON//NO ONWARD"), OriginatorOrg: "de-bsi", Reliability: "C", Credibility: "3",
			Origins: []string{"de-bsi"}, OriginNode: "node-de", CreatedAt: day2},
		{ID: "3f1c1a52-8a5e-4a4e-9d07-2a8c5b1e0f04", Version: 2, Title: "Cell in Rotterdam", Body: "Long body\nwith lines.",
			Topics: []string{"terrorism", "nl"}, Marking: m("SECRET UE//ORCON//REL TO DE, FR//LEAD ONLY"), OriginatorOrg: "nl-aivd",
			Reliability: "B", Credibility: "3", Origins: []string{"nl-aivd"}, OriginNode: "node-nl", CreatedAt: day2},
		{ID: "3f1c1a52-8a5e-4a4e-9d07-2a8c5b1e0f05", Version: 1, Title: "Fleet movements", Body: "…",
			Topics: []string{"maritime"}, Marking: m("NATO SECRET//NOFORN"), OriginatorOrg: "nato-ncia",
			Reliability: "A", Credibility: "2", Origins: []string{"nato-ncia"}, OriginNode: "node-nato", CreatedAt: day1},
		{ID: "3f1c1a52-8a5e-4a4e-9d07-2a8c5b1e0f06", Version: 1, Title: "Tear-line: cell in Rotterdam", Body: "Sanitised.",
			Topics: []string{"terrorism"}, Marking: m("DE VS-NFD//INFO ONLY//H2//EXPIRES 2027-01-31"), OriginatorOrg: "de-bfv",
			Reliability: "B", Credibility: "3", ParentID: "3f1c1a52-8a5e-4a4e-9d07-2a8c5b1e0f04", ParentVersion: 2,
			Origins: []string{"de-bfv", "nl-aivd"}, OriginNode: "node-de", CreatedAt: day2},
		{ID: "3f1c1a52-8a5e-4a4e-9d07-2a8c5b1e0f07", Version: 1, Title: "Unclassified note", Body: "n",
			Topics: []string{"general"}, Marking: m("UNCLASSIFIED//H0"), OriginatorOrg: "fr-dgsi",
			Reliability: "F", Credibility: "6", Origins: []string{"fr-dgsi"}, CreatedAt: day1},
	}
}

func sampleOrganisations() []*liaison.Organisation {
	return []*liaison.Organisation{
		{ID: "de-bfv", Name: "Bundesamt für Verfassungsschutz", Kind: liaison.OrgNationalService, Country: "DE", Memberships: []string{"EU", "NATO"}, NodeID: "n1", CreatedAt: day1},
		{ID: "eu-intcen", Name: "EU INTCEN", Kind: liaison.OrgEUBody, CreatedAt: day1},
		{ID: "nato-ncia", Name: "NATO Communications and Information Agency", Kind: liaison.OrgNATOBody, Memberships: []string{"NATO"}, CreatedAt: day1},
		{ID: "europol", Name: "Europol", Kind: liaison.OrgPolice, Memberships: []string{"EU"}, CreatedAt: day1},
		{ID: "nl-ncsc", Name: "NCSC-NL", Kind: liaison.OrgCERT, Country: "NL", CreatedAt: day2},
	}
}

// TestReport maps products to reports, checks them against the schemas,
// and reads them back: the round trip keeps title, body, topics, marking,
// grading, originator, origins and parent.
func TestReport(t *testing.T) {
	v := newValidator(t)
	reg := marking.DefaultRegistry()
	for _, p := range sampleProducts() {
		t.Run(p.Title, func(t *testing.T) {
			first := p.CreatedAt.Add(-48 * time.Hour)
			raw, err := stix.ReportWith(p, stix.ReportOptions{FirstCreated: first,
				ObjectRefs: []string{"indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2"}})
			if err != nil {
				t.Fatal(err)
			}
			if err := v.Validate(raw); err != nil {
				t.Fatalf("%v\n%s", err, raw)
			}
			h, err := stix.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			if h.ID != "report--"+p.ID || h.CreatedByRef != stix.IdentityID(p.OriginatorOrg) ||
				!h.Modified.Equal(p.CreatedAt) || !h.Created.Equal(first) || !h.Published.Equal(first) ||
				!slices.Equal(h.Labels, p.Topics) && !slices.Equal(h.Labels, []string{"nl", "terrorism"}) {
				t.Errorf("header %+v", h)
			}
			wantRefs := []string{stix.MarkingDefinitionID(p.Marking)}
			if p.Marking.Classification.Scheme == "TLP" {
				id, _ := stix.TLPID(p.Marking.Classification.Level)
				wantRefs = []string{id}
				if p.Marking.Caveats() != "" {
					wantRefs = append(wantRefs, stix.MarkingDefinitionID(p.Marking))
				}
			}
			if !slices.Equal(h.ObjectMarkingRefs, wantRefs) {
				t.Errorf("object_marking_refs %v, want %v", h.ObjectMarkingRefs, wantRefs)
			}

			d, ext, err := stix.ProductDraftFromReport(h)
			if err != nil {
				t.Fatal(err)
			}
			got, err := reg.Parse(d.Marking)
			if err != nil || !got.Equal(p.Marking) {
				t.Errorf("marking %q (%v), want %q", d.Marking, err, p.Marking)
			}
			topics, _ := liaison.NormaliseTopics(p.Topics)
			want := liaison.ProductDraft{Title: p.Title, Body: p.Body, Topics: topics, Marking: p.Marking.String(),
				Reliability: p.Reliability, Credibility: p.Credibility, ParentID: p.ParentID, ParentVersion: p.ParentVersion}
			if diff := cmp.Diff(want, d); diff != "" {
				t.Errorf("draft (-want +got):\n%s", diff)
			}
			if ext.Originator != p.OriginatorOrg || !slices.Equal(ext.Origins, p.Origins) || ext.ProductID != p.ID ||
				ext.ProductVersion != p.Version || ext.OriginNode != p.OriginNode || !ext.ThirdPartyRule {
				t.Errorf("extension %+v", ext)
			}
			m, ok, err := stix.MarkingOf(h, nil)
			if err != nil || !ok || !m.Equal(p.Marking) {
				t.Errorf("MarkingOf = %v, %v, %v; want %v", m, ok, err, p.Marking)
			}
			// Without the extension, the marking-definitions say the same.
			noExt := *h
			noExt.Extension = nil
			defs := map[string]marking.Marking{}
			for _, ref := range h.ObjectMarkingRefs {
				if _, isTLP := stix.TLPLevel(ref); isTLP {
					continue
				}
				def, err := stix.MarkingDefinition(p.Marking)
				if err != nil {
					t.Fatal(err)
				}
				dh, err := stix.Parse(def)
				if err != nil {
					t.Fatal(err)
				}
				dm, ok, err := stix.MarkingFromDefinition(dh)
				if err != nil || !ok || dh.ID != ref {
					t.Fatalf("definition %s: %v %v", ref, ok, err)
				}
				defs[ref] = dm
			}
			m, ok, err = stix.MarkingOf(&noExt, func(id string) (marking.Marking, bool) { m, ok := defs[id]; return m, ok })
			if err != nil || !ok || !m.Equal(p.Marking) {
				t.Errorf("MarkingOf without the extension = %v, %v, %v; want %v", m, ok, err, p.Marking)
			}
		})
	}
}

func TestReportDefaults(t *testing.T) {
	p := sampleProducts()[0]
	raw, err := stix.Report(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := stix.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	c := *p
	c.Origins = nil
	if e := stix.ProductExtension(&c); !slices.Equal(e.Origins, []string{p.OriginatorOrg}) {
		t.Errorf("origins without the originator: %v", e.Origins)
	}
	if !slices.Equal(h.ObjectRefs, []string{stix.IdentityID(p.OriginatorOrg)}) || !h.Created.Equal(p.CreatedAt) ||
		!slices.Equal(h.ReportTypes, []string{"threat-report"}) {
		t.Errorf("header %+v", h)
	}
	if !strings.Contains(string(raw), `"description":"Lures <in> & \"quotes\"."`) {
		t.Errorf("HTML characters escaped: %s", raw)
	}
	again, _ := stix.Report(p, nil)
	if !bytes.Equal(raw, again) {
		t.Error("Report is not deterministic")
	}
	want := `{"type":"report","spec_version":"2.1","id":"report--3f1c1a52-8a5e-4a4e-9d07-2a8c5b1e0f01",` +
		`"created_by_ref":"` + stix.IdentityID("nl-ncsc") + `","created":"2026-03-01T09:30:15.123Z","modified":"2026-03-01T09:30:15.123Z",` +
		`"name":"Phishing wave against ministries",`
	if !strings.HasPrefix(string(raw), want) {
		t.Errorf("report starts\n%s\nwant\n%s", raw[:len(want)], want)
	}

	for _, tt := range []struct {
		name   string
		change func(p *liaison.Product, o *stix.ReportOptions)
		want   string
	}{
		{"id not a UUID", func(p *liaison.Product, _ *stix.ReportOptions) { p.ID = "p1" }, "not an RFC 4122 UUID"},
		{"no title", func(p *liaison.Product, _ *stix.ReportOptions) { p.Title = "" }, "no title"},
		{"no version", func(p *liaison.Product, _ *stix.ReportOptions) { p.Version = 0 }, "version 0 is not a product version"},
		{"no topic", func(p *liaison.Product, _ *stix.ReportOptions) { p.Topics = nil }, "at least one topic is required"},
		{"no grading", func(p *liaison.Product, _ *stix.ReportOptions) { p.Reliability = "" }, "source reliability"},
		{"no originator", func(p *liaison.Product, _ *stix.ReportOptions) { p.OriginatorOrg = "" }, "no originator"},
		{"no time", func(p *liaison.Product, _ *stix.ReportOptions) { p.CreatedAt = time.Time{} }, "no creation time"},
		{"no marking", func(p *liaison.Product, _ *stix.ReportOptions) { p.Marking = marking.Marking{} }, "no marking"},
		{"bad ref", func(_ *liaison.Product, o *stix.ReportOptions) { o.ObjectRefs = []string{"x"} }, `object ref "x" is not a STIX identifier`},
		{"first after this", func(p *liaison.Product, o *stix.ReportOptions) { o.FirstCreated = p.CreatedAt.Add(time.Second) }, "is later than version"},
	} {
		c := *p
		var o stix.ReportOptions
		tt.change(&c, &o)
		if _, err := stix.ReportWith(&c, o); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}

func TestIdentity(t *testing.T) {
	v := newValidator(t)
	seen := map[string]bool{}
	for _, o := range sampleOrganisations() {
		raw, err := stix.Identity(o)
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Validate(raw); err != nil {
			t.Errorf("%v\n%s", err, raw)
		}
		h, err := stix.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if h.ID != stix.IdentityID(o.ID) || seen[h.ID] || !h.Modified.Equal(o.CreatedAt) {
			t.Errorf("identity %s of %s", h.ID, o.ID)
		}
		seen[h.ID] = true
		back, ok := stix.OrganisationFromIdentity(h)
		if !ok {
			t.Fatal("no organisation in the identity")
		}
		if d := cmp.Diff(o, back); d != "" {
			t.Errorf("organisation round trip (-want +got):\n%s", d)
		}
		var doc struct {
			IdentityClass string   `json:"identity_class"`
			Sectors       []string `json:"sectors"`
		}
		_ = json.Unmarshal(raw, &doc)
		if doc.IdentityClass != "organization" || len(doc.Sectors) != 1 {
			t.Errorf("identity class %q, sectors %v", doc.IdentityClass, doc.Sectors)
		}
	}
	// Ids are derived, so they must never change: federated nodes rely on them.
	if got := stix.IdentityID("de-bfv"); got != "identity--8f8aadab-e5a0-50f6-b855-aae73e9f3867" {
		t.Errorf("IdentityID(de-bfv) = %s: the derivation changed", got)
	}
	if _, err := stix.Identity(&liaison.Organisation{ID: "x", Name: "X", Kind: "club", CreatedAt: day1}); err == nil {
		t.Error("unknown kind: no error")
	}
	if _, ok := stix.OrganisationFromIdentity(&stix.Header{Type: "identity"}); ok {
		t.Error("an identity without the extension gave an organisation")
	}
}

// The TLP 2.0 marking-definitions as OASIS publishes them
// (cti-stix-common-objects, extension-definition-specifications/tlp-2.0).
var oasisTLP = map[string]string{
	"CLEAR": `{
	    "type": "marking-definition",
	    "spec_version": "2.1",
	    "id": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
	    "created": "2022-10-01T00:00:00.000Z",
	    "name": "TLP:CLEAR",
	    "extensions": {
		"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
			"extension_type": "property-extension",
			"tlp_2_0" : "clear"
		}
	    }
	}`,
	"GREEN": `{ "type": "marking-definition", "spec_version": "2.1", "id": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
	    "created": "2022-10-01T00:00:00.000Z", "name": "TLP:GREEN",
	    "extensions": { "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": { "extension_type": "property-extension", "tlp_2_0" : "green" } } }`,
	"AMBER": `{ "type": "marking-definition", "spec_version": "2.1", "id": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	    "created": "2022-10-01T00:00:00.000Z", "name": "TLP:AMBER",
	    "extensions": { "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": { "extension_type": "property-extension", "tlp_2_0" : "amber" } } }`,
	"AMBER+STRICT": `{ "type": "marking-definition", "spec_version": "2.1", "id": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
	    "created": "2022-10-01T00:00:00.000Z", "name": "TLP:AMBER+STRICT",
	    "extensions": { "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": { "extension_type": "property-extension", "tlp_2_0" : "amber+strict" } } }`,
	"RED": `{ "type": "marking-definition", "spec_version": "2.1", "id": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
	    "created": "2022-10-01T00:00:00.000Z", "name": "TLP:RED",
	    "extensions": { "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": { "extension_type": "property-extension", "tlp_2_0" : "red" } } }`,
}

func TestMarkingDefinition(t *testing.T) {
	v := newValidator(t)
	for level, published := range oasisTLP {
		m := marking.Marking{Classification: marking.Classification{Scheme: "TLP", Level: level}}
		raw, err := stix.MarkingDefinition(m)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := json.Compact(&want, []byte(published)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(raw, want.Bytes()) {
			t.Errorf("TLP:%s:\n got %s\nwant %s", level, raw, want.Bytes())
		}
		if id, _ := stix.TLPID(level); stix.MarkingDefinitionID(m) != id {
			t.Errorf("MarkingDefinitionID(TLP:%s) = %s", level, stix.MarkingDefinitionID(m))
		}
		if err := v.Validate(raw); err != nil {
			t.Error(err)
		}
		h, err := stix.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		got, ok, err := stix.MarkingFromDefinition(h)
		if err != nil || !ok || !got.Equal(m) {
			t.Errorf("MarkingFromDefinition(TLP:%s) = %v, %v, %v", level, got, ok, err)
		}
	}
	ids := map[string]string{}
	for _, banner := range []string{"TLP:AMBER//ORCON", "TLP:RED//NO ONWARD//H3", "SECRET UE", "SECRET UE//REL TO DE, FR",
		"NATO CONFIDENTIAL//NOFORN//LEAD ONLY", "DE GEHEIM//EXPIRES 2030-12-31", "UK OFFICIAL-SENSITIVE//INFO ONLY", "PL ZASTRZEŻONE"} {
		m := mustMarking(t, banner)
		raw, err := stix.MarkingDefinition(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Validate(raw); err != nil {
			t.Errorf("%s: %v\n%s", banner, err, raw)
		}
		h, err := stix.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if h.ID != stix.MarkingDefinitionID(m) || h.Statement != banner || h.DefinitionType != "statement" || h.CreatedByRef != stix.ProjectIdentityID {
			t.Errorf("%s: header %+v", banner, h)
		}
		if other, dup := ids[h.ID]; dup {
			t.Errorf("%s and %s share the id %s", banner, other, h.ID)
		}
		ids[h.ID] = banner
		got, ok, err := stix.MarkingFromDefinition(h)
		if err != nil || !ok || !got.Equal(m) {
			t.Errorf("MarkingFromDefinition(%s) = %v, %v, %v", banner, got, ok, err)
		}
		again, _ := stix.MarkingDefinition(m)
		if !bytes.Equal(raw, again) {
			t.Errorf("%s: not deterministic", banner)
		}
	}
	if _, err := stix.MarkingDefinition(marking.Marking{}); liaison.ErrorCode(err) != liaison.EMARKING {
		t.Errorf("no classification: %v", err)
	}
}

func TestMarkingFromDefinition(t *testing.T) {
	const created = `"created":"2017-06-01T00:00:00.000Z"`
	tests := []struct {
		name, in string
		want     string // banner; "" for no handling
		err      string
	}{
		{"TLP 1.0", `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",` +
			created + `,"definition_type":"tlp","name":"TLP:RED","definition":{"tlp":"red"}}`, "TLP:RED", ""},
		{"TLP 1.0 white", `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",` +
			created + `,"definition_type":"tlp","name":"TLP:WHITE","definition":{"tlp":"white"}}`, "TLP:CLEAR", ""},
		{"TLP by content under another id", `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",` +
			created + `,"definition_type":"tlp","definition":{"tlp":"amber"}}`, "TLP:AMBER", ""},
		{"ATT&CK copyright", `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168",` +
			created + `,"definition_type":"statement","definition":{"statement":"Copyright 2015-2025, The MITRE Corporation."}}`, "", ""},
		{"unknown definition type", `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",` +
			created + `,"definition_type":"iep","definition":{"tlp":"x"}}`, "", `definition_type "iep" is not one liaison understands`},
		{"extension only", `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",` +
			created + `,"extensions":{"extension-definition--26ffb872-1dd9-446e-b6f5-d58527e5b5d2":{"extension_type":"property-extension","pap":"red"}}}`,
			"", "does not understand"},
		{"not a marking-definition", `{"type":"x-thing","spec_version":"2.1","id":"x-thing--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",` + created + `,"modified":"2017-06-01T00:00:00.000Z"}`,
			"", "is not a marking-definition"},
	}
	for _, tt := range tests {
		h, err := stix.Parse([]byte(tt.in))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		m, ok, err := stix.MarkingFromDefinition(h)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) || liaison.ErrorCode(err) != liaison.EMARKING {
				t.Errorf("%s: %v, want an EMARKING error containing %q", tt.name, err, tt.err)
			}
		case err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case ok != (tt.want != "") || (ok && m.String() != tt.want):
			t.Errorf("%s: %q, %v; want %q", tt.name, m.String(), ok, tt.want)
		}
	}
}

func TestMarkingOf(t *testing.T) {
	const copyright = "marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168"
	secretID := stix.MarkingDefinitionID(mustMarking(t, "SECRET UE//ORCON//REL TO DE, FR"))
	nfdID := stix.MarkingDefinitionID(mustMarking(t, "DE VS-NFD//NO ONWARD"))
	known := map[string]marking.Marking{
		copyright: {},
		secretID:  mustMarking(t, "SECRET UE//ORCON//REL TO DE, FR"),
		nfdID:     mustMarking(t, "DE VS-NFD//NO ONWARD"),
		"marking-definition--0a1b2c3d-1dd9-446e-b6f5-d58527e5b5d2": {ReleasableTo: []string{"DE"}},
	}
	lookup := func(id string) (marking.Marking, bool) { m, ok := known[id]; return m, ok }
	tests := []struct {
		name     string
		refs     []string
		granular []string
		ext      *stix.Extension
		want     string // "" for unmarked
		err      string
	}{
		{name: "unmarked"},
		{name: "TLP", refs: []string{stix.TLPGreen}, want: "TLP:GREEN"},
		{name: "TLP 1.0", refs: []string{stix.TLP1White}, want: "TLP:CLEAR"},
		{name: "the most restrictive TLP", refs: []string{stix.TLPAmber, stix.TLPGreen, stix.TLPAmberStrict}, want: "TLP:AMBER+STRICT"},
		{name: "granular markings count", refs: []string{stix.TLPGreen}, granular: []string{stix.TLPRed}, want: "TLP:RED"},
		{name: "copyright only", refs: []string{copyright}},
		{name: "copyright and TLP", refs: []string{copyright, stix.TLPGreen}, want: "TLP:GREEN"},
		{name: "liaison statement", refs: []string{secretID}, want: "SECRET UE//ORCON//REL TO DE, FR"},
		{name: "TLP and a liaison statement of the same rank", refs: []string{stix.TLPAmber, nfdID}, want: "DE VS-NUR FÜR DEN DIENSTGEBRAUCH//NO ONWARD"},
		{name: "higher classification wins, caveats add up", refs: []string{nfdID, secretID},
			want: "SECRET UE//ORCON//REL TO DE, FR//NO ONWARD"},
		{name: "TLP RED over unclassified", refs: []string{stix.TLPRed, nfdID}, want: "TLP:RED//NO ONWARD"},
		// One classification an object: a higher one (or one as high)
		// would drop TLP:RED, which never leaves the node.
		{name: "TLP RED under a higher classification", refs: []string{stix.TLPRed, secretID}, err: "would lose TLP:RED"},
		{name: "TLP RED in a granular marking under a higher classification", refs: []string{secretID}, granular: []string{stix.TLPRed},
			err: "would lose TLP:RED"},
		{name: "TLP RED and an extension that is not", refs: []string{stix.TLPRed}, ext: stix.ProductExtension(sampleProducts()[3]),
			err: "would lose TLP:RED"},
		{name: "unknown reference", refs: []string{stix.TLPGreen, "marking-definition--26ffb872-1dd9-446e-b6f5-d58527e5b5d2"},
			err: "unknown marking-definition marking-definition--26ffb872-1dd9-446e-b6f5-d58527e5b5d2"},
		{name: "caveats without classification", refs: []string{"marking-definition--0a1b2c3d-1dd9-446e-b6f5-d58527e5b5d2"}, err: "has caveats (REL TO DE) but no classification"},
		{name: "the extension wins", refs: []string{stix.TLPClear}, ext: stix.ProductExtension(sampleProducts()[3]),
			want: "SECRET UE//ORCON//REL TO DE, FR//LEAD ONLY"},
		{name: "an extension without handling does not count", refs: []string{stix.TLPClear},
			ext: &stix.Extension{Organisation: &stix.OrganisationInfo{ID: "x", Kind: liaison.OrgCERT}}, want: "TLP:CLEAR"},
	}
	for _, tt := range tests {
		h := &stix.Header{ID: "indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2", Type: "indicator",
			ObjectMarkingRefs: tt.refs, GranularMarkingRefs: tt.granular, Extension: tt.ext}
		m, ok, err := stix.MarkingOf(h, lookup)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) || liaison.ErrorCode(err) != liaison.EMARKING {
				t.Errorf("%s: %v, want an EMARKING error containing %q", tt.name, err, tt.err)
			}
		case err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case ok != (tt.want != "") || (ok && m.String() != tt.want):
			t.Errorf("%s: %q, %v; want %q", tt.name, m.String(), ok, tt.want)
		case ok:
			if err := marking.DefaultRegistry().Validate(m); err != nil {
				t.Errorf("%s: result does not validate: %v", tt.name, err)
			}
		}
	}
	def, _ := stix.MarkingDefinition(mustMarking(t, "SECRET UE//ORCON"))
	dh, err := stix.Parse(def)
	if err != nil {
		t.Fatal(err)
	}
	if m, ok, err := stix.MarkingOf(dh, lookup); ok || err != nil {
		t.Errorf("the marking-definition of SECRET UE is itself marked %v (%v)", m, err)
	}
	if _, _, err := stix.MarkingOf(&stix.Header{ObjectMarkingRefs: []string{copyright}}, nil); err == nil {
		t.Error("a nil lookup resolved a non-TLP reference")
	}
}

// TestProductDraftFromForeignReports reads the OASIS example reports, which
// do not carry liaison's extension.
func TestProductDraftFromForeignReports(t *testing.T) {
	tests := []struct {
		file   string
		title  string
		topics []string
	}{
		{"threat-reports/apt1.json", "APT1: Exposing One of China's Cyber Espionage Units", []string{"threat-actor", "threat-report"}},
		{"threat-reports/poisonivy.json", "Poison Ivy: Assessing Damage and Extracting Intelligence", []string{"malware", "threat-report"}},
	}
	for _, tt := range tests {
		found := false
		for _, raw := range readObjects(t, sharedData(t, "stix-schemas/examples/"+tt.file)) {
			h, err := stix.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			if h.Type != "report" {
				continue
			}
			found = true
			d, ext, err := stix.ProductDraftFromReport(h)
			if err != nil {
				t.Fatal(err)
			}
			if ext != nil || d.Title != tt.title || d.Body != h.Description || !slices.Equal(d.Topics, tt.topics) ||
				d.Reliability != "F" || d.Credibility != "6" || d.Marking != "" || d.ID != "" {
				t.Errorf("%s: draft %+v", tt.file, d)
			}
			if _, err := liaison.NormaliseTopics(d.Topics); err != nil {
				t.Error(err)
			}
		}
		if !found {
			t.Errorf("%s: no report", tt.file)
		}
	}

	h := &stix.Header{ID: "report--26ffb872-1dd9-446e-b6f5-d58527e5b5d2", Type: "report", Name: strings.Repeat("é", 300),
		Labels: []string{"Threat Actor: APT 28!", "--x--", "", "日本"}, ReportTypes: []string{"campaign", "threat-actor"}}
	d, _, err := stix.ProductDraftFromReport(h)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"threat-actor-apt-28", "x"}; !slices.Equal(d.Topics, want) {
		t.Errorf("topics %v, want %v", d.Topics, want)
	}
	if len(d.Title) > 500 || !strings.HasSuffix(d.Title, "…") || !utf8Valid(d.Title) {
		t.Errorf("title of %d bytes", len(d.Title))
	}
	h.Labels = []string{"!!"}
	if d, _, _ = stix.ProductDraftFromReport(h); !slices.Equal(d.Topics, []string{"campaign", "threat-actor"}) {
		t.Errorf("topics from report_types: %v", d.Topics)
	}
	h.ReportTypes = nil
	if d, _, _ = stix.ProductDraftFromReport(h); !slices.Equal(d.Topics, []string{"threat-report"}) {
		t.Errorf("default topics: %v", d.Topics)
	}
	for _, bad := range []*stix.Header{{Type: "note"}, {Type: "report"}} {
		if _, _, err := stix.ProductDraftFromReport(bad); liaison.ErrorCode(err) != liaison.EINVALID {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
