package stix

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/liaison-dev/liaison"
)

// DefaultMaxObjectSize is the largest single object a Reader accepts unless
// told otherwise (SetMaxObjectSize): large enough for any real STIX object,
// small enough that one hostile element cannot exhaust memory.
const DefaultMaxObjectSize = 64 << 20

// maxDepth bounds the nesting of arrays and objects inside one element. STIX
// objects nest a handful of levels; the bound keeps the recursive scanner's
// stack small on hostile input.
const maxDepth = 1000

// readBufferSize is the initial size of a Reader's input buffer. It grows
// (doubling) only to hold an element larger than itself.
const readBufferSize = 256 << 10

// SyntaxError is a fatal error of a Reader: the input is not well-formed
// JSON, or not one of the shapes a Reader reads, at byte Offset of the
// stream. Nothing after it can be read. It unwraps to a *liaison.Error with
// code liaison.EBADJSON.
type SyntaxError struct {
	Offset int64  // byte offset in the stream, from 0
	Msg    string // what was wrong there
}

// Error implements error.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("stix: malformed input at byte %d: %s", e.Offset, e.Msg)
}

// Unwrap returns the domain error, so that liaison.ErrorCode gives EBADJSON.
func (e *SyntaxError) Unwrap() error {
	return liaison.Errorf(liaison.EBADJSON, "malformed JSON at byte %d: %s", e.Offset, e.Msg)
}

// ObjectError is a non-fatal error of a Reader: one element of the objects
// is unusable (it is not a JSON object, or holds invalid UTF-8) while the
// stream around it is well formed. Reading continues with the next element.
// Err is a *liaison.Error with code liaison.EINVALID.
type ObjectError struct {
	Index  int   // position of the element in the objects, from 0
	Offset int64 // byte offset of the element in the stream
	Err    error
}

// Error implements error.
func (e *ObjectError) Error() string {
	return fmt.Sprintf("stix: object %d (at byte %d): %v", e.Index, e.Offset, e.Err)
}

// Unwrap returns Err.
func (e *ObjectError) Unwrap() error { return e.Err }

// errShort says the buffer ended inside the token being scanned: read more
// and scan the token again from its start.
var errShort = errors.New("short buffer")

// Reader states.
const (
	stStart   = iota // nothing read yet
	stArray          // inside a bare top-level array
	stObjects        // inside the "objects" array of a bundle or envelope
	stMembers        // inside the top-level object, between members
	stEnd            // after the top-level value
	stDone           // io.EOF returned
)

// Reader reads the objects of a STIX 2.1 document one at a time, in
// constant memory whatever the number of objects: only the object being
// read is held (plus a read buffer of a few hundred KiB).
//
// It reads
//   - a bundle, {"type":"bundle","id":…,"objects":[…]}, its keys in any order;
//   - a TAXII envelope, {"more":…,"next":…,"objects":[…]};
//   - a bare JSON array of objects;
//   - a single object, returned as it is.
//
// A top-level object is taken as a bundle or an envelope when it has an
// "objects" member holding an array, unless a "type" other than "bundle"
// came before it (then "objects" is a property of a single object). A
// bundle or envelope without objects yields none.
//
// It reads about 1 GB/s (530,000 ATT&CK objects a second) on one core of
// the project's 2-core machine (BenchmarkReader), and a 1,000,000-object
// bundle with under 1 MiB of heap in use (TestReaderConstantMemory).
//
// A Reader is not safe for concurrent use.
type Reader struct {
	r    io.Reader
	buf  []byte
	pos  int   // next unread byte of buf
	end  int   // bytes of buf holding input
	base int64 // stream offset of buf[0]
	rerr error // first error of r, io.EOF included
	max  int

	state   int
	first   bool // no element or member read yet in the current array or object
	index   int  // index of the next element
	err     error
	out     []byte // the element being compacted
	badUTF8 int    // offset in buf of invalid UTF-8 in the element, or -1

	// The top-level object, while it is read member by member.
	single    []byte // its members compacted, while it may be a single object
	container bool   // its "objects" array was seen
	typ       string // its "type", when a string
	sawType   bool
	topID     string
	otherKeys bool  // it has members other than more, next and objects
	singleBad int64 // offset of invalid UTF-8 in it, or -1
	more      bool
	next      string
}

// NewReader returns a Reader of r. It reads from r only when Next is
// called, in blocks.
func NewReader(r io.Reader) *Reader {
	return &Reader{r: r, max: DefaultMaxObjectSize, badUTF8: -1, singleBad: -1}
}

