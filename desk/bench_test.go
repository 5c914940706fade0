package desk_test

import (
	"context"
	"testing"

	"github.com/liaison-dev/liaison"
)

// BenchmarkDisseminate measures the whole act as an officer performs it:
// load the product, lineage, holding, agreement and consents, decide, write
// the dissemination and the recipient's holding, and append the audit
// event — each dissemination its own transaction on SQLite.
func BenchmarkDisseminate(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b)
	products := make([]*liaison.Product, 64)
	for i := range products {
		p, err := f.home.CreateProduct(ctx, liaison.ProductDraft{Title: "report", Topics: []string{"counter-terrorism"},
			Marking: "SECRET UE//ORCON", Reliability: "B", Credibility: "2"})
		if err != nil {
			b.Fatal(err)
		}
		products[i] = p
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if _, err := f.home.Disseminate(ctx, liaison.DisseminationOrder{ProductID: products[i%len(products)].ID, To: "de-bfv"}); err != nil {
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
	if err != nil {
		b.Fatal(err)
	}
	if _, err := f.home.Disseminate(ctx, liaison.DisseminationOrder{ProductID: p.ID, To: "de-bfv"}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := f.partner.Decide(ctx, liaison.DecisionQuery{ProductID: p.ID, Action: liaison.ActionForward, To: "fr-dgsi"}); err != nil {
			b.Fatal(err)
		}
	}
}
