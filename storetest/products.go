package storetest

import (
	"testing"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
)

func testProducts(t *testing.T, open func(*testing.T) liaison.Store) {
	t.Run("a new product gets an id, version 1 and its originator as origin", func(t *testing.T) {
		s := open(t)
		p := CreateProduct(t, s, Product("de-bfv", "report"), marking.RankConfidential)
		if !liaison.ValidID(p.ID) || p.Version != 1 {
			t.Fatalf("created product has id %q version %d, want a new id and version 1", p.ID, p.Version)
		}
		Diff(t, "origins", []string{"de-bfv"}, p.Origins)
		got := Get(t, s, func(tx liaison.Tx) (*liaison.Product, error) { return tx.Product(t.Context(), p.ID, 1) })
		Diff(t, "product", p, got)
	})
	t.Run("a product with an id that is not stored yet gets version 1", func(t *testing.T) {
		s := open(t)
		p := Product("de-bfv", "imported")
		p.ID = liaison.NewID()
		want := p.ID
		CreateProduct(t, s, p, marking.RankConfidential)
		if p.ID != want || p.Version != 1 {
			t.Fatalf("created product is %s version %d, want %s version 1", p.ID, p.Version, want)
		}
	})
	t.Run("a new version keeps the id and takes the next number", func(t *testing.T) {
		s := open(t)
		v1 := CreateProduct(t, s, Product("de-bfv", "report", "cyber"), marking.RankConfidential)
		v2 := Product("de-bfv", "report, revised", "cyber")
		v2.ID = v1.ID
		v2.CreatedAt = At(11)
		CreateProduct(t, s, v2, marking.RankSecret)
		v3 := Product("de-bfv", "report, final", "cyber")
		v3.ID, v3.Version = v1.ID, 1 // the store numbers versions, whatever it is given
		v3.CreatedAt = At(12)
		CreateProduct(t, s, v3, marking.RankSecret)
		if v2.ID != v1.ID || v2.Version != 2 || v3.Version != 3 {
			t.Fatalf("versions are %s/%d and %s/%d, want %s/2 and %s/3", v2.ID, v2.Version, v3.ID, v3.Version, v1.ID, v1.ID)
		}
		tests := []struct {
			version int
			want    *liaison.Product
		}{{0, v3}, {1, v1}, {2, v2}, {3, v3}}
		for _, tt := range tests {
			got := Get(t, s, func(tx liaison.Tx) (*liaison.Product, error) {
				return tx.Product(t.Context(), v1.ID, tt.version)
			})
			Diff(t, "product version", tt.want, got)
		}
		all := Get(t, s, func(tx liaison.Tx) ([]*liaison.Product, error) {
			return tx.ProductVersions(t.Context(), v1.ID)
		})
		Diff(t, "versions, oldest first", []*liaison.Product{v1, v2, v3}, all)
	})
	t.Run("only the originator adds a version", func(t *testing.T) {
		s := open(t)
		v1 := CreateProduct(t, s, Product("de-bfv", "report"), marking.RankConfidential)
		v2 := Product("fr-dgsi", "hijack")
		v2.ID = v1.ID
		WantUpdateCode(t, s, liaison.ECONFLICT, func(tx liaison.Tx) error {
			return tx.CreateProduct(t.Context(), v2, marking.RankConfidential)
		})
		all := Get(t, s, func(tx liaison.Tx) ([]*liaison.Product, error) {
			return tx.ProductVersions(t.Context(), v1.ID)
		})
		Diff(t, "versions", []*liaison.Product{v1}, all)
	})
	t.Run("an unknown product or version is not found", func(t *testing.T) {
		s := open(t)
		p := CreateProduct(t, s, Product("de-bfv", "report"), marking.RankConfidential)
		for _, f := range []func(tx liaison.Tx) error{
			func(tx liaison.Tx) error { _, err := tx.Product(t.Context(), liaison.NewID(), 0); return err },
			func(tx liaison.Tx) error { _, err := tx.Product(t.Context(), liaison.NewID(), 1); return err },
			func(tx liaison.Tx) error { _, err := tx.Product(t.Context(), p.ID, 2); return err },
			func(tx liaison.Tx) error { _, err := tx.ProductVersions(t.Context(), liaison.NewID()); return err },
		} {
			WantViewCode(t, s, liaison.ENOTFOUND, f)
		}
	})
	t.Run("a parent that does not exist is invalid", func(t *testing.T) {
		s := open(t)
		p := CreateProduct(t, s, Product("de-bfv", "report"), marking.RankConfidential)
		for _, parent := range []struct {
			id      string
			version int
		}{{liaison.NewID(), 1}, {p.ID, 2}} {
			child := Product("de-bfv", "tear-line")
			child.ParentID, child.ParentVersion = parent.id, parent.version
			WantUpdateCode(t, s, liaison.EINVALID, func(tx liaison.Tx) error {
				return tx.CreateProduct(t.Context(), child, marking.RankRestricted)
			})
		}
	})
	t.Run("the originator holds each version it creates", func(t *testing.T) {
		s := open(t)
		v1 := CreateProduct(t, s, Product("de-bfv", "report"), marking.RankConfidential)
		v2 := Product("de-bfv", "report")
		v2.ID, v2.CreatedAt = v1.ID, At(30)
		CreateProduct(t, s, v2, marking.RankConfidential)
		for _, v := range []*liaison.Product{v1, v2} {
			got := Get(t, s, func(tx liaison.Tx) (*liaison.Holding, error) {
				return tx.Holding(t.Context(), "de-bfv", v.ID, v.Version)
			})
			want := &liaison.Holding{OrgID: "de-bfv", ProductID: v.ID, ProductVersion: v.Version,
				Via: liaison.HoldingOrigin, At: v.CreatedAt}
			Diff(t, "originator's holding", want, got)
		}
	})
}

