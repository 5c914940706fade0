package taxii

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var errStop = errors.New("the importer stops")

// keys returns the keys of objects.
func keys(objects []fakeObject) []string {
	var out []string
	for _, o := range objects {
		out = append(out, o.key())
	}
	return out
}

// TestPullEverything goes from discovery to the collection and pulls it
// all, in pages chosen by the server or the client, following "next" or
// added_after, then pulls again for what was added since.
func TestPullEverything(t *testing.T) {
	ctx := context.Background()
	objects := makeObjects(10) // 14 object versions
	basic := func(f *fakeServer) { f.user, f.pass = "nl.jansen", "pw" }
	bearer := func(f *fakeServer) { f.token = "tok" }
	tests := []struct {
		name      string
		giveNext  bool
		pageSize  int // the server's
		pageLimit int // the client's
		auth      func(*fakeServer)
		wantPages int
	}{
		{"next, server's pages, basic", true, 4, 0, basic, 4},
		{"added_after, server's pages, bearer", false, 4, 0, bearer, 4},
		{"next, client's limit", true, 1000, 3, nil, 5},
		{"added_after, client's limit", false, 1000, 3, basic, 5},
		{"one page", true, 1000, 0, nil, 1},
		{"pages of one, added_after", false, 1, 0, nil, 14},
		{"pages of one, next", true, 1, 0, nil, 14},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, objects, func(f *fakeServer) {
				f.giveNext, f.pageSize = tt.giveNext, tt.pageSize
				if tt.auth != nil {
					tt.auth(f)
				}
			})
			c := client(f)
			c.PageLimit = tt.pageLimit

			d, err := c.Discovery(ctx, f.URL)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.APIRoot(ctx, d.Default); err != nil {
				t.Fatal(err)
			}
			cs, err := c.Collections(ctx, d.Default)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(cs.Collections, func(c Collection) bool { return c.CanRead })
			coll, err := CollectionURL(d.Default, cs.Collections[i].ID)
			if err != nil {
				t.Fatal(err)
			}

			start := len(f.requestLog())
			var got []string
			var cursors []Cursor
			end, err := c.Pull(ctx, coll, Cursor{}, func(objs []json.RawMessage, next Cursor) error {
				for _, o := range objs {
					got = append(got, rawKey(t, o))
				}
				cursors = append(cursors, next)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(keys(objects), got); diff != "" {
				t.Errorf("pulled (-want +got):\n%s", diff)
			}
			if want := (Cursor{Collection: coll, DateAdded: objects[len(objects)-1].added}); end != want {
				t.Errorf("final cursor = %+v, want %+v", end, want)
			}
			if len(cursors) != tt.wantPages {
				t.Errorf("%d pages, want %d", len(cursors), tt.wantPages)
			}
			if len(cursors) > 0 && cursors[len(cursors)-1] != end {
				t.Errorf("last page's cursor %+v is not the final cursor %+v", cursors[len(cursors)-1], end)
			}

			// Each request: all versions, the client's limit, and either the
			// original added_after (none) with next, or the last page's end.
			log := f.requestLog()[start:]
			if len(log) != tt.wantPages {
				t.Errorf("%d requests for %d pages", len(log), tt.wantPages)
			}
			for n, r := range log {
				q, _ := url.ParseQuery(r.rawQuery)
				if r.path != "/api1/collections/c1/objects/" || q.Get("match[version]") != "all" {
					t.Errorf("request %d: %s?%s", n, r.path, r.rawQuery)
				}
				if tt.pageLimit > 0 && q.Get("limit") != "3" || tt.pageLimit == 0 && q.Has("limit") {
					t.Errorf("request %d: limit in %s", n, r.rawQuery)
				}
				switch {
				case n == 0:
					if q.Has("added_after") || q.Has("next") {
						t.Errorf("first request %s, want neither added_after nor next", r.rawQuery)
					}
				case tt.giveNext:
					if q.Has("added_after") || q.Get("next") == "" {
						t.Errorf("request %d: %s, want next alone", n, r.rawQuery)
					}
				default:
					if want := FormatTimestamp(cursors[n-1].DateAdded); q.Get("added_after") != want || q.Has("next") {
						t.Errorf("request %d: %s, want added_after=%s", n, r.rawQuery, want)
					}
				}
			}

			// Nothing new: one request, no page, the same cursor.
			again, err := c.Pull(ctx, coll, end, func([]json.RawMessage, Cursor) error {
				t.Error("fn called with nothing new")
				return nil
			})
			if err != nil || again != end {
				t.Errorf("Pull again = %+v, %v; want %+v", again, err, end)
			}
			// Something new: only that.
			added := []json.RawMessage{
				json.RawMessage(`{"type":"campaign","id":"campaign--1","modified":"2025-05-01T00:00:00.000Z"}`),
				json.RawMessage(`{"type":"campaign","id":"campaign--2","modified":"2025-05-01T00:00:00.000Z"}`),
			}
			if _, err := c.AddObjects(ctx, coll, added); err != nil {
				t.Fatal(err)
			}
			got = nil
			if _, err := c.Pull(ctx, coll, end, func(objs []json.RawMessage, _ Cursor) error {
				for _, o := range objs {
					got = append(got, rawKey(t, o))
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if want := []string{"campaign--1@2025-05-01T00:00:00.000Z", "campaign--2@2025-05-01T00:00:00.000Z"}; !cmp.Equal(got, want) {
				t.Errorf("pulled after adding: %v, want %v", got, want)
			}
		})
	}
}

// TestPullResume interrupts a pull, as a failing importer (or a crash
// after the last page persisted) would, and resumes it from the cursor:
// every object version arrives exactly once.
func TestPullResume(t *testing.T) {
	objects := makeObjects(10) // 14 versions, 4 pages of 4
	tests := []struct {
		giveNext  bool
		failAt    int  // the page fn fails on, from 1
		persisted bool // resume from the cursor fn last got, rather than Pull's result
	}{
		{true, 1, false}, {true, 2, false}, {true, 4, false}, {true, 3, true},
		{false, 1, false}, {false, 2, false}, {false, 4, false}, {false, 3, true},
	}
	for _, tt := range tests {
		name := "added_after"
		if tt.giveNext {
			name = "next"
		}
		t.Run(name+"/fail at page "+string(rune('0'+tt.failAt)), func(t *testing.T) {
			ctx := context.Background()
			f := newFake(t, objects, func(f *fakeServer) { f.giveNext, f.pageSize = tt.giveNext, 4 })
			c := client(f)
			coll := f.URL + "/api1/collections/c1" // no slash: the cursor holds it with one

			count := map[string]int{}
			var stored []byte // the cursor as the importer persists it, with the page, in one transaction
			pages := 0
			importer := func(failAt int) func([]json.RawMessage, Cursor) error {
				return func(objs []json.RawMessage, next Cursor) error {
					pages++
					if pages == failAt {
						return errStop // the transaction rolls back: nothing of this page is kept
					}
					for _, o := range objs {
						count[rawKey(t, o)]++
					}
					var err error
					stored, err = json.Marshal(next)
					return err
				}
			}
			cur, err := c.Pull(ctx, coll, Cursor{}, importer(tt.failAt))
			if !errors.Is(err, errStop) {
				t.Fatalf("Pull: err = %v, want errStop", err)
			}
			var persisted Cursor
			if stored != nil {
				if err := json.Unmarshal(stored, &persisted); err != nil {
					t.Fatal(err)
				}
				if persisted != cur {
					t.Errorf("Pull returned %+v, the last page done gave %+v", cur, persisted)
				}
			} else if cur.DateAdded != (time.Time{}) {
				t.Errorf("no page done, yet Pull returned %+v", cur)
			}
			from := cur
			if tt.persisted {
				from = persisted
			}
			b, _ := json.Marshal(from)
			from = Cursor{}
			if err := json.Unmarshal(b, &from); err != nil {
				t.Fatal(err)
			}

			pages = 0
			if _, err := c.Pull(ctx, coll, from, importer(-1)); err != nil {
				t.Fatalf("resumed Pull: %v", err)
			}
			for _, k := range keys(objects) {
				if count[k] != 1 {
					t.Errorf("%s pulled %d times", k, count[k])
				}
			}
			if len(count) != len(objects) {
				t.Errorf("%d distinct versions pulled, want %d", len(count), len(objects))
			}
		})
	}
}

func TestPullCanceled(t *testing.T) {
	f := newFake(t, makeObjects(10), func(f *fakeServer) { f.pageSize = 4 })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pages := 0
	cur, err := client(f).Pull(ctx, f.URL+"/api1/collections/c1/", Cursor{}, func(_ []json.RawMessage, _ Cursor) error {
		pages++
		if pages == 2 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || pages != 2 || cur.DateAdded.IsZero() {
		t.Errorf("Pull = %+v, %v after %d pages; want context.Canceled after 2", cur, err, pages)
	}
}

// page is one scripted answer of a misbehaving server.
type page struct {
	status      int
	first, last string // the date-added headers, if not ""
	env         Envelope
}

// scripted serves pages in turn (the last one again and again) and counts
// the requests.
func scripted(t *testing.T, pages ...page) (*httptest.Server, *int) {
	var mu sync.Mutex
	n := 0
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		p := pages[min(n, len(pages)-1)]
		n++
		mu.Unlock()
		if p.first != "" {
			w.Header().Set(HeaderDateAddedFirst, p.first)
		}
		if p.last != "" {
			w.Header().Set(HeaderDateAddedLast, p.last)
		}
		if p.status != 0 && p.status != http.StatusOK {
			fail(w, p.status, http.StatusText(p.status), "scripted")
			return
		}
		reply(w, http.StatusOK, p.env)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestPullMisbehavingServers(t *testing.T) {
	obj := []json.RawMessage{json.RawMessage(`{"type":"indicator","id":"indicator--1"}`)}
	const t1, t2 = "2025-03-01T00:00:01.000001Z", "2025-03-01T00:00:02.000002Z"
	tests := []struct {
		name         string
		pages        []page
		wantErr      string // "" for none
		wantStatus   int    // of the *Error, if any
		wantPages    int    // calls of fn
		wantRequests int
		wantCursor   string // DateAdded of the cursor returned, "" for zero
	}{
		{"more but an empty page", []page{{env: Envelope{More: true}}}, "", 0, 0, 1, ""},
		{"more, then an empty page", []page{
			{first: t1, last: t1, env: Envelope{More: true, Objects: obj}},
			{env: Envelope{More: true}},
		}, "", 0, 1, 2, t1},
		{"the same page again without next", []page{
			{first: t1, last: t1, env: Envelope{More: true, Objects: obj}},
		}, "does not advance", 0, 1, 2, t1},
		{"the same next again", []page{
			{first: t1, last: t1, env: Envelope{More: true, Next: "x", Objects: obj}},
			{first: t1, last: t2, env: Envelope{More: true, Next: "x", Objects: obj}},
		}, `gave next "x" twice`, 0, 1, 2, t1},
		{"a page before the one before", []page{
			{first: t2, last: t2, env: Envelope{More: true, Next: "x", Objects: obj}},
			{first: t1, last: t1, env: Envelope{Objects: obj}},
		}, "went back", 0, 1, 2, t2},
		{"no X-TAXII-Date-Added-Last", []page{
			{env: Envelope{Objects: obj}},
		}, "without X-TAXII-Date-Added-Last", 0, 0, 1, ""},
		{"a malformed X-TAXII-Date-Added-Last", []page{
			{first: t1, last: "2022-101-27T00:00:00Z", env: Envelope{Objects: obj}},
		}, "2022-101-27", 0, 0, 1, ""},
		{"an error on the second page", []page{
			{first: t1, last: t1, env: Envelope{More: true, Next: "x", Objects: obj}},
			{status: http.StatusServiceUnavailable},
		}, "Service Unavailable", 503, 1, 2, t1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, requests := scripted(t, tt.pages...)
			calls := 0
			cur, err := (&Client{HTTP: srv.Client()}).Pull(context.Background(), srv.URL+"/c/", Cursor{}, func([]json.RawMessage, Cursor) error {
				calls++
				return nil
			})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("err = %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("err = %v, want one saying %q", err, tt.wantErr)
			}
			if StatusCode(err) != tt.wantStatus {
				t.Errorf("status of %v = %d, want %d", err, StatusCode(err), tt.wantStatus)
			}
			if calls != tt.wantPages || *requests != tt.wantRequests {
				t.Errorf("%d pages in %d requests, want %d in %d", calls, *requests, tt.wantPages, tt.wantRequests)
			}
			want := Cursor{Collection: srv.URL + "/c/"}
			if tt.wantCursor != "" {
				want.DateAdded, _ = ParseTimestamp(tt.wantCursor)
			}
			if cur != want {
				t.Errorf("cursor = %+v, want %+v", cur, want)
			}
		})
	}
}

func TestPullRefusesAnotherCollectionsCursor(t *testing.T) {
	srv, requests := scripted(t, page{})
	c := &Client{HTTP: srv.Client()}
	from := Cursor{Collection: srv.URL + "/api1/collections/other/", DateAdded: time.Now()}
	if _, err := c.Pull(context.Background(), srv.URL+"/api1/collections/c1/", from, nil); err == nil || !strings.Contains(err.Error(), "other") {
		t.Errorf("err = %v, want a refusal naming the cursor's collection", err)
	}
	if *requests != 0 {
		t.Errorf("%d requests sent", *requests)
	}
	// The same collection written without its trailing slash is the same.
	from.Collection = srv.URL + "/api1/collections/c1"
	if _, err := c.Pull(context.Background(), srv.URL+"/api1/collections/c1/", from, nil); err != nil {
		t.Errorf("cursor of the same collection without a slash: %v", err)
	}
}

func TestCursorJSON(t *testing.T) {
	tests := []struct {
		c    Cursor
		want string
	}{
		{Cursor{Collection: "https://x/api1/collections/c1/"}, `{"collection":"https://x/api1/collections/c1/"}`},
		{Cursor{Collection: "https://x/c/", DateAdded: time.Date(2025, 3, 1, 10, 0, 1, 123456000, time.UTC)},
			`{"collection":"https://x/c/","date_added":"2025-03-01T10:00:01.123456Z"}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.c)
		if err != nil || string(b) != tt.want {
			t.Errorf("Marshal(%+v) = %s, %v; want %s", tt.c, b, err, tt.want)
		}
		var back Cursor
		if err := json.Unmarshal(b, &back); err != nil || back != tt.c {
			t.Errorf("Unmarshal(%s) = %+v, %v", b, back, err)
		}
	}
}
