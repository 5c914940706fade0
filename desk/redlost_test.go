package desk_test

import (
	"context"
	"testing"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/desk"
	"github.com/liaison-dev/liaison/marking"
	"github.com/liaison-dev/liaison/stix"
)

// An object marked TLP:RED and SECRET UE is rejected: it was held as
// SECRET UE alone, and a report so marked became a SECRET UE product that
// the TLP:RED rule no longer held back, so it went to a partner.
func TestTLPRedIsNotLostUnderAClassification(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	secret, err := marking.DefaultRegistry().Parse("SECRET UE")
	must(t, err)
	def, err := stix.MarkingDefinition(secret)
	must(t, err)
	defID := stix.MarkingDefinitionID(secret)
	ind := indicator(1, stix.TLPRed)
	ind["object_marking_refs"] = []string{stix.TLPRed, defID}
	rep := report(1, stix.TLPRed, ind["id"].(string))
	rep["object_marking_refs"] = []string{stix.TLPRed, defID}
	results, _ := importRaw(t, f, whoami(t, f.admin), desk.ImportOptions{}, def, bundleObject(t, ind), bundleObject(t, rep))
	for _, r := range results[1:] {
		if r.Err == nil {
			t.Errorf("%s, marked TLP:RED and SECRET UE, was imported as %q", r.ID, r.Product)
		}
		if r.Product != "" {
			if _, err := f.home.Disseminate(ctx, liaison.DisseminationOrder{ProductID: r.Product, To: "de-bfv"}); err == nil {
				t.Errorf("the TLP:RED report went to a partner")
			}
		}
	}
}
