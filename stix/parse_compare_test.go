package stix

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/tidwall/gjson"
)

// headerJSON is the header decoded by encoding/json, for the comparison
// that chose gjson for Parse (see its doc comment).
type headerJSON struct {
	ID                string   `json:"id"`
	Type              string   `json:"type"`
	SpecVersion       string   `json:"spec_version"`
	Created           string   `json:"created"`
	Modified          string   `json:"modified"`
	Revoked           bool     `json:"revoked"`
	CreatedByRef      string   `json:"created_by_ref"`
	ObjectMarkingRefs []string `json:"object_marking_refs"`
	GranularMarkings  []struct {
		MarkingRef string `json:"marking_ref"`
		Lang       string `json:"lang"`
	} `json:"granular_markings"`
	ObjectRefs     []string `json:"object_refs"`
	Name           string   `json:"name"`
	Description    string   `json:"description"`
	Labels         []string `json:"labels"`
	ReportTypes    []string `json:"report_types"`
	Published      string   `json:"published"`
	DefinitionType string   `json:"definition_type"`
	Definition     struct {
		Statement string `json:"statement"`
		TLP       string `json:"tlp"`
	} `json:"definition"`
	Extensions map[string]json.RawMessage `json:"extensions"`
}

func attackRaw(b *testing.B) [][]byte {
	p := filepath.Join("..", "..", "shared", "data", "attack", "ics-attack.json")
	data, err := os.ReadFile(p)
	if err != nil {
		b.Skipf("shared test data %s is absent (%v): skipping", p, err)
	}
	r := NewReader(bytes.NewReader(data))
	var objs [][]byte
	for {
		raw, err := r.Next()
		if err == io.EOF {
			return objs
		}
		if err != nil {
			b.Fatal(err)
		}
		objs = append(objs, raw)
	}
}

// BenchmarkParseEncodingJSON decodes the fields Parse reads with
// encoding/json, without Parse's checks: the alternative to gjson.
func BenchmarkParseEncodingJSON(b *testing.B) {
	objs := attackRaw(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		var h headerJSON
		if err := json.Unmarshal(objs[i%len(objs)], &h); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkParseGJSONValid is the syntax check alone that Parse starts
// with.
func BenchmarkParseGJSONValid(b *testing.B) {
	objs := attackRaw(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if !gjson.ValidBytes(objs[i%len(objs)]) {
			b.Fatal("invalid")
		}
		i++
	}
}
