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

// A version withdrawn from the home collection comes back when it is given
// again, as it was held: only when given byte for byte. A partner that
// gives other content under its id and version would otherwise have the
// node's version, which it never saw, put in its collection.
func TestAWithdrawnVersionComesBackOnlyAsGiven(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	n, err := f.desk.Node(ctx)
	must(t, err)
	admin := whoami(t, f.admin)
	held := indicator(1, stix.TLPRed)
	results, _ := importRaw(t, f, admin, desk.ImportOptions{}, bundleObject(t, held))
	must(t, results[0].Err)
	id := held["id"].(string)
	must(t, f.desk.Objects(admin).DeleteObject(ctx, desk.CollectionID(n.ID, "nl-aivd"), id, liaison.VersionMatch{All: true}, nil))

	guess := indicator(1, "")
	guess["pattern"] = "[ipv4-addr:value = '203.0.113.1']"
	svc := f.desk.Objects(whoami(t, f.partner))
	coll := desk.CollectionID(n.ID, "de-bfv")
	_, err = svc.AddObjects(ctx, coll, []json.RawMessage{bundleObject(t, guess)})
	must(t, err)
	for _, o := range collection(t, svc, coll, liaison.VersionMatch{All: true}) {
		if o.ID == id && !slices.Equal([]byte(o.Raw), []byte(bundleObject(t, guess))) {
			t.Errorf("the partner's collection holds the node's withdrawn version, which it never gave: %s", o.Raw)
		}
	}
}
