package desk_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
)

// BenchmarkDisseminate measures the whole act as an officer performs it:
// load the product, lineage, holding, agreement and consents, decide, write
// the dissemination and the recipient's holding, and append the audit
// event — each dissemination its own transaction on SQLite. 500 products
// go to 20 partners under a multilateral agreement, each pair once until
// the pairs run out.
func BenchmarkDisseminate(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b)
	parties := []string{"nl-aivd"}
	for i := range 20 {
		id := fmt.Sprintf("partner-%02d", i)
		must(b, f.admin.CreateOrganisation(ctx, &liaison.Organisation{ID: id, Name: id, Kind: liaison.OrgNationalService, Country: "DE"}))
		parties = append(parties, id)
	}
	must(b, f.admin.CreateAgreement(ctx, &liaison.Agreement{Title: "club", Parties: parties, Topics: []string{"*"},
		Ceiling: marking.Classification{Scheme: "EU", Level: "SECRET UE"}, ValidFrom: t0.AddDate(-1, 0, 0)}))
	products := make([]*liaison.Product, 500)
	for i := range products {
		p, err := f.home.CreateProduct(ctx, liaison.ProductDraft{Title: "report", Topics: []string{"counter-terrorism"},
			Marking: "SECRET UE//ORCON", Reliability: "B", Credibility: "2"})
		must(b, err)
		products[i] = p
	}
	i := 0
	for b.Loop() {
		p, to := products[i%len(products)], parties[1+(i/len(products))%20]
		if _, err := f.home.Disseminate(ctx, liaison.DisseminationOrder{ProductID: p.ID, To: to}); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "disseminations/s")
}

// BenchmarkDecideForward measures a decision asked over the service
// (loading its input from the store, deciding, auditing).
func BenchmarkDecideForward(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b)
	p, err := f.home.CreateProduct(ctx, liaison.ProductDraft{Title: "report", Topics: []string{"counter-terrorism"},
		Marking: "SECRET UE//ORCON", Reliability: "B", Credibility: "2"})
	must(b, err)
	_, err = f.home.Disseminate(ctx, liaison.DisseminationOrder{ProductID: p.ID, To: "de-bfv"})
	must(b, err)
	for b.Loop() {
		if _, err := f.partner.Decide(ctx, liaison.DecisionQuery{ProductID: p.ID, Action: liaison.ActionForward, To: "fr-dgsi"}); err != nil {
			b.Fatal(err)
		}
	}
}
