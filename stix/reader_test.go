package stix_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/stix"
)

// sharedData returns the path of a file under ../shared/data, skipping the
// test when it is absent.
func sharedData(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "data", filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared test data %s is absent (%v): skipping", rel, err)
	}
	return p
}

// readAll reads every object of in, recording errors as "error: …" strings
// in place of objects; it stops at the first fatal error.
func readAll(t *testing.T, r *stix.Reader) (objs []string, fatal error) {
	t.Helper()
	for range 10000 {
		raw, err := r.Next()
		var oe *stix.ObjectError
		switch {
		case err == io.EOF:
			return objs, nil
		case errors.As(err, &oe):
			objs = append(objs, fmt.Sprintf("error %d", oe.Index))
		case err != nil:
			return objs, err
		default:
			objs = append(objs, string(raw))
		}
	}
	t.Fatal("reader does not end")
	return nil, nil
}

func TestReader(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   []string
		bundle string
		fatal  string // substring of the fatal error, "" for none
		more   bool
		next   string
	}{
		{name: "bundle", in: `{"type":"bundle","id":"bundle--1","objects":[{"a":1},{"b":[1,2]}]}`,
			want: []string{`{"a":1}`, `{"b":[1,2]}`}, bundle: "bundle--1"},
		{name: "bundle, keys after objects, white space compacted",
			in:   "{ \"objects\" : [ {\n \"a\" : \"x y\" ,\t\"b\":{ } } ,\r\n{\"c\":[ ]} ] ,\n \"id\":\"bundle--2\", \"type\" : \"bundle\" }\n",
			want: []string{`{"a":"x y","b":{}}`, `{"c":[]}`}, bundle: "bundle--2"},
		{name: "envelope", in: `{"more":true,"next":"abc","objects":[{"id":"x"}]}`,
			want: []string{`{"id":"x"}`}, more: true, next: "abc"},
		{name: "envelope, objects first", in: `{"objects":[{"id":"x"}],"more":false}`,
			want: []string{`{"id":"x"}`}},
		{name: "empty envelope", in: `{}`, want: nil},
		{name: "envelope without objects", in: `{"more":false}`, want: nil},
		{name: "bundle without objects", in: `{"id":"bundle--3","type":"bundle"}`, bundle: "bundle--3"},
		{name: "bundle with no object", in: `{"type":"bundle","id":"bundle--3","objects":[]}`, bundle: "bundle--3"},
		{name: "array", in: ` [ {"a" : 1} , {"b":2} ] `, want: []string{`{"a":1}`, `{"b":2}`}},
		{name: "empty array", in: `[]`},
		{name: "single object", in: "{\"type\": \"campaign\",\n \"id\":\"campaign--1\", \"n\": [1, {\"x\": null}]}",
			want: []string{`{"type":"campaign","id":"campaign--1","n":[1,{"x":null}]}`}},
		{name: "single object with objects property after its type",
			in:   `{"type":"x-list","objects":[1,2],"id":"x-list--1"}`,
			want: []string{`{"type":"x-list","objects":[1,2],"id":"x-list--1"}`}},
		{name: "elements that are not objects are skipped",
			in:   `[{"a":1}, 2, "s", [1], null, true, {"b":2}]`,
			want: []string{`{"a":1}`, "error 1", "error 2", "error 3", "error 4", "error 5", `{"b":2}`}},
		{name: "strings kept as they are", in: `[{"s":"a\"b\\c\/d\u00e9\n\t","é":"日本"}]`,
			want: []string{`{"s":"a\"b\\c\/d\u00e9\n\t","é":"日本"}`}},
		{name: "numbers", in: `[{"n":[0,-0,1.5,-2e10,3E+2,4e-3,123456789012345678901234567890]}]`,
			want: []string{`{"n":[0,-0,1.5,-2e10,3E+2,4e-3,123456789012345678901234567890]}`}},
		{name: "invalid UTF-8 skips the object",
			in:   "[{\"a\":\"\xff\"},{\"b\":\"\xed\xa0\x80\"},{\"c\":1}]",
			want: []string{"error 0", "error 1", `{"c":1}`}},

		{name: "empty input", in: "", fatal: "at byte 0: empty input"},
		{name: "blank input", in: "  \n", fatal: "at byte 3: empty input"},
		{name: "top-level string", in: `"x"`, fatal: `at byte 0: expected a STIX bundle`},
		{name: "truncated", in: `{"type":"bundle","objects":[{"a":1},{"b"`, want: []string{`{"a":1}`},
			fatal: "at byte 40: unexpected end of input"},
		{name: "missing comma", in: `[{"a":1} {"b":2}]`, want: []string{`{"a":1}`},
			fatal: `at byte 9: expected ',' or ']' after an object, found '{'`},
		{name: "trailing comma", in: `[{"a":1},]`, want: []string{`{"a":1}`}, fatal: `at byte 9: expected a JSON value, found ']'`},
		{name: "bad literal", in: `[{"a":tru}]`, fatal: `at byte 9: invalid literal: expected "true"`},
		{name: "bad number", in: `[{"a":01}]`, fatal: `at byte 7: expected ',' or '}' in an object, found '1'`},
		{name: "bad number 2", in: `[{"a":-}]`, fatal: `at byte 7: invalid number`},
		{name: "bad escape", in: `[{"a":"\x"}]`, fatal: `at byte 7: invalid escape \x`},
		{name: "bad unicode escape", in: `[{"a":"\u12g4"}]`, fatal: `at byte 11: invalid \u escape`},
		{name: "control character", in: "[{\"a\":\"\n\"}]", fatal: `at byte 7: control character`},
		{name: "unquoted name", in: `[{a:1}]`, fatal: `at byte 2: expected a member name`},
		{name: "missing colon", in: `[{"a" 1}]`, fatal: `at byte 6: expected ':'`},
		{name: "trailing data", in: `[{"a":1}] x`, want: []string{`{"a":1}`}, fatal: `at byte 10: unexpected 'x' after the end`},
		{name: "two values", in: `{"a":1}{"b":2}`, want: []string{`{"a":1}`}, fatal: `at byte 7: unexpected '{' after the end`},
		{name: "bad top-level member", in: `{"objects":[{"a":1}] "x":1}`, want: []string{`{"a":1}`},
			fatal: `at byte 21: expected ',' or '}' after a member of the top-level object`},
		{name: "deep nesting", in: "[{\"a\":" + strings.Repeat("[", 1001) + strings.Repeat("]", 1001) + "}]",
			fatal: "nesting deeper than 1000 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Read in one go, and one byte at a time, which splits every token.
			for _, small := range []bool{false, true} {
				var in io.Reader = strings.NewReader(tt.in)
				if small {
					in = iotest.OneByteReader(in)
				}
				r := stix.NewReader(in)
				got, err := readAll(t, r)
				if fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Errorf("objects (one byte at a time: %v):\n got %q\nwant %q", small, got, tt.want)
				}
				switch {
				case tt.fatal == "" && err != nil:
					t.Errorf("unexpected error: %v", err)
				case tt.fatal != "" && (err == nil || !strings.Contains(err.Error(), tt.fatal)):
					t.Errorf("error %v, want one containing %q", err, tt.fatal)
				case tt.fatal != "":
					var se *stix.SyntaxError
					if !errors.As(err, &se) || liaison.ErrorCode(err) != liaison.EBADJSON {
						t.Errorf("error %v (%T): want a *SyntaxError with code %s", err, err, liaison.EBADJSON)
					}
					if _, again := r.Next(); again != err {
						t.Errorf("after a fatal error Next returned %v", again)
					}
				}
				if got := r.Bundle(); got != tt.bundle {
					t.Errorf("Bundle() = %q, want %q", got, tt.bundle)
				}
				if more, next := r.Envelope(); more != tt.more || next != tt.next {
					t.Errorf("Envelope() = %v, %q, want %v, %q", more, next, tt.more, tt.next)
				}
			}
		})
	}
}

