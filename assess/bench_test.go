package assess_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/assess"
)

// syntheticEvidence makes the evidence of orgs organisations over two
// years: n disseminations between random pairs under a bilateral agreement
// per pair and one multilateral one, a rating of every fourth, and an
// interaction per hundred.
func syntheticEvidence(orgs, n int) *assess.Evidence {
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)
	ev := &assess.Evidence{HomeOrg: "org-00"}
	var all []string
	for i := range orgs {
		id := fmt.Sprintf("org-%02d", i)
		all = append(all, id)
		ev.Organisations = append(ev.Organisations, &liaison.Organisation{ID: id, Name: id, Kind: liaison.OrgNationalService,
			Country: "NL", Memberships: []string{"EU"}})
	}
	ev.Agreements = append(ev.Agreements, &liaison.Agreement{ID: "multi", Parties: all, Status: liaison.AgreementActive, ValidFrom: start})
	step := 2 * 365 * 24 * time.Hour / time.Duration(n)
	for i := range n {
		a, b := rng.IntN(orgs), rng.IntN(orgs-1)
		if b >= a {
			b++
		}
		ag := "multi"
		if rng.IntN(2) == 0 {
			ag = fmt.Sprintf("bi-%d-%d", min(a, b), max(a, b))
		}
		x := &liaison.Exchange{ID: fmt.Sprintf("d-%07d", i), ProductID: fmt.Sprintf("p-%07d", i), ProductVersion: 1,
			From: all[a], To: all[b], AgreementID: ag, Action: liaison.ActionDisseminate, At: start.Add(time.Duration(i) * step),
			Rank: rng.IntN(4), Reliability: "B", Credibility: "2", Title: "Report", Topics: []string{"cyber"}, Originator: all[a]}
		ev.Exchanges = append(ev.Exchanges, x)
		if i%4 == 0 {
			ev.Feedback = append(ev.Feedback, &liaison.Feedback{ID: "f-" + x.ID, ProductID: x.ProductID, ProductVersion: 1,
				OrgID: x.To, Value: rng.IntN(6), CreatedAt: x.At.Add(time.Hour)})
		}
		if i%100 == 0 {
			ev.Interactions = append(ev.Interactions, &liaison.Interaction{ID: "i-" + x.ID, Kind: "meeting",
				Orgs: []string{x.From, x.To}, Date: x.At, DurationMinutes: 60, Tone: 1})
		}
	}
	return ev
}

// BenchmarkBuild measures recomputing every model from the evidence of
// 50 organisations and 1,000,000 exchanges, then reading the trust, the
// ledger and the warnings of one organisation.
func BenchmarkBuild(b *testing.B) {
	ev := syntheticEvidence(50, 1_000_000)
	now := ev.Exchanges[len(ev.Exchanges)-1].At.Add(time.Hour)
	for b.Loop() {
		m, err := assess.Build(ev, assess.DefaultConfig())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Trust(assess.TrustQuery{}, now); err != nil {
			b.Fatal(err)
		}
		if _, err := m.Ledger(assess.LedgerQuery{}, now); err != nil {
			b.Fatal(err)
		}
		if _, err := m.Warnings(assess.WarningQuery{}, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddExchange measures one new dissemination taken in by models
// of 1,000,000 exchanges, then the affected pair's trust and ledger read.
func BenchmarkAddExchange(b *testing.B) {
	ev := syntheticEvidence(50, 1_000_000)
	m, err := assess.Build(ev, assess.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	at := ev.Exchanges[len(ev.Exchanges)-1].At
	i := 0
	for b.Loop() {
		i++
		at = at.Add(time.Minute)
		x := &liaison.Exchange{ID: fmt.Sprintf("new-%d", i), ProductID: fmt.Sprintf("new-%d", i), ProductVersion: 1,
			From: "org-01", To: "org-00", AgreementID: "multi", Action: liaison.ActionDisseminate, At: at,
			Rank: 2, Reliability: "A", Credibility: "1", Title: "Warning: new", Topics: []string{"cyber"}, Originator: "org-01"}
		if err := m.AddExchange(x); err != nil {
			b.Fatal(err)
		}
		if _, err := m.Trust(assess.TrustQuery{Trustee: "org-01", At: at}, at); err != nil {
			b.Fatal(err)
		}
		if _, err := m.Ledger(assess.LedgerQuery{B: "org-01", From: at.AddDate(-1, 0, 0)}, at); err != nil {
			b.Fatal(err)
		}
	}
}
