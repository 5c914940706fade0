package misp

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/liaison-dev/liaison/stix"
)

// validator is the STIX validator of package stix, on the OASIS STIX 2.1
// JSON schemas embedded there, compiled once for all tests.
var validator = sync.OnceValues(stix.NewValidator)

// valueFormats are the formats the OASIS schemas give the value of url and
// email-addr. stix.Validator does not assert formats (JSON Schema's
// default), so these tests do it themselves: it keeps them as strict as
// they were, and an unfit value must become an x-misp-attribute, never an
// SCO that a stricter reader would reject.
var valueFormats = sync.OnceValues(func() (map[string]*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	out := map[string]*jsonschema.Schema{}
	for typ, format := range map[string]string{"url": "uri", "email-addr": "email"} {
		url := "http://liaison.test/misp/value-format/" + typ + ".json"
		if err := c.AddResource(url, map[string]any{"format": format}); err != nil {
			return nil, err
		}
		s, err := c.Compile(url)
		if err != nil {
			return nil, err
		}
		out[typ] = s
	}
	return out, nil
})

// validate checks one STIX object against the schema of its type (custom
// x- types against the common core) and, for url and email-addr, its value
// against the schema's format.
func validate(t *testing.T, raw []byte) error {
	t.Helper()
	v, err := validator()
	if err != nil {
		t.Fatalf("stix.NewValidator: %v", err)
	}
	formats, err := valueFormats()
	if err != nil {
		t.Fatalf("value formats: %v", err)
	}
	if err := v.Validate(raw); err != nil {
		return err
	}
	var o struct {
		Type  string `json:"type"`
		Value any    `json:"value"`
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		return err
	}
	if s := formats[o.Type]; s != nil {
		if err := s.Validate(o.Value); err != nil {
			return fmt.Errorf("%s value: %w", o.Type, err)
		}
	}
	return nil
}

// validateAll validates every object and fails the test for each invalid
// one.
func validateAll(t *testing.T, objs []json.RawMessage) {
	t.Helper()
	for _, raw := range objs {
		if err := validate(t, raw); err != nil {
			t.Errorf("invalid STIX object %s:\n%v", raw, err)
		}
	}
}

// TestSchemasCatchInvalid makes sure the validation is not vacuous.
func TestSchemasCatchInvalid(t *testing.T) {
	for name, raw := range map[string]string{
		"indicator without pattern": `{"type":"indicator","spec_version":"2.1","id":"indicator--a0000001-0000-4000-8000-000000000001","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}`,
		"ipv4 with bad value":       `{"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--a0000001-0000-4000-8000-000000000001","value":"999.1.1.1"}`,
		"custom without created":    `{"type":"x-misp-attribute","spec_version":"2.1","id":"x-misp-attribute--a0000001-0000-4000-8000-000000000001","modified":"2024-01-01T00:00:00.000Z"}`,
		"url not absolute":          `{"type":"url","spec_version":"2.1","id":"url--a0000001-0000-4000-8000-000000000001","value":"evil.example/x"}`,
		"email not an address":      `{"type":"email-addr","spec_version":"2.1","id":"email-addr--a0000001-0000-4000-8000-000000000001","value":"not-an-address"}`,
		"abbreviated hive":          `{"type":"windows-registry-key","spec_version":"2.1","id":"windows-registry-key--a0000001-0000-4000-8000-000000000001","key":"HKLM\\Software"}`,
	} {
		if err := validate(t, []byte(raw)); err == nil {
			t.Errorf("%s: validated, want an error", name)
		}
	}
}
