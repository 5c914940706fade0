package misp

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

const (
	feedGood    = "e1000000-0000-4000-8000-000000000001"
	feedBroken  = "e2000000-0000-4000-8000-000000000002"
	feedMissing = "e3000000-0000-4000-8000-000000000003"
)

func TestReadFeed(t *testing.T) {
	type result struct {
		uuid string // of the event, or of the FeedError
		err  error
	}
	var got []result
	for ev, err := range ReadFeed(os.DirFS("testdata/feed")) {
		switch {
		case err != nil:
			var fe *FeedError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FeedError", err)
			}
			got = append(got, result{fe.UUID, err})
		case ev == nil:
			t.Fatal("nil event without error")
		default:
			got = append(got, result{ev.UUID, nil})
		}
	}
	want := []struct {
		uuid    string
		errWant string
		is      error
	}{
		{feedGood, "", nil},
		{feedBroken, "malformed JSON", ErrInvalid},
		{feedMissing, feedMissing + ".json", fs.ErrNotExist},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d results %v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.uuid != w.uuid {
			t.Errorf("result %d: uuid %s, want %s", i, g.uuid, w.uuid)
		}
		if w.errWant == "" {
			if g.err != nil {
				t.Errorf("result %d: %v", i, g.err)
			}
			continue
		}
		if g.err == nil || !strings.Contains(g.err.Error(), w.errWant) || !errors.Is(g.err, w.is) {
			t.Errorf("result %d: err %v, want one saying %q and wrapping %v", i, g.err, w.errWant, w.is)
		}
	}
}

func TestFeedEventSTIX(t *testing.T) {
	var ev *Event
	for e, err := range ReadFeed(os.DirFS("testdata/feed")) {
		if err == nil {
			ev = e
			break
		}
	}
	if ev == nil {
		t.Fatal("no readable event in the feed")
	}
	for _, tc := range []struct {
		floor                  string
		report, indicator, sco string
	}{
		{"", "CLEAR", "CLEAR", "RED"},
		{"AMBER", "AMBER", "AMBER", "RED"},
	} {
		byID, ids, raws := convert(t, ev, Options{Floor: tc.floor})
		validateAll(t, raws)
		if len(ids) != 4 {
			t.Errorf("floor %q: %d objects %v, want report, identity, indicator, ipv4-addr", tc.floor, len(ids), ids)
		}
		rep := byID["report--"+feedGood]
		ind := byID["indicator--e1000000-0000-4000-8000-0000000000a1"]
		sco := byID["ipv4-addr--e1000000-0000-4000-8000-0000000000a2"]
		if rep == nil || ind == nil || sco == nil {
			t.Fatalf("floor %q: got %v", tc.floor, ids)
		}
		for name, c := range map[string]struct {
			o    map[string]any
			want string
		}{"report": {rep, tc.report}, "indicator": {ind, tc.indicator}, "ipv4-addr": {sco, tc.sco}} {
			if got := markingOf(t, c.o); got != c.want {
				t.Errorf("floor %q: %s marking %s, want %s", tc.floor, name, got, c.want)
			}
		}
		if ind["pattern"] != "[ipv4-addr:value = '192.0.2.0/24']" {
			t.Errorf("pattern %v", ind["pattern"])
		}
		if sco["x_misp_comment"] != "our own honeypot saw it" {
			t.Errorf("ipv4-addr %v", sco)
		}
		if rep["created_by_ref"] != "identity--6cf40014-2fea-5ced-8da4-4bf670e8a983" {
			t.Errorf("created_by_ref %v", rep["created_by_ref"])
		}
	}
}

