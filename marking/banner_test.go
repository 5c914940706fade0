package marking_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/liaison-dev/liaison/marking"
)

var (
	secretUE   = marking.Classification{Scheme: "EU", Level: "SECRET UE"}
	natoSecret = marking.Classification{Scheme: "NATO", Level: "NATO SECRET"}
	deGeheim   = marking.Classification{Scheme: "DE", Level: "GEHEIM"}
	ukSecret   = marking.Classification{Scheme: "UK", Level: "SECRET"}
	tlpAmberS  = marking.Classification{Scheme: "TLP", Level: "AMBER+STRICT"}
	unclass    = marking.Classification{Scheme: "UNCLASSIFIED", Level: "UNCLASSIFIED"}
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseAndPrint(t *testing.T) {
	r := marking.DefaultRegistry()
	tests := []struct {
		name   string
		banner string
		want   marking.Marking
		print  string // canonical banner
	}{
		{"a bare EU level parses", "SECRET UE",
			marking.Marking{Classification: secretUE}, "SECRET UE"},
		{"caveats are printed in canonical order", "SECRET UE//REL TO DE, FR//ORCON",
			marking.Marking{Classification: secretUE, OriginatorControl: true, ReleasableTo: []string{"DE", "FR"}},
			"SECRET UE//ORCON//REL TO DE, FR"},
		{"the English EU form is an alias of the French one", "eu secret",
			marking.Marking{Classification: secretUE}, "SECRET UE"},
		{"TRÈS SECRET UE with an accent is accepted", "Très Secret UE",
			marking.Marking{Classification: marking.Classification{Scheme: "EU", Level: "TRES SECRET UE"}}, "TRES SECRET UE"},
		{"a NATO level prints as its name", "nato secret//noforn",
			marking.Marking{Classification: natoSecret, NoForeign: true}, "NATO SECRET//NOFORN"},
		{"COSMIC TOP SECRET is NATO's top level", "COSMIC TOP SECRET",
			marking.Marking{Classification: marking.Classification{Scheme: "NATO", Level: "COSMIC TOP SECRET"}}, "COSMIC TOP SECRET"},
		{"a national level prints with its scheme", "de geheim",
			marking.Marking{Classification: deGeheim}, "DE GEHEIM"},
		{"a bare national level unique to one scheme parses", "GEHEIM",
			marking.Marking{Classification: deGeheim}, "DE GEHEIM"},
		{"a national alias parses to the canonical name", "VS-NFD//INFO ONLY",
			marking.Marking{Classification: marking.Classification{Scheme: "DE", Level: "VS-NUR FÜR DEN DIENSTGEBRAUCH"}, InfoOnly: true},
			"DE VS-NUR FÜR DEN DIENSTGEBRAUCH//INFO ONLY"},
		{"a scheme prefix with a colon is accepted", "UK:SECRET",
			marking.Marking{Classification: ukSecret}, "UK SECRET"},
		{"TLP prints with a colon", "TLP:AMBER+STRICT",
			marking.Marking{Classification: tlpAmberS}, "TLP:AMBER+STRICT"},
		{"TLP tolerates case and spaces around the colon", "tlp : amber+strict // h2",
			marking.Marking{Classification: tlpAmberS, Handling: marking.H2}, "TLP:AMBER+STRICT//H2"},
		{"UNCLASSIFIED prints bare", "unclassified//lead only",
			marking.Marking{Classification: unclass, LeadOnly: true}, "UNCLASSIFIED//LEAD ONLY"},
		{"every caveat at once prints in canonical order",
			"SECRET UE//EXPIRES 2027-01-31//H2//LEAD ONLY//INFO ONLY//NO ONWARD//REL TO FR, DE//ORCON",
			marking.Marking{Classification: secretUE, OriginatorControl: true, ReleasableTo: []string{"DE", "FR"},
				NoOnward: true, InfoOnly: true, LeadOnly: true, Handling: marking.H2, Expires: date(2027, 1, 31)},
			"SECRET UE//ORCON//REL TO DE, FR//NO ONWARD//INFO ONLY//LEAD ONLY//H2//EXPIRES 2027-01-31"},
		{"caveat aliases parse", "SECRET UE//originator controlled//information only//noonward//no foreign",
			marking.Marking{Classification: secretUE, OriginatorControl: true, NoForeign: true, NoOnward: true, InfoOnly: true},
			"SECRET UE//ORCON//NOFORN//NO ONWARD//INFO ONLY"},
		{"REL TO is sorted, de-duplicated and upper-cased", "SECRET UE//rel to nato,fr , de,FR,  fvey",
			marking.Marking{Classification: secretUE, ReleasableTo: []string{"DE", "FR", "FVEY", "NATO"}},
			"SECRET UE//REL TO DE, FR, FVEY, NATO"},
		{"white space around segments and inside keywords is tolerated", "  SECRET   UE //  REL   TO  DE //\tORCON  ",
			marking.Marking{Classification: secretUE, OriginatorControl: true, ReleasableTo: []string{"DE"}},
			"SECRET UE//ORCON//REL TO DE"},
		{"H0 alone is allowed", "NATO SECRET//H0",
			marking.Marking{Classification: natoSecret, Handling: marking.H0}, "NATO SECRET//H0"},
		{"an expiry is a UTC date", "DE GEHEIM//expires 2030-02-28",
			marking.Marking{Classification: deGeheim, Expires: date(2030, 2, 28)}, "DE GEHEIM//EXPIRES 2030-02-28"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Parse(tt.banner)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.banner, err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("Parse(%q) = %#v, want %#v", tt.banner, got, tt.want)
			}
			if s := got.String(); s != tt.print {
				t.Errorf("String() = %q, want %q", s, tt.print)
			}
			if err := r.Validate(got); err != nil {
				t.Errorf("Validate(Parse(%q)): %v", tt.banner, err)
			}
			again, err := r.Parse(got.String())
			if err != nil || !again.Equal(got) {
				t.Errorf("Parse(String()) = %v, %v; want %v", again, err, got)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	r := marking.DefaultRegistry()
	tests := []struct {
		name   string
		banner string
		want   string // a substring of the message
	}{
		{"an empty banner is rejected", "", "empty banner"},
		{"a blank banner is rejected", "  \t ", "empty banner"},
		{"an unknown classification is named", "SEKRIT//ORCON", `unknown classification "SEKRIT"`},
		{"a level the scheme lacks lists the scheme's levels", "DE SECRET", "scheme DE has levels"},
		{"a bare level of several schemes is ambiguous", "SECRET//ORCON", `"SECRET" is ambiguous`},
		{"a bare TOP SECRET is ambiguous", "top secret", "prefix the scheme"},
		{"an unknown caveat is named", "SECRET UE//ORCOM", `unknown caveat "ORCOM"`},
		{"a repeated caveat is rejected", "SECRET UE//ORCON//NOFORN//orcon", `"orcon" is repeated`},
		{"a caveat repeated under its alias is rejected", "SECRET UE//ORCON//ORIGINATOR CONTROLLED", "is repeated"},
		{"two REL TO lists are rejected", "SECRET UE//REL TO DE//REL TO FR", `"REL TO" is repeated`},
		{"two classifications are rejected", "SECRET UE//NATO SECRET", "two classifications"},
		{"an ambiguous second classification is still a second classification", "SECRET UE//SECRET", "two classifications"},
		{"a banner starting with a caveat is rejected", "ORCON//SECRET UE", "the classification comes first"},
		{"an empty REL TO list is rejected", "SECRET UE//REL TO", "empty REL TO list"},
		{"an empty REL TO list with spaces is rejected", "SECRET UE//REL TO   ", "empty REL TO list"},
		{"an empty REL TO entry is rejected", "SECRET UE//REL TO DE,,FR", "empty entry"},
		{"a trailing comma in REL TO is rejected", "SECRET UE//REL TO DE,", "empty entry"},
		{"a one-letter REL TO token is rejected", "SECRET UE//REL TO D", `REL TO entry "D"`},
		{"a REL TO token with a space is rejected", "SECRET UE//REL TO DE FR", `REL TO entry "DE FR"`},
		{"a REL TO token starting with a digit is rejected", "SECRET UE//REL TO 5EYES", `REL TO entry "5EYES"`},
		{"a REL TO token with punctuation is rejected", "SECRET UE//REL TO D-E", `REL TO entry "D-E"`},
		{"a REL TO token over 32 characters is rejected", "SECRET UE//REL TO " + strings.Repeat("A", 33), "REL TO entry"},
		{"REL without TO is rejected with a hint", "SECRET UE//REL DE, FR", `written "REL TO DE, FR"`},
		{"NOFORN with REL TO is contradictory", "SECRET UE//NOFORN//REL TO DE", "NOFORN contradicts REL TO DE"},
		{"two handling codes are rejected", "SECRET UE//H1//H2", "more than one handling code: H1 and H2"},
		{"a repeated handling code is rejected", "SECRET UE//H1//h1", "is repeated"},
		{"H0 with ORCON is contradictory", "SECRET UE//H0//ORCON", "H0 contradicts ORCON"},
		{"H0 with NO ONWARD is contradictory", "SECRET UE//NO ONWARD//H0", "H0 contradicts NO ONWARD"},
		{"an unknown handling code is an unknown caveat", "SECRET UE//H4", `unknown caveat "H4"`},
		{"EXPIRES without a date is rejected", "SECRET UE//EXPIRES", "EXPIRES without a date"},
		{"an impossible date is rejected", "SECRET UE//EXPIRES 2027-02-30", `"2027-02-30" is not a valid`},
		{"a date in another format is rejected", "SECRET UE//EXPIRES 31.01.2027", `"31.01.2027" is not a valid`},
		{"a date with a time is rejected", "SECRET UE//EXPIRES 2027-01-31T00:00:00Z", "is not a valid"},
		{"a date without zero padding is rejected", "SECRET UE//EXPIRES 2027-1-31", "is not a valid"},
		{"the zero date is out of range", "SECRET UE//EXPIRES 0001-01-01", "outside 1900-01-01..9999-12-31"},
		{"two expiries are rejected", "SECRET UE//EXPIRES 2027-01-31//EXPIRES 2028-01-31", `"EXPIRES" is repeated`},
		{"an empty segment is rejected", "SECRET UE////ORCON", "empty segment"},
		{"a trailing separator is an empty segment", "SECRET UE//ORCON//", "empty segment"},
		{"a blank segment is an empty segment", "SECRET UE// //ORCON", "empty segment"},
		{"a leading separator leaves no classification", "//SECRET UE", "does not start with a classification"},
		{"a single slash is not a separator", "SECRET UE/ORCON", `unknown classification "SECRET UE/ORCON"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := r.Parse(tt.banner)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want an error containing %q", tt.banner, m, tt.want)
			}
			if !errors.Is(err, marking.ErrInvalid) {
				t.Errorf("Parse(%q) error %v does not wrap ErrInvalid", tt.banner, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.banner, err, tt.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	r := marking.DefaultRegistry()
	ok := marking.Marking{Classification: secretUE, OriginatorControl: true, ReleasableTo: []string{"DE", "EU", "FR"},
		Handling: marking.H2, Expires: date(2027, 1, 31)}
	if err := r.Validate(ok); err != nil {
		t.Fatalf("Validate(%v): %v", ok, err)
	}
	with := func(f func(*marking.Marking)) marking.Marking {
		m := ok
		m.ReleasableTo = append([]string(nil), ok.ReleasableTo...)
		f(&m)
		return m
	}
	cet := time.FixedZone("CET", 3600)
	tests := []struct {
		name string
		m    marking.Marking
		want string
	}{
		{"a zero marking has no classification", marking.Marking{}, "classification is missing"},
		{"an unknown scheme is rejected", with(func(m *marking.Marking) { m.Classification.Scheme = "XX" }), `no scheme "XX"`},
		{"an unknown level is rejected", with(func(m *marking.Marking) { m.Classification.Level = "GEHEIM" }), "scheme EU has no level"},
		{"a lower-case level is not canonical", with(func(m *marking.Marking) { m.Classification.Level = "secret ue" }), "unknown classification"},
		{"an unsorted REL TO list is rejected", with(func(m *marking.Marking) { m.ReleasableTo = []string{"FR", "DE"} }), "not sorted"},
		{"a duplicate in REL TO is rejected", with(func(m *marking.Marking) { m.ReleasableTo = []string{"DE", "DE"} }), "not sorted and free of duplicates"},
		{"a lower-case REL TO token is rejected", with(func(m *marking.Marking) { m.ReleasableTo = []string{"de"} }), `REL TO entry "de"`},
		{"a padded REL TO token is rejected", with(func(m *marking.Marking) { m.ReleasableTo = []string{" DE"} }), "REL TO entry"},
		{"NOFORN with REL TO is rejected", with(func(m *marking.Marking) { m.NoForeign = true }), "NOFORN contradicts REL TO"},
		{"an unknown handling code is rejected", with(func(m *marking.Marking) { m.Handling = "H9" }), `unknown handling code "H9"`},
		{"H0 with ORCON is rejected", with(func(m *marking.Marking) { m.Handling = marking.H0 }), "H0 contradicts ORCON"},
		{"H0 with NO ONWARD is rejected", with(func(m *marking.Marking) {
			m.Handling, m.OriginatorControl, m.NoOnward = marking.H0, false, true
		}), "H0 contradicts NO ONWARD"},
		{"an expiry with a time of day is rejected", with(func(m *marking.Marking) { m.Expires = m.Expires.Add(time.Hour) }), "not a date"},
		{"a local midnight that is not UTC midnight is rejected", with(func(m *marking.Marking) {
			m.Expires = time.Date(2027, 1, 31, 0, 0, 0, 0, cet)
		}), "not a date"},
		{"an expiry before 1900 is rejected", with(func(m *marking.Marking) { m.Expires = date(1899, 12, 31) }), "outside"},
		{"an expiry after 9999 is rejected", with(func(m *marking.Marking) { m.Expires = date(10000, 1, 1) }), "outside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := r.Validate(tt.m)
			if err == nil {
				t.Fatalf("Validate(%#v) = nil, want an error containing %q", tt.m, tt.want)
			}
			if !errors.Is(err, marking.ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate error = %q, want it to contain %q", err, tt.want)
			}
		})
	}

	t.Run("a UTC midnight given in another zone is accepted", func(t *testing.T) {
		m := with(func(m *marking.Marking) { m.Expires = date(2027, 1, 31).In(cet) })
		if err := r.Validate(m); err != nil {
			t.Fatal(err)
		}
		if got, err := r.Parse(m.String()); err != nil || !got.Equal(m) {
			t.Fatalf("Parse(%q) = %v, %v; want %v", m.String(), got, err, m)
		}
	})
	t.Run("an empty non-nil REL TO list is accepted and equals nil", func(t *testing.T) {
		m := marking.Marking{Classification: secretUE, ReleasableTo: []string{}}
		if err := r.Validate(m); err != nil {
			t.Fatal(err)
		}
		if !m.Equal(marking.Marking{Classification: secretUE}) {
			t.Fatal("empty and nil REL TO lists differ")
		}
	})
}

func TestCaveats(t *testing.T) {
	r := marking.DefaultRegistry()
	tests := []struct {
		name, in, want string
	}{
		{"no caveat gives an empty string", "SECRET UE", ""},
		{"caveats print without the classification", "SECRET UE//REL TO FR, DE//ORCON", "ORCON//REL TO DE, FR"},
		{"a single caveat prints alone", "TLP:RED//H3", "H3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := r.Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Caveats(); got != tt.want {
				t.Fatalf("Caveats() = %q, want %q", got, tt.want)
			}
			back, err := r.ParseCaveats(m.Caveats())
			if err != nil {
				t.Fatalf("ParseCaveats(%q): %v", m.Caveats(), err)
			}
			back.Classification = m.Classification
			if !back.Equal(m) {
				t.Fatalf("ParseCaveats(Caveats()) = %v, want %v", back, m)
			}
		})
	}
}

func TestParseCaveats(t *testing.T) {
	r := marking.DefaultRegistry()
	t.Run("a blank string means no caveats", func(t *testing.T) {
		m, err := r.ParseCaveats("   ")
		if err != nil || !m.Equal(marking.Marking{}) {
			t.Fatalf("ParseCaveats(blank) = %v, %v", m, err)
		}
	})
	t.Run("caveats parse in any order", func(t *testing.T) {
		m, err := r.ParseCaveats("no onward // rel to fr, de // orcon")
		want := marking.Marking{OriginatorControl: true, NoOnward: true, ReleasableTo: []string{"DE", "FR"}}
		if err != nil || !m.Equal(want) {
			t.Fatalf("got %v, %v; want %v", m, err, want)
		}
	})
	for _, tt := range []struct{ name, in, want string }{
		{"a classification is not a caveat", "ORCON//SECRET UE", "only caveats are allowed"},
		{"a caveat list that is only a classification is rejected", "NATO SECRET", "only caveats are allowed"},
		{"an empty segment is rejected", "ORCON//", "empty segment"},
		{"contradictions are rejected", "NOFORN//REL TO DE", "NOFORN contradicts"},
		{"unknown caveats are rejected", "BURN BEFORE READING", "unknown caveat"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.ParseCaveats(tt.in)
			if !errors.Is(err, marking.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseCaveats(%q) error = %v, want ErrInvalid containing %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestWithCaveats(t *testing.T) {
	r := marking.DefaultRegistry()
	tests := []struct {
		name        string
		base, extra string // banner and caveat list
		want        string
	}{
		{"no extra caveats keep the marking", "SECRET UE//ORCON", "", "SECRET UE//ORCON"},
		{"flags are united", "SECRET UE//ORCON", "NO ONWARD//LEAD ONLY", "SECRET UE//ORCON//NO ONWARD//LEAD ONLY"},
		{"REL TO lists intersect", "SECRET UE//REL TO DE, FR, NL", "REL TO FR, NL, PL", "SECRET UE//REL TO FR, NL"},
		{"a REL TO list on one side is kept", "SECRET UE", "REL TO FR", "SECRET UE//REL TO FR"},
		{"disjoint REL TO lists become NOFORN", "SECRET UE//REL TO DE", "REL TO FR", "SECRET UE//NOFORN"},
		{"NOFORN overrides REL TO", "SECRET UE//REL TO DE", "NOFORN", "SECRET UE//NOFORN"},
		{"the higher handling code wins", "SECRET UE//H1", "H2", "SECRET UE//H2"},
		{"H0 is dropped under ORCON", "SECRET UE//H0", "ORCON", "SECRET UE//ORCON"},
		{"the earlier expiry wins", "SECRET UE//EXPIRES 2028-01-01", "EXPIRES 2027-06-30", "SECRET UE//EXPIRES 2027-06-30"},
		{"an expiry on one side is kept", "SECRET UE//EXPIRES 2028-01-01", "ORCON", "SECRET UE//ORCON//EXPIRES 2028-01-01"},
		{"the receiver's classification is kept", "TLP:RED", "INFO ONLY", "TLP:RED//INFO ONLY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, err := r.Parse(tt.base)
			if err != nil {
				t.Fatal(err)
			}
			extra, err := r.ParseCaveats(tt.extra)
			if err != nil {
				t.Fatal(err)
			}
			before := base.String()
			got := base.WithCaveats(extra)
			if got.String() != tt.want {
				t.Errorf("WithCaveats = %q, want %q", got.String(), tt.want)
			}
			if err := r.Validate(got); err != nil {
				t.Errorf("Validate(WithCaveats(...)): %v", err)
			}
			if base.String() != before {
				t.Errorf("WithCaveats changed its receiver to %q", base.String())
			}
		})
	}
	t.Run("the result does not share its REL TO list with the receiver", func(t *testing.T) {
		base := marking.Marking{Classification: secretUE, ReleasableTo: []string{"DE"}}
		got := base.WithCaveats(marking.Marking{})
		got.ReleasableTo[0] = "FR"
		if base.ReleasableTo[0] != "DE" {
			t.Fatal("receiver modified")
		}
	})
}

func TestExpired(t *testing.T) {
	exp := marking.Marking{Classification: secretUE, Expires: date(2027, 1, 31)}
	tests := []struct {
		name string
		m    marking.Marking
		now  time.Time
		want bool
	}{
		{"a marking without expiry never expires", marking.Marking{Classification: secretUE}, date(9999, 1, 1), false},
		{"the day before the expiry is not expired", exp, date(2027, 1, 30).Add(23 * time.Hour), false},
		{"the expiry instant itself is expired", exp, date(2027, 1, 31), true},
		{"after the expiry is expired", exp, date(2027, 2, 1), true},
		{"an instant in another zone compares as an instant", exp, time.Date(2027, 1, 31, 0, 30, 0, 0, time.FixedZone("CET", 3600)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.Expired(tt.now); got != tt.want {
				t.Fatalf("Expired(%v) = %v, want %v", tt.now, got, tt.want)
			}
		})
	}
}

func TestEqual(t *testing.T) {
	a := marking.Marking{Classification: secretUE, ReleasableTo: []string{"DE"}, Expires: date(2027, 1, 31)}
	tests := []struct {
		name string
		b    marking.Marking
		want bool
	}{
		{"an identical marking is equal", a, true},
		{"the same expiry instant in another zone is equal",
			marking.Marking{Classification: secretUE, ReleasableTo: []string{"DE"}, Expires: date(2027, 1, 31).In(time.FixedZone("X", -7200))}, true},
		{"a different classification is not equal", marking.Marking{Classification: natoSecret, ReleasableTo: []string{"DE"}, Expires: a.Expires}, false},
		{"a different REL TO list is not equal", marking.Marking{Classification: secretUE, ReleasableTo: []string{"FR"}, Expires: a.Expires}, false},
		{"a missing expiry is not equal", marking.Marking{Classification: secretUE, ReleasableTo: []string{"DE"}}, false},
		{"an extra caveat is not equal", marking.Marking{Classification: secretUE, ReleasableTo: []string{"DE"}, Expires: a.Expires, LeadOnly: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := a.Equal(tt.b); got != tt.want {
				t.Fatalf("Equal = %v, want %v", got, tt.want)
			}
		})
	}
}