// SetMaxObjectSize bounds the size in bytes of one element (as it stands in
// the input, white space included). A larger element is a fatal error.
// n <= 0 restores DefaultMaxObjectSize.
func (r *Reader) SetMaxObjectSize(n int) {
	if n <= 0 {
		n = DefaultMaxObjectSize
	}
	r.max = n
}

// Bundle returns the id of the bundle being read, once the reader has passed
// it (the id may come after the objects; after Next returned io.EOF it is
// final). It is "" for an envelope, an array or a single object.
func (r *Reader) Bundle() string {
	if r.typ == "bundle" || (r.container && !r.sawType && len(r.topID) > 8 && r.topID[:8] == "bundle--") {
		return r.topID
	}
	return ""
}

// Envelope returns the "more" and "next" members of a TAXII envelope, once
// the reader has passed them (after Next returned io.EOF they are final).
func (r *Reader) Envelope() (more bool, next string) { return r.more, r.next }

// Offset returns how many bytes of the input have been consumed: for
// progress reports, and to place errors.
func (r *Reader) Offset() int64 { return r.base + int64(r.pos) }

// Next returns the next object, compacted (no insignificant white space)
// in a slice the caller owns, or io.EOF after the last one.
//
// An element that is not a JSON object, or holds invalid UTF-8, gives an
// *ObjectError; call Next again to go on. Malformed JSON, an element larger
// than the limit, or a read error ends the stream: the error (a
// *SyntaxError for malformed input) is returned by this and every later
// call.
func (r *Reader) Next() (json.RawMessage, error) {
	if r.err != nil {
		return nil, r.err
	}
	for {
		switch r.state {
		case stStart:
			c, ok := r.peek()
			if !ok {
				return nil, r.fatal(r.eofError("empty input: expected a STIX bundle, a TAXII envelope, an array or an object"))
			}
			switch c {
			case '[':
				r.pos++
				r.state, r.first = stArray, true
			case '{':
				r.pos++
				r.state, r.first = stMembers, true
				r.single = append(r.single[:0], '{')
			default:
				return nil, r.fatal(r.syntax(r.pos, "expected a STIX bundle, a TAXII envelope, an array or an object, found %s", quoteByte(c)))
			}

		case stArray, stObjects:
			c, ok := r.peek()
			if !ok {
				return nil, r.fatal(r.eofError("unexpected end of input inside the objects array"))
			}
			if c == ']' {
				r.pos++
				if r.state == stArray {
					r.state = stEnd
				} else {
					r.state, r.first = stMembers, false
				}
				continue
			}
			if !r.first {
				if c != ',' {
					return nil, r.fatal(r.syntax(r.pos, "expected ',' or ']' after an object, found %s", quoteByte(c)))
				}
				r.pos++
				if c, ok = r.peek(); !ok {
					return nil, r.fatal(r.eofError("unexpected end of input inside the objects array"))
				}
			}
			r.first = false
			return r.element(c)

		case stMembers:
			obj, err := r.member()
			if err != nil {
				if _, ok := err.(*ObjectError); ok {
					return nil, err
				}
				return nil, r.fatal(err)
			}
			if obj != nil {
				return obj, nil
			}

		case stEnd:
			if c, ok := r.peek(); ok {
				return nil, r.fatal(r.syntax(r.pos, "unexpected %s after the end of the top-level value", quoteByte(c)))
			}
			if r.rerr != io.EOF {
				return nil, r.fatal(r.eofError(""))
			}
			r.state = stDone

		case stDone:
			return nil, io.EOF
		}
	}
}

// element reads one element of the objects array, starting with byte c.
func (r *Reader) element(c byte) (json.RawMessage, error) {
	index, at := r.index, r.base+int64(r.pos)
	r.index++
	if err := r.scan(r.value); err != nil {
		return nil, r.fatal(err)
	}
	if c != '{' {
		return nil, &ObjectError{Index: index, Offset: at, Err: liaison.Errorf(liaison.EINVALID,
			"object %d is %s, not a STIX object", index, kindOf(c))}
	}
	if r.badUTF8 >= 0 {
		return nil, invalidUTF8(index, at, r.base+int64(r.badUTF8))
	}
	return bytes.Clone(r.out), nil
}

func invalidUTF8(index int, at, off int64) error {
	return &ObjectError{Index: index, Offset: at, Err: liaison.Errorf(liaison.EINVALID,
		"object %d has invalid UTF-8 in a string at byte %d", index, off)}
}

