package desk_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
)

// topicsOf lists the topics of priorities, in order.
func topicsOf(ps []*liaison.ThreatPriority) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Topic
	}
	return out
}

// orgsOf lists the organisations of priorities, without repeats.
func orgsOf(ps []*liaison.ThreatPriority) []string {
	var out []string
	for _, p := range ps {
		if !slices.Contains(out, p.OrgID) {
			out = append(out, p.OrgID)
		}
	}
	return out
}

func priorities(topics ...string) []liaison.ThreatPriority {
	out := make([]liaison.ThreatPriority, len(topics))
	for i, t := range topics {
		out[i] = liaison.ThreatPriority{Topic: t}
	}
	return out
}

func TestSetThreatPriorities(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	before := f.auditCount(t)
	got, err := f.home.SetThreatPriorities(ctx, "nl-aivd", priorities("Counter-Terrorism", "russia", "cyber"))
	must(t, err)
	if !slices.Equal(topicsOf(got), []string{"counter-terrorism", "russia", "cyber"}) || got[2].Rank != 3 ||
		got[0].SetBy != "nl.liaison" || got[0].OrgID != "nl-aivd" || got[0].SetAt.IsZero() {
		t.Fatalf("set: %+v", got)
	}
	read, err := f.home.ThreatPriorities(ctx, "nl-aivd")
	must(t, err)
	if !slices.EqualFunc(read, got, func(a, b *liaison.ThreatPriority) bool { return *a == *b }) {
		t.Errorf("read back %+v, set %+v", read, got)
	}
	if n := f.auditCount(t); n != before+1 {
		t.Fatalf("%d audit events for one set, want 1", n-before)
	}
	events, err := f.admin.AuditEvents(ctx, before, 10)
	must(t, err)
	e := events[0]
	if e.Action != "priorities.set" || e.Object != "nl-aivd" || !e.Allowed || e.Actor != "nl.liaison" ||
		e.Detail != "3 ranked: counter-terrorism, russia, cyber" {
		t.Errorf("audit event %+v", e)
	}

	// Explicit ranks, given in any order; a new list replaces the old.
	got, err = f.home.SetThreatPriorities(ctx, "nl-aivd", []liaison.ThreatPriority{
		{Topic: "cyber", Rank: 2, Note: "state actors"}, {Topic: "russia", Rank: 1}})
	must(t, err)
	read, err = f.home.ThreatPriorities(ctx, "nl-aivd")
	must(t, err)
	if !slices.Equal(topicsOf(read), []string{"russia", "cyber"}) || read[1].Note != "state actors" || len(got) != 2 {
		t.Errorf("after the second list: %+v", read)
	}

	// An empty list clears them.
	_, err = f.home.SetThreatPriorities(ctx, "nl-aivd", nil)
	must(t, err)
	read, err = f.home.ThreatPriorities(ctx, "nl-aivd")
	must(t, err)
	if read == nil || len(read) != 0 {
		t.Errorf("after clearing: %+v, want none", read)
	}
}

func TestSetCoverage(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	before := f.auditCount(t)
	got, err := f.partner.SetCoverage(ctx, "de-bfv", []liaison.Coverage{
		{Topic: "russia", Discipline: "sigint", Capability: 3},
		{Topic: "counter-terrorism", Discipline: liaison.HUMINT, Capability: 2, Note: "Salafist milieu"},
	})
	must(t, err)
	if len(got) != 2 || got[0].Topic != "counter-terrorism" || got[1].Discipline != liaison.SIGINT || got[1].SetBy != "de.liaison" {
		t.Fatalf("set: %+v", got)
	}
	read, err := f.home.Coverage(ctx, "de-bfv")
	must(t, err)
	if !slices.EqualFunc(read, got, func(a, b *liaison.Coverage) bool { return *a == *b }) {
		t.Errorf("read back %+v, set %+v", read, got)
	}
	events, err := f.admin.AuditEvents(ctx, before, 10)
	must(t, err)
	if e := events[0]; e.Action != "coverage.set" || e.Object != "de-bfv" || !e.Allowed ||
		e.Detail != "2 entries: counter-terrorism:HUMINT:2, russia:SIGINT:3" {
		t.Errorf("audit event %+v", e)
	}
}

