package misp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// invalidError is an error about the input: it matches ErrInvalid (and
// whatever it wraps) without repeating ErrInvalid's text.
type invalidError struct{ err error }

func (e invalidError) Error() string   { return e.err.Error() }
func (e invalidError) Unwrap() []error { return []error{ErrInvalid, e.err} }

// invalidf returns an error wrapping ErrInvalid and, with %w, its cause.
func invalidf(format string, args ...any) error {
	return invalidError{fmt.Errorf(format, args...)}
}

// ErrInvalid is wrapped by every error that reports input which is not a
// MISP event this package can read: malformed JSON, a missing or malformed
// required field, a bad timestamp. Callers match it with errors.Is.
var ErrInvalid = errors.New("misp: invalid input")

// Distribution levels of MISP events, objects and attributes.
const (
	DistOrganisation = 0 // "Your organisation only"
	DistCommunity    = 1 // "This community only"
	DistConnected    = 2 // "Connected communities"
	DistAll          = 3 // "All communities"
	DistSharingGroup = 4 // "Sharing group"
	DistInherit      = 5 // "Inherit event" (objects and attributes only)
)

// DistUnknown is the Distribution of an event, object or attribute whose
// MISP JSON carries no distribution. For an attribute or object it is read
// as DistInherit; for an event Marking maps it to RED.
const DistUnknown = -1

// Org is a MISP organisation as an event names it (Orgc, the creator, or
// Org, the owner on the instance it came from).
type Org struct {
	UUID string // as given; may be empty
	Name string
}

// Event is one MISP event as read from MISP's JSON core format. Times are in
// UTC; numbers MISP sends as strings are already numbers.
type Event struct {
	UUID string // canonical lower-case form of the event uuid
	Info string // the event's title, never empty

	// Date is the event's date (midnight UTC); zero when the JSON has none.
	Date time.Time
	// Timestamp is the last change of the event; when the JSON has none it
	// is Date.
	Timestamp time.Time
	// PublishTimestamp is when the event was last published; zero if never.
	PublishTimestamp time.Time
	Published        bool

	ThreatLevel  int // threat_level_id: 1 high, 2 medium, 3 low, 4 undefined; 0 if absent
	Analysis     int // 0 initial, 1 ongoing, 2 completed
	Distribution int // 0..4, or DistUnknown

	Orgc Org // the creating organisation; zero if absent
	Org  Org // the owning organisation; zero if absent

	// Tags are the names of the event's tags followed by the tag names of
	// its galaxy clusters, in order, without duplicates.
	Tags []string

	Attributes []Attribute // the event's own attributes, not those in objects
	Objects    []Object
}

// Attribute is one MISP attribute. ReadEvent leaves out attributes MISP
// marks deleted; everything else is kept.
type Attribute struct {
	UUID     string // canonical lower-case form
	Type     string // MISP attribute type, e.g. "ip-dst", "filename|sha256"
	Category string
	Value    string
	ToIDs    bool
	Comment  string
	// ObjectRelation is the attribute's role in its MISP object (e.g.
	// "sha256"); empty outside objects.
	ObjectRelation string
	// Timestamp is the attribute's last change; when the JSON has none it
	// is the event's Timestamp.
	Timestamp time.Time
	// Distribution is 0..5; an attribute without one inherits (5).
	Distribution int
	// Tags are the names of the attribute's tags followed by the tag names
	// of its galaxy clusters, without duplicates.
	Tags []string
}

// Object is a MISP object: a named template instance grouping attributes.
type Object struct {
	UUID         string // canonical lower-case form
	Name         string // template name, e.g. "file", "domain-ip"
	MetaCategory string
	Comment      string
	Timestamp    time.Time // the event's Timestamp when the JSON has none
	Distribution int       // 0..5; an object without one inherits (5)
	Attributes   []Attribute
}

// ReadEvent reads exactly one MISP event in MISP's JSON core format from r:
// an event file ({"Event": {...}}), a bare event object, or the REST API's
// list form ({"response": [{"Event": {...}}]}) holding exactly one event.
// Numbers and booleans are accepted as JSON numbers, booleans or strings.
// Any input it cannot read, or an event without uuid or info, or with a
// timestamp that is not a Unix time, is an error wrapping ErrInvalid that
// names the field at fault.
func ReadEvent(r io.Reader) (*Event, error) {
	evs, err := ReadEvents(r)
	if err != nil {
		return nil, err
	}
	if len(evs) != 1 {
		return nil, invalidf("misp: response holds %d events, want exactly one (use ReadEvents)", len(evs))
	}
	return evs[0], nil
}

