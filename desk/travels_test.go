package desk_test

import (
	"context"
	"slices"
	"testing"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/desk"
	"github.com/liaison-dev/liaison/stix"
)

// collectionIDs are the ids an organisation's officer reads in its
// collection.
func collectionIDs(t *testing.T, f *fixture, svc liaison.Service, org string) []string {
	t.Helper()
	n, err := f.desk.Node(context.Background())
	must(t, err)
	var ids []string
	for _, o := range collection(t, f.desk.Objects(whoami(t, svc)), desk.CollectionID(n.ID, org), liaison.VersionMatch{}) {
		ids = append(ids, o.ID)
	}
	return ids
}

// TLP:AMBER+STRICT restricts more than TLP:AMBER, though both rank as
// restricted: an AMBER+STRICT object stays home when an AMBER report that
// names it goes.
func TestAmberStrictDoesNotTravelWithAmber(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	strict := indicator(1, stix.TLPAmberStrict)
	amber := indicator(2, stix.TLPAmber)
	r := report(1, stix.TLPAmber, strict["id"].(string), amber["id"].(string))
	results, _ := importRaw(t, f, whoami(t, f.admin), desk.ImportOptions{}, bundleObject(t, strict), bundleObject(t, amber), bundleObject(t, r))
	_, err := f.home.Disseminate(ctx, liaison.DisseminationOrder{ProductID: results[2].Product, To: "de-bfv"})
	must(t, err)
	ids := collectionIDs(t, f, f.partner, "de-bfv")
	if !slices.Contains(ids, amber["id"].(string)) {
		t.Errorf("the TLP:AMBER indicator did not go with its report: %v", ids)
	}
	if slices.Contains(ids, strict["id"].(string)) {
		t.Errorf("the TLP:AMBER+STRICT indicator went with a TLP:AMBER report: %v", ids)
	}
}