// member reads one member of the top-level object, or its closing brace.
// When the object has ended and was a single object, it returns it (or an
// *ObjectError); otherwise nil. Other errors are fatal.
func (r *Reader) member() (json.RawMessage, error) {
	c, ok := r.peek()
	if !ok {
		return nil, r.eofError("unexpected end of input inside the top-level object")
	}
	if c == '}' {
		r.pos++
		r.state = stEnd
		switch {
		case r.container:
			return nil, nil
		case r.typ == "bundle":
			return nil, nil // a bundle without objects
		case !r.sawType && !r.otherKeys:
			return nil, nil // an envelope without objects, or {}
		}
		r.index++
		if r.singleBad >= 0 {
			return nil, invalidUTF8(0, 0, r.singleBad)
		}
		r.single = append(r.single, '}')
		obj := bytes.Clone(r.single)
		r.single = r.single[:0]
		return obj, nil
	}
	if !r.first {
		if c != ',' {
			return nil, r.syntax(r.pos, "expected ',' or '}' after a member of the top-level object, found %s", quoteByte(c))
		}
		r.pos++
		if c, ok = r.peek(); !ok {
			return nil, r.eofError("unexpected end of input inside the top-level object")
		}
	}
	if c != '"' {
		return nil, r.syntax(r.pos, "expected a member name (a string), found %s", quoteByte(c))
	}
	first := r.first
	r.first = false

	// Scan the name, the colon and the first byte of the value as one
	// token, so that "objects": [ can be told from any other member.
	var key []byte
	var vc byte
	err := r.scan(func(b []byte, i int) (int, error) {
		j, err := r.str(b, i)
		if err != nil {
			return 0, err
		}
		j = skipSpace(b, j)
		if j >= len(b) {
			return 0, errShort
		}
		if b[j] != ':' {
			return 0, r.syntax(j, "expected ':' after a member name, found %s", quoteByte(b[j]))
		}
		j = skipSpace(b, j+1)
		if j >= len(b) {
			return 0, errShort
		}
		key, vc = r.out, b[j]
		return j, nil
	})
	if err != nil {
		return nil, err
	}
	r.noteBadUTF8()
	name := string(key[1 : len(key)-1]) // no escapes in the names that matter
	if name == "objects" && vc == '[' && !r.container && (!r.sawType || r.typ == "bundle") {
		r.pos++
		r.container = true
		r.single = r.single[:0]
		r.state, r.first = stObjects, true
		return nil, nil
	}
	if !r.container {
		if !first {
			r.single = append(r.single, ',')
		}
		r.single = append(r.single, key...)
		r.single = append(r.single, ':')
	}
	if err := r.scan(r.value); err != nil {
		return nil, err
	}
	r.noteBadUTF8()
	v := r.out
	switch name {
	case "type":
		r.typ, r.sawType = "", true
		_ = json.Unmarshal(v, &r.typ)
	case "id":
		_ = json.Unmarshal(v, &r.topID)
	case "more":
		_ = json.Unmarshal(v, &r.more)
	case "next":
		_ = json.Unmarshal(v, &r.next)
	default:
		r.otherKeys = true
	}
	if !r.container {
		if len(r.single)+len(v) > r.max {
			return nil, r.syntax(r.pos, "the top-level object is larger than the limit of %d bytes", r.max)
		}
		r.single = append(r.single, v...)
	}
	return nil, nil
}

// noteBadUTF8 remembers invalid UTF-8 in a member of the top-level object.
func (r *Reader) noteBadUTF8() {
	if r.badUTF8 >= 0 && r.singleBad < 0 && !r.container {
		r.singleBad = r.base + int64(r.badUTF8)
	}
}

// scan runs f over the buffered input from the current position, reading
// more and running it again from the same position as long as f reports
// that the input ended inside its token. f compacts what it reads into
// r.out, which scan empties first.
func (r *Reader) scan(f func(b []byte, i int) (int, error)) error {
	for {
		r.out = r.out[:0]
		r.badUTF8 = -1
		j, err := f(r.buf[:r.end], r.pos)
		if err == nil {
			if j-r.pos > r.max {
				return r.syntax(r.pos, "object larger than the limit of %d bytes", r.max)
			}
			r.pos = j
			return nil
		}
		if err != errShort {
			return err
		}
		if r.end-r.pos >= r.max {
			return r.syntax(r.pos, "object larger than the limit of %d bytes", r.max)
		}
		if !r.fill() {
			return r.eofError("unexpected end of input inside an object")
		}
	}
}

// peek skips white space and returns the next byte without consuming it;
// false at the end of the input (or on a read error, kept in r.rerr).
func (r *Reader) peek() (byte, bool) {
	for {
		r.pos = skipSpace(r.buf[:r.end], r.pos)
		if r.pos < r.end {
			return r.buf[r.pos], true
		}
		if !r.fill() {
			return 0, false
		}
	}
}