// ReadEvents is ReadEvent for input that may hold several events: the REST
// API's {"response": [...]} list yields every event in order (possibly
// none); the other forms yield one. One bad event makes the whole input an
// error, naming the event's position.
func ReadEvents(r io.Reader) ([]*Event, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("misp: read: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, invalidf("misp: malformed JSON: %w", err)
	}
	if top == nil {
		return nil, invalidf("misp: want a JSON object, got null")
	}
	if raw, ok := top["response"]; ok {
		var list []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, invalidf("misp: response: want a list of {\"Event\": {...}}: %w", err)
		}
		evs := make([]*Event, 0, len(list))
		for i, item := range list {
			ev, ok := item["Event"]
			if !ok {
				return nil, invalidf("misp: response[%d]: no Event", i)
			}
			e, err := parseEvent(ev)
			if err != nil {
				return nil, fmt.Errorf("misp: response[%d]: %w", i, err)
			}
			evs = append(evs, e)
		}
		return evs, nil
	}
	if raw, ok := top["Event"]; ok {
		e, err := parseEvent(raw)
		if err != nil {
			return nil, fmt.Errorf("misp: %w", err)
		}
		return []*Event{e}, nil
	}
	e, err := parseEvent(data)
	if err != nil {
		return nil, fmt.Errorf("misp: %w", err)
	}
	return []*Event{e}, nil
}

// The wire forms. Numbers and booleans go through num and flag, which never
// fail while decoding so that conversion can name the field at fault.

type wireEvent struct {
	UUID             *string         `json:"uuid"`
	Info             *string         `json:"info"`
	Date             string          `json:"date"`
	Timestamp        num             `json:"timestamp"`
	PublishTimestamp num             `json:"publish_timestamp"`
	Published        flag            `json:"published"`
	ThreatLevelID    num             `json:"threat_level_id"`
	Analysis         num             `json:"analysis"`
	Distribution     num             `json:"distribution"`
	Orgc             *wireOrg        `json:"Orgc"`
	Org              *wireOrg        `json:"Org"`
	Tag              []wireTag       `json:"Tag"`
	Galaxy           []wireGalaxy    `json:"Galaxy"`
	Attribute        []wireAttribute `json:"Attribute"`
	Object           []wireObject    `json:"Object"`
}

type wireOrg struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
}

type wireTag struct {
	Name string `json:"name"`
}

type wireGalaxy struct {
	Type    string `json:"type"`
	Cluster []struct {
		TagName string `json:"tag_name"`
		Type    string `json:"type"`
		Value   string `json:"value"`
	} `json:"GalaxyCluster"`
}

type wireAttribute struct {
	UUID           string       `json:"uuid"`
	Type           string       `json:"type"`
	Category       string       `json:"category"`
	Value          *string      `json:"value"`
	ToIDs          flag         `json:"to_ids"`
	Comment        string       `json:"comment"`
	ObjectRelation *string      `json:"object_relation"`
	Timestamp      num          `json:"timestamp"`
	Distribution   num          `json:"distribution"`
	Deleted        flag         `json:"deleted"`
	Tag            []wireTag    `json:"Tag"`
	Galaxy         []wireGalaxy `json:"Galaxy"`
}

type wireObject struct {
	UUID         string          `json:"uuid"`
	Name         string          `json:"name"`
	MetaCategory string          `json:"meta-category"`
	Comment      string          `json:"comment"`
	Timestamp    num             `json:"timestamp"`
	Distribution num             `json:"distribution"`
	Deleted      flag            `json:"deleted"`
	Attribute    []wireAttribute `json:"Attribute"`
}

// num is a JSON number, a string holding one, or null/"" (unset).
type num struct {
	raw string
	set bool
}

func (n *num) UnmarshalJSON(b []byte) error {
	*n = num{}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			n.raw, n.set = string(b), true
			return nil
		}
		s = strings.TrimSpace(s)
		n.raw, n.set = s, s != ""
		return nil
	}
	n.raw, n.set = string(b), true
	return nil
}

