package misp

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const minimal = `"uuid": "5f3c2a1b-7d4e-4c2a-9b1e-3a5d7c9e1f20", "info": "minimal", "timestamp": "1710500000"`

func TestReadEventForms(t *testing.T) {
	tests := []struct {
		name  string
		input string
		n     int // events ReadEvents returns
	}{
		{"event file", `{"Event": {` + minimal + `}}`, 1},
		{"bare event", `{` + minimal + `}`, 1},
		{"response with one", `{"response": [{"Event": {` + minimal + `}}]}`, 1},
		{"response with two", `{"response": [{"Event": {` + minimal + `}}, {"Event": {"uuid": "6f3c2a1b-7d4e-4c2a-9b1e-3a5d7c9e1f21", "info": "second", "date": "2024-01-01"}}]}`, 2},
		{"empty response", `{"response": []}`, 0},
		{"byte order mark", "\xef\xbb\xbf{\"Event\": {" + minimal + `}}`, 1},
		{"upper-case uuid", `{"Event": {"uuid": "5F3C2A1B-7D4E-4C2A-9B1E-3A5D7C9E1F20", "info": "x", "timestamp": 1710500000}}`, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			evs, err := ReadEvents(strings.NewReader(tc.input))
			if err != nil {
				t.Fatalf("ReadEvents: %v", err)
			}
			if len(evs) != tc.n {
				t.Fatalf("%d events, want %d", len(evs), tc.n)
			}
			e, err := ReadEvent(strings.NewReader(tc.input))
			if tc.n != 1 {
				if err == nil || !errors.Is(err, ErrInvalid) {
					t.Fatalf("ReadEvent of %d events: err %v, want ErrInvalid", tc.n, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadEvent: %v", err)
			}
			if e.UUID != fixtureEvent {
				t.Errorf("uuid %s", e.UUID)
			}
			if e.Timestamp != time.Unix(1710500000, 0).UTC() {
				t.Errorf("timestamp %v", e.Timestamp)
			}
		})
	}
}

// TestReadEventNumbers: MISP sends numbers and booleans as strings or not.
func TestReadEventNumbers(t *testing.T) {
	tests := []struct {
		name, fields string
		want         Event
	}{
		{"strings", `"threat_level_id": "2", "analysis": "1", "distribution": "4", "published": "1", "publish_timestamp": "1710503600"`,
			Event{ThreatLevel: 2, Analysis: 1, Distribution: 4, Published: true, PublishTimestamp: time.Unix(1710503600, 0).UTC()}},
		{"numbers", `"threat_level_id": 3, "analysis": 2, "distribution": 0, "published": true, "publish_timestamp": 1710503600`,
			Event{ThreatLevel: 3, Analysis: 2, Distribution: 0, Published: true, PublishTimestamp: time.Unix(1710503600, 0).UTC()}},
		{"absent", ``, Event{Distribution: DistUnknown}},
		{"null and empty", `"threat_level_id": null, "analysis": "", "distribution": null, "published": false, "publish_timestamp": "0"`,
			Event{Distribution: DistUnknown}},
		{"float", `"distribution": 2.0`, Event{Distribution: 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := `{"Event": {` + minimal
			if tc.fields != "" {
				in += ", " + tc.fields
			}
			e, err := ReadEvent(strings.NewReader(in + `}}`))
			if err != nil {
				t.Fatal(err)
			}
			if e.ThreatLevel != tc.want.ThreatLevel || e.Analysis != tc.want.Analysis || e.Distribution != tc.want.Distribution ||
				e.Published != tc.want.Published || !e.PublishTimestamp.Equal(tc.want.PublishTimestamp) {
				t.Errorf("got threat %d analysis %d dist %d published %v at %v", e.ThreatLevel, e.Analysis, e.Distribution, e.Published, e.PublishTimestamp)
			}
		})
	}
}

func TestReadEventDefaults(t *testing.T) {
	in := `{"Event": {"uuid": "5f3c2a1b-7d4e-4c2a-9b1e-3a5d7c9e1f20", "info": "dated", "date": "2024-03-14",
		"Attribute": [{"uuid": "a0000001-0000-4000-8000-000000000001", "type": "text", "value": "v"}],
		"Object": [{"uuid": "b0000001-0000-4000-8000-000000000001", "name": "file", "timestamp": "1710499500",
			"Attribute": [{"uuid": "c0000001-0000-4000-8000-000000000001", "type": "filename", "value": "f"}]},
			{"uuid": "b0000001-0000-4000-8000-000000000002", "name": "gone", "deleted": true}]}}`
	e, err := ReadEvent(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2024, 3, 14, 0, 0, 0, 0, time.UTC)
	if !e.Timestamp.Equal(day) {
		t.Errorf("event timestamp %v, want the date", e.Timestamp)
	}
	a := e.Attributes[0]
	if !a.Timestamp.Equal(day) || a.Distribution != DistInherit || a.ToIDs {
		t.Errorf("attribute %+v", a)
	}
	if len(e.Objects) != 1 {
		t.Fatalf("%d objects, want 1 (deleted one left out)", len(e.Objects))
	}
	o := e.Objects[0]
	if o.Distribution != DistInherit || !o.Attributes[0].Timestamp.Equal(time.Unix(1710499500, 0)) {
		t.Errorf("object %+v", o)
	}
}

func TestReadEventErrors(t *testing.T) {
	attr := func(fields string) string {
		return `{"Event": {` + minimal + `, "Attribute": [{"uuid": "a0000001-0000-4000-8000-000000000001", "type": "ip-dst", "value": "192.0.2.1"` + fields + `}]}}`
	}
	tests := []struct {
		name, input string
		want        string // the error must contain it
	}{
		{"malformed JSON", `{"Event": {"uuid": `, "malformed JSON"},
		{"not an object", `[1, 2]`, "malformed JSON"},
		{"null", `null`, "want a JSON object"},
		{"empty", ``, "malformed JSON"},
		{"missing uuid", `{"Event": {"info": "x", "timestamp": "1"}}`, "missing uuid"},
		{"bad uuid", `{"Event": {"uuid": "nope", "info": "x", "timestamp": "1"}}`, `uuid "nope"`},
		{"missing info", `{"Event": {"uuid": "5f3c2a1b-7d4e-4c2a-9b1e-3a5d7c9e1f20", "timestamp": "1"}}`, "missing info"},
		{"empty info", `{"Event": {"uuid": "5f3c2a1b-7d4e-4c2a-9b1e-3a5d7c9e1f20", "info": " ", "timestamp": "1"}}`, "missing info"},
		{"bad timestamp", `{"Event": {"uuid": "5f3c2a1b-7d4e-4c2a-9b1e-3a5d7c9e1f20", "info": "x", "timestamp": "2024-01-01"}}`, `timestamp "2024-01-01": not a Unix time`},
		{"negative timestamp", `{"Event": {"uuid": "5f3c2a1b-7d4e-4c2a-9b1e-3a5d7c9e1f20", "info": "x", "timestamp": -5}}`, `timestamp "-5"`},
		{"no time at all", `{"Event": {"uuid": "5f3c2a1b-7d4e-4c2a-9b1e-3a5d7c9e1f20", "info": "x"}}`, "missing timestamp and date"},
		{"bad date", `{"Event": {` + minimal + `, "date": "14/03/2024"}}`, `date "14/03/2024"`},
		{"bad publish_timestamp", `{"Event": {` + minimal + `, "publish_timestamp": "soon"}}`, "publish_timestamp"},
		{"bad distribution", `{"Event": {` + minimal + `, "distribution": "all"}}`, `distribution "all"`},
		{"bad published", `{"Event": {` + minimal + `, "published": "maybe"}}`, `published "maybe"`},
		{"wrong type", `{"Event": {` + minimal + `, "Attribute": {}}}`, "event"},
		{"response not a list", `{"response": {"Event": {}}}`, "response"},
		{"response item without Event", `{"response": [{"Attribute": []}]}`, "response[0]: no Event"},
		{"attribute bad timestamp", attr(`, "timestamp": "yesterday"`), `Attribute[0]: attribute a0000001-0000-4000-8000-000000000001: timestamp "yesterday"`},
		{"attribute bad to_ids", attr(`, "to_ids": "yes"`), `to_ids "yes"`},
		{"attribute bad distribution", attr(`, "distribution": "x"`), `distribution "x"`},
		{"attribute missing uuid", `{"Event": {` + minimal + `, "Attribute": [{"type": "ip-dst", "value": "1"}]}}`, "event 5f3c2a1b-7d4e-4c2a-9b1e-3a5d7c9e1f20: Attribute[0]: missing uuid"},
		{"attribute missing type", `{"Event": {` + minimal + `, "Attribute": [{"uuid": "a0000001-0000-4000-8000-000000000001", "value": "1"}]}}`, "missing type"},
		{"attribute missing value", `{"Event": {` + minimal + `, "Attribute": [{"uuid": "a0000001-0000-4000-8000-000000000001", "type": "ip-dst"}]}}`, "missing value"},
		{"object missing name", `{"Event": {` + minimal + `, "Object": [{"uuid": "b0000001-0000-4000-8000-000000000001"}]}}`, "Object[0]: object b0000001-0000-4000-8000-000000000001: missing name"},
		{"object attribute bad timestamp", `{"Event": {` + minimal + `, "Object": [{"uuid": "b0000001-0000-4000-8000-000000000001", "name": "file", "Attribute": [{"uuid": "c0000001-0000-4000-8000-000000000001", "type": "filename", "value": "f", "timestamp": "x"}]}]}}`, `misp: event 5f3c2a1b-7d4e-4c2a-9b1e-3a5d7c9e1f20: Object[0]: object b0000001-0000-4000-8000-000000000001: Attribute[0]: attribute c0000001-0000-4000-8000-000000000001: timestamp "x": not a Unix time`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadEvent(strings.NewReader(tc.input))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadEventReaderError(t *testing.T) {
	_, err := ReadEvent(failingReader{})
	if err == nil || errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("err %v, want the reader's error, not ErrInvalid", err)
	}
}
