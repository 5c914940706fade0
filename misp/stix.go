package misp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/liaison-dev/liaison/stix"
)

// Namespace is the UUIDv5 namespace of every id this package derives: the
// identity of a MISP organisation (UUIDv5 of its uuid), the objects a
// composite attribute yields besides its primary one, and the ids of MISP
// uuids STIX does not accept as they are.
const Namespace = "36cd62e6-ebcc-46f5-b741-f127552b96ab"

// identityTime is the created and modified time of organisation
// identities: they carry no time of their own in MISP, and a fixed one
// makes the same organisation the same object version in every event.
const identityTime = "1970-01-01T00:00:00.000Z"

// Options tune Event.STIX.
type Options struct {
	// Floor is the least restrictive TLP level ("CLEAR", "GREEN", "AMBER",
	// "AMBER+STRICT", "RED") any produced object may carry; objects whose
	// own level is less restrictive are raised to it. "" sets no floor. Use
	// it for data received under a marking of its own, e.g. a feed shared
	// under TLP:AMBER.
	Floor string
}

// STIX converts the event into STIX 2.1 objects, each a complete JSON
// object valid against the OASIS STIX 2.1 schemas: an identity for the
// creating organisation (when the event names one), a report for the event
// whose object_refs list every other object produced, and for each
// attribute (the event's own, then those of each MISP object in turn) the
// objects the package documentation's mapping table gives. Every object
// carries exactly one object_marking_refs entry, a TLP 2.0
// marking-definition id chosen as the package documentation says. The
// output is deterministic: the same event and options give the same bytes.
// It fails on an unknown Options.Floor, on two attributes or objects with
// the same uuid, and on an event with neither attributes nor creator
// (a report needs at least one object_ref).
func (e *Event) STIX(opts Options) ([]json.RawMessage, error) {
	if opts.Floor != "" && rank(opts.Floor) == 0 {
		return nil, fmt.Errorf("misp: Options.Floor %q: not a TLP level (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)", opts.Floor)
	}
	c := &converter{e: e, floor: opts.Floor, seen: map[string]bool{}}
	c.eventTagLevel = tagsLevel(e.Tags)
	c.eventDistLevel = DistributionLevel(e.Distribution)
	if c.eventDistLevel == "" { // an event cannot inherit: 5 is unreadable
		c.eventDistLevel = LevelRed
	}
	c.eventLevel = c.raise(stricter(c.eventTagLevel, c.eventDistLevel))
	c.modified = e.Timestamp
	c.created = e.Date
	if c.created.IsZero() || c.created.After(c.modified) {
		c.created = c.modified
	}
	c.report = objectID("report", e.UUID)

	var out []obj
	if e.Orgc.UUID != "" || e.Orgc.Name != "" {
		idn := c.identityObject()
		c.identity = idn["id"].(string)
		out = append(out, idn)
		c.refs = append(c.refs, c.identity)
	}
	for _, a := range e.Attributes {
		objs, err := c.attribute(a, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, objs...)
	}
	for i := range e.Objects {
		o := &e.Objects[i]
		if c.seen["object:"+o.UUID] {
			return nil, invalidf("misp: event %s: object uuid %s appears twice", e.UUID, o.UUID)
		}
		c.seen["object:"+o.UUID] = true
		for _, a := range o.Attributes {
			objs, err := c.attribute(a, o)
			if err != nil {
				return nil, err
			}
			out = append(out, objs...)
		}
	}
	if len(c.refs) == 0 {
		return nil, invalidf("misp: event %s: no attributes and no Orgc: a STIX report needs at least one object to refer to", e.UUID)
	}
	report := c.reportObject()
	out = append([]obj{report}, out...)

	raws := make([]json.RawMessage, 0, len(out))
	for _, o := range out {
		raw, err := marshal(o)
		if err != nil {
			return nil, fmt.Errorf("misp: event %s: encode %s: %w", e.UUID, o["id"], err)
		}
		raws = append(raws, raw)
	}
	return raws, nil
}

type converter struct {
	e                 *Event
	floor             string
	eventLevel        string // the event's TLP level, floor applied
	eventTagLevel     string // the level of the event's TLP tags, or ""
	eventDistLevel    string // the level of the event's distribution (5: RED)
	created, modified time.Time
	identity, report  string
	refs              []string // ids for the report's object_refs
	seen              map[string]bool
}

func (c *converter) raise(level string) string { return stricter(level, c.floor) }

