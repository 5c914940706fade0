package desk_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/desk"
	"github.com/liaison-dev/liaison/stix"
)

// What a partner gave the node is bound by the third-party rule: it does
// not go to a third party with a product of the home organisation's that
// names it, since the partner consented to nothing.
func TestAPartnersObjectDoesNotTravelWithAnotherOriginatorsProduct(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	must(t, f.admin.CreateAgreement(ctx, &liaison.Agreement{Title: "NL-FR", Parties: []string{"nl-aivd", "fr-dgsi"},
		Topics: []string{"counter-terrorism"}, Ceiling: f.homeToPartner.Ceiling, ValidFrom: t0.AddDate(-1, 0, 0)}))
	n, err := f.desk.Node(ctx)
	must(t, err)
	given := indicator(1, stix.TLPGreen)
	st, err := f.desk.Objects(whoami(t, f.partner)).AddObjects(ctx, desk.CollectionID(n.ID, "de-bfv"), []json.RawMessage{bundleObject(t, given)})
	must(t, err)
	if st.SuccessCount != 1 {
		t.Fatalf("status %+v", st)
	}
	own := indicator(2, stix.TLPGreen)
	r := report(1, stix.TLPGreen, given["id"].(string), own["id"].(string))
	results, _ := importRaw(t, f, whoami(t, f.admin), desk.ImportOptions{}, bundleObject(t, own), bundleObject(t, r))
	_, err = f.home.Disseminate(ctx, liaison.DisseminationOrder{ProductID: results[1].Product, To: "fr-dgsi"})
	must(t, err)
	ids := collectionIDs(t, f, f.third, "fr-dgsi")
	if !slices.Contains(ids, own["id"].(string)) || !slices.Contains(ids, r["id"].(string)) {
		t.Errorf("the report and the home organisation's indicator did not reach fr-dgsi: %v", ids)
	}
	if slices.Contains(ids, given["id"].(string)) {
		t.Errorf("the indicator de-bfv gave reached fr-dgsi without its consent: %v", ids)
	}
}