func TestReaderObjectError(t *testing.T) {
	r := stix.NewReader(strings.NewReader(`[{"a":1},  "s"]`))
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	_, err := r.Next()
	var oe *stix.ObjectError
	if !errors.As(err, &oe) {
		t.Fatalf("got %v, want an *ObjectError", err)
	}
	if oe.Index != 1 || oe.Offset != 11 || liaison.ErrorCode(err) != liaison.EINVALID {
		t.Errorf("got index %d, offset %d, code %s; want 1, 11, %s", oe.Index, oe.Offset, liaison.ErrorCode(err), liaison.EINVALID)
	}
	if want := "stix: object 1 (at byte 11): invalid: object 1 is a string, not a STIX object"; err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("then %v, want io.EOF", err)
	}
}

func TestReaderReadError(t *testing.T) {
	boom := errors.New("boom")
	r := stix.NewReader(io.MultiReader(strings.NewReader(`[{"a":1},{"b"`), iotest.ErrReader(boom)))
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); !errors.Is(err, boom) {
		t.Fatalf("got %v, want the read error", err)
	}
}

func TestReaderMaxObjectSize(t *testing.T) {
	big := `{"a":"` + strings.Repeat("x", 1000) + `"}`
	for _, in := range []string{"[" + big + "]", big} {
		r := stix.NewReader(strings.NewReader(in))
		r.SetMaxObjectSize(500)
		if _, err := r.Next(); err == nil || !strings.Contains(err.Error(), "larger than the limit of 500 bytes") {
			t.Errorf("got %v, want an error about the size limit", err)
		}
	}
	r := stix.NewReader(strings.NewReader("[" + big + "]"))
	r.SetMaxObjectSize(2000)
	if _, err := r.Next(); err != nil {
		t.Errorf("within the limit: %v", err)
	}
}

