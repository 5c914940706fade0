package desk_test

import (
	"context"
	"testing"

	"github.com/liaison-dev/liaison/desk"
)

// Versions of a report are a product's versions once each, newest last,
// whether they come in one batch or several, in order or not.
func TestReportVersionsInOneBatch(t *testing.T) {
	ctx := context.Background()
	v1 := report(1, "", indicator(1, "")["id"].(string))
	v2 := report(1, "", indicator(1, "")["id"].(string))
	v2["modified"], v2["name"] = "2026-02-01T00:00:00.000Z", "C2 servers, revised"

	t.Run("the same version twice", func(t *testing.T) {
		f := newFixture(t)
		results, rep := importRaw(t, f, whoami(t, f.admin), desk.ImportOptions{}, bundleObject(t, v1), bundleObject(t, v1))
		if rep.Stored != 1 || rep.Duplicates != 1 {
			t.Errorf("report %+v, want 1 stored and 1 duplicate", rep)
		}
		p, err := f.admin.Product(ctx, results[0].Product, 0)
		must(t, err)
		if p.Version != 1 {
			t.Errorf("one report version made %d product versions", p.Version)
		}
	})
	t.Run("a newer version before an older one", func(t *testing.T) {
		f := newFixture(t)
		results, _ := importRaw(t, f, whoami(t, f.admin), desk.ImportOptions{}, bundleObject(t, v2), bundleObject(t, v1))
		p, err := f.admin.Product(ctx, results[0].Product, 0)
		must(t, err)
		if p.Version != 1 || p.Title != "C2 servers, revised" {
			t.Errorf("the newest product version is v%d %q, want v1 from the newest report", p.Version, p.Title)
		}
	})
}
