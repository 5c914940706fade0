package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
)

// Obj returns an object version of the given type and uuid suffix n,
// versioned at minute v (no version when v is 0), unmarked, from origin.
func Obj(typ string, n, v int, origin string) *liaison.Object {
	id := fmt.Sprintf("%s--00000000-0000-4000-8000-%012d", typ, n)
	var version time.Time
	raw := fmt.Sprintf(`{"type":%q,"id":%q,"spec_version":"2.1"}`, typ, id)
	if v != 0 {
		version = At(v)
		ts := version.Format("2006-01-02T15:04:05.000Z")
		raw = fmt.Sprintf(`{"type":%q,"id":%q,"spec_version":"2.1","created":%q,"modified":%q}`, typ, id, At(0).Format("2006-01-02T15:04:05.000Z"), ts)
	}
	return &liaison.Object{ID: id, Type: typ, SpecVersion: "2.1", Version: version, Raw: []byte(raw), Origin: origin}
}

// PutObjects stores objects and returns which were stored.
func PutObjects(t testing.TB, s liaison.Store, objs ...*liaison.Object) []bool {
	t.Helper()
	var stored []bool
	Update(t, s, func(tx liaison.Tx) error {
		var err error
		stored, err = tx.PutObjects(t.Context(), objs)
		return err
	})
	return stored
}

// Page reads one page of a collection.
func Page(t testing.TB, s liaison.Store, scope liaison.ObjectScope, q liaison.ObjectQuery) *liaison.ObjectPage {
	t.Helper()
	return Get(t, s, func(tx liaison.Tx) (*liaison.ObjectPage, error) { return tx.QueryObjects(t.Context(), scope, q) })
}

// keysOf lists "id@minute" for each object of a page, minute -1 for none.
func keysOf(objs []*liaison.Object) []string {
	out := []string{}
	for _, o := range objs {
		m := -1
		if !o.Version.IsZero() {
			m = int(o.Version.Sub(T0) / time.Minute)
		}
		out = append(out, fmt.Sprintf("%s@%d", o.ID[len(o.ID)-3:], m))
	}
	return out
}

var home = liaison.ObjectScope{MaxRank: marking.RankTopSecret}

