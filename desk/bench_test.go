package desk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/desk"
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

// BenchmarkImport measures the import of ATT&CK-like objects (those of the
// ATT&CK for ICS bundle, each given a new id per round so that every one
// is new), in the importer's batches of one transaction each.
func BenchmarkImport(b *testing.B) {
	objs := readObjects(b, attackBundle)
	ctx := context.Background()
	f := newFixture(b)
	admin := whoami(b, f.admin)
	im, err := f.desk.NewImporter(ctx, admin, desk.ImportOptions{})
	must(b, err)
	round := 0
	n := 0
	for b.Loop() {
		batch := make([]json.RawMessage, 0, len(objs))
		prefix := []byte(fmt.Sprintf("%08x", round))
		for _, raw := range objs {
			// New uuids each round (the same in ids and references)
			// keep every object new.
			batch = append(batch, uuidPattern.ReplaceAllFunc(raw, func(u []byte) []byte {
				return append(slices.Clone(prefix), u[8:]...)
			}))
		}
		round++
		b.StartTimer()
		must(b, im.Add(ctx, batch))
		n += len(batch)
	}
	must(b, im.Close(ctx))
	if r := im.Report(); r.Rejected > 0 || r.Stored == 0 {
		b.Fatalf("import: %+v", r)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "objects/s")
}

var uuidPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