func testLineage(t *testing.T, open func(*testing.T) liaison.Store) {
	// A French report; a German tear-line of it; a Dutch tear-line of the
	// German one: its origins are all three, and its lineage walks back.
	setup := func(t *testing.T) (s liaison.Store, fr, de, nl *liaison.Product) {
		s = open(t)
		fr = CreateProduct(t, s, Product("fr-dgsi", "source report"), marking.RankSecret)
		de = Product("de-bfv", "tear-line")
		de.ParentID, de.ParentVersion = fr.ID, fr.Version
		CreateProduct(t, s, de, marking.RankConfidential)
		nl = Product("nl-aivd", "tear-line of a tear-line")
		nl.ParentID, nl.ParentVersion = de.ID, de.Version
		CreateProduct(t, s, nl, marking.RankRestricted)
		return s, fr, de, nl
	}
	t.Run("a tear-line's origins include its parent's", func(t *testing.T) {
		_, fr, de, nl := setup(t)
		Diff(t, "origins of the source", []string{"fr-dgsi"}, fr.Origins)
		Diff(t, "origins of the tear-line", []string{"de-bfv", "fr-dgsi"}, de.Origins)
		Diff(t, "origins of the tear-line of the tear-line", []string{"de-bfv", "fr-dgsi", "nl-aivd"}, nl.Origins)
	})
	t.Run("origins are stored with the product", func(t *testing.T) {
		s, _, _, nl := setup(t)
		got := Get(t, s, func(tx liaison.Tx) (*liaison.Product, error) { return tx.Product(t.Context(), nl.ID, 0) })
		Diff(t, "tear-line of a tear-line", nl, got)
	})
	t.Run("a lineage lists the ancestors, parent first", func(t *testing.T) {
		s, fr, de, nl := setup(t)
		tests := []struct {
			name string
			p    *liaison.Product
			want []*liaison.Product
		}{
			{"source", fr, []*liaison.Product{}},
			{"tear-line", de, []*liaison.Product{fr}},
			{"tear-line of a tear-line", nl, []*liaison.Product{de, fr}},
		}
		for _, tt := range tests {
			got := Get(t, s, func(tx liaison.Tx) ([]*liaison.Product, error) { return tx.Lineage(t.Context(), tt.p) })
			Diff(t, "lineage of the "+tt.name, tt.want, got)
		}
	})
	t.Run("a lineage follows the versions named, not the newest", func(t *testing.T) {
		s, fr, de, _ := setup(t)
		fr2 := Product("fr-dgsi", "source report, revised")
		fr2.ID = fr.ID
		CreateProduct(t, s, fr2, marking.RankSecret)
		got := Get(t, s, func(tx liaison.Tx) ([]*liaison.Product, error) { return tx.Lineage(t.Context(), de) })
		Diff(t, "lineage", []*liaison.Product{fr}, got)
	})
	t.Run("a tear-line of a product's own earlier version keeps one origin", func(t *testing.T) {
		s := open(t)
		v1 := CreateProduct(t, s, Product("de-bfv", "report"), marking.RankSecret)
		v2 := Product("de-bfv", "report, sanitised")
		v2.ID, v2.ParentID, v2.ParentVersion = v1.ID, v1.ID, 1
		CreateProduct(t, s, v2, marking.RankRestricted)
		Diff(t, "origins", []string{"de-bfv"}, v2.Origins)
	})
}

