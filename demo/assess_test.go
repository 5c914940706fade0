package demo_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/assess"
	"github.com/liaison-dev/liaison/ledger"
)

// The scenario's end and its breach, as the generator plans them.
var (
	scenarioEnd = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	breachDay   = time.Date(2025, 10, 14, 9, 30, 0, 0, time.UTC)
)

// assessor returns the shared scenario's assessments as the home
// administrator.
func assessor(t *testing.T) assess.Service {
	t.Helper()
	db, sc := sharedScenario(t)
	return asOfficer(t, db, sc.AdminID).(assess.Service)
}

func relationship(t *testing.T, s assess.Service, b string, history bool) assess.Relationship {
	t.Helper()
	r, err := s.Typology(context.Background(), assess.TypologyQuery{B: b, At: scenarioEnd, History: history, Explain: true})
	if err != nil {
		t.Fatalf("typology with %s: %v", b, err)
	}
	if len(r.Relationships) != 1 {
		t.Fatalf("typology with %s: %d relationships, want 1", b, len(r.Relationships))
	}
	return r.Relationships[0]
}

// TestTheTypologyFindsThePlantedRelationships checks the domain's
// patterns: a relational multilateral relationship with the EU hub, a
// transactional bilateral one with the non-EU partner, and a bilateral one
// that moves from transactional to relational.
func TestTheTypologyFindsThePlantedRelationships(t *testing.T) {
	s := assessor(t)
	tests := []struct {
		partner string
		want    ledger.Class
	}{
		{"eu-intcen", ledger.RelationalMultilateral},
		{"no-pst", ledger.TransactionalBilateral},
		{"be-vsse", ledger.RelationalBilateral},
	}
	for _, tt := range tests {
		t.Run(tt.partner, func(t *testing.T) {
			r := relationship(t, s, tt.partner, false)
			if r.Class != tt.want {
				t.Errorf("nl-aivd–%s is %s (score %.2f), want %s\n%s", tt.partner, r.Class, r.Score, tt.want, strings.Join(r.Explain, "\n"))
			}
			if len(r.Evidence) == 0 || len(r.Explain) == 0 {
				t.Errorf("no evidence or explanation behind the class")
			}
		})
	}

	t.Run("be-vsse moves from transactional to relational", func(t *testing.T) {
		r := relationship(t, s, "be-vsse", true)
		var moved bool
		for _, c := range r.Changes {
			if c.From == ledger.TransactionalBilateral && c.To == ledger.RelationalBilateral {
				moved = true
				if c.Summary == "" || len(c.Because) == 0 {
					t.Errorf("the change says nothing of why: %+v", c)
				}
			}
		}
		if !moved {
			t.Errorf("no change from transactional to relational bilateral: %+v", r.Changes)
		}
		if len(r.History) < 6 {
			t.Errorf("history of %d periods, want one per quarter of two years", len(r.History))
		}
		first := r.History[0].Typology.Class
		for _, h := range r.History {
			if h.Typology.Class != ledger.InsufficientData {
				first = h.Typology.Class
				break
			}
		}
		if first != ledger.TransactionalBilateral {
			t.Errorf("the relationship starts %s, want transactional_bilateral", first)
		}
	})
	t.Run("no-pst never turns relational", func(t *testing.T) {
		for _, h := range relationship(t, s, "no-pst", true).History {
			if h.Typology.Relational {
				t.Errorf("%s: relational (score %.2f)", h.Period, h.Typology.Score)
			}
		}
	})
}

