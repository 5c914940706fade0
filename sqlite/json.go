package sqlite

import (
	"encoding/json"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/audit"
)

// The JSON of the lists read on hot paths, string lists (topics, parties,
// origins) and reasons, is written and read here without encoding/json,
// which costs several times more and was most of the cost of verifying the
// audit chain. What these functions write is JSON that encoding/json
// reads the same; what they cannot read (another shape, invalid UTF-8) they
// leave to encoding/json.

// appendString appends s as a JSON string, canonically (RFC 8785): the
// audit chain's encoding, which encoding/json reads back the same.
func appendString(dst []byte, s string) []byte { return audit.AppendString(dst, s) }

// readString reads a JSON string from s, which starts after its opening
// quote, and returns it and what follows its closing quote. It reports
// false for a string that is not valid JSON or not valid UTF-8.
func readString(s string) (v, rest string, ok bool) {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c == '"' {
			if !utf8.ValidString(s[:i]) {
				return "", s, false
			}
			return s[:i], s[i+1:], true
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	b := []byte(s[:i])
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			if !utf8.Valid(b) {
				return "", s, false
			}
			return string(b), s[i+1:], true
		case c < 0x20:
			return "", s, false
		case c != '\\':
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return "", s, false
		}
		switch e := s[i+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(s[i+2:])
			if !ok {
				return "", s, false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				// A pair makes one rune; a lone half is U+FFFD, as with
				// encoding/json.
				pair := utf8.RuneError
				if len(s) >= i+6 && s[i] == '\\' && s[i+1] == 'u' {
					if lo, ok := hex4(s[i+2:]); ok {
						if d := utf16.DecodeRune(r, lo); d != utf8.RuneError {
							pair = d
							i += 6
						}
					}
				}
				r = pair
			}
			b = utf8.AppendRune(b, r)
			continue
		default:
			return "", s, false
		}
		i += 2
	}
	return "", s, false
}

// hex4 reads four hexadecimal digits.
func hex4(s string) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[:4]) {
		r <<= 4
		switch {
		case '0' <= c && c <= '9':
			r |= rune(c - '0')
		case 'a' <= c && c <= 'f':
			r |= rune(c - 'a' + 10)
		case 'A' <= c && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}

// encodeStrings encodes a list of strings as a JSON array.
func encodeStrings(ss []string) string {
	n := 2
	for _, s := range ss {
		n += len(s) + 3
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return string(append(b, ']'))
}

// decodeStrings decodes a JSON array of strings written without spaces,
// as encodeStrings and encoding/json write them.
func decodeStrings(s string) ([]string, bool) {
	if len(s) < 2 || s[0] != '[' {
		return nil, false
	}
	s = s[1:]
	out := []string{}
	if s == "]" {
		return out, true
	}
	for {
		if len(s) == 0 || s[0] != '"' {
			return nil, false
		}
		v, rest, ok := readString(s[1:])
		if !ok || len(rest) == 0 {
			return nil, false
		}
		out = append(out, v)
		switch rest[0] {
		case ']':
			return out, len(rest) == 1
		case ',':
			s = rest[1:]
		default:
			return nil, false
		}
	}
}

// The shape of a JSON []liaison.Reason.
const (
	reasonCode    = `{"code":"`
	reasonMessage = `,"message":"`
	reasonEnd     = `}`
)

// reasonsJSON encodes reasons as a JSON array ([] for none).
func reasonsJSON(rs []liaison.Reason) (string, error) {
	n := 2
	for _, r := range rs {
		n += len(reasonCode) + len(r.Code) + len(reasonMessage) + len(r.Message) + len(reasonEnd) + 3
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, r := range rs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, reasonCode[:len(reasonCode)-1]...)
		b = appendString(b, r.Code)
		b = append(b, reasonMessage[:len(reasonMessage)-1]...)
		b = appendString(b, r.Message)
		b = append(b, reasonEnd...)
	}
	return string(append(b, ']')), nil
}

// decodeReasons appends the reasons of a JSON array to dst[:0] and
// returns it, never nil. Verifying the audit chain decodes every event's
// reasons: dst lets a scan reuse one slice.
func decodeReasons(dst []liaison.Reason, s string) ([]liaison.Reason, error) {
	dst = dst[:0]
	if dst == nil {
		dst = []liaison.Reason{}
	}
	if out, ok := parseReasons(dst, s); ok {
		return out, nil
	}
	if err := json.Unmarshal([]byte(s), &dst); err != nil {
		return nil, fmt.Errorf("decode reasons %q: %w", s, err)
	}
	if dst == nil {
		dst = []liaison.Reason{}
	}
	return dst, nil
}

// parseReasons decodes reasons written without spaces, code before
// message, as reasonsJSON and encoding/json write them.
func parseReasons(dst []liaison.Reason, s string) ([]liaison.Reason, bool) {
	if len(s) < 2 || s[0] != '[' {
		return dst, false
	}
	s = s[1:]
	if s == "]" {
		return dst, true
	}
	for {
		var r liaison.Reason
		var ok bool
		if r.Code, s, ok = field(s, reasonCode); !ok {
			return dst, false
		}
		if r.Message, s, ok = field(s, reasonMessage); !ok {
			return dst, false
		}
		if len(s) < 2 || s[0] != '}' {
			return dst, false
		}
		dst = append(dst, r)
		switch s[1] {
		case ']':
			return dst, len(s) == 2
		case ',':
			s = s[2:]
		default:
			return dst, false
		}
	}
}

// field reads prefix, which ends with a string's opening quote, and the
// string.
func field(s, prefix string) (v, rest string, ok bool) {
	if len(s) < len(prefix) || s[:len(prefix)] != prefix {
		return "", s, false
	}
	return readString(s[len(prefix):])
}
