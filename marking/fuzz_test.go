package marking_test

import (
	"errors"
	"testing"

	"github.com/liaison-dev/liaison/marking"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"SECRET UE",
		"SECRET UE//REL TO DE, FR//ORCON",
		"SECRET UE//ORCON//REL TO DE, FR//NO ONWARD//INFO ONLY//LEAD ONLY//H2//EXPIRES 2027-01-31",
		"NATO SECRET//NOFORN//H3",
		"TLP:AMBER+STRICT//H0",
		"tlp : red // lead only",
		"de vs-nfd//rel to eu,nato,fvey",
		"UK SECRET//EXPIRES 9999-12-31",
		"SECRET",
		"SECRET UE////ORCON",
		"SECRET UE//NOFORN//REL TO DE",
		"SECRET UE//H0//ORCON",
		"SECRET UE//EXPIRES 2027-02-30",
		"\u017fecret ue//rel to \u0131t//h1",
		"SECRET\u00a0UE\u0085//orcon\t//  Expires 2030-06-01 ",
		"TRÈS SECRET UE//REL TO EU",
		"",
	} {
		f.Add(s)
	}
	r := marking.DefaultRegistry()
	f.Fuzz(func(t *testing.T, banner string) {
		m, err := r.Parse(banner)
		if err != nil {
			if !errors.Is(err, marking.ErrInvalid) {
				t.Fatalf("Parse(%q) error %v does not wrap ErrInvalid", banner, err)
			}
			return
		}
		if err := r.Validate(m); err != nil {
			t.Fatalf("Validate(Parse(%q)) = %v", banner, err)
		}
		s := m.String()
		again, err := r.Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) = %#v, but Parse(%q): %v", banner, m, s, err)
		}
		if !again.Equal(m) {
			t.Fatalf("Parse(%q) = %#v, Parse(%q) = %#v", banner, m, s, again)
		}
		if s2 := again.String(); s2 != s {
			t.Fatalf("String not stable: %q then %q", s, s2)
		}
		if c, err := r.ParseCaveats(m.Caveats()); err != nil {
			t.Fatalf("ParseCaveats(%q): %v", m.Caveats(), err)
		} else if c.Classification = m.Classification; !c.Equal(m) {
			t.Fatalf("ParseCaveats(%q) = %#v, want the caveats of %#v", m.Caveats(), c, m)
		}
	})
}
