package sqlite

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/liaison-dev/liaison"
)

// jsonStrings are strings that JSON escapes, or not.
var jsonStrings = []string{
	"", "cyber", "de-bfv.mueller", `quote " and backslash \`, "tab\t newline\n return\r",
	"control \x00\x01\x1f\x7f", "html <b> & </b>", "é ✓ 🇩🇪 \u2028 \u2029", "invalid \xff\xfe utf-8", "\xed\xa0\x80",
}

// FuzzStrings checks that string lists read back as written, and as
// encoding/json reads them.
func FuzzStrings(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(s, "second")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		in := []string{a, b}
		enc := encodeStrings(in)
		var want []string
		if err := json.Unmarshal([]byte(enc), &want); err != nil {
			t.Fatalf("%q is not JSON: %v", enc, err)
		}
		got, ok := decodeStrings(enc)
		if !ok {
			t.Fatalf("decodeStrings(%q) failed", enc)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("decode of our encoding (-encoding/json +ours):\n%s", d)
		}
		// What encoding/json wrote, we read the same or leave to it.
		std, _ := json.Marshal(in)
		if got, ok := decodeStrings(string(std)); ok {
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("decode of %s (-encoding/json +ours):\n%s", std, d)
			}
		}
	})
}

// FuzzReasons checks that reasons read back as written, and as
// encoding/json reads them.
func FuzzReasons(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(s, "message "+s)
	}
	f.Fuzz(func(t *testing.T, code, message string) {
		in := []liaison.Reason{{Code: code, Message: message}, {Code: "x", Message: code}}
		enc, err := reasonsJSON(in)
		if err != nil {
			t.Fatal(err)
		}
		var want []liaison.Reason
		if err := json.Unmarshal([]byte(enc), &want); err != nil {
			t.Fatalf("%q is not JSON: %v", enc, err)
		}
		got, ok := parseReasons(nil, enc)
		if !ok {
			t.Fatalf("parseReasons(%q) failed", enc)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("decode of our encoding (-encoding/json +ours):\n%s", d)
		}
		std, _ := json.Marshal(in)
		got, err = decodeReasons(nil, string(std))
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("decode of %s (-encoding/json +ours):\n%s", std, d)
		}
	})
}

func TestDecodeFallsBackToEncodingJSON(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`[ "a" , "b" ]`, []string{"a", "b"}},
		{`["\ud83c\udde9\ud83c\uddea"]`, []string{"🇩🇪"}},
		{`["\ud83c x"]`, []string{"\ufffd x"}},
		{`["\u00e9\/"]`, []string{"é/"}},
		{`[]`, []string{}},
	}
	for _, tt := range tests {
		got, err := list[string](tt.in)
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tt.in, d)
		}
	}
	rs, err := decodeReasons(nil, `[{"message":"m","code":"c"}]`)
	if err != nil || len(rs) != 1 || rs[0] != (liaison.Reason{Code: "c", Message: "m"}) {
		t.Errorf("reasons with keys in another order: %v, %v", rs, err)
	}
	if _, err := decodeReasons(nil, `[{"code":`); err == nil {
		t.Error("decoding broken reasons succeeded")
	}
}
