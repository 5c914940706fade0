package desk_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/desk"
)

// A partner's collection is brought up to date from its holdings through
// the newest holding time it was read at. A report the partner gave that
// is dated ahead of the node's clock (a partner node's clock runs ahead)
// must not move that mark into the future, or what is disseminated to it
// until then never reaches its collection.
func TestAReportDatedAheadDoesNotStopACollection(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	n, err := f.desk.Node(ctx)
	must(t, err)
	svc := f.desk.Objects(whoami(t, f.partner))
	coll := desk.CollectionID(n.ID, "de-bfv")
	ahead := report(9, "", indicator(9, "")["id"].(string))
	ahead["created"], ahead["modified"] = "2030-01-01T00:00:00.000Z", "2030-01-01T00:00:00.000Z"
	st, err := svc.AddObjects(ctx, coll, []json.RawMessage{bundleObject(t, ahead)})
	must(t, err)
	if st.SuccessCount != 1 {
		t.Fatalf("status %+v", st)
	}
	collection(t, svc, coll, liaison.VersionMatch{}) // the partner reads

	p := f.write(t, "SECRET UE", "counter-terrorism")
	_, err = f.home.Disseminate(ctx, liaison.DisseminationOrder{ProductID: p.ID, To: "de-bfv"})
	must(t, err)
	var ids []string
	for _, o := range collection(t, svc, coll, liaison.VersionMatch{}) {
		ids = append(ids, o.ID)
	}
	if !slices.Contains(ids, "report--"+p.ID) {
		t.Errorf("the product disseminated to the partner is not in its collection: %v", ids)
	}
}