// fill reads more input, keeping buf[pos:end]; it reports whether it got
// any.
func (r *Reader) fill() bool {
	if r.rerr != nil {
		return false
	}
	if r.buf == nil {
		r.buf = make([]byte, readBufferSize)
	}
	if r.pos > 0 {
		n := copy(r.buf, r.buf[r.pos:r.end])
		r.base += int64(r.pos)
		r.end, r.pos = n, 0
	}
	if r.end == len(r.buf) {
		nb := make([]byte, 2*len(r.buf))
		copy(nb, r.buf[:r.end])
		r.buf = nb
	}
	for range 100 {
		n, err := r.r.Read(r.buf[r.end:])
		r.end += n
		if err != nil {
			r.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	r.rerr = io.ErrNoProgress
	return false
}

// fatal records err as the end of the stream.
func (r *Reader) fatal(err error) error {
	r.err = err
	r.state = stDone
	return err
}

// syntax returns a *SyntaxError at position i of buf.
func (r *Reader) syntax(i int, format string, args ...any) error {
	return &SyntaxError{Offset: r.base + int64(i), Msg: fmt.Sprintf(format, args...)}
}

// eofError explains why input ended: a read error, or msg at the end of the
// input.
func (r *Reader) eofError(msg string) error {
	if r.rerr != nil && r.rerr != io.EOF {
		return fmt.Errorf("stix: reading input at byte %d: %w", r.base+int64(r.end), r.rerr)
	}
	return &SyntaxError{Offset: r.base + int64(r.end), Msg: msg}
}

// value scans one JSON value at b[i], compacting it into r.out.
func (r *Reader) value(b []byte, i int) (int, error) { return r.val(b, i, 0) }

func (r *Reader) val(b []byte, i, depth int) (int, error) {
	if i >= len(b) {
		return 0, errShort
	}
	switch c := b[i]; c {
	case '{':
		return r.object(b, i, depth+1)
	case '[':
		return r.array(b, i, depth+1)
	case '"':
		return r.str(b, i)
	case 't':
		return r.literal(b, i, "true")
	case 'f':
		return r.literal(b, i, "false")
	case 'n':
		return r.literal(b, i, "null")
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			return r.number(b, i)
		}
		return 0, r.syntax(i, "expected a JSON value, found %s", quoteByte(c))
	}
}

func (r *Reader) object(b []byte, i, depth int) (int, error) {
	if depth > maxDepth {
		return 0, r.syntax(i, "nesting deeper than %d levels", maxDepth)
	}
	r.out = append(r.out, '{')
	i = skipSpace(b, i+1)
	if i >= len(b) {
		return 0, errShort
	}
	if b[i] == '}' {
		r.out = append(r.out, '}')
		return i + 1, nil
	}
	for {
		if b[i] != '"' {
			return 0, r.syntax(i, "expected a member name (a string), found %s", quoteByte(b[i]))
		}
		var err error
		if i, err = r.str(b, i); err != nil {
			return 0, err
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return 0, errShort
		}
		if b[i] != ':' {
			return 0, r.syntax(i, "expected ':' after a member name, found %s", quoteByte(b[i]))
		}
		r.out = append(r.out, ':')
		i = skipSpace(b, i+1)
		if i, err = r.val(b, i, depth); err != nil {
			return 0, err
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return 0, errShort
		}
		switch b[i] {
		case ',':
			r.out = append(r.out, ',')
			i = skipSpace(b, i+1)
			if i >= len(b) {
				return 0, errShort
			}
		case '}':
			r.out = append(r.out, '}')
			return i + 1, nil
		default:
			return 0, r.syntax(i, "expected ',' or '}' in an object, found %s", quoteByte(b[i]))
		}
	}
}

func (r *Reader) array(b []byte, i, depth int) (int, error) {
	if depth > maxDepth {
		return 0, r.syntax(i, "nesting deeper than %d levels", maxDepth)
	}
	r.out = append(r.out, '[')
	i = skipSpace(b, i+1)
	if i >= len(b) {
		return 0, errShort
	}
	if b[i] == ']' {
		r.out = append(r.out, ']')
		return i + 1, nil
	}
	for {
		var err error
		if i, err = r.val(b, i, depth); err != nil {
			return 0, err
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return 0, errShort
		}
		switch b[i] {
		case ',':
			r.out = append(r.out, ',')
			i = skipSpace(b, i+1)
		case ']':
			r.out = append(r.out, ']')
			return i + 1, nil
		default:
			return 0, r.syntax(i, "expected ',' or ']' in an array, found %s", quoteByte(b[i]))
		}
	}
}

// str scans the string at b[i] == '"' and copies it as it is.
func (r *Reader) str(b []byte, i int) (int, error) {
	start := i
	i++
	for {
		for i < len(b) && plain[b[i]] {
			i++
		}
		if i >= len(b) {
			return 0, errShort
		}
		switch c := b[i]; {
		case c == '"':
			i++
			r.out = append(r.out, b[start:i]...)
			return i, nil
		case c == '\\':
			if i+1 >= len(b) {
				return 0, errShort
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					return 0, errShort
				}
				for k := i + 2; k < i+6; k++ {
					if !isHex(b[k]) {
						return 0, r.syntax(k, "invalid \\u escape in a string: %s is not a hex digit", quoteByte(b[k]))
					}
				}
				i += 6
			default:
				return 0, r.syntax(i, "invalid escape \\%c in a string", b[i+1])
			}
		case c < 0x20:
			return 0, r.syntax(i, "control character %s in a string (escape it)", quoteByte(c))
		default: // non-ASCII: check it is UTF-8
			n, state := utf8Len(b[i:])
			switch state {
			case utf8Short:
				return 0, errShort
			case utf8Bad:
				if r.badUTF8 < 0 {
					r.badUTF8 = i
				}
				n = 1
			}
			i += n
		}
	}
}

