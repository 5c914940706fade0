package misp

import "strings"

// TLP 2.0 levels as Marking returns them and stix.TLPID takes them.
const (
	LevelClear       = "CLEAR"
	LevelGreen       = "GREEN"
	LevelAmber       = "AMBER"
	LevelAmberStrict = "AMBER+STRICT"
	LevelRed         = "RED"
)

// rank orders the TLP levels from least to most restrictive; 0 is not one.
func rank(level string) int {
	switch level {
	case LevelClear:
		return 1
	case LevelGreen:
		return 2
	case LevelAmber:
		return 3
	case LevelAmberStrict:
		return 4
	case LevelRed:
		return 5
	}
	return 0
}

// stricter returns the more restrictive of two levels; "" counts as none.
func stricter(a, b string) string {
	if rank(b) > rank(a) {
		return b
	}
	return a
}

// TagLevel returns the TLP 2.0 level a MISP tag names ("tlp:amber+strict"
// → "AMBER+STRICT"; "tlp:white" → "CLEAR"), case-insensitively and ignoring
// surrounding space, and "" for any other tag (including TLP-like tags
// such as "tlp:ex:chr" that name no level).
func TagLevel(tag string) string {
	t := strings.ToLower(strings.TrimSpace(tag))
	rest, ok := strings.CutPrefix(t, "tlp:")
	if !ok {
		return ""
	}
	switch strings.Trim(strings.TrimSpace(rest), `"`) {
	case "clear", "white":
		return LevelClear
	case "green":
		return LevelGreen
	case "amber":
		return LevelAmber
	case "amber+strict":
		return LevelAmberStrict
	case "red":
		return LevelRed
	}
	return ""
}

// tagsLevel returns the most restrictive TLP level among tags, or "".
func tagsLevel(tags []string) string {
	level := ""
	for _, t := range tags {
		level = stricter(level, TagLevel(t))
	}
	return level
}

// DistributionLevel returns the TLP 2.0 level of a MISP distribution:
// 0 RED, 1 AMBER, 2 GREEN, 3 CLEAR, 4 AMBER+STRICT. Distribution 5
// ("inherit event") has no level of its own: the result is "" and the
// caller uses the parent's level. Any other value, DistUnknown included,
// is RED: what we cannot read we do not share.
func DistributionLevel(distribution int) string {
	switch distribution {
	case DistOrganisation:
		return LevelRed
	case DistCommunity:
		return LevelAmber
	case DistConnected:
		return LevelGreen
	case DistAll:
		return LevelClear
	case DistSharingGroup:
		return LevelAmberStrict
	case DistInherit:
		return ""
	}
	return LevelRed
}

// Marking returns the TLP 2.0 level ("CLEAR", "GREEN", "AMBER",
// "AMBER+STRICT" or "RED") for something carrying the given MISP tags and
// distribution: the more restrictive of its TLP tags' level (the most
// restrictive tag naming one, see TagLevel) and DistributionLevel
// (distribution), so that neither widens what the other allows
// (tlp:green with distribution 0 is RED). Without a TLP tag it is the
// distribution's level alone. It returns "" only for distribution 5
// without a TLP tag, meaning "inherit the parent's"; with a tag and
// distribution 5 it is the tag's level, and the caller should still take
// the stricter of it and the parent's distribution level.
func Marking(tags []string, distribution int) string {
	return stricter(tagsLevel(tags), DistributionLevel(distribution))
}
