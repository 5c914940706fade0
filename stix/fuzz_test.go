package stix_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"unicode/utf8"

	"github.com/liaison-dev/liaison/stix"
)

// FuzzReader checks the reader against encoding/json: every object it
// returns is a valid, compact JSON object; on well-formed input it returns
// exactly the objects encoding/json finds, compacted; on input that
// encoding/json rejects it ends with an error, never with io.EOF.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		`{"type":"bundle","id":"bundle--1","objects":[{"a":1},{"b":[1,2]}]}`,
		`{"objects":[{"id":"x"}],"more":true,"next":"n"}`,
		`[{"a":"\u00e9\n"}, 2, {"b":{"c":[true,false,null]}}]`,
		`{"type":"campaign","id":"campaign--1","objects":[1]}`,
		`{"objects":[{"a":-1.5e+3}],"type":"bundle"}`,
		"[{\"a\":\"\xff\"}]",
		`[{"a":1},]`,
		`{}`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := stix.NewReader(bytes.NewReader(in))
		var got [][]byte
		var fatal error
		badElements := 0
		for range len(in) + 2 {
			raw, err := r.Next()
			if err == io.EOF {
				break
			}
			var oe *stix.ObjectError
			if errors.As(err, &oe) {
				badElements++
				continue
			}
			if err != nil {
				fatal = err
				break
			}
			var c bytes.Buffer
			if err := json.Compact(&c, raw); err != nil {
				t.Fatalf("returned invalid JSON %q: %v", raw, err)
			}
			if !bytes.Equal(c.Bytes(), raw) || raw[0] != '{' {
				t.Fatalf("returned %q, which is not a compact object", raw)
			}
			got = append(got, raw)
		}

		if !json.Valid(in) {
			if fatal == nil {
				t.Fatalf("input rejected by encoding/json read without a fatal error")
			}
			return
		}
		want, ok := expectedObjects(in)
		if !ok {
			return
		}
		if fatal != nil {
			t.Fatalf("well-formed input: fatal error %v", fatal)
		}
		if len(got)+badElements != len(want) {
			t.Fatalf("read %d objects and %d bad elements, encoding/json finds %d elements", len(got), badElements, len(want))
		}
		k := 0
		for _, w := range want {
			if w[0] != '{' || !utf8.Valid(w) {
				continue
			}
			var c bytes.Buffer
			_ = json.Compact(&c, w)
			if k >= len(got) || !bytes.Equal(got[k], c.Bytes()) {
				t.Fatalf("object %d: got %q, want %q", k, got, c.Bytes())
			}
			k++
		}
	})
}

// expectedObjects returns the elements the reader should yield from a
// well-formed input, by encoding/json; ok is false for shapes it does not
// judge (a top-level scalar, which is a fatal error).
func expectedObjects(in []byte) (elems []json.RawMessage, ok bool) {
	if !utf8.Valid(in) {
		return nil, false // invalid UTF-8 is ours to reject; encoding/json lets it through
	}
	in = bytes.TrimSpace(in)
	switch in[0] {
	case '[':
		if err := json.Unmarshal(in, &elems); err != nil {
			return nil, false
		}
		return elems, true
	case '{':
		// Decide as the reader does: members in order.
		d := json.NewDecoder(bytes.NewReader(in))
		d.Token()
		sawType, typ, others := false, "", false
		for d.More() {
			tok, _ := d.Token()
			key, _ := tok.(string)
			var v json.RawMessage
			if err := d.Decode(&v); err != nil {
				return nil, false
			}
			raw := bytes.TrimSpace(v)
			switch {
			case key == "objects" && raw[0] == '[' && (!sawType || typ == "bundle"):
				if err := json.Unmarshal(raw, &elems); err != nil {
					return nil, false
				}
				return elems, true
			case key == "type":
				sawType, typ = true, ""
				_ = json.Unmarshal(raw, &typ)
			case key != "more" && key != "next" && key != "id":
				others = true
			}
			if key == "objects" && bytes.ContainsRune(in, '\\') {
				return nil, false // an escaped name the reader does not decode
			}
		}
		if typ == "bundle" || (!sawType && !others) {
			return nil, true
		}
		return []json.RawMessage{in}, true
	}
	return nil, false
}
