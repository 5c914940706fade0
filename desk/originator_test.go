package desk_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/desk"
	"github.com/liaison-dev/liaison/stix"
)

// homeReport returns the STIX report of product id's newest version, as
// the home collection holds it, decoded.
func homeReport(t *testing.T, f *fixture, id string) map[string]any {
	t.Helper()
	n, err := f.desk.Node(context.Background())
	must(t, err)
	page, err := f.desk.Objects(whoami(t, f.admin)).Objects(context.Background(), liaison.ObjectQuery{
		Collection: desk.CollectionID(n.ID, "nl-aivd"), IDs: []string{"report--" + id}})
	must(t, err)
	if len(page.Objects) != 1 {
		t.Fatalf("the home collection holds %d versions of report--%s", len(page.Objects), id)
	}
	var v map[string]any
	must(t, json.Unmarshal(page.Objects[0].Raw, &v))
	return v
}

// A partner gives only what it originates: a report it posts that names
// the home organisation or a third party as originator neither becomes a
// new version of their product nor a product of theirs.
func TestAPartnerCannotGiveProductsInAnotherOriginatorsName(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	n, err := f.desk.Node(ctx)
	must(t, err)
	home := f.write(t, "SECRET UE", "counter-terrorism")
	svc := f.desk.Objects(whoami(t, f.partner))
	coll := desk.CollectionID(n.ID, "de-bfv")

	// A new version of the home organisation's product, in its name.
	forged := homeReport(t, f, home.ID)
	forged["modified"] = "2030-01-01T00:00:00.000Z"
	forged["name"] = "Forged by the partner"
	// And a new product in the third party's name.
	third := homeReport(t, f, home.ID)
	third["id"] = "report--6b0e2a62-0000-4000-9000-0000000000f1"
	ext := third["extensions"].(map[string]any)[stix.ExtensionID].(map[string]any)
	ext["originator"], ext["origins"] = "fr-dgsi", []string{"fr-dgsi"}
	delete(ext, "product_id")
	delete(ext, "product_version")
	if _, err := svc.AddObjects(ctx, coll, []json.RawMessage{bundleObject(t, forged), bundleObject(t, third)}); err != nil {
		t.Fatal(err)
	}

	p, err := f.home.Product(ctx, home.ID, 0)
	must(t, err)
	if p.Version != 1 || p.Title != home.Title {
		t.Errorf("the partner made version %d of the home product, titled %q", p.Version, p.Title)
	}
	ps, err := f.admin.Products(ctx, liaison.ProductQuery{})
	must(t, err)
	for _, p := range ps {
		if p.OriginatorOrg == "fr-dgsi" {
			t.Errorf("the partner made product %s in the name of fr-dgsi", p.ID)
		}
	}
}
