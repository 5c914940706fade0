package stix

import (
	"strings"
	"unicode/utf8"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
)

// MarkingFromDefinition returns the handling a marking-definition defines:
//
//   - a TLP marking-definition (an official TLP 1.0 or 2.0 id, or a TLP
//     1.0 definition, or the TLP 2.0 extension): the TLP level, as a
//     classification of the TLP scheme (TLP 1.0 WHITE is CLEAR);
//   - a statement marking-definition with the liaison extension: the
//     marking the extension carries;
//   - any other statement (a copyright, terms of use): no handling, ok
//     false.
//
// Any other kind of marking-definition is an EMARKING error: liaison
// cannot honour a restriction it does not understand, so it does not take
// the object as unrestricted. So is an object that is not a
// marking-definition.
func MarkingFromDefinition(h *Header) (m marking.Marking, ok bool, err error) {
	if h.Type != "marking-definition" {
		return marking.Marking{}, false, liaison.Errorf(liaison.EMARKING, "%s is not a marking-definition", h.ID)
	}
	if h.Extension != nil && h.Extension.HasMarking() {
		m, err := h.Extension.Marking()
		if err != nil {
			return marking.Marking{}, false, liaison.Errorf(liaison.EMARKING, "%s: %v", h.ID, err)
		}
		return m, true, nil
	}
	level, isTLP := TLPLevel(h.ID)
	if !isTLP && h.TLP != "" {
		level, isTLP = h.TLP, true
	}
	switch {
	case isTLP:
		return marking.Marking{Classification: marking.Classification{Scheme: "TLP", Level: level}}, true, nil
	case h.DefinitionType == "statement" || (h.DefinitionType == "" && h.Statement != ""):
		return marking.Marking{}, false, nil
	case h.DefinitionType == "tlp":
		return marking.Marking{}, false, liaison.Errorf(liaison.EMARKING, "%s: a TLP marking-definition without a TLP level liaison knows", h.ID)
	case h.DefinitionType == "":
		return marking.Marking{}, false, liaison.Errorf(liaison.EMARKING, "%s: a marking-definition liaison does not understand (no definition type liaison knows)", h.ID)
	}
	return marking.Marking{}, false, liaison.Errorf(liaison.EMARKING, "%s: definition_type %q is not one liaison understands", h.ID, h.DefinitionType)
}

// MarkingOf returns the handling of a STIX object in liaison's terms, and
// whether it has any:
//
//   - the marking in its liaison extension, when it carries one (that is
//     lossless, and wins). Not on a marking-definition: the marking its
//     extension carries is the one it defines, not its own handling (the
//     definition of SECRET UE is not secret, as that of TLP:RED is not
//     red);
//   - otherwise the markings its object_marking_refs and granular markings
//     refer to (granular markings count as if they applied to the whole
//     object: liaison handles objects whole). TLP ids are read with
//     TLPLevel; any other reference is resolved with lookup, which answers
//     for the marking-definitions seen before (MarkingFromDefinition of
//     each): a marking, or the zero Marking for a statement without
//     handling (a copyright), which restricts nothing. A reference lookup
//     does not know is an EMARKING error naming it. lookup may be nil when
//     there is nothing but TLP to resolve.
//
// When several markings apply, the result is at least as restrictive as
// each: the highest classification (TLP levels in their order, other
// schemes by rank on marking.DefaultRegistry, and on a tie the non-TLP
// marking, which says more), with the caveats of all
// (marking.Marking.WithCaveats). ok is false when the object is unmarked
// or marked only by statements without handling.
func MarkingOf(h *Header, lookup func(id string) (marking.Marking, bool)) (m marking.Marking, ok bool, err error) {
	if h.Extension != nil && h.Extension.HasMarking() && h.Type != "marking-definition" {
		m, err := h.Extension.Marking()
		if err != nil {
			return marking.Marking{}, false, liaison.Errorf(liaison.EMARKING, "%s: %v", h.ID, err)
		}
		if !isRed(m) && refersToRed(h) {
			return marking.Marking{}, false, redLost(h.ID, m)
		}
		return m, true, nil
	}
	reg := marking.DefaultRegistry()
	var out marking.Marking
	red := false // a TLP:RED marking applies
	add := func(ref string, c marking.Marking) error {
		red = red || isRed(c)
		if !ok {
			out, ok = c, true
			return nil
		}
		cmp, err := reg.Compare(c.Classification, out.Classification)
		if err != nil {
			return liaison.Errorf(liaison.EMARKING, "%s: cannot tell which of %s and %s (%s) is more restrictive: %v",
				h.ID, c.Classification, out.Classification, ref, err)
		}
		if cmp > 0 || (cmp == 0 && out.Classification.Scheme == "TLP" && c.Classification.Scheme != "TLP") {
			out = c.WithCaveats(out)
		} else {
			out = out.WithCaveats(c)
		}
		return nil
	}
	for _, refs := range [][]string{h.ObjectMarkingRefs, h.GranularMarkingRefs} {
		for _, ref := range refs {
			if level, isTLP := TLPLevel(ref); isTLP {
				if err := add(ref, marking.Marking{Classification: marking.Classification{Scheme: "TLP", Level: level}}); err != nil {
					return marking.Marking{}, false, err
				}
				continue
			}
			var c marking.Marking
			var known bool
			if lookup != nil {
				c, known = lookup(ref)
			}
			switch {
			case !known:
				return marking.Marking{}, false, liaison.Errorf(liaison.EMARKING,
					"%s: unknown marking-definition %s (not TLP, and not defined before the object)", h.ID, ref)
			case c.Classification == (marking.Classification{}) && c.Caveats() != "":
				return marking.Marking{}, false, liaison.Errorf(liaison.EMARKING,
					"%s: marking-definition %s has caveats (%s) but no classification", h.ID, ref, c.Caveats())
			case c.Classification == (marking.Classification{}):
				continue // a statement without handling
			}
			if err := add(ref, c); err != nil {
				return marking.Marking{}, false, err
			}
		}
	}
	if red && !isRed(out) {
		return marking.Marking{}, false, redLost(h.ID, out)
	}
	return out, ok, nil
}