func testHoldings(t *testing.T, open func(*testing.T) liaison.Store) {
	// de-bfv writes v1 and v2; fr-dgsi receives v1, then v2 twice (from
	// de-bfv and, later, from nl-aivd).
	setup := func(t *testing.T) (s liaison.Store, v1, v2 *liaison.Product, d1, d2, d3 *liaison.Dissemination) {
		s = open(t)
		v1 = CreateProduct(t, s, Product("de-bfv", "report"), marking.RankConfidential)
		v2 = Product("de-bfv", "report, revised")
		v2.ID, v2.CreatedAt = v1.ID, At(11)
		CreateProduct(t, s, v2, marking.RankConfidential)
		d1 = Disseminate(t, s, Dissemination(v1, "de-bfv", "fr-dgsi", 20))
		d2 = Disseminate(t, s, Dissemination(v2, "de-bfv", "fr-dgsi", 21))
		d3 = Disseminate(t, s, Dissemination(v2, "nl-aivd", "fr-dgsi", 22))
		return
	}
	holding := func(org string, p *liaison.Product, via string, at time.Time) *liaison.Holding {
		return &liaison.Holding{OrgID: org, ProductID: p.ID, ProductVersion: p.Version, Via: via, At: at}
	}
	t.Run("a holding is of the version asked, or of the newest version held for version 0", func(t *testing.T) {
		s, v1, v2, d1, _, d3 := setup(t)
		tests := []struct {
			name    string
			org     string
			version int
			want    *liaison.Holding
		}{
			{"originator, v1", "de-bfv", 1, holding("de-bfv", v1, liaison.HoldingOrigin, v1.CreatedAt)},
			{"originator, any", "de-bfv", 0, holding("de-bfv", v2, liaison.HoldingOrigin, v2.CreatedAt)},
			{"recipient, v1", "fr-dgsi", 1, holding("fr-dgsi", v1, d1.ID, d1.CreatedAt)},
			{"recipient, v2, newest holding", "fr-dgsi", 2, holding("fr-dgsi", v2, d3.ID, d3.CreatedAt)},
			{"recipient, any", "fr-dgsi", 0, holding("fr-dgsi", v2, d3.ID, d3.CreatedAt)},
		}
		for _, tt := range tests {
			got := Get(t, s, func(tx liaison.Tx) (*liaison.Holding, error) {
				return tx.Holding(t.Context(), tt.org, v1.ID, tt.version)
			})
			Diff(t, tt.name, tt.want, got)
		}
	})
	t.Run("a holding that does not exist is not found", func(t *testing.T) {
		s, v1, _, _, _, _ := setup(t)
		for _, q := range []struct {
			org, product string
			version      int
		}{{"nl-aivd", v1.ID, 0}, {"fr-dgsi", v1.ID, 3}, {"fr-dgsi", liaison.NewID(), 0}} {
			WantViewCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error {
				_, err := tx.Holding(t.Context(), q.org, q.product, q.version)
				return err
			})
		}
	})
	t.Run("holders are listed by organisation, each with its newest version", func(t *testing.T) {
		s, v1, v2, _, _, d3 := setup(t)
		got := Get(t, s, func(tx liaison.Tx) ([]*liaison.Holding, error) { return tx.Holders(t.Context(), v1.ID) })
		want := []*liaison.Holding{
			holding("de-bfv", v2, liaison.HoldingOrigin, v2.CreatedAt),
			holding("fr-dgsi", v2, d3.ID, d3.CreatedAt),
		}
		Diff(t, "holders", want, got)
		none := Get(t, s, func(tx liaison.Tx) ([]*liaison.Holding, error) { return tx.Holders(t.Context(), liaison.NewID()) })
		Diff(t, "holders of an unknown product", []*liaison.Holding{}, none)
	})
}