// int returns the number, or def when unset.
func (n num) int(field string, def int64) (int64, error) {
	if !n.set {
		return def, nil
	}
	if v, err := strconv.ParseInt(n.raw, 10, 64); err == nil {
		return v, nil
	}
	if f, err := strconv.ParseFloat(n.raw, 64); err == nil && f == float64(int64(f)) {
		return int64(f), nil
	}
	return 0, invalidf("%s %q: not an integer", field, n.raw)
}

// unix reads a Unix time in seconds; unset or 0 is the zero time.
func (n num) unix(field string) (time.Time, error) {
	v, err := n.int(field, 0)
	if err != nil {
		return time.Time{}, invalidf("%s %q: not a Unix time", field, n.raw)
	}
	if v < 0 || v > 253402300799 { // 9999-12-31T23:59:59Z
		return time.Time{}, invalidf("%s %q: Unix time out of range", field, n.raw)
	}
	if v == 0 {
		return time.Time{}, nil
	}
	return time.Unix(v, 0).UTC(), nil
}

// flag is a JSON boolean, 0/1, or a string holding one of those.
type flag struct {
	raw string
}

func (f *flag) UnmarshalJSON(b []byte) error {
	f.raw = strings.Trim(string(bytes.TrimSpace(b)), `"`)
	return nil
}

func (f flag) bool(field string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(f.raw)) {
	case "", "null", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	}
	return false, invalidf("%s %q: not a boolean", field, f.raw)
}

func parseEvent(raw json.RawMessage) (*Event, error) {
	var w wireEvent
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, invalidf("event: %w", err)
	}
	if w.UUID == nil || strings.TrimSpace(*w.UUID) == "" {
		return nil, invalidf("event: missing uuid")
	}
	id, err := canonUUID(*w.UUID)
	if err != nil {
		return nil, invalidf("event: uuid %q: not a UUID", *w.UUID)
	}
	e := &Event{UUID: id}
	fail := func(err error) (*Event, error) {
		return nil, fmt.Errorf("event %s: %w", id, err)
	}
	if w.Info == nil || strings.TrimSpace(*w.Info) == "" {
		return fail(invalidf("missing info"))
	}
	e.Info = *w.Info
	if d := strings.TrimSpace(w.Date); d != "" {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil {
			t, err = time.Parse(time.RFC3339, d)
		}
		if err != nil {
			return fail(invalidf("date %q: want YYYY-MM-DD", d))
		}
		y, m, dd := t.UTC().Date()
		e.Date = time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
	}
	if e.Timestamp, err = w.Timestamp.unix("timestamp"); err != nil {
		return fail(err)
	}
	if e.Timestamp.IsZero() {
		if e.Date.IsZero() {
			return fail(invalidf("missing timestamp and date: need one of them"))
		}
		e.Timestamp = e.Date
	}
	if e.PublishTimestamp, err = w.PublishTimestamp.unix("publish_timestamp"); err != nil {
		return fail(err)
	}
	if e.Published, err = w.Published.bool("published"); err != nil {
		return fail(err)
	}
	var v int64
	if v, err = w.ThreatLevelID.int("threat_level_id", 0); err != nil {
		return fail(err)
	}
	e.ThreatLevel = int(v)
	if v, err = w.Analysis.int("analysis", 0); err != nil {
		return fail(err)
	}
	e.Analysis = int(v)
	if v, err = w.Distribution.int("distribution", DistUnknown); err != nil {
		return fail(err)
	}
	e.Distribution = int(v)
	if w.Orgc != nil {
		e.Orgc = Org{UUID: strings.TrimSpace(w.Orgc.UUID), Name: w.Orgc.Name}
	}
	if w.Org != nil {
		e.Org = Org{UUID: strings.TrimSpace(w.Org.UUID), Name: w.Org.Name}
	}
	e.Tags = tagNames(w.Tag, w.Galaxy)

	for i, wa := range w.Attribute {
		a, keep, err := parseAttribute(wa, e.Timestamp)
		if err != nil {
			return fail(fmt.Errorf("Attribute[%d]: %w", i, err))
		}
		if keep {
			e.Attributes = append(e.Attributes, a)
		}
	}
	for i, wo := range w.Object {
		o, keep, err := parseObject(wo, e.Timestamp)
		if err != nil {
			return fail(fmt.Errorf("Object[%d]: %w", i, err))
		}
		if keep {
			e.Objects = append(e.Objects, o)
		}
	}
	return e, nil
}