func (r *Reader) number(b []byte, i int) (int, error) {
	start := i
	if b[i] == '-' {
		i++
	}
	if i >= len(b) {
		return 0, errShort
	}
	switch {
	case b[i] == '0':
		i++
	case b[i] >= '1' && b[i] <= '9':
		for i++; i < len(b) && isDigit(b[i]); i++ {
		}
	default:
		return 0, r.syntax(i, "invalid number: expected a digit, found %s", quoteByte(b[i]))
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) {
			return 0, errShort
		}
		if !isDigit(b[i]) {
			return 0, r.syntax(i, "invalid number: expected a digit after '.', found %s", quoteByte(b[i]))
		}
		for ; i < len(b) && isDigit(b[i]); i++ {
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) {
			return 0, errShort
		}
		if !isDigit(b[i]) {
			return 0, r.syntax(i, "invalid number: expected a digit in the exponent, found %s", quoteByte(b[i]))
		}
		for ; i < len(b) && isDigit(b[i]); i++ {
		}
	}
	if i >= len(b) {
		return 0, errShort // the number may go on
	}
	r.out = append(r.out, b[start:i]...)
	return i, nil
}

func (r *Reader) literal(b []byte, i int, lit string) (int, error) {
	for k := 0; k < len(lit); k++ {
		if i+k >= len(b) {
			return 0, errShort
		}
		if b[i+k] != lit[k] {
			return 0, r.syntax(i+k, "invalid literal: expected %q", lit)
		}
	}
	r.out = append(r.out, lit...)
	return i + len(lit), nil
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && space[b[i]] {
		i++
	}
	return i
}

var space = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

// plain holds the bytes a string may hold as they are: printable ASCII but
// the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

const (
	utf8OK = iota
	utf8Short
	utf8Bad
)

// utf8Len returns the length of the UTF-8 sequence at the start of b (whose
// first byte is not ASCII), utf8Short when b ends inside it, or utf8Bad.
func utf8Len(b []byte) (int, int) {
	c := b[0]
	var n int
	var lo, hi byte = 0x80, 0xBF
	switch {
	case c >= 0xC2 && c <= 0xDF:
		n = 2
	case c == 0xE0:
		n, lo = 3, 0xA0
	case c >= 0xE1 && c <= 0xEC, c == 0xEE, c == 0xEF:
		n = 3
	case c == 0xED:
		n, hi = 3, 0x9F // no surrogates
	case c == 0xF0:
		n, lo = 4, 0x90
	case c >= 0xF1 && c <= 0xF3:
		n = 4
	case c == 0xF4:
		n, hi = 4, 0x8F
	default:
		return 1, utf8Bad
	}
	for k := 1; k < n; k++ {
		if k >= len(b) {
			return 0, utf8Short
		}
		if b[k] < lo || b[k] > hi {
			return 1, utf8Bad
		}
		lo, hi = 0x80, 0xBF
	}
	return n, utf8OK
}

// quoteByte shows a byte in an error message.
func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("%q", rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// kindOf names the kind of JSON value starting with c.
func kindOf(c byte) string {
	switch c {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
