package stix

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// FuzzDecodeJSON checks decodeJSON against jsonschema.UnmarshalJSON, which
// it replaces: the same value for valid UTF-8 input, an error for input
// that is not JSON.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,-2.5e3,true,false,null,"x\u00e9\n"],"b":{}}`, `[]`, `"s"`, `0`, `{"a":1}x`, `[1,]`, `{"a" 1}`, `01`, `"\x"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := decodeJSON(in)
		want, werr := jsonschema.UnmarshalJSON(bytes.NewReader(in))
		if werr != nil {
			if err == nil {
				t.Fatalf("decoded %q, which UnmarshalJSON rejects (%v)", in, werr)
			}
			return
		}
		if err != nil {
			if !bytes.ContainsAny(in, "\\") && !validUTF8(in) {
				return
			}
			t.Fatalf("rejected %q: %v", in, err)
		}
		if validUTF8(in) && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: got %#v, want %#v", in, got, want)
		}
	})
}

func validUTF8(b []byte) bool { return bytes.Equal(bytes.ToValidUTF8(b, []byte("\uFFFD")), b) }

func BenchmarkDecodeJSON(b *testing.B) {
	objs := attackRaw(b)
	b.Run("decodeJSON", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := decodeJSON(objs[i%len(objs)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("jsonschema.UnmarshalJSON", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := jsonschema.UnmarshalJSON(bytes.NewReader(objs[i%len(objs)])); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
