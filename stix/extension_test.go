package stix_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
	"github.com/liaison-dev/liaison/stix"
)

var update = flag.Bool("update", false, "rewrite docs/stix-extension-*.json from the code")

const (
	docsDefinition = "../docs/stix-extension-definition.json"
	docsSchema     = "../docs/stix-extension-schema.json"
)

// TestExtensionPublished checks that the extension-definition and its
// schema published in docs/ are those the code uses.
func TestExtensionPublished(t *testing.T) {
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, stix.ExtensionDefinition(), "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	embedded, err := os.ReadFile("extension-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(docsDefinition, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(docsSchema, embedded, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	published, err := os.ReadFile(docsDefinition)
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, published); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(compact.Bytes(), stix.ExtensionDefinition()) {
		t.Errorf("%s differs from ExtensionDefinition() (go test -update rewrites it):\n%s\n%s", docsDefinition, compact.Bytes(), stix.ExtensionDefinition())
	}
	schema, err := os.ReadFile(docsSchema)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(schema, embedded) {
		t.Errorf("%s differs from stix/extension-schema.json, which the Validator embeds (go test -update copies it)", docsSchema)
	}

	v := newValidator(t)
	for _, raw := range []json.RawMessage{stix.ExtensionDefinition(), stix.ProjectIdentity()} {
		if err := v.Validate(raw); err != nil {
			t.Error(err)
		}
		h, err := stix.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if h.ID != stix.ExtensionID && h.ID != stix.ProjectIdentityID {
			t.Errorf("unexpected id %s", h.ID)
		}
	}
	h, _ := stix.Parse(stix.ExtensionDefinition())
	if h.CreatedByRef != stix.ProjectIdentityID || !strings.Contains(string(stix.ExtensionDefinition()), `"schema":"`+stix.ExtensionSchemaURL+`"`) ||
		!strings.Contains(string(stix.ExtensionDefinition()), `"version":"1.0.0","extension_types":["property-extension"]`) {
		t.Errorf("extension-definition: %s", stix.ExtensionDefinition())
	}
}

// publishedSchema compiles docs/stix-extension-schema.json on its own.
func publishedSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(docsSchema)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestExtensionSchema validates sample extensions against the published
// schema file: those liaison writes pass, broken ones fail.
func TestExtensionSchema(t *testing.T) {
	s := publishedSchema(t)
	check := func(name string, ext any, valid bool) {
		t.Helper()
		b, err := json.Marshal(ext)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(doc); (err == nil) != valid {
			t.Errorf("%s: %s: valid %v, want %v: %v", name, b, err == nil, valid, err)
		}
	}
	for _, p := range sampleProducts() {
		check(p.Title, stix.ProductExtension(p), true)
	}
	for _, o := range sampleOrganisations() {
		check(o.ID, &stix.Extension{Organisation: &stix.OrganisationInfo{ID: o.ID, Kind: o.Kind, Country: o.Country, Memberships: o.Memberships}}, true)
	}
	good := func() map[string]any {
		return map[string]any{"extension_type": "property-extension", "classification": map[string]any{"scheme": "EU", "level": "SECRET UE"},
			"banner": "SECRET UE//ORCON", "caveats": map[string]any{"orcon": true}, "third_party_rule": true}
	}
	check("a statement's extension", good(), true)
	for _, tt := range []struct {
		name   string
		change func(m map[string]any)
	}{
		{"no extension_type", func(m map[string]any) { delete(m, "extension_type") }},
		{"wrong extension_type", func(m map[string]any) { m["extension_type"] = "new-sdo" }},
		{"unknown property", func(m map[string]any) { m["no_ai"] = true }},
		{"unknown caveat", func(m map[string]any) { m["caveats"] = map[string]any{"orcon": true, "eyes_only": true} }},
		{"ORCON without the third-party rule", func(m map[string]any) { delete(m, "third_party_rule") }},
		{"ORCON with the third-party rule false", func(m map[string]any) { m["third_party_rule"] = false }},
		{"NOFORN and REL TO", func(m map[string]any) {
			m["caveats"] = map[string]any{"noforn": true, "rel_to": []string{"DE"}}
		}},
		{"lower-case REL TO", func(m map[string]any) { m["caveats"] = map[string]any{"rel_to": []string{"de"}} }},
		{"expiry not at midnight", func(m map[string]any) { m["caveats"] = map[string]any{"expires": "2027-01-31T10:00:00.000Z"} }},
		{"bad handling code", func(m map[string]any) { m["caveats"] = map[string]any{"handling": "H4"} }},
		{"classification without banner", func(m map[string]any) { delete(m, "banner") }},
		{"neither handling nor organisation", func(m map[string]any) { delete(m, "classification"); delete(m, "banner"); delete(m, "caveats") }},
		{"product without grading", func(m map[string]any) {
			m["product_id"] = "1b4e28ba-2fa1-41d2-883f-0016d3cca427"
			m["product_version"] = 1
		}},
		{"bad reliability", func(m map[string]any) { m["reliability"] = "G" }},
		{"empty topics", func(m map[string]any) { m["topics"] = []string{} }},
		{"parent without version", func(m map[string]any) { m["parent_id"] = "1b4e28ba-2fa1-41d2-883f-0016d3cca427" }},
	} {
		m := good()
		tt.change(m)
		check(tt.name, m, false)
	}
}

func TestExtensionJSON(t *testing.T) {
	e := &stix.Extension{
		Classification: marking.Classification{Scheme: "DE", Level: "GEHEIM"}, Banner: "DE GEHEIM//ORCON//REL TO EU, FR//H2//EXPIRES 2027-01-31",
		OriginatorControl: true, ReleasableTo: []string{"EU", "FR"}, Handling: marking.H2, Expires: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC),
		Originator: "de-bfv", Origins: []string{"de-bfv"}, ThirdPartyRule: true, Reliability: "B", Credibility: "2",
		Topics: []string{"terrorism"}, ProductID: "1b4e28ba-2fa1-41d2-883f-0016d3cca427", ProductVersion: 2, OriginNode: "node-1",
	}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"extension_type":"property-extension","classification":{"scheme":"DE","level":"GEHEIM"},` +
		`"banner":"DE GEHEIM//ORCON//REL TO EU, FR//H2//EXPIRES 2027-01-31","caveats":{"orcon":true,"rel_to":["EU","FR"],` +
		`"handling":"H2","expires":"2027-01-31T00:00:00.000Z"},"originator":"de-bfv","origins":["de-bfv"],"third_party_rule":true,` +
		`"reliability":"B","credibility":"2","topics":["terrorism"],"product_id":"1b4e28ba-2fa1-41d2-883f-0016d3cca427",` +
		`"product_version":2,"origin_node":"node-1"}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	var back stix.Extension
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(e, &back); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
	m, err := back.Marking()
	if err != nil {
		t.Fatal(err)
	}
	if err := marking.DefaultRegistry().Validate(m); err != nil || m.String() != e.Banner {
		t.Errorf("Marking() = %v (%v)", m, err)
	}

	for _, tt := range []struct {
		name   string
		change func(e *stix.Extension)
		want   string
	}{
		{"no classification", func(e *stix.Extension) { e.Classification = marking.Classification{} }, "carries no classification"},
		{"banner altered", func(e *stix.Extension) { e.Banner = "DE GEHEIM" }, `banner "DE GEHEIM" does not match the structured marking`},
		{"caveat dropped from the banner", func(e *stix.Extension) { e.NoOnward = true }, "does not match"},
		{"ORCON without third-party rule", func(e *stix.Extension) { e.ThirdPartyRule = false }, "without the third-party rule"},
	} {
		c := *e
		tt.change(&c)
		if _, err := c.Marking(); err == nil || !strings.Contains(err.Error(), tt.want) || liaison.ErrorCode(err) != liaison.EMARKING {
			t.Errorf("%s: %v, want an EMARKING error containing %q", tt.name, err, tt.want)
		}
	}
	for _, bad := range []string{`{"extension_type":"property-extension","caveats":{"expires":"2027-01-31"}}`, `{"extension_type":"toplevel-property-extension"}`, `{"x":1}`} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("Unmarshal(%s): no error", bad)
		}
	}
}
