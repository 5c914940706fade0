package stix

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// TestFastPatterns checks each hand-written matcher against the regular
// expression it replaces, on the strings of the OASIS examples' kind and on
// random mutations of them.
func TestFastPatterns(t *testing.T) {
	seeds := []string{
		"", "a", "id", "uid", "abc", "x_bin", "a_bin", "payload_bin", "x_hex", "A_hex", "_hex", "a-b_hex", "x_mitre_id",
		"Xid", "name", "n", "ab", "a1_", "spec_version", "x_mitre_version", "aa-", "é_bin",
		"report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3", "x-mitre-tactic--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3",
		"ab--84E4D88F-44EA-4BCD-BBF3-B2C1C320BCB3", "a--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3", "a-b---84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3",
		"report--84e4d88f-44ea-0bcd-bbf3-b2c1c320bcb3", "report--84e4d88f-44ea-4bcd-cbf3-b2c1c320bcb3", "abc-" + "-84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3",
		"2016-05-12T08:17:27.000Z", "2016-05-12T08:17:27Z", "2016-05-12T08:17:60.1Z", "2016-13-12T08:17:27Z", "2016-00-12T08:17:27Z",
		"2016-05-32T08:17:27Z", "2016-05-00T08:17:27Z", "2016-05-12T24:17:27Z", "2016-05-12T23:60:27Z", "2016-05-12T08:17:61Z",
		"2016-05-12T08:17:27.Z", "2016-05-12T08:17:27.12", "x2016-05-12T08:17:27.000Z", "2016-05-12T08:17:27.000Zx",
		"T08:17:27.000Z", "xT08:17:27.123456Z", "T08:17:27.12Z", "T08:17:27.1234", "2016-05-12T08:17:27.1T08:17:27.123Z",
		"relationship--x", "relationship--", "bundle--1", "sighting--a", "marking-definition--b", "language-content--c", "report--x",
	}
	for pattern, fast := range fastPatterns {
		re := regexp.MustCompile(pattern)
		rng := rand.New(rand.NewPCG(1, 2))
		const alphabet = "az09_-.:TZ--idbinhex8AfF"
		check := func(s string) {
			if got, want := fast(s), re.MatchString(s); got != want {
				t.Fatalf("pattern %s on %q: matcher says %v, regexp %v", pattern, s, got, want)
			}
		}
		for _, s := range seeds {
			check(s)
			for range 2000 {
				b := []byte(s)
				for range 1 + rng.IntN(3) {
					switch op := rng.IntN(4); {
					case op == 0 && len(b) > 0: // replace
						b[rng.IntN(len(b))] = alphabet[rng.IntN(len(alphabet))]
					case op == 1: // insert
						i := rng.IntN(len(b) + 1)
						b = append(b[:i], append([]byte{alphabet[rng.IntN(len(alphabet))]}, b[i:]...)...)
					case op == 2 && len(b) > 0: // delete
						i := rng.IntN(len(b))
						b = append(b[:i], b[i+1:]...)
					default: // repeat
						b = []byte(strings.Repeat(string(b), 2))
					}
				}
				check(string(b))
			}
		}
		check(strings.Repeat("a", 246) + "_bin")
		check(strings.Repeat("a", 247) + "_bin")
	}
}