// level is the TLP level of an attribute (in MISP object o, or nil): the
// stricter of its TLP tag level (its own TLP tags, else the event's) and
// its distribution level, where "inherit" defers to the object's
// distribution and then the event's. Either alone may only narrow what the
// other allows: a tag cannot widen a distribution, nor a distribution a tag.
func (c *converter) level(a Attribute, o *Object) string {
	tag := tagsLevel(a.Tags)
	if tag == "" {
		tag = c.eventTagLevel
	}
	d := a.Distribution
	if d == DistInherit && o != nil {
		d = o.Distribution
	}
	dist := DistributionLevel(d)
	if dist == "" { // inherit, from the attribute or its object
		dist = c.eventDistLevel
	}
	// MISP shares an attribute no further than its object and its event:
	// their distributions cap the attribute's.
	if o != nil {
		if od := DistributionLevel(o.Distribution); od != "" {
			dist = stricter(dist, od)
		}
	}
	dist = stricter(dist, c.eventDistLevel)
	return c.raise(stricter(tag, dist))
}

func marking(level string) []string {
	id, ok := stix.TLPID(level)
	if !ok { // unreachable: levels come from this package
		id = stix.TLPRed
	}
	return []string{id}
}

func (c *converter) identityObject() obj {
	key := strings.ToLower(c.e.Orgc.UUID)
	if key == "" {
		key = "name:" + c.e.Orgc.Name
	} else if u, err := canonUUID(key); err == nil {
		key = u
	}
	name := c.e.Orgc.Name
	if name == "" {
		name = "MISP organisation " + c.e.Orgc.UUID
	}
	o := obj{
		"type":                "identity",
		"spec_version":        "2.1",
		"id":                  "identity--" + uuid.NewSHA1(uuid.MustParse(Namespace), []byte(key)).String(),
		"created":             identityTime,
		"modified":            identityTime,
		"name":                name,
		"identity_class":      "organization",
		"object_marking_refs": marking(c.eventLevel),
	}
	if c.e.Orgc.UUID != "" {
		o["x_misp_org_uuid"] = c.e.Orgc.UUID
	}
	return o
}

func (c *converter) reportObject() obj {
	e := c.e
	published := e.PublishTimestamp
	if published.IsZero() {
		published = e.Date
	}
	if published.IsZero() {
		published = e.Timestamp
	}
	o := obj{
		"type":                "report",
		"spec_version":        "2.1",
		"id":                  c.report,
		"created":             ts(c.created),
		"modified":            ts(c.modified),
		"name":                e.Info,
		"report_types":        []string{"threat-report"},
		"published":           ts(published),
		"object_refs":         c.refs,
		"object_marking_refs": marking(c.eventLevel),
		"x_misp_event_uuid":   e.UUID,
		"x_misp_published":    e.Published,
		"x_misp_analysis":     e.Analysis,
	}
	if c.identity != "" {
		o["created_by_ref"] = c.identity
	}
	if l := labels(e.Tags); len(l) > 0 {
		o["labels"] = l
	}
	if e.ThreatLevel != 0 {
		o["x_misp_threat_level_id"] = e.ThreatLevel
	}
	if e.Distribution != DistUnknown {
		o["x_misp_distribution"] = e.Distribution
	}
	return o
}

// labels returns the tags that name no TLP level.
func labels(tags []string) []string {
	var out []string
	for _, t := range tags {
		if TagLevel(t) == "" {
			out = append(out, t)
		}
	}
	return out
}