func TestReadFeedEdges(t *testing.T) {
	event := func(id string) *fstest.MapFile {
		b, _ := json.Marshal(map[string]any{"Event": map[string]any{"uuid": id, "info": "e", "timestamp": "1700000000"}})
		return &fstest.MapFile{Data: b}
	}
	const a, b = "aa000000-0000-4000-8000-000000000001", "bb000000-0000-4000-8000-000000000002"
	tests := []struct {
		name      string
		fsys      fstest.MapFS
		results   []string // event uuid, or "error: <substring>"
		feedError bool     // errors are *FeedError
	}{
		{"no manifest", fstest.MapFS{a + ".json": event(a)}, []string{"error: manifest.json"}, false},
		{"malformed manifest", fstest.MapFS{"manifest.json": {Data: []byte(`{"x": `)}}, []string{"error: manifest.json"}, false},
		{"null manifest", fstest.MapFS{"manifest.json": {Data: []byte(`null`)}}, []string{"error: got null"}, false},
		{"empty manifest", fstest.MapFS{"manifest.json": {Data: []byte(`{}`)}}, nil, false},
		{"key not a uuid", fstest.MapFS{
			"manifest.json": {Data: []byte(`{"../secret": {}, "` + a + `": {}}`)},
			a + ".json":     event(a),
		}, []string{"error: manifest key \"../secret\" is not a UUID", a}, true},
		{"file holds another event", fstest.MapFS{
			"manifest.json": {Data: []byte(`{"` + a + `": {}, "` + b + `": {}}`)},
			a + ".json":     event(b),
			b + ".json":     event(b),
		}, []string{"error: holds event " + b, b}, true},
		{"extra files ignored", fstest.MapFS{
			"manifest.json": {Data: []byte(`{"` + b + `": {"info": "e"}}`)},
			a + ".json":     event(a),
			b + ".json":     event(b),
			"hashes.csv":    {Data: []byte("x")},
		}, []string{b}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for ev, err := range ReadFeed(tc.fsys) {
				if err != nil {
					var fe *FeedError
					if errors.As(err, &fe) != tc.feedError {
						t.Errorf("error %v: *FeedError %v, want %v", err, !tc.feedError, tc.feedError)
					}
					got = append(got, "error: "+err.Error())
					continue
				}
				got = append(got, ev.UUID)
			}
			if len(got) != len(tc.results) {
				t.Fatalf("got %q, want %q", got, tc.results)
			}
			for i := range got {
				if !strings.Contains(got[i], strings.TrimPrefix(tc.results[i], "error: ")) || strings.HasPrefix(got[i], "error: ") != strings.HasPrefix(tc.results[i], "error: ") {
					t.Errorf("result %d: %q, want %q", i, got[i], tc.results[i])
				}
			}
		})
	}
}

func TestReadFeedStopsEarly(t *testing.T) {
	n := 0
	for range ReadFeed(os.DirFS("testdata/feed")) {
		n++
		break
	}
	if n != 1 {
		t.Errorf("%d iterations after break", n)
	}
}

func TestReadManifest(t *testing.T) {
	entries, err := ReadManifest(os.DirFS("testdata/feed"))
	if err != nil {
		t.Fatal(err)
	}
	want := []FeedEntry{
		{feedGood, "Scanning from 192.0.2.0/24"},
		{feedBroken, "truncated"},
		{feedMissing, "listed but never written"},
	}
	if len(entries) != len(want) {
		t.Fatalf("got %v", entries)
	}
	for i := range want {
		if entries[i] != want[i] {
			t.Errorf("entry %d: %+v, want %+v", i, entries[i], want[i])
		}
	}
}

func TestIsFeed(t *testing.T) {
	tests := []struct {
		name string
		fsys fs.FS
		want bool
	}{
		{"feed directory", os.DirFS("testdata/feed"), true},
		{"directory without manifest", os.DirFS("testdata"), false},
		{"broken manifest", fstest.MapFS{"manifest.json": {Data: []byte(`{"type": "bundle"`)}}, false},
		{"manifest not an object of objects", fstest.MapFS{"manifest.json": {Data: []byte(`{"type": "bundle"}`)}}, false},
		{"empty manifest", fstest.MapFS{"manifest.json": {Data: []byte(`{}`)}}, true},
	}
	for _, tc := range tests {
		if got := IsFeed(tc.fsys); got != tc.want {
			t.Errorf("%s: IsFeed = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestLooksLikeEvent(t *testing.T) {
	fixture, err := os.ReadFile("testdata/event.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		input string
		want  bool
	}{
		{"event file", string(fixture), true},
		{"event file, first 20 bytes", string(fixture[:20]), true},
		{"event file, compact", `{"Event":{"uuid":"x"`, true},
		{"response", `{"response": [{"Event": {`, true},
		{"bare event", `{"id": "12", "orgc_id": "1", "date": "2024-01-01", "info": "x", "uuid": "5f3c2a1b-`, true},
		{"bare event, nested first", `{"Orgc": {"name": "x", "uuid": "y"}, "uuid": "z", "info": "i"}`, true},
		{"STIX bundle", `{"type": "bundle", "id": "bundle--5f3c2a1b-7d4e-4c2a-9b1e-3a5d7c9e1f20", "objects": [`, false},
		{"STIX bundle, objects first, cut", `{"objects": [{"type": "indicator", "id": "indicator--1", "info": "x", "uuid": "y"`, false},
		{"STIX bundle, id first", `{"id": "bundle--1", "type": "bundle", "objects": []}`, false},
		{"STIX object with uuid-ish keys", `{"type": "x-misp-event", "uuid": "a", "info": "b"}`, false},
		{"byte order mark", "\xef\xbb\xbf{\"Event\": {", true},
		{"garbage", `hello`, false},
		{"array", `[{"Event": {}}]`, false},
		{"empty", ``, false},
		{"empty object", `{}`, false},
		{"only uuid", `{"uuid": "x"}`, false},
	}
	for _, tc := range tests {
		if got := LooksLikeEvent([]byte(tc.input)); got != tc.want {
			t.Errorf("%s: LooksLikeEvent = %v, want %v", tc.name, got, tc.want)
		}
	}
}
