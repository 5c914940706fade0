package desk_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/desk"
	"github.com/liaison-dev/liaison/marking"
	"github.com/liaison-dev/liaison/stix"
)

// A marking-definition is never versioned (STIX 2.1): a partner that posts
// another definition under the id of one the node holds, a later one that
// says less, must not change what the objects naming that id are marked.
func TestAMarkingDefinitionCannotBeRedefined(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	n, err := f.desk.Node(ctx)
	must(t, err)
	f.write(t, "SECRET UE", "counter-terrorism") // the node holds the SECRET UE definition
	secret, err := marking.DefaultRegistry().Parse("SECRET UE")
	must(t, err)
	defID := stix.MarkingDefinitionID(secret)

	forged := bundleObject(t, map[string]any{"type": "marking-definition", "spec_version": "2.1", "id": defID,
		"created": "2030-01-01T00:00:00.000Z", "definition_type": "statement",
		"definition": map[string]any{"statement": "Nothing to see"}})
	st, err := f.desk.Objects(whoami(t, f.partner)).AddObjects(ctx, desk.CollectionID(n.ID, "de-bfv"), []json.RawMessage{forged})
	must(t, err)
	if st.FailureCount != 1 {
		t.Errorf("the partner redefined %s: %+v", defID, st)
	}

	// The home organisation's later import of an object marked SECRET UE.
	ind := indicator(1, defID)
	results, _ := importRaw(t, f, whoami(t, f.admin), desk.ImportOptions{}, bundleObject(t, ind))
	must(t, results[0].Err)
	page, err := f.desk.Objects(whoami(t, f.admin)).Objects(ctx, liaison.ObjectQuery{
		Collection: desk.CollectionID(n.ID, "nl-aivd"), IDs: []string{ind["id"].(string)}})
	must(t, err)
	if len(page.Objects) != 1 || page.Objects[0].Marking.String() != "SECRET UE" {
		var m string
		if len(page.Objects) == 1 {
			m = page.Objects[0].Marking.String()
		}
		t.Errorf("an object marked SECRET UE is held marked %q", m)
	}
}