func parseObject(w wireObject, eventTS time.Time) (Object, bool, error) {
	if strings.TrimSpace(w.UUID) == "" {
		return Object{}, false, invalidf("missing uuid")
	}
	id, err := canonUUID(w.UUID)
	if err != nil {
		return Object{}, false, invalidf("uuid %q: not a UUID", w.UUID)
	}
	deleted, err := w.Deleted.bool("deleted")
	if err != nil {
		return Object{}, false, fmt.Errorf("object %s: %w", id, err)
	}
	if deleted {
		return Object{}, false, nil
	}
	if strings.TrimSpace(w.Name) == "" {
		return Object{}, false, invalidf("object %s: missing name", id)
	}
	o := Object{UUID: id, Name: w.Name, MetaCategory: w.MetaCategory, Comment: w.Comment}
	if o.Timestamp, err = w.Timestamp.unix("timestamp"); err != nil {
		return Object{}, false, fmt.Errorf("object %s: %w", id, err)
	}
	if o.Timestamp.IsZero() {
		o.Timestamp = eventTS
	}
	d, err := w.Distribution.int("distribution", DistInherit)
	if err != nil {
		return Object{}, false, fmt.Errorf("object %s: %w", id, err)
	}
	o.Distribution = int(d)
	for i, wa := range w.Attribute {
		a, keep, err := parseAttribute(wa, o.Timestamp)
		if err != nil {
			return Object{}, false, fmt.Errorf("object %s: Attribute[%d]: %w", id, i, err)
		}
		if keep {
			o.Attributes = append(o.Attributes, a)
		}
	}
	return o, true, nil
}

// parseAttribute reads one attribute; keep is false for a deleted one.
func parseAttribute(w wireAttribute, parentTS time.Time) (a Attribute, keep bool, err error) {
	if strings.TrimSpace(w.UUID) == "" {
		return a, false, invalidf("missing uuid")
	}
	id, err := canonUUID(w.UUID)
	if err != nil {
		return a, false, invalidf("uuid %q: not a UUID", w.UUID)
	}
	fail := func(err error) (Attribute, bool, error) {
		return Attribute{}, false, fmt.Errorf("attribute %s: %w", id, err)
	}
	deleted, err := w.Deleted.bool("deleted")
	if err != nil {
		return fail(err)
	}
	if deleted {
		return a, false, nil
	}
	if strings.TrimSpace(w.Type) == "" {
		return fail(invalidf("missing type"))
	}
	if w.Value == nil {
		return fail(invalidf("missing value"))
	}
	a = Attribute{UUID: id, Type: strings.TrimSpace(w.Type), Category: w.Category, Value: *w.Value, Comment: w.Comment}
	if w.ObjectRelation != nil {
		a.ObjectRelation = *w.ObjectRelation
	}
	if a.ToIDs, err = w.ToIDs.bool("to_ids"); err != nil {
		return fail(err)
	}
	if a.Timestamp, err = w.Timestamp.unix("timestamp"); err != nil {
		return fail(err)
	}
	if a.Timestamp.IsZero() {
		a.Timestamp = parentTS
	}
	d, err := w.Distribution.int("distribution", DistInherit)
	if err != nil {
		return fail(err)
	}
	a.Distribution = int(d)
	a.Tags = tagNames(w.Tag, w.Galaxy)
	return a, true, nil
}

// tagNames lists tag names, then galaxy cluster tag names, once each.
func tagNames(tags []wireTag, galaxies []wireGalaxy) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, t := range tags {
		add(t.Name)
	}
	for _, g := range galaxies {
		for _, c := range g.Cluster {
			if c.TagName != "" {
				add(c.TagName)
				continue
			}
			typ := c.Type
			if typ == "" {
				typ = g.Type
			}
			if typ != "" && c.Value != "" {
				add(fmt.Sprintf("misp-galaxy:%s=%q", typ, c.Value))
			}
		}
	}
	return out
}

// canonUUID parses any UUID spelling MISP uses and returns it lower-case
// and hyphenated.
func canonUUID(s string) (string, error) {
	u, err := uuid.Parse(strings.TrimSpace(s))
	if err != nil {
		return "", err
	}
	return u.String(), nil
}
