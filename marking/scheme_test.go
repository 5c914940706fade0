package marking_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/liaison-dev/liaison/marking"
)

func mustParseClassification(t *testing.T, r *marking.Registry, s string) marking.Classification {
	t.Helper()
	c, err := r.ParseClassification(s)
	if err != nil {
		t.Fatalf("ParseClassification(%q): %v", s, err)
	}
	return c
}

func TestRankEquivalence(t *testing.T) {
	r := marking.DefaultRegistry()
	groups := []struct {
		name   string
		rank   int
		levels []string
	}{
		{"unclassified levels share rank 0", marking.RankUnclassified,
			[]string{"UNCLASSIFIED", "NATO UNCLASSIFIED", "TLP:CLEAR", "TLP:GREEN"}},
		{"restricted levels share rank 1", marking.RankRestricted,
			[]string{"RESTREINT UE", "EU RESTRICTED", "NATO RESTRICTED", "VS-NFD", "FR DIFFUSION RESTREINTE", "NL DEPARTEMENTAAL VERTROUWELIJK", "UK OFFICIAL-SENSITIVE", "TLP:AMBER", "TLP:AMBER+STRICT"}},
		{"confidential levels share rank 2", marking.RankConfidential,
			[]string{"CONFIDENTIEL UE", "NATO CONFIDENTIAL", "DE VS-VERTRAULICH", "NL STG. CONFIDENTIEEL", "US CONFIDENTIAL", "TLP:RED"}},
		{"SECRET UE, NATO SECRET and DE GEHEIM share rank 3", marking.RankSecret,
			[]string{"SECRET UE", "NATO SECRET", "DE GEHEIM", "FR SECRET", "NL STG. GEHEIM", "UK SECRET", "US SECRET", "IT SEGRETO", "ES RESERVADO"}},
		{"top secret levels share rank 4", marking.RankTopSecret,
			[]string{"TRES SECRET UE", "COSMIC TOP SECRET", "DE STRENG GEHEIM", "FR TRES SECRET", "NL STG. ZEER GEHEIM", "UK TOP SECRET", "US TOP SECRET"}},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			first := mustParseClassification(t, r, g.levels[0])
			for _, s := range g.levels {
				c := mustParseClassification(t, r, s)
				if got, err := r.Rank(c); err != nil || got != g.rank {
					t.Errorf("Rank(%v) = %d, %v; want %d", c, got, err, g.rank)
				}
				if c.Scheme != first.Scheme {
					if cmp, err := r.Compare(c, first); err != nil || cmp != 0 {
						t.Errorf("Compare(%v, %v) = %d, %v; want 0", c, first, cmp, err)
					}
				}
			}
		})
	}
}

func TestCompare(t *testing.T) {
	r := marking.DefaultRegistry()
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{"SECRET UE equals NATO SECRET", "SECRET UE", "NATO SECRET", 0},
		{"NATO SECRET equals DE GEHEIM", "NATO SECRET", "DE GEHEIM", 0},
		{"a level equals itself", "UK SECRET", "UK SECRET", 0},
		{"restricted is below secret across schemes", "RESTREINT UE", "UK SECRET", -1},
		{"top secret is above confidential across schemes", "COSMIC TOP SECRET", "DE VS-VERTRAULICH", 1},
		{"TLP:CLEAR is below TLP:GREEN by the scheme's order", "TLP:CLEAR", "TLP:GREEN", -1},
		{"TLP:AMBER+STRICT is above TLP:AMBER by the scheme's order", "TLP:AMBER+STRICT", "TLP:AMBER", 1},
		{"TLP:RED is above TLP:AMBER+STRICT", "TLP:RED", "TLP:AMBER+STRICT", 1},
		{"TLP:GREEN equals UNCLASSIFIED across schemes", "TLP:GREEN", "UNCLASSIFIED", 0},
		{"TLP:AMBER equals NATO RESTRICTED across schemes", "TLP:AMBER", "NATO RESTRICTED", 0},
		{"UNCLASSIFIED is below RESTREINT UE", "UNCLASSIFIED", "RESTREINT UE", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := mustParseClassification(t, r, tt.a), mustParseClassification(t, r, tt.b)
			got, err := r.Compare(a, b)
			if err != nil || got != tt.want {
				t.Fatalf("Compare(%v, %v) = %d, %v; want %d", a, b, got, err, tt.want)
			}
			if rev, _ := r.Compare(b, a); rev != -tt.want {
				t.Fatalf("Compare(%v, %v) = %d, want %d", b, a, rev, -tt.want)
			}
		})
	}
	t.Run("an unknown classification is an error", func(t *testing.T) {
		bad := marking.Classification{Scheme: "XX", Level: "SECRET"}
		if _, err := r.Compare(bad, secretUE); !errors.Is(err, marking.ErrInvalid) {
			t.Fatalf("Compare(unknown, known) error = %v, want ErrInvalid", err)
		}
		if _, err := r.Compare(secretUE, bad); !errors.Is(err, marking.ErrInvalid) {
			t.Fatalf("Compare(known, unknown) error = %v, want ErrInvalid", err)
		}
		if rank, err := r.Rank(bad); !errors.Is(err, marking.ErrInvalid) || rank != -1 {
			t.Fatalf("Rank(unknown) = %d, %v; want -1, ErrInvalid", rank, err)
		}
	})
}

