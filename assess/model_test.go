package assess_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/assess"
)

var t0 = time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)

// history is the evidence of a steady relationship: home and partner
// exchange a product each way every week for a year, each rated 4.
func history(memberships ...string) *assess.Evidence {
	ev := &assess.Evidence{HomeOrg: "home", Organisations: []*liaison.Organisation{
		{ID: "home", Name: "Home", Kind: liaison.OrgNationalService, Country: "NL", Memberships: []string{"EU", "NATO"}},
		{ID: "partner", Name: "Partner", Kind: liaison.OrgNationalService, Country: "DE", Memberships: memberships},
		{ID: "other", Name: "Other", Kind: liaison.OrgNationalService, Country: "FR"},
	}, Agreements: []*liaison.Agreement{{ID: "ag", Title: "Home–Partner", Parties: []string{"home", "partner"},
		Status: liaison.AgreementActive, ValidFrom: t0.AddDate(-1, 0, 0)}}}
	for w := range 52 {
		at := t0.AddDate(0, 0, 7*w)
		for i, dir := range [][2]string{{"home", "partner"}, {"partner", "home"}} {
			id := fmt.Sprintf("d%d-%d", w, i)
			ev.Exchanges = append(ev.Exchanges, &liaison.Exchange{ID: id, ProductID: "p" + id, ProductVersion: 1,
				From: dir[0], To: dir[1], AgreementID: "ag", Action: liaison.ActionDisseminate, At: at.Add(time.Duration(i) * time.Hour),
				Rank: 2, Reliability: "B", Credibility: "2", Title: "Report", Originator: dir[0]})
			ev.Feedback = append(ev.Feedback, &liaison.Feedback{ID: "f" + id, ProductID: "p" + id, ProductVersion: 1,
				OrgID: dir[1], Value: 4, CreatedAt: at.Add(time.Duration(i)*time.Hour + time.Minute)})
		}
	}
	return ev
}