// isRed reports whether m is TLP:RED.
func isRed(m marking.Marking) bool {
	return m.Classification.Scheme == "TLP" && m.Classification.Level == "RED"
}

// refersToRed reports whether h names TLP:RED among its markings.
func refersToRed(h *Header) bool {
	for _, refs := range [][]string{h.ObjectMarkingRefs, h.GranularMarkingRefs} {
		for _, ref := range refs {
			if level, ok := TLPLevel(ref); ok && level == "RED" {
				return true
			}
		}
	}
	return false
}

// redLost is the error for an object marked TLP:RED and by a
// classification that outranks it (or ties with it): liaison holds one
// classification an object, and taking the other would drop TLP:RED,
// which the policy keeps from ever leaving the node.
func redLost(id string, m marking.Marking) error {
	return liaison.Errorf(liaison.EMARKING, "%s: marked TLP:RED and %s: liaison holds one classification an object and would lose TLP:RED",
		id, m.Classification)
}

// maxTitle is the longest title a product may have (liaison.Product).
const maxTitle = 500

// Grading of a report that does not carry liaison's extension: the source
// and the information cannot be judged.
const (
	UnjudgedReliability = "F"
	UnjudgedCredibility = "6"
)

// defaultTopic is the topic of a report that names none.
const defaultTopic = "threat-report"

// ProductDraftFromReport returns what the desk needs to make a product of
// a report, and liaison's extension when the report carries one (then ext
// holds the originator, origins, product id and version and origin node,
// which a draft does not):
//
//   - title: the name, cut to 500 bytes; body: the description;
//   - topics: those of the extension, else the labels made into topics
//     (lower case; runs of characters a topic may not hold become "-"),
//     else the report_types so made, else "threat-report". Labels come
//     first because they are what a producer tags a report's subject with;
//     report_types are a coarse vocabulary ("threat-report"), and every
//     topic narrows who may receive a product under an agreement's scope;
//   - marking: the banner of the extension, else "" (resolve the handling
//     of a foreign report with MarkingOf);
//   - grading: that of the extension, else F and 6 (cannot be judged);
//   - parent: the tear-line parent of the extension.
//
// The draft's ID is left empty: a report from elsewhere names a product
// this node may not hold (ext.ProductID says which). An object that is not
// a report, or a report without a name, is an EINVALID error; so is an
// extension whose marking does not hold together.
func ProductDraftFromReport(h *Header) (liaison.ProductDraft, *Extension, error) {
	if h.Type != "report" {
		return liaison.ProductDraft{}, nil, liaison.Errorf(liaison.EINVALID, "%s is not a report", h.ID)
	}
	title := strings.TrimSpace(h.Name)
	if title == "" {
		return liaison.ProductDraft{}, nil, liaison.Errorf(liaison.EINVALID, "%s: a report needs a name", h.ID)
	}
	d := liaison.ProductDraft{Title: truncate(title, maxTitle), Body: h.Description,
		Reliability: UnjudgedReliability, Credibility: UnjudgedCredibility}
	ext := h.Extension
	if ext != nil && ext.HasMarking() {
		m, err := ext.Marking()
		if err != nil {
			return liaison.ProductDraft{}, nil, liaison.Errorf(liaison.EINVALID, "%s: %v", h.ID, err)
		}
		d.Marking = m.String()
	}
	if ext != nil {
		if ext.Reliability != "" && ext.Credibility != "" {
			d.Reliability, d.Credibility = ext.Reliability, ext.Credibility
		}
		d.Topics = sortedCopy(ext.Topics)
		d.ParentID, d.ParentVersion = ext.ParentID, ext.ParentVersion
	}
	if len(d.Topics) == 0 {
		d.Topics = topicsOf(h.Labels)
	}
	if len(d.Topics) == 0 {
		d.Topics = topicsOf(h.ReportTypes)
	}
	if len(d.Topics) == 0 {
		d.Topics = []string{defaultTopic}
	}
	return d, ext, nil
}

// topicsOf makes labels into topics, sorted, without duplicates.
func topicsOf(labels []string) []string {
	var topics []string
	for _, l := range labels {
		if t := topicOf(l); t != "" {
			topics = append(topics, t)
		}
	}
	return sortedCopy(topics)
}

// topicOf makes a label into a topic: lower case, with each run of
// characters a topic may not hold (see liaison.NormaliseTopics) made one
// "-", without leading or trailing punctuation, at most 63 bytes; "" when
// nothing is left.
func topicOf(label string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(label) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	t := b.String()
	if len(t) > 63 {
		t = strings.TrimRight(t[:63], "-._")
	}
	return strings.TrimLeft(t, "._")
}

// truncate cuts s to at most n bytes, on a character boundary, marking the
// cut with "…".
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