// TestTrustFallsAfterTheBreach checks that the home organisation's trust
// in the partner that broke a caveat falls after the breach, that the
// explanation names it, and that the warnings say so.
func TestTrustFallsAfterTheBreach(t *testing.T) {
	s := assessor(t)
	ctx := context.Background()
	at := func(when time.Time, explain bool) assess.TrustAssessment {
		t.Helper()
		r, err := s.Trust(ctx, assess.TrustQuery{Trustee: "it-aisi", At: when, Explain: explain})
		if err != nil {
			t.Fatal(err)
		}
		return r.Assessments[0]
	}
	before, after := at(breachDay.Add(-time.Hour), false), at(breachDay.Add(14*24*time.Hour), true)
	if before.Basis != "evidence" {
		t.Fatalf("no evidence on it-aisi before the breach: %+v", before)
	}
	if drop := before.Projected - after.Projected; drop < 0.1 {
		t.Errorf("trust in it-aisi %.3f before the breach, %.3f two weeks after: want a fall of at least 0.1", before.Projected, after.Projected)
	}
	integrity := func(a assess.TrustAssessment) float64 {
		d, _ := a.Direct.Dimension("integrity")
		return d.Projected
	}
	if integrity(after) >= integrity(before) {
		t.Errorf("integrity %.3f → %.3f: the breach should lower it", integrity(before), integrity(after))
	}
	if !slices.ContainsFunc(after.Explain, func(l string) bool { return strings.Contains(l, "breach") }) {
		t.Errorf("the explanation does not name the breach:\n%s", strings.Join(after.Explain, "\n"))
	}
	// Others' trust is not hit the same way: the breach is it-aisi's.
	r, err := s.Trust(ctx, assess.TrustQuery{Trustee: "de-bfv", At: breachDay.Add(14 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Assessments[0].Projected <= after.Projected {
		t.Errorf("trust in de-bfv %.3f is not above trust in it-aisi %.3f after the breach", r.Assessments[0].Projected, after.Projected)
	}

	w, err := s.Warnings(ctx, assess.WarningQuery{At: breachDay.Add(30 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	var breach, falling bool
	for _, x := range w.Warnings {
		breach = breach || x.Code == assess.WarnBreach && x.Partner == "it-aisi"
		falling = falling || x.Code == assess.WarnTrustFalling && x.Partner == "it-aisi"
	}
	if !breach || !falling {
		t.Errorf("a month after the breach: breach warning %v, trust-falling warning %v, want both\n%+v", breach, falling, w.Warnings)
	}
}

// TestAssessmentsAreForTheHomeDesk checks who may read the assessments.
func TestAssessmentsAreForTheHomeDesk(t *testing.T) {
	db, _ := sharedScenario(t)
	ctx := context.Background()
	for _, id := range []string{"de-bfv.hoffmann", "nl-aivd.smit"} {
		s := asOfficer(t, db, id).(assess.Service)
		if _, err := s.Trust(ctx, assess.TrustQuery{}); liaison.ErrorCode(err) != liaison.EFORBIDDEN {
			t.Errorf("%s reads trust: %v, want forbidden", id, err)
		}
		if _, err := s.Warnings(ctx, assess.WarningQuery{}); liaison.ErrorCode(err) != liaison.EFORBIDDEN {
			t.Errorf("%s reads warnings: %v, want forbidden", id, err)
		}
	}
	analyst := asOfficer(t, db, "nl-aivd.visser").(assess.Service)
	if _, err := analyst.Ledger(ctx, assess.LedgerQuery{}); liaison.ErrorCode(err) != liaison.EFORBIDDEN {
		t.Errorf("an analyst reads the ledger: %v, want forbidden", err)
	}
	r, err := analyst.WhoCan(ctx, assess.WhoCanQuery{Topic: "russia"})
	if err != nil || len(r.Partners) == 0 {
		t.Fatalf("an analyst asks who can help with russia: %v", err)
	}
	for _, p := range r.Partners {
		if p.Trust != 0 || slices.ContainsFunc(p.Why, func(w string) bool { return strings.Contains(w, "the trust of") }) {
			t.Errorf("an analyst sees the trust in %s: %.2f %v", p.OrgID, p.Trust, p.Why)
		}
	}
	if _, err := analyst.WhoCan(ctx, assess.WhoCanQuery{Topic: "russia", Asker: "de-bfv"}); liaison.ErrorCode(err) != liaison.EFORBIDDEN {
		t.Errorf("an analyst asks for de-bfv: %v, want forbidden", err)
	}
	if _, err := assessor(t).WhoCan(ctx, assess.WhoCanQuery{Topic: "russia", Asker: "xx-nobody"}); liaison.ErrorCode(err) != liaison.EINVALID {
		t.Errorf("an unknown asker: %v, want invalid", err)
	}
}
