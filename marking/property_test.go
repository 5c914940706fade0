package marking_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liaison-dev/liaison/marking"
)

// relPool holds REL TO tokens for random markings: countries, memberships
// and tokens at the edges of the allowed form.
var relPool = []string{"DE", "FR", "NL", "IT", "ES", "PL", "SE", "NO", "UK", "US", "EU", "NATO", "FVEY", "A1", "Z_9", strings.Repeat("Q", 32)}

// randomMarking returns a random valid marking of r.
func randomMarking(rng *rand.Rand, r *marking.Registry) marking.Marking {
	schemes := r.Schemes()
	s := schemes[rng.IntN(len(schemes))]
	l := s.Levels[rng.IntN(len(s.Levels))]
	m := marking.Marking{
		Classification:    marking.Classification{Scheme: s.Name, Level: l.Name},
		OriginatorControl: rng.IntN(2) == 0,
		NoOnward:          rng.IntN(3) == 0,
		InfoOnly:          rng.IntN(3) == 0,
		LeadOnly:          rng.IntN(3) == 0,
	}
	switch rng.IntN(3) {
	case 0:
		m.NoForeign = true
	case 1:
		for _, i := range rng.Perm(len(relPool))[:1+rng.IntN(4)] {
			m.ReleasableTo = append(m.ReleasableTo, relPool[i])
		}
		slices.Sort(m.ReleasableTo)
	}
	codes := []marking.HandlingCode{"", marking.H1, marking.H2, marking.H3}
	if !m.OriginatorControl && !m.NoOnward {
		codes = append(codes, marking.H0)
	}
	m.Handling = codes[rng.IntN(len(codes))]
	if rng.IntN(2) == 0 {
		lo := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
		days := int(time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).Sub(lo).Hours() / 24)
		if rng.IntN(2) == 0 {
			days = 365 * 200 // mostly plausible dates, sometimes any in range
		}
		m.Expires = lo.AddDate(0, 0, rng.IntN(days+1))
	}
	return m
}

// scramble writes m's banner as a person might: caveats in random order,
// random case, extra spaces, aliases.
func scramble(rng *rand.Rand, m marking.Marking) string {
	spaces := func() string { return strings.Repeat(" ", rng.IntN(3)) }
	pick := func(alts ...string) string { return alts[rng.IntN(len(alts))] }
	var segs []string
	if m.OriginatorControl {
		segs = append(segs, pick("ORCON", "originator controlled", "Orcon"))
	}
	if m.NoForeign {
		segs = append(segs, pick("NOFORN", "no  foreign", "noforn"))
	}
	if len(m.ReleasableTo) > 0 {
		toks := append([]string(nil), m.ReleasableTo...)
		rng.Shuffle(len(toks), func(i, j int) { toks[i], toks[j] = toks[j], toks[i] })
		if rng.IntN(2) == 0 {
			toks = append(toks, toks[0]) // a duplicate
		}
		for i := range toks {
			toks[i] = spaces() + toks[i] + spaces()
		}
		segs = append(segs, pick("REL TO ", "rel  to ", "Rel To\t")+strings.Join(toks, ","))
	}
	if m.NoOnward {
		segs = append(segs, pick("NO ONWARD", "noonward", "No Onward"))
	}
	if m.InfoOnly {
		segs = append(segs, pick("INFO ONLY", "information only"))
	}
	if m.LeadOnly {
		segs = append(segs, pick("LEAD ONLY", "lead   only"))
	}
	if m.Handling != "" {
		segs = append(segs, pick(string(m.Handling), strings.ToLower(string(m.Handling))))
	}
	if !m.Expires.IsZero() {
		segs = append(segs, pick("EXPIRES ", "expires  ")+m.Expires.Format("2006-01-02"))
	}
	rng.Shuffle(len(segs), func(i, j int) { segs[i], segs[j] = segs[j], segs[i] })
	class := m.Classification.String()
	if rng.IntN(2) == 0 {
		class = strings.ToLower(class)
	}
	parts := append([]string{class}, segs...)
	for i := range parts {
		parts[i] = spaces() + parts[i] + spaces()
	}
	return strings.Join(parts, "//")
}

func TestRoundTripOfRandomMarkings(t *testing.T) {
	r := marking.DefaultRegistry()
	rng := rand.New(rand.NewPCG(2026, 1))
	for i := range 5000 {
		m := randomMarking(rng, r)
		if err := r.Validate(m); err != nil {
			t.Fatalf("case %d: generated marking %#v is invalid: %v", i, m, err)
		}
		got, err := r.Parse(m.String())
		if err != nil {
			t.Fatalf("case %d: Parse(%q): %v", i, m.String(), err)
		}
		if !got.Equal(m) {
			t.Fatalf("case %d: Parse(%q) = %#v, want %#v", i, m.String(), got, m)
		}
		banner := scramble(rng, m)
		got, err = r.Parse(banner)
		if err != nil {
			t.Fatalf("case %d: Parse(%q): %v", i, banner, err)
		}
		if !got.Equal(m) {
			t.Fatalf("case %d: Parse(%q) = %q, want %q", i, banner, got, m)
		}
		caveats, err := r.ParseCaveats(m.Caveats())
		if err != nil {
			t.Fatalf("case %d: ParseCaveats(%q): %v", i, m.Caveats(), err)
		}
		if caveats.Classification = m.Classification; !caveats.Equal(m) {
			t.Fatalf("case %d: ParseCaveats(%q) = %v, want the caveats of %v", i, m.Caveats(), caveats, m)
		}
	}
}

func TestWithCaveatsOfRandomMarkingsIsValidAndMoreRestrictive(t *testing.T) {
	r := marking.DefaultRegistry()
	rng := rand.New(rand.NewPCG(2026, 2))
	for i := range 5000 {
		a, b := randomMarking(rng, r), randomMarking(rng, r)
		got := a.WithCaveats(b)
		if err := r.Validate(got); err != nil {
			t.Fatalf("case %d: %v.WithCaveats(%v) = %v is invalid: %v", i, a, b, got, err)
		}
		if got.Classification != a.Classification {
			t.Fatalf("case %d: classification changed", i)
		}
		for _, x := range []marking.Marking{a, b} {
			switch {
			case x.OriginatorControl && !got.OriginatorControl,
				x.NoOnward && !got.NoOnward,
				x.InfoOnly && !got.InfoOnly,
				x.LeadOnly && !got.LeadOnly,
				x.NoForeign && !got.NoForeign,
				!x.Expires.IsZero() && (got.Expires.IsZero() || got.Expires.After(x.Expires)):
				t.Fatalf("case %d: %v.WithCaveats(%v) = %v loses a restriction of %v", i, a, b, got, x)
			}
			if len(x.ReleasableTo) > 0 && !got.NoForeign {
				for _, t2 := range got.ReleasableTo {
					if !slices.Contains(x.ReleasableTo, t2) {
						t.Fatalf("case %d: %v.WithCaveats(%v) = %v releases to %s, which %v does not", i, a, b, got, t2, x)
					}
				}
			}
		}
		if (len(a.ReleasableTo) > 0 || len(b.ReleasableTo) > 0) && len(got.ReleasableTo) == 0 && !got.NoForeign {
			t.Fatalf("case %d: %v.WithCaveats(%v) = %v dropped REL TO without NOFORN", i, a, b, got)
		}
	}
}