func TestThreatSetAuthorisation(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	secret := marking.Classification{Scheme: "EU", Level: "SECRET UE"}
	partnerAdmin := f.officer(t, "de-bfv", "de.admin", liaison.RoleAdmin, secret)
	tests := []struct {
		name     string
		as       liaison.Service
		org      string
		wantCode string // "" for success
		recorded bool   // a refusal is in the audit chain
	}{
		{"a home liaison officer sets home's", f.home, "nl-aivd", "", false},
		{"a partner's liaison officer sets its own", f.partner, "de-bfv", "", false},
		{"a partner's administrator sets its own", partnerAdmin, "de-bfv", "", false},
		{"the node's administrator sets a partner's", f.admin, "fr-dgsi", "", false},
		{"a home liaison officer may not set a partner's", f.home, "de-bfv", liaison.EFORBIDDEN, true},
		{"a partner's liaison officer may not set home's", f.partner, "nl-aivd", liaison.EFORBIDDEN, true},
		{"a partner's administrator may not set a third party's", partnerAdmin, "fr-dgsi", liaison.EFORBIDDEN, true},
		{"an analyst may not set any", f.analyst, "nl-aivd", liaison.EFORBIDDEN, false},
		{"an auditor may not set any", f.auditor, "nl-aivd", liaison.EFORBIDDEN, false},
		{"an unregistered organisation", f.admin, "xx-none", liaison.ENOTFOUND, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sets := []struct {
				action string
				set    func() error
			}{
				{"priorities.set", func() error {
					_, err := tt.as.SetThreatPriorities(ctx, tt.org, priorities("counter-terrorism"))
					return err
				}},
				{"coverage.set", func() error {
					_, err := tt.as.SetCoverage(ctx, tt.org, []liaison.Coverage{{Topic: "cyber", Discipline: liaison.CYBINT, Capability: 1}})
					return err
				}},
			}
			for _, s := range sets {
				before := f.auditCount(t)
				err := s.set()
				if got := liaison.ErrorCode(err); got != tt.wantCode {
					t.Fatalf("%s: error code %q (%v), want %q", s.action, got, err, tt.wantCode)
				}
				after := f.auditCount(t)
				switch {
				case tt.wantCode == "" && after != before+1:
					t.Errorf("%s: %d audit events for a set, want 1", s.action, after-before)
				case tt.wantCode != "" && tt.recorded:
					events, err := f.admin.AuditEvents(ctx, before, 10)
					must(t, err)
					if len(events) != 1 || events[0].Action != s.action || events[0].Allowed || events[0].Object != tt.org {
						t.Errorf("%s: the refusal is not recorded: %+v", s.action, events)
					}
				case tt.wantCode != "" && !tt.recorded && after != before:
					t.Errorf("%s: a refusal before any work wrote %d audit events", s.action, after-before)
				}
			}
		})
	}
}

func TestThreatReadAuthorisation(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	_, err := f.admin.SetThreatPriorities(ctx, "nl-aivd", priorities("counter-terrorism", "russia"))
	must(t, err)
	_, err = f.admin.SetThreatPriorities(ctx, "de-bfv", priorities("counter-terrorism"))
	must(t, err)
	_, err = f.admin.SetThreatPriorities(ctx, "fr-dgsi", priorities("sahel"))
	must(t, err)
	for _, org := range []string{"nl-aivd", "de-bfv", "fr-dgsi"} {
		_, err := f.admin.SetCoverage(ctx, org, []liaison.Coverage{{Topic: "cyber", Discipline: liaison.OSINT, Capability: 1}})
		must(t, err)
	}
	tests := []struct {
		name     string
		as       liaison.Service
		org      string
		wantOrgs []string
		wantCode string
	}{
		{"the node's administrator reads all", f.admin, "", []string{"de-bfv", "fr-dgsi", "nl-aivd"}, ""},
		{"a home liaison officer reads all", f.home, "", []string{"de-bfv", "fr-dgsi", "nl-aivd"}, ""},
		{"a home analyst reads a partner's", f.analyst, "fr-dgsi", []string{"fr-dgsi"}, ""},
		{"a home auditor reads none", f.auditor, "nl-aivd", nil, liaison.EFORBIDDEN},
		{"a partner reads its own", f.partner, "de-bfv", []string{"de-bfv"}, ""},
		{"a partner asking for all reads its own", f.partner, "", []string{"de-bfv"}, ""},
		{"a partner may not read home's", f.partner, "nl-aivd", nil, liaison.EFORBIDDEN},
		{"a partner may not read a third party's", f.partner, "fr-dgsi", nil, liaison.EFORBIDDEN},
		{"an unregistered organisation", f.home, "xx-none", nil, liaison.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := tt.as.ThreatPriorities(ctx, tt.org)
			if got := liaison.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("priorities: error code %q (%v), want %q", got, err, tt.wantCode)
			}
			cs, err := tt.as.Coverage(ctx, tt.org)
			if got := liaison.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("coverage: error code %q (%v), want %q", got, err, tt.wantCode)
			}
			if tt.wantCode != "" {
				return
			}
			if got := orgsOf(ps); !slices.Equal(got, tt.wantOrgs) {
				t.Errorf("priorities of %v, want %v", got, tt.wantOrgs)
			}
			var covOrgs []string
			for _, c := range cs {
				covOrgs = append(covOrgs, c.OrgID)
			}
			if !slices.Equal(covOrgs, tt.wantOrgs) {
				t.Errorf("coverage of %v, want %v", covOrgs, tt.wantOrgs)
			}
		})
	}
}