// attribute converts one attribute (in MISP object o, or nil).
func (c *converter) attribute(a Attribute, o *Object) ([]obj, error) {
	if c.seen["attribute:"+a.UUID] {
		return nil, invalidf("misp: event %s: attribute uuid %s appears twice", c.e.UUID, a.UUID)
	}
	c.seen["attribute:"+a.UUID] = true
	level := c.level(a, o)
	modified := a.Timestamp
	created := c.created
	if created.After(modified) {
		created = modified
	}
	sdo := func(typ string) obj {
		x := obj{
			"type":                typ,
			"spec_version":        "2.1",
			"id":                  objectID(typ, a.UUID),
			"created":             ts(created),
			"modified":            ts(modified),
			"object_marking_refs": marking(level),
		}
		if c.identity != "" {
			x["created_by_ref"] = c.identity
		}
		l := labels(a.Tags)
		if o != nil {
			l = append(l, "misp-object:"+o.Name)
		}
		if len(l) > 0 {
			x["labels"] = l
		}
		c.context(x, a, o)
		return x
	}
	custom := func(reason string) []obj {
		x := sdo("x-misp-attribute")
		x["x_misp_value"] = a.Value
		x["x_misp_to_ids"] = a.ToIDs
		if a.Comment != "" {
			x["x_misp_comment"] = a.Comment
		}
		if reason != "" {
			x["x_misp_unmapped_reason"] = reason
		}
		return []obj{x}
	}

	var objs []obj
	switch {
	case a.Type == "vulnerability":
		x := sdo("vulnerability")
		name := strings.TrimSpace(a.Value)
		x["name"] = name
		if isCVE(name) {
			x["external_references"] = []obj{{"source_name": "cve", "external_id": strings.ToUpper(name)}}
		}
		if a.Comment != "" {
			x["description"] = a.Comment
		}
		objs = []obj{x}
	case a.Type == "text" || a.Type == "comment" || a.Type == "other":
		x := sdo("note")
		x["content"] = a.Value
		if a.Comment != "" {
			x["abstract"] = a.Comment
		}
		x["object_refs"] = []string{c.report}
		objs = []obj{x}
	case isIoC(a.Type):
		ob := observableOf(a.Type, a.Value, func(typ string, n int) string {
			if n == 0 {
				return objectID(typ, a.UUID)
			}
			return derivedID(typ, a.UUID, n)
		})
		switch {
		case a.ToIDs && ob.pattern != "":
			x := sdo("indicator")
			x["pattern"] = ob.pattern
			x["pattern_type"] = ob.patternType
			if ob.patternType == "stix" {
				x["pattern_version"] = "2.1"
				x["name"] = strings.TrimSpace(a.Value)
			}
			x["valid_from"] = ts(a.Timestamp)
			if a.Comment != "" {
				x["description"] = a.Comment
			}
			objs = []obj{x}
		case a.ToIDs:
			objs = custom(ob.patternErr)
		case len(ob.scos) > 0:
			for i, s := range ob.scos {
				s["spec_version"] = "2.1"
				s["object_marking_refs"] = marking(level)
				if i == 0 {
					c.context(s, a, o)
					if a.Comment != "" {
						s["x_misp_comment"] = a.Comment
					}
					if l := labels(a.Tags); len(l) > 0 {
						s["x_misp_tags"] = l
					}
				}
			}
			objs = ob.scos
		default:
			objs = custom(ob.scoErr)
		}
	default:
		objs = custom("")
	}
	for _, x := range objs {
		c.refs = append(c.refs, x["id"].(string))
	}
	return objs, nil
}

// context records where an object came from in MISP.
func (c *converter) context(x obj, a Attribute, o *Object) {
	x["x_misp_attribute_uuid"] = a.UUID
	x["x_misp_type"] = a.Type
	if a.Category != "" {
		x["x_misp_category"] = a.Category
	}
	if o == nil {
		return
	}
	x["x_misp_object_uuid"] = o.UUID
	x["x_misp_object_name"] = o.Name
	if a.ObjectRelation != "" {
		x["x_misp_object_relation"] = a.ObjectRelation
	}
	if o.MetaCategory != "" {
		x["x_misp_meta_category"] = o.MetaCategory
	}
	if o.Comment != "" {
		x["x_misp_object_comment"] = o.Comment
	}
}

// isCVE reports whether s looks like a CVE id (CVE-YYYY-NNNN…).
func isCVE(s string) bool {
	rest, ok := strings.CutPrefix(strings.ToUpper(s), "CVE-")
	if !ok || len(rest) < 9 || rest[4] != '-' {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if i != 4 && (rest[i] < '0' || rest[i] > '9') {
			return false
		}
	}
	return true
}

// objectID is typ--u when u is a UUID a STIX identifier accepts (RFC 4122
// variant, version 1 to 5), else typ--UUIDv5(Namespace, typ+"--"+u).
func objectID(typ, u string) string {
	if p, err := uuid.Parse(u); err == nil && p.Variant() == uuid.RFC4122 && p.Version() >= 1 && p.Version() <= 5 {
		return typ + "--" + p.String()
	}
	return typ + "--" + uuid.NewSHA1(uuid.MustParse(Namespace), []byte(typ+"--"+u)).String()
}

// derivedID is the id of the n-th (n ≥ 1) object of type typ that the
// attribute with uuid u yields besides its primary one.
func derivedID(typ, u string, n int) string {
	return typ + "--" + uuid.NewSHA1(uuid.MustParse(Namespace), fmt.Appendf(nil, "%s--%s/%d", typ, u, n)).String()
}

// ts renders a STIX timestamp with millisecond precision, as created and
// modified require.
func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// marshal encodes o compactly, without HTML escaping, keys sorted.
func marshal(o obj) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(o); err != nil {
		return nil, err
	}
	return json.RawMessage(bytes.TrimRight(b.Bytes(), "\n")), nil
}
