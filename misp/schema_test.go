package misp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaDir holds the OASIS STIX 2.1 JSON schemas (shared/data beside the
// repository).
const schemaDir = "../../shared/data/stix-schemas/schemas"

// schemas validates STIX objects against the OASIS schemas. It loads them
// itself because stix.NewValidator (embedded schemas) did not exist yet when
// this package was written; once it does, validateAll should use it.
//
// schemas validates each type
// against its own schema, custom x- types against common/core.json only.
// Formats (uri, email, idn-hostname) are asserted, which is stricter than
// the schemas' default.
type schemas struct {
	byType map[string]*jsonschema.Schema
	core   *jsonschema.Schema
}

var loadSchemas = sync.OnceValues(func() (*schemas, error) {
	if _, err := os.Stat(schemaDir); err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	ids := map[string]string{} // STIX type → schema $id
	coreID := ""
	err := filepath.WalkDir(schemaDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		id, _ := doc.(map[string]any)["$id"].(string)
		if id == "" {
			return fmt.Errorf("%s: no $id", path)
		}
		if err := c.AddResource(id, doc); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		switch filepath.Base(filepath.Dir(path)) {
		case "sdos", "sros", "observables":
			ids[strings.TrimSuffix(filepath.Base(path), ".json")] = id
		case "common":
			if filepath.Base(path) == "core.json" {
				coreID = id
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s := &schemas{byType: map[string]*jsonschema.Schema{}}
	for typ, id := range ids {
		if s.byType[typ], err = c.Compile(id); err != nil {
			return nil, fmt.Errorf("compile %s: %w", typ, err)
		}
	}
	if s.core, err = c.Compile(coreID); err != nil {
		return nil, fmt.Errorf("compile core: %w", err)
	}
	return s, nil
})

// stixSchemas returns the validator, skipping the test when the schemas
// are not on this machine.
func stixSchemas(t *testing.T) *schemas {
	t.Helper()
	s, err := loadSchemas()
	if os.IsNotExist(err) {
		t.Skipf("OASIS STIX 2.1 JSON schemas not found at %s (expected in shared/data beside the repository): %v", schemaDir, err)
	}
	if err != nil {
		t.Fatalf("load STIX schemas: %v", err)
	}
	return s
}

// validate checks one STIX object against its type's schema.
func (s *schemas) validate(raw []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return fmt.Errorf("not a JSON object")
	}
	typ, _ := m["type"].(string)
	sch := s.byType[typ]
	if sch == nil {
		if !strings.HasPrefix(typ, "x-") {
			return fmt.Errorf("no OASIS schema for type %q", typ)
		}
		sch = s.core
	}
	return sch.Validate(doc)
}

// validateAll validates every object and fails the test for each invalid
// one.
func validateAll(t *testing.T, objs []json.RawMessage) {
	t.Helper()
	s := stixSchemas(t)
	for _, raw := range objs {
		if err := s.validate(raw); err != nil {
			t.Errorf("invalid STIX object %s:\n%v", raw, err)
		}
	}
}

// TestSchemasCatchInvalid makes sure the validator is not vacuous.
func TestSchemasCatchInvalid(t *testing.T) {
	s := stixSchemas(t)
	for name, raw := range map[string]string{
		"indicator without pattern": `{"type":"indicator","spec_version":"2.1","id":"indicator--a0000001-0000-4000-8000-000000000001","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}`,
		"ipv4 with bad value":       `{"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--a0000001-0000-4000-8000-000000000001","value":"999.1.1.1"}`,
		"custom without created":    `{"type":"x-misp-attribute","spec_version":"2.1","id":"x-misp-attribute--a0000001-0000-4000-8000-000000000001","modified":"2024-01-01T00:00:00.000Z"}`,
		"url not absolute":          `{"type":"url","spec_version":"2.1","id":"url--a0000001-0000-4000-8000-000000000001","value":"evil.example/x"}`,
		"abbreviated hive":          `{"type":"windows-registry-key","spec_version":"2.1","id":"windows-registry-key--a0000001-0000-4000-8000-000000000001","key":"HKLM\\Software"}`,
	} {
		if err := s.validate([]byte(raw)); err == nil {
			t.Errorf("%s: validated, want an error", name)
		}
	}
}