func TestThreatBadInputWritesNothing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	_, err := f.home.SetThreatPriorities(ctx, "nl-aivd", priorities("counter-terrorism", "russia"))
	must(t, err)
	_, err = f.home.SetCoverage(ctx, "nl-aivd", []liaison.Coverage{{Topic: "russia", Discipline: liaison.SIGINT, Capability: 3}})
	must(t, err)
	tests := []struct {
		name    string
		set     func() error
		wantMsg string
	}{
		{"a topic twice", func() error {
			_, err := f.home.SetThreatPriorities(ctx, "nl-aivd", priorities("cyber", "russia", "Cyber"))
			return err
		}, "cyber is ranked twice"},
		{"a gap in the ranks", func() error {
			_, err := f.home.SetThreatPriorities(ctx, "nl-aivd", []liaison.ThreatPriority{{Topic: "cyber", Rank: 1}, {Topic: "russia", Rank: 3}})
			return err
		}, "rank 2 is missing"},
		{"some ranks given, others not", func() error {
			_, err := f.home.SetThreatPriorities(ctx, "nl-aivd", []liaison.ThreatPriority{{Topic: "cyber", Rank: 1}, {Topic: "russia"}})
			return err
		}, "ranks start at 1"},
		{"a rank twice", func() error {
			_, err := f.home.SetThreatPriorities(ctx, "nl-aivd", []liaison.ThreatPriority{{Topic: "cyber", Rank: 1}, {Topic: "russia", Rank: 1}})
			return err
		}, "rank 1 is given to both"},
		{"a topic that is not a topic", func() error {
			_, err := f.home.SetThreatPriorities(ctx, "nl-aivd", priorities("Russia & Belarus"))
			return err
		}, "russia & belarus"},
		{"an entry of another organisation", func() error {
			_, err := f.home.SetThreatPriorities(ctx, "nl-aivd", []liaison.ThreatPriority{{OrgID: "de-bfv", Topic: "cyber"}})
			return err
		}, "an entry is of de-bfv"},
		{"an unknown discipline", func() error {
			_, err := f.home.SetCoverage(ctx, "nl-aivd", []liaison.Coverage{{Topic: "cyber", Discipline: "ESPINT", Capability: 1}})
			return err
		}, "ESPINT"},
		{"a capability off the scale", func() error {
			_, err := f.home.SetCoverage(ctx, "nl-aivd", []liaison.Coverage{{Topic: "cyber", Discipline: liaison.SIGINT, Capability: 4}})
			return err
		}, "between 0 (none) and 3 (strong)"},
		{"a topic and discipline twice", func() error {
			_, err := f.home.SetCoverage(ctx, "nl-aivd", []liaison.Coverage{{Topic: "cyber", Discipline: liaison.SIGINT, Capability: 1},
				{Topic: "cyber", Discipline: "sigint", Capability: 2}})
			return err
		}, "cyber by SIGINT is given twice"},
	}
	before := f.auditCount(t)
	ps, err := f.home.ThreatPriorities(ctx, "nl-aivd")
	must(t, err)
	cs, err := f.home.Coverage(ctx, "nl-aivd")
	must(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.set()
			wantCode(t, err, liaison.EINVALID)
			if !strings.Contains(liaison.ErrorMessage(err), tt.wantMsg) {
				t.Errorf("message %q does not say %q", liaison.ErrorMessage(err), tt.wantMsg)
			}
		})
	}
	if n := f.auditCount(t); n != before {
		t.Errorf("bad input wrote %d audit events", n-before)
	}
	psAfter, err := f.home.ThreatPriorities(ctx, "nl-aivd")
	must(t, err)
	csAfter, err := f.home.Coverage(ctx, "nl-aivd")
	must(t, err)
	if !slices.EqualFunc(ps, psAfter, func(a, b *liaison.ThreatPriority) bool { return *a == *b }) ||
		!slices.EqualFunc(cs, csAfter, func(a, b *liaison.Coverage) bool { return *a == *b }) {
		t.Errorf("bad input changed the records:\npriorities %+v → %+v\ncoverage %+v → %+v", ps, psAfter, cs, csAfter)
	}
}