// TestReaderLargeObject reads objects larger than the read buffer, so that
// it must grow.
func TestReaderLargeObject(t *testing.T) {
	big := `{"a":"` + strings.Repeat("é", 400_000) + `","b":[` + strings.Repeat("1,", 100_000) + `2]}`
	in := `{"objects":[{"x":1},` + big + `,{"y":2}]}`
	r := stix.NewReader(iotest.HalfReader(strings.NewReader(in)))
	got, err := readAll(t, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[1] != big {
		t.Fatalf("got %d objects; the large one intact: %v", len(got), len(got) > 1 && got[1] == big)
	}
	if r.Offset() != int64(len(in)) {
		t.Errorf("Offset() = %d, want %d", r.Offset(), len(in))
	}
}

// TestReaderOwnership checks that each object returned is the caller's:
// reading on does not change it.
func TestReaderOwnership(t *testing.T) {
	r := stix.NewReader(strings.NewReader(`[{"a":1},{"b":2},{"c":3}]`))
	var kept []json.RawMessage
	for {
		raw, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		kept = append(kept, raw)
	}
	if fmt.Sprintf("%s", kept) != `[{"a":1} {"b":2} {"c":3}]` {
		t.Errorf("objects changed under the caller: %s", kept)
	}
}

// TestReaderATTACK reads the ATT&CK for ICS bundle and compares every
// object with what encoding/json makes of it.
func TestReaderATTACK(t *testing.T) {
	data, err := os.ReadFile(sharedData(t, "attack/ics-attack.json"))
	if err != nil {
		t.Fatal(err)
	}
	var bundle struct {
		ID      string            `json:"id"`
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(data, &bundle); err != nil {
		t.Fatal(err)
	}
	r := stix.NewReader(bytes.NewReader(data))
	for i, want := range bundle.Objects {
		got, err := r.Next()
		if err != nil {
			t.Fatalf("object %d: %v", i, err)
		}
		var c bytes.Buffer
		if err := json.Compact(&c, want); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, c.Bytes()) {
			t.Fatalf("object %d differs from encoding/json's compaction", i)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after %d objects: %v, want io.EOF", len(bundle.Objects), err)
	}
	if r.Bundle() != bundle.ID || len(bundle.Objects) != 1826 {
		t.Errorf("bundle %q with %d objects, want %q with 1826", r.Bundle(), len(bundle.Objects), bundle.ID)
	}
}

// generatedBundle is an io.Reader of a bundle of n ATT&CK-like objects,
// made on the fly so that the test itself holds none of it.
type generatedBundle struct {
	n, i int
	buf  []byte
	done bool
}

func (g *generatedBundle) Read(p []byte) (int, error) {
	for len(g.buf) == 0 {
		switch {
		case g.done:
			return 0, io.EOF
		case g.i == 0:
			g.buf = append(g.buf, `{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[`...)
		case g.i > g.n:
			g.buf, g.done = append(g.buf, "\n]}\n"...), true
			continue
		}
		if g.i > 0 {
			if g.i > 1 {
				g.buf = append(g.buf, ',')
			}
			g.buf = fmt.Appendf(g.buf, `
  {
    "type": "attack-pattern", "spec_version": "2.1",
    "id": "attack-pattern--%08x-6107-48be-aa9f-746f927dbb61",
    "created": "2021-04-29T14:49:39.188Z", "modified": "2025-04-15T19:58:01.218Z",
    "name": "Technique %d", "description": "An adversary may do something %d times.",
    "kill_chain_phases": [{"kill_chain_name": "mitre-ics-attack", "phase_name": "execution"}],
    "object_marking_refs": ["marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168"]
  }`, g.i, g.i, g.i)
		}
		g.i++
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	return n, nil
}

// TestReaderConstantMemory streams a generated bundle of a million objects
// and checks that the heap stays small throughout.
func TestReaderConstantMemory(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	r := stix.NewReader(&generatedBundle{n: n})
	var peak uint64
	var ms runtime.MemStats
	count := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		count++
		if count%100_000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	if count != n {
		t.Fatalf("read %d objects, want %d", count, n)
	}
	t.Logf("%d objects (%d MB), peak heap in use %.1f MiB", n, r.Offset()>>20, float64(peak)/(1<<20))
	if peak > 64<<20 {
		t.Errorf("peak heap in use %d MiB, want a few", peak>>20)
	}
}

func BenchmarkReader(b *testing.B) {
	data, err := os.ReadFile(sharedData(b, "attack/ics-attack.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	objects := 0
	for b.Loop() {
		r := stix.NewReader(bytes.NewReader(data))
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			objects++
		}
	}
	b.ReportMetric(float64(objects)/b.Elapsed().Seconds(), "objects/s")
}