func testVisibleProducts(t *testing.T, open func(*testing.T) liaison.Store) {
	// de-bfv holds five products, written a minute apart (oldest first):
	//
	//	a  rank 1  cyber
	//	b  rank 2  counter-terrorism, cyber
	//	c  rank 3  counter-terrorism
	//	d  rank 1  proliferation
	//	e  rank 4  cyber
	//
	// and fr-dgsi holds one of its own, f.
	setup := func(t *testing.T) liaison.Store {
		s := open(t)
		for i, p := range []struct {
			title  string
			rank   int
			topics []string
		}{
			{"a", 1, []string{"cyber"}},
			{"b", 2, []string{"counter-terrorism", "cyber"}},
			{"c", 3, []string{"counter-terrorism"}},
			{"d", 1, []string{"proliferation"}},
			{"e", 4, []string{"cyber"}},
		} {
			pr := Product("de-bfv", p.title, p.topics...)
			pr.CreatedAt = At(i)
			CreateProduct(t, s, pr, p.rank)
		}
		f := Product("fr-dgsi", "f", "cyber")
		f.CreatedAt = At(10)
		CreateProduct(t, s, f, 0)
		return s
	}
	visible := func(t *testing.T, s liaison.Store, f liaison.ProductFilter) []string {
		t.Helper()
		return ids(Get(t, s, func(tx liaison.Tx) ([]*liaison.Product, error) { return tx.VisibleProducts(t.Context(), f) }))
	}
	t.Run("filters", func(t *testing.T) {
		s := setup(t)
		tests := []struct {
			name string
			f    liaison.ProductFilter
			want []string
		}{
			{"all topics and ranks, newest holding first",
				liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 4, Topics: []string{"*"}},
				[]string{"e/1", "d/1", "c/1", "b/1", "a/1"}},
			{"the rank is a ceiling, inclusive",
				liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 2, Topics: []string{"*"}},
				[]string{"d/1", "b/1", "a/1"}},
			{"rank 0 shows only unclassified products",
				liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 0, Topics: []string{"*"}},
				[]string{}},
			{"a product sharing one topic is shown",
				liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 4, Topics: []string{"counter-terrorism"}},
				[]string{"c/1", "b/1"}},
			{"several topics, each product once",
				liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 4, Topics: []string{"counter-terrorism", "cyber"}},
				[]string{"e/1", "c/1", "b/1", "a/1"}},
			{"topics and rank together",
				liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 2, Topics: []string{"cyber", "proliferation"}},
				[]string{"d/1", "b/1", "a/1"}},
			{"no topic shows nothing",
				liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 4},
				[]string{}},
			{"a topic no product has shows nothing",
				liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 4, Topics: []string{"organised-crime"}},
				[]string{}},
			{"another organisation's products are not shown",
				liaison.ProductFilter{OrgID: "fr-dgsi", MaxRank: 4, Topics: []string{"*"}},
				[]string{"f/1"}},
			{"an organisation that holds nothing sees nothing",
				liaison.ProductFilter{OrgID: "nl-aivd", MaxRank: 4, Topics: []string{"*"}},
				[]string{}},
			{"a limit keeps the newest",
				liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 4, Topics: []string{"*"}, Limit: 2},
				[]string{"e/1", "d/1"}},
			{"before pages to older holdings",
				liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 4, Topics: []string{"*"}, Before: At(3), Limit: 2},
				[]string{"c/1", "b/1"}},
			{"before is exclusive",
				liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 4, Topics: []string{"*"}, Before: At(1)},
				[]string{"a/1"}},
			{"before with topics and rank",
				liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 3, Topics: []string{"cyber"}, Before: At(4)},
				[]string{"b/1", "a/1"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				Diff(t, "visible products", tt.want, visible(t, s, tt.f))
			})
		}
	})
	t.Run("paging with before walks every product once", func(t *testing.T) {
		s := setup(t)
		f := liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 4, Topics: []string{"*"}, Limit: 2}
		var all []string
		for range 5 {
			page := Get(t, s, func(tx liaison.Tx) ([]*liaison.Product, error) { return tx.VisibleProducts(t.Context(), f) })
			if len(page) == 0 {
				break
			}
			all = append(all, ids(page)...)
			f.Before = page[len(page)-1].CreatedAt // the originator's holding is at CreatedAt
		}
		Diff(t, "pages", []string{"e/1", "d/1", "c/1", "b/1", "a/1"}, all)
	})
	t.Run("a limit of 0 means 50", func(t *testing.T) {
		s := open(t)
		Update(t, s, func(tx liaison.Tx) error {
			for i := range 60 {
				p := Product("de-bfv", "p", "cyber")
				p.CreatedAt = At(i)
				if err := tx.CreateProduct(t.Context(), p, 1); err != nil {
					return err
				}
			}
			return nil
		})
		got := visible(t, s, liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 4, Topics: []string{"cyber"}})
		if len(got) != 50 {
			t.Errorf("%d products listed, want 50", len(got))
		}
	})
	t.Run("a product is listed once, at the newest version held", func(t *testing.T) {
		s := setup(t)
		// de-bfv writes a version 2 of b; fr-dgsi receives b v1, then v2,
		// then v1 again, later.
		b := Get(t, s, func(tx liaison.Tx) ([]*liaison.Product, error) {
			return tx.VisibleProducts(t.Context(), liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 4,
				Topics: []string{"counter-terrorism"}})
		})[1]
		b2 := Product("de-bfv", "b", "counter-terrorism")
		b2.ID, b2.CreatedAt = b.ID, At(20)
		CreateProduct(t, s, b2, 2)
		Disseminate(t, s, Dissemination(b, "de-bfv", "fr-dgsi", 21))
		Disseminate(t, s, Dissemination(b2, "de-bfv", "fr-dgsi", 22))
		Disseminate(t, s, Dissemination(b, "nl-aivd", "fr-dgsi", 23))

		all := liaison.ProductFilter{MaxRank: 4, Topics: []string{"*"}}
		all.OrgID = "de-bfv"
		Diff(t, "originator's products", []string{"b/2", "e/1", "d/1", "c/1", "a/1"}, visible(t, s, all))
		all.OrgID = "fr-dgsi"
		Diff(t, "recipient's products", []string{"b/2", "f/1"}, visible(t, s, all))
	})
	t.Run("a product received is listed by when it was received", func(t *testing.T) {
		s := setup(t)
		a := Get(t, s, func(tx liaison.Tx) ([]*liaison.Product, error) {
			return tx.VisibleProducts(t.Context(), liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 4, Limit: 1000,
				Topics: []string{"*"}})
		})[4]
		Disseminate(t, s, Dissemination(a, "de-bfv", "fr-dgsi", 30))
		got := visible(t, s, liaison.ProductFilter{OrgID: "fr-dgsi", MaxRank: 4, Topics: []string{"*"}})
		Diff(t, "recipient's products", []string{"a/1", "f/1"}, got)
	})
	t.Run("a product whose newest version held is above the rank is not listed, not even an older version", func(t *testing.T) {
		s := setup(t)
		d := Get(t, s, func(tx liaison.Tx) ([]*liaison.Product, error) {
			return tx.VisibleProducts(t.Context(), liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 4,
				Topics: []string{"proliferation"}})
		})[0]
		d2 := Product("de-bfv", "d", "proliferation")
		d2.ID, d2.CreatedAt = d.ID, At(20)
		CreateProduct(t, s, d2, 3)
		got := visible(t, s, liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 2, Topics: []string{"*"}})
		Diff(t, "visible products", []string{"b/1", "a/1"}, got)
	})
	t.Run("listed products read back whole", func(t *testing.T) {
		s := open(t)
		p := CreateProduct(t, s, Product("de-bfv", "report", "cyber"), 1)
		got := Get(t, s, func(tx liaison.Tx) ([]*liaison.Product, error) {
			return tx.VisibleProducts(t.Context(), liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 1,
				Topics: []string{"cyber"}})
		})
		// HeldAt says when the organisation came to hold it: for the
		// originator, when it was written.
		p.HeldAt = p.CreatedAt
		Diff(t, "visible products", []*liaison.Product{p}, got)
	})
	t.Run("a recipient's listing says when it received the product", func(t *testing.T) {
		s := open(t)
		p := CreateProduct(t, s, Product("de-bfv", "report", "cyber"), 1)
		Update(t, s, func(tx liaison.Tx) error {
			if err := tx.CreateOrganisation(t.Context(), Org("fr-dgsi")); err != nil {
				return err
			}
			return tx.CreateDissemination(t.Context(), &liaison.Dissemination{ProductID: p.ID, ProductVersion: 1,
				FromOrg: "de-bfv", ToOrg: "fr-dgsi", OfficerID: "x", Action: liaison.ActionDisseminate,
				Decision: liaison.Decision{Allowed: true, Reasons: []liaison.Reason{}}, CreatedAt: At(50)})
		})
		got := Get(t, s, func(tx liaison.Tx) ([]*liaison.Product, error) {
			return tx.VisibleProducts(t.Context(), liaison.ProductFilter{OrgID: "fr-dgsi", MaxRank: 4, Topics: []string{"*"}})
		})
		if len(got) != 1 || !got[0].HeldAt.Equal(At(50)) {
			t.Fatalf("recipient's listing: %+v", got)
		}
	})
}