func testObjects(t *testing.T, open func(*testing.T) liaison.Store) {
	t.Run("the same id and version is stored once; a new version is stored", func(t *testing.T) {
		s := open(t)
		got := PutObjects(t, s, Obj("indicator", 1, 1, "a"), Obj("indicator", 1, 1, "a"), Obj("indicator", 1, 2, "a"))
		Diff(t, "stored", []bool{true, false, true}, got)
		got = PutObjects(t, s, Obj("indicator", 1, 2, "a"))
		Diff(t, "stored again", []bool{false}, got)
	})

	t.Run("many versions at once, some held already, each reported", func(t *testing.T) {
		s := open(t)
		var first, second []*liaison.Object
		var want []bool
		for i := range 150 {
			first = append(first, Obj("indicator", i, 1, "a"))
		}
		PutObjects(t, s, first[:100:100]...)
		for i := range 150 {
			second = append(second, Obj("indicator", i, 1, "a"))
			want = append(want, i >= 100)
		}
		second = append(second, Obj("indicator", 7, 1, "a")) // twice in one call
		want = append(want, false)
		Diff(t, "stored", want, PutObjects(t, s, second...))
		page := Page(t, s, home, liaison.ObjectQuery{})
		if len(page.Objects) != 150 {
			t.Errorf("%d objects held, want 150", len(page.Objects))
		}
		for i, o := range second {
			if want[i] != !o.Added.IsZero() {
				t.Errorf("object %d: Added %v, stored %v", i, o.Added, want[i])
			}
		}
	})

	t.Run("a version is told apart by its spec version, and repeats far apart in one call are found", func(t *testing.T) {
		s := open(t)
		spec20 := Obj("indicator", 1, 1, "a")
		spec20.SpecVersion = "2.0"
		objs := []*liaison.Object{Obj("indicator", 1, 1, "a"), spec20}
		want := []bool{true, true}
		for i := range 200 {
			objs = append(objs, Obj("tool", 100+i%70, 1, "a")) // each of 70 ids again after 70
			want = append(want, i < 70)
		}
		objs = append(objs, Obj("indicator", 1, 1, "a"), spec20)
		want = append(want, false, false)
		Diff(t, "stored", want, PutObjects(t, s, objs...))
		page := Page(t, s, home, liaison.ObjectQuery{IDs: []string{spec20.ID}, SpecVersions: []string{"2.0", "2.1"}, Versions: liaison.VersionMatch{All: true}})
		if len(page.Objects) != 2 {
			t.Errorf("versions of %s in spec versions 2.0 and 2.1: %d, want 2", spec20.ID, len(page.Objects))
		}
	})

	t.Run("match[id] with thousands of ids", func(t *testing.T) {
		s := open(t)
		PutObjects(t, s, Obj("malware", 1, 1, "a"), Obj("tool", 2, 1, "a"))
		ids := []string{Obj("tool", 2, 1, "").ID}
		for i := range 20000 {
			ids = append(ids, Obj("indicator", 1000+i, 1, "").ID)
		}
		page := Page(t, s, home, liaison.ObjectQuery{IDs: ids})
		Diff(t, "by 20,001 ids", []string{"002@1"}, keysOf(page.Objects))
	})

	t.Run("an object reads back as stored, raw byte for byte", func(t *testing.T) {
		s := open(t)
		o := Obj("report", 7, 3, "org-a")
		o.Marking = marking.Marking{Classification: marking.Classification{Scheme: "TLP", Level: "AMBER"}}
		o.Rank = 1
		o.ProductID, o.ProductVersion = "p-1", 2
		o.Refs = []string{"identity--x", "marking-definition--y"}
		PutObjects(t, s, o)
		page := Page(t, s, home, liaison.ObjectQuery{})
		if len(page.Objects) != 1 {
			t.Fatalf("got %d objects, want 1", len(page.Objects))
		}
		got := page.Objects[0]
		if got.Added.IsZero() || !got.Added.Equal(o.Added) {
			t.Errorf("Added = %v, want the stored %v", got.Added, o.Added)
		}
		Diff(t, "object", o, got)
		lean := Page(t, s, home, liaison.ObjectQuery{Lean: true}).Objects
		if len(lean) != 1 {
			t.Fatalf("a lean page holds %d objects, want 1", len(lean))
		}
		Diff(t, "lean object", &liaison.Object{ID: o.ID, Version: o.Version, Added: o.Added, Raw: o.Raw}, lean[0])
		p := Get(t, s, func(tx liaison.Tx) (*liaison.Object, error) { return tx.ProductObject(t.Context(), "p-1", 2) })
		withoutRaw := *o
		withoutRaw.Raw = nil
		Diff(t, "product object", &withoutRaw, p)
		WantViewCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error {
			_, err := tx.ProductObject(t.Context(), "p-1", 3)
			return err
		})
	})

	t.Run("versions: last by default, first, all, exact, and combinations", func(t *testing.T) {
		s := open(t)
		PutObjects(t, s, Obj("malware", 1, 1, "a"), Obj("malware", 1, 3, "a"), Obj("malware", 1, 2, "a"),
			Obj("tool", 2, 5, "a"), Obj("ipv4-addr", 3, 0, "a"))
		tests := []struct {
			name string
			v    liaison.VersionMatch
			want []string
		}{
			{"last (default)", liaison.VersionMatch{}, []string{"001@3", "002@5", "003@-1"}},
			{"first", liaison.VersionMatch{First: true}, []string{"001@1", "002@5", "003@-1"}},
			{"all, in date_added order", liaison.VersionMatch{All: true}, []string{"001@1", "001@3", "001@2", "002@5", "003@-1"}},
			{"first and last", liaison.VersionMatch{First: true, Last: true}, []string{"001@1", "001@3", "002@5", "003@-1"}},
			{"an exact version", liaison.VersionMatch{At: []time.Time{At(2)}}, []string{"001@2"}},
			{"exact versions and last", liaison.VersionMatch{At: []time.Time{At(1)}, Last: true}, []string{"001@1", "001@3", "002@5", "003@-1"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				page := Page(t, s, home, liaison.ObjectQuery{Versions: tt.v})
				Diff(t, "versions", tt.want, keysOf(page.Objects))
			})
		}
	})

	t.Run("the last version is found when versions arrive in separate calls", func(t *testing.T) {
		s := open(t)
		// 001: older then newer; 002: newer then older; 003: new alone,
		// then a version of 001 and a held one of 002 given again.
		PutObjects(t, s, Obj("malware", 1, 1, "a"), Obj("tool", 2, 5, "a"))
		PutObjects(t, s, Obj("malware", 1, 3, "a"), Obj("tool", 2, 4, "a"), Obj("tool", 3, 1, "a"))
		PutObjects(t, s, Obj("malware", 1, 2, "a"), Obj("tool", 2, 5, "a"))
		page := Page(t, s, home, liaison.ObjectQuery{})
		Diff(t, "last versions", []string{"002@5", "001@3", "003@1"}, keysOf(page.Objects))
		page = Page(t, s, home, liaison.ObjectQuery{Versions: liaison.VersionMatch{First: true}})
		Diff(t, "first versions", []string{"001@1", "002@4", "003@1"}, keysOf(page.Objects))
	})

	t.Run("filters by id, type and spec_version", func(t *testing.T) {
		s := open(t)
		PutObjects(t, s, Obj("malware", 1, 1, "a"), Obj("tool", 2, 1, "a"), Obj("tool", 3, 1, "a"))
		page := Page(t, s, home, liaison.ObjectQuery{Types: []string{"tool"}})
		Diff(t, "by type", []string{"002@1", "003@1"}, keysOf(page.Objects))
		page = Page(t, s, home, liaison.ObjectQuery{IDs: []string{Obj("malware", 1, 1, "").ID, Obj("tool", 3, 1, "").ID}})
		Diff(t, "by id", []string{"001@1", "003@1"}, keysOf(page.Objects))
		page = Page(t, s, home, liaison.ObjectQuery{SpecVersions: []string{"2.0"}})
		Diff(t, "spec 2.0", []string{}, keysOf(page.Objects))
		page = Page(t, s, home, liaison.ObjectQuery{SpecVersions: []string{"2.0", "2.1"}, Types: []string{"malware"}})
		Diff(t, "spec 2.1", []string{"001@1"}, keysOf(page.Objects))
	})

	t.Run("paging by next and by added_after visits each version once, in date_added order", func(t *testing.T) {
		s := open(t)
		var objs []*liaison.Object
		for i := 1; i <= 25; i++ {
			objs = append(objs, Obj("indicator", i, 1, "a"))
		}
		PutObjects(t, s, objs...)
		var byNext, byAfter []string
		q := liaison.ObjectQuery{Limit: 7}
		for pages := 0; ; pages++ {
			page := Page(t, s, home, q)
			byNext = append(byNext, keysOf(page.Objects)...)
			if !page.More {
				break
			}
			if page.Next == "" || pages > 10 {
				t.Fatalf("page %d: More without Next", pages)
			}
			q.Next = page.Next
		}
		q = liaison.ObjectQuery{Limit: 7}
		var prev time.Time
		for pages := 0; ; pages++ {
			page := Page(t, s, home, q)
			for _, o := range page.Objects {
				if !o.Added.After(prev) {
					t.Fatalf("date_added %v not after %v", o.Added, prev)
				}
				prev = o.Added
			}
			byAfter = append(byAfter, keysOf(page.Objects)...)
			if !page.More {
				break
			}
			q.AddedAfter = page.Objects[len(page.Objects)-1].Added
		}
		want := keysOf(objs)
		Diff(t, "by next", want, byNext)
		Diff(t, "by added_after", want, byAfter)
		WantViewCode(t, s, liaison.EINVALID, func(tx liaison.Tx) error {
			_, err := tx.QueryObjects(t.Context(), home, liaison.ObjectQuery{Next: "not a cursor!"})
			return err
		})
	})

	t.Run("a collection holds only what is within the clearance", func(t *testing.T) {
		s := open(t)
		low, high := Obj("note", 1, 1, "a"), Obj("note", 2, 1, "a")
		high.Rank = marking.RankSecret
		newer := Obj("note", 1, 2, "a")
		newer.Rank = marking.RankSecret
		PutObjects(t, s, low, high, newer)
		page := Page(t, s, liaison.ObjectScope{MaxRank: marking.RankRestricted}, liaison.ObjectQuery{})
		Diff(t, "restricted sees the newest version it may see", []string{"001@1"}, keysOf(page.Objects))
	})

	t.Run("a partner's collection holds what was shared with it, dated when shared", func(t *testing.T) {
		s := open(t)
		a, b, c := Obj("indicator", 1, 1, "home"), Obj("indicator", 2, 1, "home"), Obj("indicator", 3, 1, "home")
		PutObjects(t, s, a, b, c)
		partner := liaison.ObjectScope{OrgID: "de-bfv", MaxRank: marking.RankTopSecret}
		Diff(t, "empty before", []string{}, keysOf(Page(t, s, partner, liaison.ObjectQuery{}).Objects))
		n := Do(t, s, func(tx liaison.Tx) (int, error) {
			return tx.ShareObjects(t.Context(), "de-bfv", []liaison.ObjectKey{{ID: c.ID, Version: c.Version}, {ID: a.ID, Version: a.Version}})
		})
		if n != 2 {
			t.Errorf("shared %d, want 2", n)
		}
		n = Do(t, s, func(tx liaison.Tx) (int, error) {
			return tx.ShareObjects(t.Context(), "de-bfv", []liaison.ObjectKey{{ID: a.ID, Version: a.Version}})
		})
		if n != 0 {
			t.Errorf("shared again %d, want 0", n)
		}
		page := Page(t, s, partner, liaison.ObjectQuery{})
		Diff(t, "in order shared", []string{"003@1", "001@1"}, keysOf(page.Objects))
		if !page.Objects[0].Added.After(c.Added) {
			t.Errorf("date_added in the partner's collection %v is not when it was shared (after %v)", page.Objects[0].Added, c.Added)
		}
		Diff(t, "others see nothing", []string{}, keysOf(Page(t, s, liaison.ObjectScope{OrgID: "fr-dgsi", MaxRank: 4}, liaison.ObjectQuery{}).Objects))
		WantUpdateCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error {
			_, err := tx.ShareObjects(t.Context(), "de-bfv", []liaison.ObjectKey{{ID: "indicator--nope", Version: At(1)}})
			return err
		})
	})

	t.Run("withdrawn versions leave the collection, and come back when given again", func(t *testing.T) {
		s := open(t)
		v1, v2, other := Obj("malware", 1, 1, "a"), Obj("malware", 1, 2, "a"), Obj("tool", 2, 1, "a")
		PutObjects(t, s, v1, v2, other)
		n := Do(t, s, func(tx liaison.Tx) (int, error) {
			return tx.WithdrawObjects(t.Context(), home, v1.ID, liaison.VersionMatch{Last: true}, nil, At(9))
		})
		if n != 1 {
			t.Fatalf("withdrew %d, want 1", n)
		}
		Diff(t, "v1 is last now", []string{"001@1", "002@1"}, keysOf(Page(t, s, home, liaison.ObjectQuery{}).Objects))
		PutObjects(t, s, Obj("malware", 1, 2, "a"))
		Diff(t, "v2 back, newest added", []string{"002@1", "001@2"}, keysOf(Page(t, s, home, liaison.ObjectQuery{}).Objects))

		partner := liaison.ObjectScope{OrgID: "de-bfv", MaxRank: 4}
		Update(t, s, func(tx liaison.Tx) error {
			_, err := tx.ShareObjects(t.Context(), "de-bfv", []liaison.ObjectKey{{ID: other.ID, Version: other.Version}})
			return err
		})
		n = Do(t, s, func(tx liaison.Tx) (int, error) {
			return tx.WithdrawObjects(t.Context(), partner, other.ID, liaison.VersionMatch{All: true}, nil, At(9))
		})
		if n != 1 {
			t.Fatalf("withdrew %d from the partner, want 1", n)
		}
		Diff(t, "partner", []string{}, keysOf(Page(t, s, partner, liaison.ObjectQuery{}).Objects))
		Diff(t, "home keeps it", true, slices.Contains(keysOf(Page(t, s, home, liaison.ObjectQuery{}).Objects), "002@1"))
	})

	t.Run("the latest version of each id", func(t *testing.T) {
		s := open(t)
		PutObjects(t, s, Obj("malware", 1, 2, "a"), Obj("malware", 1, 5, "a"), Obj("tool", 2, 1, "a"))
		got := Get(t, s, func(tx liaison.Tx) ([]*liaison.Object, error) {
			return tx.LatestObjects(t.Context(), []string{Obj("tool", 2, 0, "").ID, Obj("malware", 1, 0, "").ID, "x--missing"})
		})
		keys := keysOf(got)
		slices.Sort(keys)
		Diff(t, "latest", []string{"001@5", "002@1"}, keys)
		for _, o := range got {
			if o.Raw != nil {
				t.Errorf("LatestObjects returned raw JSON for %s", o.ID)
			}
		}
	})

	t.Run("shares due: what an organisation came to hold since its collection was brought up to date", func(t *testing.T) {
		s := open(t)
		CreateOrgs(t, s, "nl-aivd", "de-bfv")
		p1 := CreateProduct(t, s, Product("nl-aivd", "one", "cyber"), 0)
		p2 := CreateProduct(t, s, Product("nl-aivd", "two", "cyber"), 0)
		due := func() []string {
			hs := Get(t, s, func(tx liaison.Tx) ([]*liaison.Holding, error) { return tx.SharesDue(t.Context(), "de-bfv", 0) })
			out := []string{}
			for _, h := range hs {
				out = append(out, fmt.Sprintf("%s v%d", h.ProductID, h.ProductVersion))
			}
			return out
		}
		Diff(t, "nothing held", []string{}, due())
		d1 := Disseminate(t, s, Dissemination(p1, "nl-aivd", "de-bfv", 10))
		Disseminate(t, s, Dissemination(p2, "nl-aivd", "de-bfv", 20))
		Diff(t, "both due, oldest first", []string{p1.ID + " v1", p2.ID + " v1"}, due())
		Update(t, s, func(tx liaison.Tx) error { return tx.SetSharedThrough(t.Context(), "de-bfv", d1.CreatedAt) })
		Diff(t, "the second due", []string{p2.ID + " v1"}, due())
		Update(t, s, func(tx liaison.Tx) error { return tx.SetSharedThrough(t.Context(), "de-bfv", At(0)) })
		Diff(t, "shared-through never moves back", []string{p2.ID + " v1"}, due())
		first := Get(t, s, func(tx liaison.Tx) ([]*liaison.Holding, error) { return tx.SharesDue(t.Context(), "nl-aivd", 1) })
		if len(first) != 1 {
			t.Errorf("the originator has %d due with limit 1, want 1 (its own products)", len(first))
		}
	})

	t.Run("a page read again after a change shows the change", func(t *testing.T) {
		s := open(t)
		v1, other := Obj("malware", 1, 1, "a"), Obj("tool", 2, 1, "a")
		PutObjects(t, s, v1, other)
		partner := liaison.ObjectScope{OrgID: "de-bfv", MaxRank: marking.RankTopSecret}
		read := func(scope liaison.ObjectScope) []string {
			return keysOf(Page(t, s, scope, liaison.ObjectQuery{Limit: 10}).Objects)
		}
		Diff(t, "first read", []string{"001@1", "002@1"}, read(home))
		Diff(t, "the same again", []string{"001@1", "002@1"}, read(home))
		PutObjects(t, s, Obj("malware", 1, 2, "a"))
		Diff(t, "after a new version", []string{"002@1", "001@2"}, read(home))
		Do(t, s, func(tx liaison.Tx) (int, error) {
			return tx.WithdrawObjects(t.Context(), home, other.ID, liaison.VersionMatch{}, nil, At(5))
		})
		Diff(t, "after a withdrawal", []string{"001@2"}, read(home))
		Diff(t, "the partner's, empty", []string{}, read(partner))
		Do(t, s, func(tx liaison.Tx) (int, error) {
			return tx.ShareObjects(t.Context(), "de-bfv", []liaison.ObjectKey{{ID: v1.ID, Version: At(2)}})
		})
		Diff(t, "the partner's after a share", []string{"001@2"}, read(partner))
		Do(t, s, func(tx liaison.Tx) (int, error) {
			return tx.WithdrawObjects(t.Context(), partner, v1.ID, liaison.VersionMatch{All: true}, nil, At(6))
		})
		Diff(t, "the partner's after a withdrawal", []string{}, read(partner))
	})

	t.Run("an import status reads back, once", func(t *testing.T) {
		s := open(t)
		st := &liaison.ImportStatus{ID: "s-1", Status: liaison.StatusComplete, RequestTimestamp: At(1), TotalCount: 2,
			SuccessCount: 1, Successes: []liaison.ObjectResult{{ID: "indicator--1", Version: "v"}},
			FailureCount: 1, Failures: []liaison.ObjectResult{{ID: "x", Message: "bad"}}, OrgID: "de-bfv"}
		Update(t, s, func(tx liaison.Tx) error { return tx.PutImportStatus(t.Context(), st) })
		got := Get(t, s, func(tx liaison.Tx) (*liaison.ImportStatus, error) { return tx.ImportStatus(t.Context(), "s-1") })
		Diff(t, "status", st, got)
		WantUpdateCode(t, s, liaison.ECONFLICT, func(tx liaison.Tx) error { return tx.PutImportStatus(t.Context(), st) })
		WantViewCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error {
			_, err := tx.ImportStatus(t.Context(), "s-2")
			return err
		})
	})
}
