package stix

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/google/uuid"

	"github.com/liaison-dev/liaison"
)

// NewBundleID returns a new random bundle id, "bundle--" and a version 4
// UUID.
func NewBundleID() string { return "bundle--" + uuid.NewString() }

// BundleWriter writes a STIX 2.1 bundle, {"type":"bundle","id":…,
// "objects":[…]}, to a writer one object at a time, so that a bundle of any
// size is written in constant memory. Output is buffered: call Close to
// finish the bundle and flush it. A bundle with no object is written
// without "objects", as STIX requires at least one when it is present.
//
// A BundleWriter is not safe for concurrent use.
type BundleWriter struct {
	w      *bufio.Writer
	id     string
	n      int
	err    error
	closed bool
	sc     Reader // the scanner, used on complete objects only
}

// NewBundleWriter returns a writer of a bundle with the given id (a new one
// from NewBundleID when it is ""). An id that is not "bundle--" and a UUID
// makes Write and Close fail.
func NewBundleWriter(w io.Writer, bundleID string) *BundleWriter {
	if bundleID == "" {
		bundleID = NewBundleID()
	}
	bw := &BundleWriter{w: bufio.NewWriterSize(w, 64<<10), id: bundleID, sc: Reader{badUTF8: -1}}
	if typ, _, ok := splitID(bundleID); !ok || typ != "bundle" {
		bw.err = liaison.Errorf(liaison.EINVALID, "bundle id %q is not \"bundle--\" and a UUID", bundleID)
	}
	return bw
}

// Write adds one object to the bundle. raw must be one JSON object; it is
// checked and written compacted. A malformed raw is an error that leaves
// the bundle as it was, so the caller may skip it and go on; an error of
// the underlying writer is returned by every later call.
func (b *BundleWriter) Write(raw json.RawMessage) error {
	if b.err != nil {
		return b.err
	}
	if b.closed {
		return errors.New("stix: write to a closed bundle")
	}
	if err := b.check(raw); err != nil {
		return err
	}
	if b.n == 0 {
		fmt.Fprintf(b.w, `{"type":"bundle","id":%q,"objects":[`, b.id)
	} else {
		b.w.WriteByte(',')
	}
	b.n++
	if _, err := b.w.Write(b.sc.out); err != nil {
		b.err = fmt.Errorf("stix: writing bundle: %w", err)
	}
	return b.err
}

// check scans raw, compacting it into b.sc.out.
func (b *BundleWriter) check(raw []byte) error {
	b.sc.out, b.sc.badUTF8, b.sc.base = b.sc.out[:0], -1, 0
	i := skipSpace(raw, 0)
	if i == len(raw) || raw[i] != '{' {
		return liaison.Errorf(liaison.EINVALID, "bundle: object %d is not a JSON object", b.n)
	}
	j, err := b.sc.value(raw, i)
	if err == errShort {
		return liaison.Errorf(liaison.EBADJSON, "bundle: object %d is truncated JSON", b.n)
	}
	if err != nil {
		return liaison.Errorf(liaison.EBADJSON, "bundle: object %d: %v", b.n, err)
	}
	if skipSpace(raw, j) != len(raw) {
		return liaison.Errorf(liaison.EBADJSON, "bundle: object %d has data after its end at byte %d", b.n, j)
	}
	if b.sc.badUTF8 >= 0 {
		return liaison.Errorf(liaison.EINVALID, "bundle: object %d has invalid UTF-8 at byte %d", b.n, b.sc.badUTF8)
	}
	return nil
}

// Count returns the number of objects written so far.
func (b *BundleWriter) Count() int { return b.n }

// Close ends the bundle and flushes it. It does not close the underlying
// writer. Closing twice is a no-op.
func (b *BundleWriter) Close() error {
	if b.err != nil || b.closed {
		return b.err
	}
	b.closed = true
	if b.n == 0 {
		fmt.Fprintf(b.w, `{"type":"bundle","id":%q}`, b.id)
	} else {
		b.w.WriteString("]}")
	}
	b.w.WriteByte('\n')
	if err := b.w.Flush(); err != nil {
		b.err = fmt.Errorf("stix: writing bundle: %w", err)
	}
	return b.err
}
