package stix

import (
	"encoding/json"
	"errors"
	"fmt"
)

// decodeJSON decodes one JSON value, as the schema validator wants it:
// objects as map[string]any, arrays as []any, numbers as json.Number. It
// is what jsonschema.UnmarshalJSON does, in a third of the time
// (BenchmarkDecodeJSON): Validate spent a quarter of its time decoding.
// Strings without escapes are converted directly; the rare string with
// escapes is decoded by encoding/json.
func decodeJSON(b []byte) (any, error) {
	d := decoder{b: b}
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	if d.skip(); d.i != len(b) {
		return nil, fmt.Errorf("unexpected data after the value at byte %d", d.i)
	}
	return v, nil
}

type decoder struct {
	b []byte
	i int
}

var errTruncated = errors.New("unexpected end of JSON")

func (d *decoder) skip() {
	for d.i < len(d.b) && space[d.b[d.i]] {
		d.i++
	}
}

func (d *decoder) fail(what string) error {
	if d.i >= len(d.b) {
		return errTruncated
	}
	return fmt.Errorf("%s at byte %d, found %s", what, d.i, quoteByte(d.b[d.i]))
}

func (d *decoder) value(depth int) (any, error) {
	d.skip()
	if d.i >= len(d.b) {
		return nil, errTruncated
	}
	if depth > maxDepth {
		return nil, fmt.Errorf("nesting deeper than %d levels", maxDepth)
	}
	switch c := d.b[d.i]; c {
	case '{':
		d.i++
		m := map[string]any{}
		d.skip()
		if d.i < len(d.b) && d.b[d.i] == '}' {
			d.i++
			return m, nil
		}
		for {
			d.skip()
			if d.i >= len(d.b) || d.b[d.i] != '"' {
				return nil, d.fail("expected a member name")
			}
			k, err := d.str()
			if err != nil {
				return nil, err
			}
			d.skip()
			if d.i >= len(d.b) || d.b[d.i] != ':' {
				return nil, d.fail("expected ':'")
			}
			d.i++
			v, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			m[k] = v
			d.skip()
			if d.i >= len(d.b) {
				return nil, errTruncated
			}
			switch d.b[d.i] {
			case ',':
				d.i++
			case '}':
				d.i++
				return m, nil
			default:
				return nil, d.fail("expected ',' or '}'")
			}
		}
	case '[':
		d.i++
		a := []any{}
		d.skip()
		if d.i < len(d.b) && d.b[d.i] == ']' {
			d.i++
			return a, nil
		}
		for {
			v, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
			d.skip()
			if d.i >= len(d.b) {
				return nil, errTruncated
			}
			switch d.b[d.i] {
			case ',':
				d.i++
			case ']':
				d.i++
				return a, nil
			default:
				return nil, d.fail("expected ',' or ']'")
			}
		}
	case '"':
		return d.str()
	case 't':
		return true, d.lit("true")
	case 'f':
		return false, d.lit("false")
	case 'n':
		return nil, d.lit("null")
	}
	return d.number()
}

func (d *decoder) lit(s string) error {
	if len(d.b)-d.i < len(s) || string(d.b[d.i:d.i+len(s)]) != s {
		return d.fail("invalid literal")
	}
	d.i += len(s)
	return nil
}

// str decodes the string at d.b[d.i] == '"'.
func (d *decoder) str() (string, error) {
	start := d.i
	i := start + 1
	escaped := false
	for {
		for i < len(d.b) && plain[d.b[i]] {
			i++
		}
		if i >= len(d.b) {
			return "", errTruncated
		}
		switch c := d.b[i]; {
		case c == '"':
			d.i = i + 1
			if !escaped {
				return string(d.b[start+1 : i]), nil
			}
			var s string
			if err := json.Unmarshal(d.b[start:i+1], &s); err != nil {
				return "", err
			}
			return s, nil
		case c == '\\':
			escaped = true
			i += 2
		case c < 0x20:
			d.i = i
			return "", d.fail("control character in a string")
		default:
			i++ // UTF-8 is passed on as it is
		}
	}
}

func (d *decoder) number() (any, error) {
	start := d.i
	i := d.i
	if i < len(d.b) && d.b[i] == '-' {
		i++
	}
	switch {
	case i < len(d.b) && d.b[i] == '0':
		i++
	case i < len(d.b) && d.b[i] >= '1' && d.b[i] <= '9':
		for i < len(d.b) && isDigit(d.b[i]) {
			i++
		}
	default:
		d.i = i
		return nil, d.fail("expected a value")
	}
	if i < len(d.b) && d.b[i] == '.' {
		i++
		if i >= len(d.b) || !isDigit(d.b[i]) {
			d.i = i
			return nil, d.fail("expected a digit")
		}
		for i < len(d.b) && isDigit(d.b[i]) {
			i++
		}
	}
	if i < len(d.b) && (d.b[i] == 'e' || d.b[i] == 'E') {
		i++
		if i < len(d.b) && (d.b[i] == '+' || d.b[i] == '-') {
			i++
		}
		if i >= len(d.b) || !isDigit(d.b[i]) {
			d.i = i
			return nil, d.fail("expected a digit")
		}
		for i < len(d.b) && isDigit(d.b[i]) {
			i++
		}
	}
	d.i = i
	return json.Number(d.b[start:i]), nil
}