func build(t *testing.T, ev *assess.Evidence) *assess.Model {
	t.Helper()
	m, err := assess.Build(ev, assess.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func trustIn(t *testing.T, m *assess.Model, trustee string, at time.Time) assess.TrustAssessment {
	t.Helper()
	r, err := m.Trust(assess.TrustQuery{Trustee: trustee, At: at}, at)
	if err != nil {
		t.Fatal(err)
	}
	return r.Assessments[0]
}

// TestSensitivity checks the domain's asymmetries on the records, through
// the mapping of records to evidence.
func TestSensitivity(t *testing.T) {
	end := t0.AddDate(1, 0, 0)
	base := trustIn(t, build(t, history()), "partner", end).Projected

	t.Run("one breach lowers trust more than one good exchange raises it", func(t *testing.T) {
		good := history()
		good.Exchanges = append(good.Exchanges, &liaison.Exchange{ID: "extra", ProductID: "pextra", ProductVersion: 1, From: "partner",
			To: "home", AgreementID: "ag", Action: liaison.ActionDisseminate, At: end.Add(-time.Hour), Rank: 2, Reliability: "A", Credibility: "1",
			Title: "Report", Originator: "partner"})
		good.Feedback = append(good.Feedback, &liaison.Feedback{ID: "fextra", ProductID: "pextra", ProductVersion: 1, OrgID: "home",
			Value: 5, Flags: []string{"corroborated"}, CreatedAt: end.Add(-time.Minute)})
		bad := history()
		bad.Breaches = append(bad.Breaches, &liaison.Breach{ID: "b", ProductID: "pd0-0", OrgID: "partner", Caveat: "ORCON",
			Description: "passed on", ReportedBy: "home.lo", At: end.Add(-time.Minute)})
		up := trustIn(t, build(t, good), "partner", end).Projected - base
		down := base - trustIn(t, build(t, bad), "partner", end).Projected
		if up <= 0 || down <= 0 || down <= up {
			t.Errorf("a good exchange raises trust by %.4f, a breach lowers it by %.4f: want a larger fall than rise", up, down)
		}
	})
	t.Run("a year without interaction raises uncertainty", func(t *testing.T) {
		m := build(t, history())
		now, later := trustIn(t, m, "partner", end), trustIn(t, m, "partner", end.AddDate(1, 0, 0))
		if later.Direct.Overall.Uncertainty <= now.Direct.Overall.Uncertainty {
			t.Errorf("uncertainty %.3f at the last exchange, %.3f a silent year later: want it higher", now.Direct.Overall.Uncertainty, later.Direct.Overall.Uncertainty)
		}
	})
	t.Run("shared membership changes the prior, not the evidence", func(t *testing.T) {
		strangers := trustIn(t, build(t, history()), "partner", end)
		allies := trustIn(t, build(t, history("EU", "NATO")), "partner", end)
		if allies.Direct.BaseRate <= strangers.Direct.BaseRate {
			t.Errorf("base rate %.3f with shared memberships, %.3f without: want it higher", allies.Direct.BaseRate, strangers.Direct.BaseRate)
		}
		a, s := allies.Direct.Overall, strangers.Direct.Overall
		if a.Belief != s.Belief || a.Disbelief != s.Disbelief || a.Uncertainty != s.Uncertainty {
			t.Errorf("memberships moved the evidence: %+v vs %+v", a, s)
		}
	})
	t.Run("no evidence: inferred through a trusted partner, else the prior", func(t *testing.T) {
		ev := history()
		for w := range 20 {
			id := fmt.Sprintf("o%d", w)
			at := t0.AddDate(0, 0, 7*w)
			ev.Exchanges = append(ev.Exchanges, &liaison.Exchange{ID: id, ProductID: "p" + id, ProductVersion: 1, From: "other", To: "partner",
				AgreementID: "x", Action: liaison.ActionDisseminate, At: at, Rank: 1, Title: "Report", Originator: "other"})
			ev.Feedback = append(ev.Feedback, &liaison.Feedback{ID: "f" + id, ProductID: "p" + id, ProductVersion: 1, OrgID: "partner",
				Value: 5, CreatedAt: at.Add(time.Hour)})
		}
		m := build(t, ev)
		if got := trustIn(t, m, "other", end); got.Basis != "inferred" || got.Inferred == nil {
			t.Errorf("trust in other: basis %q, want inferred through partner", got.Basis)
		}
		if got := trustIn(t, build(t, history()), "other", end); got.Basis != "prior" || got.Projected != got.Direct.BaseRate {
			t.Errorf("trust in a stranger: basis %q, %.3f, want the prior", got.Basis, got.Projected)
		}
	})
}

func TestBadQueries(t *testing.T) {
	m := build(t, history())
	now := t0.AddDate(1, 0, 0)
	tests := []struct {
		name string
		err  error
	}{
		{"unknown truster", func() error { _, err := m.Trust(assess.TrustQuery{Truster: "nobody"}, now); return err }()},
		{"trust in itself", func() error { _, err := m.Trust(assess.TrustQuery{Trustee: "home"}, now); return err }()},
		{"ledger with itself", func() error { _, err := m.Ledger(assess.LedgerQuery{B: "home"}, now); return err }()},
		{"ledger window backwards", func() error {
			_, err := m.Ledger(assess.LedgerQuery{From: now, To: now.AddDate(-1, 0, 0)}, now)
			return err
		}()},
		{"typology of an unknown partner", func() error { _, err := m.Typology(assess.TypologyQuery{B: "nobody"}, now); return err }()},
		{"who-can without a topic", func() error { _, err := m.WhoCan(assess.WhoCanQuery{}, now); return err }()},
		{"alignment with itself", func() error { _, err := m.Alignment(assess.AlignmentQuery{B: "home"}, now); return err }()},
		{"lopsided ratio of 1", func() error { _, err := m.Warnings(assess.WarningQuery{LopsidedRatio: 1}, now); return err }()},
	}
	for _, tt := range tests {
		if liaison.ErrorCode(tt.err) != liaison.EINVALID {
			t.Errorf("%s: %v, want %s", tt.name, tt.err, liaison.EINVALID)
		}
	}
}

func TestWarnings(t *testing.T) {
	ev := history()
	end := t0.AddDate(1, 0, 0)
	to := end.AddDate(0, 0, 30)
	ev.Agreements[0].ValidTo = &to
	ev.RFIs = []*liaison.RFI{{ID: "rfi-1", FromOrg: "home", ToOrg: "partner", Topic: "cyber", Question: "who?", Priority: liaison.PriorityHigh,
		Deadline: end.AddDate(0, 0, -3), Status: liaison.RFIOpen, CreatedAt: end.AddDate(0, -1, 0)}}
	ev.Breaches = []*liaison.Breach{{ID: "b", ProductID: "pd0-0", OrgID: "partner", Caveat: "ORCON", Description: "passed on",
		At: end.AddDate(0, 0, -20)}}
	// A year of home giving three times as much as it gets from other.
	for w := range 30 {
		for k := range 3 {
			id := fmt.Sprintf("l%d-%d", w, k)
			ev.Exchanges = append(ev.Exchanges, &liaison.Exchange{ID: id, ProductID: "p" + id, ProductVersion: 1, From: "home", To: "other",
				AgreementID: "y", Action: liaison.ActionDisseminate, At: t0.AddDate(0, 0, 7*w).Add(time.Duration(k) * time.Minute), Rank: 2, Title: "Report", Originator: "home"})
		}
	}
	r, err := build(t, ev).Warnings(assess.WarningQuery{At: end, Explain: true}, end)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]assess.Warning{}
	for _, w := range r.Warnings {
		got[w.Code+" "+w.Partner] = w
	}
	for _, want := range []string{"agreement_expiring partner", "rfi_overdue partner", "breach partner", "trust_falling partner", "lopsided_ledger other"} {
		w, ok := got[want]
		if !ok {
			t.Errorf("no %s warning in %+v", want, r.Warnings)
			continue
		}
		if w.Message == "" || len(w.Explain) == 0 {
			t.Errorf("%s: no message or explanation: %+v", want, w)
		}
	}
	if _, ok := got["lopsided_ledger partner"]; ok {
		t.Errorf("a balanced ledger warns as lopsided")
	}
	if r.Warnings[0].Severity != assess.SeverityHigh {
		t.Errorf("warnings are not most severe first: %+v", r.Warnings[0])
	}
}

func TestIsWarning(t *testing.T) {
	for title, want := range map[string]bool{
		"Warning: courier network": true, "CTG alert: planned attack": true, "ALERT — drones": true,
		"Threat assessment: alerting systems abroad": false, "Situation update": false, "": false,
	} {
		if got := assess.IsWarning(title); got != want {
			t.Errorf("IsWarning(%q) = %v, want %v", title, got, want)
		}
	}
}
