// Package audit makes the node's audit log tamper-evident: every event is
// encoded canonically (RFC 8785 JSON Canonicalization of the event's fields)
// and chained to its predecessor by SHA-256, so that editing, deleting or
// reordering a stored event breaks the chain at that event, and Verify names
// the first broken link.
//
// The package is pure: stores call Seal when they append and Verifier when
// they walk the chain.
package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/liaison-dev/liaison"
)

// HashSize is the size of a link hash.
const HashSize = sha256.Size

// Genesis is the PrevHash of the first event: 32 zero bytes.
var Genesis = make([]byte, HashSize)

// Encode appends the canonical encoding of e to dst and returns it. The
// encoding is the RFC 8785 canonical JSON of the object with the fields
// action, actor, actor_org, allowed, at (RFC 3339 UTC with nanoseconds),
// detail, object, reasons, seq and target; PrevHash and Hash are not part of
// it. Invalid UTF-8 is encoded as U+FFFD, as RFC 8785 requires valid text.
func Encode(dst []byte, e *liaison.AuditEvent) []byte {
	// Keys in RFC 8785 order (UTF-16 code units; all ASCII here, so bytes).
	dst = append(dst, `{"action":`...)
	dst = AppendString(dst, e.Action)
	dst = append(dst, `,"actor":`...)
	dst = AppendString(dst, e.Actor)
	dst = append(dst, `,"actor_org":`...)
	dst = AppendString(dst, e.ActorOrg)
	dst = append(dst, `,"allowed":`...)
	dst = strconv.AppendBool(dst, e.Allowed)
	dst = append(dst, `,"at":"`...)
	dst = e.At.UTC().AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, `","detail":`...)
	dst = AppendString(dst, e.Detail)
	dst = append(dst, `,"object":`...)
	dst = AppendString(dst, e.Object)
	dst = append(dst, `,"reasons":[`...)
	for i, r := range e.Reasons {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"code":`...)
		dst = AppendString(dst, r.Code)
		dst = append(dst, `,"message":`...)
		dst = AppendString(dst, r.Message)
		dst = append(dst, '}')
	}
	dst = append(dst, `],"seq":`...)
	dst = strconv.AppendInt(dst, e.Seq, 10)
	dst = append(dst, `,"target":`...)
	dst = AppendString(dst, e.Target)
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

// AppendString appends s as an RFC 8785 JSON string: only '"', '\\' and
// control characters are escaped, with the short forms where JSON has
// them; invalid UTF-8 becomes U+FFFD.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, "\ufffd"...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// Chain computes link hashes. The zero value is ready to use; a Chain is
// not safe for concurrent use, and reuses its buffers between calls.
type Chain struct {
	h   hash.Hash
	buf []byte
	sum [HashSize]byte
}

// Link returns SHA-256(prev || Encode(e)). The result is valid until the
// next call.
func (c *Chain) Link(prev []byte, e *liaison.AuditEvent) []byte {
	if c.h == nil {
		c.h = sha256.New()
	}
	c.buf = Encode(c.buf[:0], e)
	c.h.Reset()
	c.h.Write(prev)
	c.h.Write(c.buf)
	return c.h.Sum(c.sum[:0])
}

// Seal sets e.PrevHash to prev (Genesis when prev is empty) and e.Hash to
// the link hash. e.Seq must already be set.
func Seal(prev []byte, e *liaison.AuditEvent) {
	if len(prev) == 0 {
		prev = Genesis
	}
	var c Chain
	e.PrevHash = bytes.Clone(prev)
	e.Hash = bytes.Clone(c.Link(prev, e))
}

// Break describes the first broken link of a chain.
type Break = liaison.AuditBreak

// Report is the result of verifying a chain.
type Report = liaison.AuditReport

// Verifier checks events one by one, in the order they are stored. The
// zero value expects the chain to start at Seq 1 from Genesis.
type Verifier struct {
	chain  Chain
	prev   [HashSize]byte
	seq    int64
	events int64
	broken *Break
}

// Next checks e against the events before it. It returns false once the
// chain is broken; Report then names the first broken link.
func (v *Verifier) Next(e *liaison.AuditEvent) bool {
	if v.broken != nil {
		return false
	}
	want := v.seq + 1
	prev := v.prev[:]
	switch {
	case e.Seq != want && e.Seq > want:
		v.broken = &Break{Seq: want, Reason: fmt.Sprintf("event %d is missing: event %d follows event %d", want, e.Seq, v.seq)}
	case e.Seq != want:
		v.broken = &Break{Seq: e.Seq, Reason: fmt.Sprintf("event %d is out of order: expected event %d", e.Seq, want)}
	case !bytes.Equal(e.PrevHash, prev):
		v.broken = &Break{Seq: e.Seq, Reason: fmt.Sprintf("event %d does not link to event %d: its previous hash differs", e.Seq, v.seq)}
	default:
		got := v.chain.Link(prev, e)
		if !bytes.Equal(got, e.Hash) {
			v.broken = &Break{Seq: e.Seq, Reason: fmt.Sprintf("event %d was altered: its content does not match its hash", e.Seq)}
		}
	}
	if v.broken != nil {
		return false
	}
	copy(v.prev[:], e.Hash)
	v.seq = e.Seq
	v.events++
	return true
}

// Resume makes a new verifier expect the chain to continue after event
// seq, whose stored hash is prev: a part of a chain can then be verified on
// its own, and the parts together cover every link.
func (v *Verifier) Resume(seq int64, prev []byte) {
	v.seq = seq
	copy(v.prev[:], prev)
}

// Report returns what the verifier has seen so far.
func (v *Verifier) Report() Report {
	r := Report{Events: v.events, LastSeq: v.seq, Broken: v.broken}
	if v.seq > 0 {
		r.Head = hex.EncodeToString(v.prev[:])
	}
	return r
}

// Scanner streams the events with afterSeq < Seq <= throughSeq in order.
type Scanner func(ctx context.Context, afterSeq, throughSeq int64, fn func(*liaison.AuditEvent) error) error

// errBroken stops a scan at the first broken link.
var errBroken = errors.New("audit: broken link")

// VerifyParts verifies events 1 to last in parts verified at once, each
// resumed from the stored hash of the event before it (prevs[i] is the hash
// of event starts[i]). Every link is checked once: within a part by its
// verifier, across a boundary because the part before it checks the hash
// the next part resumed from. The report is the one a single pass would
// give: the first broken link in sequence order.
func VerifyParts(ctx context.Context, scan Scanner, last int64, starts []int64, prevs [][]byte) (Report, error) {
	n := len(starts)
	vs := make([]Verifier, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		through := last
		if i+1 < n {
			through = starts[i+1]
		}
		vs[i].Resume(starts[i], prevs[i])
		wg.Go(func() {
			err := scan(ctx, starts[i], through, func(e *liaison.AuditEvent) error {
				if !vs[i].Next(e) {
					return errBroken
				}
				return nil
			})
			if err == nil && vs[i].seq != through && vs[i].broken == nil {
				// The part ended early: its last events are missing.
				vs[i].broken = &Break{Seq: vs[i].seq + 1, Reason: fmt.Sprintf("event %d is missing", vs[i].seq+1)}
			}
			if !errors.Is(err, errBroken) {
				errs[i] = err
			}
		})
	}
	wg.Wait()
	var r Report
	for i := range n {
		if errs[i] != nil {
			return Report{}, errs[i]
		}
		p := vs[i].Report()
		r.Events += p.Events
		r.LastSeq, r.Head, r.Broken = p.LastSeq, p.Head, p.Broken
		if p.Broken != nil {
			break
		}
	}
	return r, nil
}