func TestParseClassification(t *testing.T) {
	r := marking.DefaultRegistry()
	tests := []struct {
		name, in string
		want     marking.Classification
	}{
		{"the French EU name parses", "SECRET UE", secretUE},
		{"the English EU name parses", "EU SECRET", secretUE},
		{"case and white space are ignored", "  sEcReT \t  uE ", secretUE},
		{"a scheme prefix is accepted", "UK SECRET", ukSecret},
		{"a scheme prefix with a colon is accepted", "uk:secret", ukSecret},
		{"TLP accepts a space instead of the colon", "TLP AMBER+STRICT", tlpAmberS},
		{"TLP 1.0 WHITE is TLP:CLEAR", "TLP:WHITE", marking.Classification{Scheme: "TLP", Level: "CLEAR"}},
		{"a German umlaut alias parses", "VS-Nur für den Dienstgebrauch", marking.Classification{Scheme: "DE", Level: "VS-NUR FÜR DEN DIENSTGEBRAUCH"}},
		{"a bare level unique to one scheme parses", "US CONFIDENTIAL", marking.Classification{Scheme: "US", Level: "CONFIDENTIAL"}},
		{"a Dutch abbreviation parses without its dot", "NL STG GEHEIM", marking.Classification{Scheme: "NL", Level: "STG. GEHEIM"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustParseClassification(t, r, tt.in); got != tt.want {
				t.Fatalf("ParseClassification(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}

	errs := []struct{ name, in, want string }{
		{"a bare SECRET is ambiguous and says to prefix the scheme", "SECRET", `"SECRET" is ambiguous: it may be FR SECRET, UK SECRET or US SECRET; prefix the scheme`},
		{"a misspelt level is unknown", "TRES SECRETS", "unknown classification"},
		{"an empty classification is missing", " ", "classification is missing"},
		{"an unknown scheme prefix is unknown", "XX SECRET", `unknown classification "XX SECRET"`},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.ParseClassification(tt.in)
			if !errors.Is(err, marking.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseClassification(%q) error = %v, want ErrInvalid containing %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestClassificationString(t *testing.T) {
	tests := []struct {
		name string
		c    marking.Classification
		want string
	}{
		{"an EU level prints as its name", secretUE, "SECRET UE"},
		{"a NATO level prints as its name", natoSecret, "NATO SECRET"},
		{"a TLP level prints with TLP and a colon", tlpAmberS, "TLP:AMBER+STRICT"},
		{"UNCLASSIFIED prints bare", unclass, "UNCLASSIFIED"},
		{"a national level prints with its scheme", deGeheim, "DE GEHEIM"},
		{"the zero classification prints empty", marking.Classification{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.String(); got != tt.want {
				t.Fatalf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEveryDefaultLevelPrintsAndParsesBack(t *testing.T) {
	r := marking.DefaultRegistry()
	for _, s := range r.Schemes() {
		for i, l := range s.Levels {
			c := marking.Classification{Scheme: s.Name, Level: l.Name}
			got, err := r.ParseClassification(c.String())
			if err != nil || got != c {
				t.Errorf("ParseClassification(%q) = %v, %v; want %v", c.String(), got, err, c)
			}
			if rank, err := r.Rank(c); err != nil || rank != l.Rank {
				t.Errorf("Rank(%v) = %d, %v; want %d", c, rank, err, l.Rank)
			}
			if i > 0 {
				prev := marking.Classification{Scheme: s.Name, Level: s.Levels[i-1].Name}
				if cmp, err := r.Compare(prev, c); err != nil || cmp != -1 {
					t.Errorf("Compare(%v, %v) = %d, %v; want -1", prev, c, cmp, err)
				}
			}
		}
	}
}

func TestIsTLP(t *testing.T) {
	r := marking.DefaultRegistry()
	if !r.IsTLP(tlpAmberS) {
		t.Error("TLP:AMBER+STRICT is not TLP")
	}
	if r.IsTLP(secretUE) {
		t.Error("SECRET UE is TLP")
	}
	if r.IsTLP(marking.Classification{Scheme: "TLP", Level: "PURPLE"}) {
		t.Error("unknown TLP:PURPLE is TLP")
	}
}

func TestSchemesReturnsACopy(t *testing.T) {
	r := marking.DefaultRegistry()
	s := r.Schemes()
	s[0].Name = "MUTATED"
	s[1].Levels[0].Name = "MUTATED"
	s[1].Levels[0].Aliases[0] = "MUTATED"
	again := r.Schemes()
	if again[0].Name == "MUTATED" || again[1].Levels[0].Name == "MUTATED" || again[1].Levels[0].Aliases[0] == "MUTATED" {
		t.Fatal("Schemes exposes the registry's state")
	}
	if _, err := r.ParseClassification("EU RESTRICTED"); err != nil {
		t.Fatal(err)
	}
}

func TestNewRegistryCopiesItsInput(t *testing.T) {
	schemes := []marking.Scheme{{Name: "XX", Levels: []marking.Level{{Name: "LOW", Rank: 1}}}}
	r, err := marking.NewRegistry(schemes...)
	if err != nil {
		t.Fatal(err)
	}
	schemes[0].Levels[0].Rank = 4
	if rank, _ := r.Rank(marking.Classification{Scheme: "XX", Level: "LOW"}); rank != 1 {
		t.Fatalf("rank changed with the caller's slice: %d", rank)
	}
}

func TestNewRegistryErrors(t *testing.T) {
	lv := func(name string, rank int, aliases ...string) marking.Level {
		return marking.Level{Name: name, Rank: rank, Aliases: aliases}
	}
	tests := []struct {
		name    string
		schemes []marking.Scheme
		want    string
	}{
		{"no scheme is rejected", nil, "no schemes"},
		{"an empty scheme name is rejected", []marking.Scheme{{Name: "", Levels: []marking.Level{lv("A", 0)}}}, "scheme name"},
		{"a lower-case scheme name is rejected", []marking.Scheme{{Name: "de", Levels: []marking.Level{lv("A", 0)}}}, "scheme name"},
		{"a scheme name with a space is rejected", []marking.Scheme{{Name: "X Y", Levels: []marking.Level{lv("A", 0)}}}, "scheme name"},
		{"a repeated scheme name is rejected", []marking.Scheme{
			{Name: "XX", Levels: []marking.Level{lv("A", 0)}}, {Name: "XX", Levels: []marking.Level{lv("B", 0)}}}, "defined twice"},
		{"a scheme without levels is rejected", []marking.Scheme{{Name: "XX"}}, "has no levels"},
		{"an empty level name is rejected", []marking.Scheme{{Name: "XX", Levels: []marking.Level{lv("", 0)}}}, "is empty"},
		{"a lower-case level name is rejected", []marking.Scheme{{Name: "XX", Levels: []marking.Level{lv("geheim", 0)}}}, "upper case"},
		{"a level name with double spaces is rejected", []marking.Scheme{{Name: "XX", Levels: []marking.Level{lv("A  B", 0)}}}, "single spaces"},
		{"a level name with a slash is rejected", []marking.Scheme{{Name: "XX", Levels: []marking.Level{lv("A/B", 0)}}}, "contains '/'"},
		{"an empty alias is rejected", []marking.Scheme{{Name: "XX", Levels: []marking.Level{lv("A", 0, " ")}}}, "is empty"},
		{"a rank above top secret is rejected", []marking.Scheme{{Name: "XX", Levels: []marking.Level{lv("A", 5)}}}, "outside 0..4"},
		{"a negative rank is rejected", []marking.Scheme{{Name: "XX", Levels: []marking.Level{lv("A", -1)}}}, "outside 0..4"},
		{"a decreasing rank is rejected", []marking.Scheme{{Name: "XX", Levels: []marking.Level{lv("A", 3), lv("B", 2)}}}, "must not decrease"},
		{"two levels sharing a spelling are rejected", []marking.Scheme{{Name: "XX", Levels: []marking.Level{lv("A", 1, "Z"), lv("B", 2, "z")}}}, `"Z" names both A and B`},
		{"a printed form that names another level is rejected", []marking.Scheme{
			{Name: "XX", Levels: []marking.Level{lv("A", 1)}},
			{Name: "YY", Levels: []marking.Level{lv("XX A", 1)}}}, `prints as "XX A", which also names YY XX A`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := marking.NewRegistry(tt.schemes...)
			if !errors.Is(err, marking.ErrScheme) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewRegistry error = %v, want ErrScheme containing %q", err, tt.want)
			}
		})
	}
}

const customSchemes = `[
  {"name": "XL", "levels": [
    {"name": "INTERN", "aliases": ["xl-intern"], "rank": 1},
    {"name": "VERTRAULICH", "rank": 2},
    {"name": "GEHEIM", "rank": 3},
    {"name": "STRENG GEHEIM", "rank": 4}
  ]}
]`

func TestLoadSchemes(t *testing.T) {
	custom, err := marking.LoadSchemes([]byte(customSchemes))
	if err != nil {
		t.Fatal(err)
	}
	r, err := marking.NewRegistry(append(marking.DefaultSchemes(), custom...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a custom level parses and prints with its scheme", func(t *testing.T) {
		m, err := r.Parse("xl-intern//orcon")
		if err != nil {
			t.Fatal(err)
		}
		if want := "XL INTERN//ORCON"; m.String() != want {
			t.Fatalf("String() = %q, want %q", m.String(), want)
		}
	})
	t.Run("a custom level is equivalent to its rank in other schemes", func(t *testing.T) {
		c := mustParseClassification(t, r, "XL GEHEIM")
		if cmp, err := r.Compare(c, natoSecret); err != nil || cmp != 0 {
			t.Fatalf("Compare(XL GEHEIM, NATO SECRET) = %d, %v", cmp, err)
		}
	})
	t.Run("a bare level shared with a default scheme becomes ambiguous", func(t *testing.T) {
		_, err := r.ParseClassification("GEHEIM")
		if err == nil || !strings.Contains(err.Error(), "DE GEHEIM or XL GEHEIM") {
			t.Fatalf("ParseClassification(GEHEIM) error = %v, want ambiguity", err)
		}
	})

	errs := []struct{ name, json, want string }{
		{"malformed JSON is rejected", `[{"name": "XL"`, "unexpected EOF"},
		{"an unknown field is rejected", `[{"name": "XL", "levles": []}]`, "unknown field"},
		{"a missing rank is rejected rather than taken as unclassified", `[{"name": "XL", "levels": [{"name": "A"}]}]`, "rank is required"},
		{"an empty list is rejected", `[]`, "no schemes"},
		{"null is rejected", `null`, "no schemes"},
		{"trailing data is rejected", `[{"name": "XL", "levels": [{"name": "A", "rank": 0}]}] []`, "unexpected data"},
		{"a repeated scheme is rejected", `[{"name": "XL", "levels": [{"name": "A", "rank": 0}]}, {"name": "XL", "levels": [{"name": "B", "rank": 0}]}]`, "defined twice"},
		{"a decreasing rank is rejected", `[{"name": "XL", "levels": [{"name": "A", "rank": 2}, {"name": "B", "rank": 1}]}]`, "must not decrease"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			_, err := marking.LoadSchemes([]byte(tt.json))
			if !errors.Is(err, marking.ErrScheme) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("LoadSchemes error = %v, want ErrScheme containing %q", err, tt.want)
			}
		})
	}
	t.Run("a custom scheme clashing with a default one is rejected by NewRegistry", func(t *testing.T) {
		dup, err := marking.LoadSchemes([]byte(`[{"name": "DE", "levels": [{"name": "GEHEIM", "rank": 3}]}]`))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := marking.NewRegistry(append(marking.DefaultSchemes(), dup...)...); !errors.Is(err, marking.ErrScheme) {
			t.Fatalf("NewRegistry error = %v, want ErrScheme", err)
		}
	})
}

func TestRegistryIsSafeForConcurrentUse(t *testing.T) {
	r := marking.DefaultRegistry()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				m, err := r.Parse("SECRET UE//ORCON//REL TO DE, FR")
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := r.Compare(m.Classification, natoSecret); err != nil {
					t.Error(err)
					return
				}
				_ = r.Schemes()
			}
		})
	}
	wg.Wait()
	if marking.DefaultRegistry() != r {
		t.Error("DefaultRegistry is not shared")
	}
}
