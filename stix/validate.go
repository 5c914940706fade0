package stix

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/liaison-dev/liaison"
)

// schemaFiles holds the OASIS STIX 2.1 JSON schemas (oasis-open/
// cti-stix2-json-schemas, BSD-3-Clause, LICENSE beside them) and the JSON
// schema of liaison's extension (a copy of docs/stix-extension-schema.json,
// which a test keeps identical).
//
//go:embed schemas extension-schema.json
var schemaFiles embed.FS

// schemaBase is the URL the OASIS schemas name themselves by ($id); their
// $refs are relative to it.
const schemaBase = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"

// Validator checks STIX objects against the OASIS STIX 2.1 JSON schemas,
// loaded from the copies embedded in the binary: it never fetches anything.
// It is safe for concurrent use.
type Validator struct {
	byType     map[string]*jsonschema.Schema // the schema of each type STIX defines
	core       *jsonschema.Schema            // common/core.json, for custom objects
	observable *jsonschema.Schema            // common/cyber-observable-core.json, for custom observables
	extension  *jsonschema.Schema            // liaison's extension
}

// offlineLoader refuses every URL: all schemas are added to the compiler
// beforehand, and a reference to any other is an error, not a download.
type offlineLoader struct{}

func (offlineLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schema %s is not embedded in liaison (no schema is fetched over the network)", url)
}

// NewValidator loads and compiles the embedded schemas: the schema of every
// STIX domain, relationship and cyber-observable object, of
// marking-definition, extension-definition, language-content and bundle,
// the common core schemas for custom types, and liaison's extension schema.
func NewValidator() (*Validator, error) {
	c := jsonschema.NewCompiler()
	c.UseLoader(offlineLoader{})
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseRegexpEngine(compilePattern)
	var names []string
	err := fs.WalkDir(schemaFiles, "schemas", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".json" {
			return err
		}
		doc, err := loadSchema(p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "schemas/")
		names = append(names, rel)
		return c.AddResource(schemaBase+rel, doc)
	})
	if err != nil {
		return nil, fmt.Errorf("stix: loading schemas: %w", err)
	}
	doc, err := loadSchema("extension-schema.json")
	if err != nil {
		return nil, fmt.Errorf("stix: loading schemas: %w", err)
	}
	if err := c.AddResource(ExtensionSchemaURL, doc); err != nil {
		return nil, fmt.Errorf("stix: loading schemas: %w", err)
	}

	v := &Validator{byType: map[string]*jsonschema.Schema{}}
	compile := func(url string) (*jsonschema.Schema, error) {
		s, err := c.Compile(url)
		if err != nil {
			return nil, fmt.Errorf("stix: compiling schema %s: %w", url, err)
		}
		return s, nil
	}
	for _, rel := range names {
		dir, file := path.Split(rel)
		typ := strings.TrimSuffix(file, ".json")
		switch {
		case dir == "sdos/" || dir == "sros/" || dir == "observables/",
			typ == "marking-definition", typ == "extension-definition", typ == "language-content", typ == "bundle":
			if v.byType[typ], err = compile(schemaBase + rel); err != nil {
				return nil, err
			}
		}
	}
	if v.core, err = compile(schemaBase + "common/core.json"); err != nil {
		return nil, err
	}
	if v.observable, err = compile(schemaBase + "common/cyber-observable-core.json"); err != nil {
		return nil, err
	}
	if v.extension, err = compile(ExtensionSchemaURL); err != nil {
		return nil, err
	}
	return v, nil
}

func loadSchema(p string) (any, error) {
	b, err := schemaFiles.ReadFile(p)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return doc, nil
}

// Types returns the object types that have a schema of their own, sorted;
// any other type is checked against the common core only.
func (v *Validator) Types() []string {
	types := make([]string, 0, len(v.byType))
	for t := range v.byType {
		types = append(types, t)
	}
	slices.Sort(types)
	return types
}

// Validate checks one STIX object (or a bundle) against the schema of its
// type. A type STIX does not define (x-mitre-tactic, …) is checked against
// the common core: core.json when it has created or modified, the
// cyber-observable core otherwise. When the object carries liaison's
// extension, the extension is checked against its schema too.
//
// The error is an EINVALID *liaison.Error naming the object and the schema
// and listing what failed, each with its place in the object as a JSON
// pointer, e.g.
//
//	report--…: fails the STIX schema report: at /published: missing property 'published'
//
// Malformed JSON is an EBADJSON error.
//
// It takes about 33 µs for an ATT&CK object on one core of the project's
// 2-core machine (BenchmarkValidate), most of it in the schema library.
func (v *Validator) Validate(raw []byte) error {
	doc, err := decodeJSON(raw)
	if err != nil {
		return liaison.Errorf(liaison.EBADJSON, "STIX object: malformed JSON: %v", err)
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return liaison.Errorf(liaison.EINVALID, "STIX object: not a JSON object")
	}
	typ, _ := obj["type"].(string)
	name, _ := obj["id"].(string)
	if name == "" {
		name = "STIX object"
	}
	sch, schemaName := v.byType[typ], typ
	if sch == nil {
		_, created := obj["created"]
		_, modified := obj["modified"]
		if created || modified {
			sch, schemaName = v.core, "core (for a custom object)"
		} else {
			sch, schemaName = v.observable, "cyber-observable-core (for a custom observable)"
		}
	}
	if err := sch.Validate(doc); err != nil {
		return liaison.Errorf(liaison.EINVALID, "%s: fails the STIX schema %s: %s", name, schemaName, explain(err))
	}
	if exts, ok := obj["extensions"].(map[string]any); ok {
		if ext, ok := exts[ExtensionID]; ok {
			if err := v.extension.Validate(ext); err != nil {
				return liaison.Errorf(liaison.EINVALID, "%s: its liaison extension fails its schema: %s", name, explain(err))
			}
		}
	}
	return nil
}

// maxReasons bounds the failures an error lists.
const maxReasons = 6

var printer = message.NewPrinter(language.English)

// explain lists the leaf failures of a validation error, one per place,
// with their JSON pointers. Where a value failed several alternatives
// (anyOf, oneOf) for a reason other than its JSON type, the "got string,
// want number" of the other alternatives is left out as noise.
func explain(err error) string {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err.Error()
	}
	type reason struct {
		at, msg string
		typ     bool
	}
	var all []reason
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			_, typ := e.ErrorKind.(*kind.Type)
			all = append(all, reason{"/" + strings.Join(e.InstanceLocation, "/"), e.ErrorKind.LocalizedString(printer), typ})
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	var out []string
	for _, r := range all {
		if r.typ && slices.ContainsFunc(all, func(o reason) bool { return o.at == r.at && !o.typ }) {
			continue
		}
		if s := "at " + r.at + ": " + r.msg; !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	more := ""
	if len(out) > maxReasons {
		more = fmt.Sprintf("; and %d more", len(out)-maxReasons)
		out = out[:maxReasons]
	}
	return strings.Join(out, "; ") + more
}
