package stix_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/stix"
)

func TestBundleWriter(t *testing.T) {
	const id = "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d"
	tests := []struct {
		name    string
		objects []string
		want    string
		bad     []int // indexes of objects Write must refuse
	}{
		{"empty", nil, `{"type":"bundle","id":"` + id + `"}` + "\n", nil},
		{"two objects, compacted", []string{`{"a":1}`, " {\n \"b\" : [ 1, 2 ] }\n"},
			`{"type":"bundle","id":"` + id + `","objects":[{"a":1},{"b":[1,2]}]}` + "\n", nil},
		{"bad objects refused, the rest written", []string{`[1]`, `{"a":1}`, `{"a":`, `{"a":1} x`, `"s"`, "{\"a\":\"\xff\"}", `{"b":2}`},
			`{"type":"bundle","id":"` + id + `","objects":[{"a":1},{"b":2}]}` + "\n", []int{0, 2, 3, 4, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := stix.NewBundleWriter(&buf, id)
			for i, o := range tt.objects {
				err := w.Write(json.RawMessage(o))
				bad := false
				for _, b := range tt.bad {
					bad = bad || b == i
				}
				if bad != (err != nil) {
					t.Errorf("Write(%q) = %v", o, err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tt.want {
				t.Errorf("got  %s\nwant %s", buf.String(), tt.want)
			}
			// What was written reads back.
			r := stix.NewReader(&buf)
			got, err := readAll(t, r)
			if err != nil || len(got) != w.Count() || r.Bundle() != id {
				t.Errorf("read back %d objects of bundle %q (%v), want %d of %q", len(got), r.Bundle(), err, w.Count(), id)
			}
		})
	}
}

func TestBundleWriterErrors(t *testing.T) {
	w := stix.NewBundleWriter(&bytes.Buffer{}, "report--5d0092c5-5f74-4287-9642-33f4c354e56d")
	if err := w.Write(json.RawMessage(`{}`)); liaison.ErrorCode(err) != liaison.EINVALID {
		t.Errorf("a bundle id of another type: %v", err)
	}
	boom := errors.New("boom")
	w = stix.NewBundleWriter(failingWriter{boom}, "")
	for range 2000 {
		if err := w.Write(json.RawMessage(`{"a":"` + strings.Repeat("x", 100) + `"}`)); err != nil {
			break
		}
	}
	if err := w.Close(); !errors.Is(err, boom) {
		t.Errorf("Close = %v, want the writer's error", err)
	}
	if id := stix.NewBundleID(); !strings.HasPrefix(id, "bundle--") || len(id) != 44 {
		t.Errorf("NewBundleID() = %q", id)
	}
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }
