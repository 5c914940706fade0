package audit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/audit"
)

func chain(n int) []*liaison.AuditEvent {
	var prev []byte
	out := make([]*liaison.AuditEvent, n)
	base := time.Date(2026, 1, 2, 3, 4, 5, 6789, time.UTC)
	for i := range out {
		e := &liaison.AuditEvent{
			Seq: int64(i + 1), At: base.Add(time.Duration(i) * time.Second),
			Actor: "de-bfv.admin", ActorOrg: "de-bfv", Action: "decision.forward",
			Object: "p-1", Target: "fr-dgsi", Allowed: i%2 == 0,
			Reasons: []liaison.Reason{{Code: "originator_control", Message: "needs \"consent\"\n"}},
			Detail:  fmt.Sprintf("event %d ✓", i),
		}
		audit.Seal(prev, e)
		prev = e.Hash
		out[i] = e
	}
	return out
}

func verify(events []*liaison.AuditEvent) audit.Report {
	var v audit.Verifier
	for _, e := range events {
		if !v.Next(e) {
			break
		}
	}
	return v.Report()
}

func TestEncodeIsCanonicalJSON(t *testing.T) {
	e := chain(1)[0]
	e.Detail = "tab\t ctrl\x01 quote\" slash\\ é <>&"
	enc := audit.Encode(nil, e)
	var m map[string]any
	if err := json.Unmarshal(enc, &m); err != nil {
		t.Fatalf("encoding is not JSON: %v\n%s", err, enc)
	}
	if m["detail"] != e.Detail {
		t.Errorf("detail round trip: got %q want %q", m["detail"], e.Detail)
	}
	if !strings.Contains(string(enc), `\u0001`) || strings.Contains(string(enc), `\u003c`) {
		t.Errorf("escaping is not RFC 8785: %s", enc)
	}
	if !strings.HasPrefix(string(enc), `{"action":`) || !strings.HasSuffix(string(enc), `"target":"fr-dgsi"}`) {
		t.Errorf("keys are not in canonical order: %s", enc)
	}
	if !strings.Contains(string(enc), `"at":"2026-01-02T03:04:05.000006789Z"`) {
		t.Errorf("time is not RFC 3339 UTC with nanoseconds: %s", enc)
	}
}

func TestInvalidUTF8IsReplaced(t *testing.T) {
	e := chain(1)[0]
	e.Detail = "a\xffb"
	var m map[string]any
	if err := json.Unmarshal(audit.Encode(nil, e), &m); err != nil {
		t.Fatal(err)
	}
	if m["detail"] != "a\ufffdb" {
		t.Errorf("got %q", m["detail"])
	}
}

