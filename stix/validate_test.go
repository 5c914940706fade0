package stix_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/stix"
)

// validator is compiled once for all tests.
var validator = sync.OnceValues(stix.NewValidator)

func newValidator(tb testing.TB) *stix.Validator {
	tb.Helper()
	v, err := validator()
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// readObjects returns every object of a STIX file.
func readObjects(t testing.TB, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := stix.NewReader(bytes.NewReader(data))
	var objs [][]byte
	for {
		raw, err := r.Next()
		if err == io.EOF {
			return objs
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		objs = append(objs, raw)
	}
}

// TestValidateExamples checks every object of the OASIS examples and of
// ATT&CK for ICS against the schemas, and against Parse.
func TestValidateExamples(t *testing.T) {
	v := newValidator(t)
	dir := sharedData(t, "stix-schemas/examples")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	files = append(files, more...)
	files = append(files, sharedData(t, "attack/ics-attack.json"))
	total := 0
	for _, f := range files {
		for _, raw := range readObjects(t, f) {
			total++
			if err := v.Validate(raw); err != nil {
				t.Errorf("%s: %v", filepath.Base(f), err)
			}
			if _, err := stix.Parse(raw); err != nil {
				t.Errorf("%s: Parse: %v", filepath.Base(f), err)
			}
		}
	}
	t.Logf("%d objects of %d files valid", total, len(files))
}

func TestValidateBad(t *testing.T) {
	v := newValidator(t)
	const when = `"created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z"`
	tests := []struct{ name, in, want string }{
		{"report without published", `{"type":"report","spec_version":"2.1","id":"report--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",` + when +
			`,"name":"r","object_refs":["identity--26ffb872-1dd9-446e-b6f5-d58527e5b5d2"]}`,
			"report--26ffb872-1dd9-446e-b6f5-d58527e5b5d2: fails the STIX schema report: at /: missing property 'published'"},
		{"created without milliseconds", `{"type":"campaign","spec_version":"2.1","id":"campaign--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",` +
			`"created":"2016-04-06T20:03:48Z","modified":"2016-04-06T20:03:48.000Z","name":"c"}`,
			"at /created: '2016-04-06T20:03:48Z' does not match pattern"},
		{"bad timestamp", `{"type":"campaign","spec_version":"2.1","id":"campaign--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",` +
			`"created":"2022-101-27T13:49:54.326Z","modified":"2016-04-06T20:03:48.000Z","name":"c"}`,
			"at /created: '2022-101-27T13:49:54.326Z' does not match pattern"},
		{"empty list", `{"type":"campaign","spec_version":"2.1","id":"campaign--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",` + when + `,"name":"c","labels":[]}`,
			"fails the STIX schema campaign: at /labels: minItems: got 0, want 1"},
		{"custom object without modified", `{"type":"x-mitre-tactic","spec_version":"2.1","id":"x-mitre-tactic--26ffb872-1dd9-446e-b6f5-d58527e5b5d2","created":"2016-04-06T20:03:48.000Z"}`,
			"fails the STIX schema core (for a custom object): at /: missing property 'modified'"},
		{"observable with a bad value", `{"type":"ipv4-addr","id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":42}`,
			"fails the STIX schema ipv4-addr: at /value: got number, want string"},
		{"custom property with upper case", `{"type":"campaign","spec_version":"2.1","id":"campaign--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",` + when + `,"name":"c","X_Custom":1}`,
			"additional properties 'X_Custom' not allowed"},
		{"bad liaison extension", `{"type":"campaign","spec_version":"2.1","id":"campaign--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",` + when +
			`,"name":"c","extensions":{"` + stix.ExtensionID + `":{"extension_type":"property-extension","classification":{"scheme":"EU","level":"SECRET UE"},"banner":"SECRET UE","reliability":"G"}}}`,
			"its liaison extension fails its schema: at /reliability: value must be one of"},
		{"liaison extension: ORCON without third-party rule", `{"type":"campaign","spec_version":"2.1","id":"campaign--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",` + when +
			`,"name":"c","extensions":{"` + stix.ExtensionID + `":{"extension_type":"property-extension","classification":{"scheme":"EU","level":"SECRET UE"},"banner":"SECRET UE//ORCON","caveats":{"orcon":true}}}}`,
			"at /: missing property 'third_party_rule'"},
		{"not an object", `[1]`, "not a JSON object"},
		{"malformed", `{"type":`, "malformed JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Validate([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v\nwant an error containing %q", err, tt.want)
			}
			if c := liaison.ErrorCode(err); c != liaison.EINVALID && c != liaison.EBADJSON {
				t.Errorf("code %s", c)
			}
		})
	}
}

func BenchmarkNewValidator(b *testing.B) {
	for b.Loop() {
		if _, err := stix.NewValidator(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	v := newValidator(b)
	objs := attackObjects(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := v.Validate(objs[i%len(objs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// TestValidateConcurrent validates from several goroutines at once (run
// with -race).
func TestValidateConcurrent(t *testing.T) {
	v := newValidator(t)
	objs := attackObjects(t)[:200]
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for _, o := range objs {
				if err := v.Validate(o); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