func TestVerify(t *testing.T) {
	tests := []struct {
		name      string
		tamper    func([]*liaison.AuditEvent) []*liaison.AuditEvent
		brokenSeq int64
	}{
		{"an intact chain verifies", func(e []*liaison.AuditEvent) []*liaison.AuditEvent { return e }, 0},
		{"an edited detail breaks at that event", func(e []*liaison.AuditEvent) []*liaison.AuditEvent {
			e[4].Detail = "nothing happened"
			return e
		}, 5},
		{"a flipped outcome breaks at that event", func(e []*liaison.AuditEvent) []*liaison.AuditEvent {
			e[2].Allowed = !e[2].Allowed
			return e
		}, 3},
		{"an edited reason breaks at that event", func(e []*liaison.AuditEvent) []*liaison.AuditEvent {
			e[6].Reasons[0].Code = "ok"
			return e
		}, 7},
		{"an edit with a recomputed hash breaks at the next event", func(e []*liaison.AuditEvent) []*liaison.AuditEvent {
			e[3].Target = "ru-svr"
			audit.Seal(e[2].Hash, e[3])
			return e
		}, 5},
		{"a deleted event breaks where it is missing", func(e []*liaison.AuditEvent) []*liaison.AuditEvent {
			return append(e[:5], e[6:]...)
		}, 6},
		{"a deleted and renumbered event breaks the link", func(e []*liaison.AuditEvent) []*liaison.AuditEvent {
			e = append(e[:5], e[6:]...)
			for i := 5; i < len(e); i++ {
				e[i].Seq--
			}
			return e
		}, 6},
		{"two swapped events break the chain", func(e []*liaison.AuditEvent) []*liaison.AuditEvent {
			e[7], e[8] = e[8], e[7]
			return e
		}, 8},
		{"swapped contents under the original sequence numbers break the chain", func(e []*liaison.AuditEvent) []*liaison.AuditEvent {
			e[7].Seq, e[8].Seq = e[8].Seq, e[7].Seq
			e[7], e[8] = e[8], e[7]
			return e
		}, 8},
		{"a chain that starts late is broken at event 1", func(e []*liaison.AuditEvent) []*liaison.AuditEvent { return e[1:] }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := verify(tt.tamper(chain(12)))
			if tt.brokenSeq == 0 {
				if !r.OK() || r.Events != 12 || r.LastSeq != 12 || len(r.Head) != 64 {
					t.Fatalf("want intact chain of 12, got %+v", r)
				}
				return
			}
			if r.OK() {
				t.Fatalf("tampering was not detected: %+v", r)
			}
			if r.Broken.Seq != tt.brokenSeq {
				t.Errorf("first broken link: got %d (%s), want %d", r.Broken.Seq, r.Broken.Reason, tt.brokenSeq)
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	events := chain(1000)
	b.ResetTimer()
	for b.Loop() {
		var v audit.Verifier
		for _, e := range events {
			v.Next(e)
		}
		if !v.Report().OK() {
			b.Fatal("broken")
		}
	}
	b.ReportMetric(float64(b.N*len(events))/b.Elapsed().Seconds(), "events/s")
}

// memScan streams events from memory like a store would.
func memScan(events []*liaison.AuditEvent) audit.Scanner {
	return func(ctx context.Context, after, through int64, fn func(*liaison.AuditEvent) error) error {
		for _, e := range events {
			if e.Seq > after && e.Seq <= through {
				if err := fn(e); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

// TestVerifyPartsAgreesWithOnePass runs every tampering case through
// VerifyParts with the chain cut in three parts and checks it reports
// exactly what a single pass reports.
func TestVerifyPartsAgreesWithOnePass(t *testing.T) {
	tampers := map[string]func([]*liaison.AuditEvent){
		"intact":                     func([]*liaison.AuditEvent) {},
		"edit inside a part":         func(e []*liaison.AuditEvent) { e[5].Detail = "x" },
		"edit on a boundary":         func(e []*liaison.AuditEvent) { e[3].Detail = "x" },
		"edit just after a boundary": func(e []*liaison.AuditEvent) { e[4].Target = "x" },
		"resealed edit on a boundary": func(e []*liaison.AuditEvent) {
			e[3].Detail = "x"
			audit.Seal(e[2].Hash, e[3])
		},
		"resealed edit in the last part": func(e []*liaison.AuditEvent) {
			e[10].Detail = "x"
			audit.Seal(e[9].Hash, e[10])
		},
		"swapped across a boundary": func(e []*liaison.AuditEvent) {
			e[3].Seq, e[4].Seq = e[4].Seq, e[3].Seq
		},
		"renumbered tail": func(e []*liaison.AuditEvent) { e[11].Seq = 13 },
	}
	for name, tamper := range tampers {
		t.Run(name, func(t *testing.T) {
			events := chain(12)
			tamper(events)
			slicesSortBySeq(events)
			want := verify(events)
			// The parts resume from the stored hashes of events 4 and 8.
			starts := []int64{0, 4, 8}
			prevs := [][]byte{audit.Genesis, hashOf(events, 4), hashOf(events, 8)}
			last := events[len(events)-1].Seq // as a store's head says
			got, err := audit.VerifyParts(context.Background(), memScan(events), last, starts, prevs)
			if err != nil {
				t.Fatal(err)
			}
			if got.OK() != want.OK() || (!want.OK() && *got.Broken != *want.Broken) || (want.OK() && got != want) {
				t.Fatalf("parts report %+v (broken %+v), one pass %+v (broken %+v)", got, got.Broken, want, want.Broken)
			}
		})
	}
}

func hashOf(events []*liaison.AuditEvent, seq int64) []byte {
	for _, e := range events {
		if e.Seq == seq {
			return e.Hash
		}
	}
	return nil
}

func slicesSortBySeq(events []*liaison.AuditEvent) {
	sort.SliceStable(events, func(i, j int) bool { return events[i].Seq < events[j].Seq })
}
