package taxii

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeServer is a small in-memory TAXII 2.1 server for the client's tests:
// discovery with a relative API root, one API root (/api1/) with a
// collection "c1" that can be read and written and a collection "secret"
// that cannot be read, objects paged by added_after, limit and (if
// giveNext) next, the match filters, add with status, object, versions,
// manifest and delete, HTTP Basic or Bearer authentication, 406 and 415,
// and errors as TAXII error messages. It records every request.
type fakeServer struct {
	*httptest.Server

	// Set before the first request.
	user, pass string // HTTP Basic credentials required, if user is set
	token      string // Bearer token required, if set
	pageSize   int    // the server's own limit
	giveNext   bool   // whether envelopes carry "next"

	mu       sync.Mutex
	objects  []fakeObject // oldest added first
	clock    time.Time    // the date_added of the last object added
	statuses map[string]*Status
	requests []fakeRequest
}

type fakeObject struct {
	id, typ, version string
	added            time.Time
	raw              json.RawMessage
}

type fakeRequest struct {
	method, path, rawQuery string
	header                 http.Header
}

// newFake starts a TLS fakeServer holding objects; configure changes its
// settings before it serves.
func newFake(t *testing.T, objects []fakeObject, configure func(*fakeServer)) *fakeServer {
	t.Helper()
	f := &fakeServer{pageSize: 1000, giveNext: true, statuses: map[string]*Status{}}
	f.clock = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, o := range objects {
		f.objects = append(f.objects, o)
		f.clock = o.added
	}
	if configure != nil {
		configure(f)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /taxii2/{$}", f.discovery)
	mux.HandleFunc("GET /api1/{$}", f.apiRoot)
	mux.HandleFunc("GET /api1/collections/{$}", f.collections)
	mux.HandleFunc("GET /api1/collections/{id}/{$}", f.collection)
	mux.HandleFunc("GET /api1/collections/{id}/objects/{$}", f.getObjects)
	mux.HandleFunc("POST /api1/collections/{id}/objects/{$}", f.addObjects)
	mux.HandleFunc("GET /api1/collections/{id}/objects/{oid}/{$}", f.getObjects)
	mux.HandleFunc("DELETE /api1/collections/{id}/objects/{oid}/{$}", f.deleteObject)
	mux.HandleFunc("GET /api1/collections/{id}/objects/{oid}/versions/{$}", f.versions)
	mux.HandleFunc("GET /api1/collections/{id}/manifest/{$}", f.manifest)
	mux.HandleFunc("GET /api1/status/{sid}/{$}", f.status)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fail(w, http.StatusNotFound, "Not found", r.URL.Path)
	})
	f.Server = httptest.NewTLSServer(f.middleware(mux))
	t.Cleanup(f.Close)
	return f
}

// makeObjects returns n indicators, added one second and one microsecond
// apart; every third has a second version added later.
func makeObjects(n int) []fakeObject {
	var out []fakeObject
	added := time.Date(2025, 3, 1, 10, 0, 0, 123456000, time.UTC)
	for i := range n {
		id := fmt.Sprintf("indicator--00000000-0000-4000-8000-%012d", i)
		versions := []string{"2025-01-01T00:00:00.000Z"}
		if i%3 == 0 {
			versions = append(versions, "2025-02-01T00:00:00.000Z")
		}
		for _, v := range versions {
			added = added.Add(time.Second + time.Microsecond)
			out = append(out, fakeObject{id: id, typ: "indicator", version: v, added: added,
				raw: json.RawMessage(fmt.Sprintf(`{"type":"indicator","spec_version":"2.1","id":%q,"created":"2025-01-01T00:00:00.000Z","modified":%q,"pattern":"[ipv4-addr:value = '10.0.0.%d']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z"}`, id, v, i%256))})
		}
	}
	// Sort by date added, as the server must (versions were appended in order).
	slices.SortFunc(out, func(a, b fakeObject) int { return a.added.Compare(b.added) })
	return out
}

// key names one object version.
func (o fakeObject) key() string { return o.id + "@" + o.version }

// rawKey names the object version in raw.
func rawKey(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var o struct{ ID, Modified string }
	if err := json.Unmarshal(raw, &o); err != nil {
		t.Fatalf("object %s: %v", raw, err)
	}
	return o.ID + "@" + o.Modified
}

func (f *fakeServer) requestLog() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

func (f *fakeServer) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, fakeRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone()})
		f.mu.Unlock()
		switch {
		case f.user != "":
			u, p, ok := r.BasicAuth()
			if !ok || u != f.user || p != f.pass {
				w.Header().Set("WWW-Authenticate", `Basic realm="taxii"`)
				fail(w, http.StatusUnauthorized, "Unauthorized", "valid credentials are required")
				return
			}
		case f.token != "":
			if r.Header.Get("Authorization") != "Bearer "+f.token {
				w.Header().Set("WWW-Authenticate", `Bearer realm="taxii"`)
				fail(w, http.StatusUnauthorized, "Unauthorized", "a valid token is required")
				return
			}
		}
		if !acceptsTAXII(r.Header.Get("Accept")) {
			fail(w, http.StatusNotAcceptable, "Not Acceptable", "accept "+MediaType)
			return
		}
		if r.Method == http.MethodPost {
			mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != "application/taxii+json" || params["version"] != "" && params["version"] != "2.1" {
				fail(w, http.StatusUnsupportedMediaType, "Unsupported Media Type", "send "+MediaType)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// acceptsTAXII reports whether an Accept header admits TAXII 2.1.
func acceptsTAXII(accept string) bool {
	for _, rng := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(rng))
		if err == nil && mt == "application/taxii+json" && (params["version"] == "" || params["version"] == "2.1") {
			return true
		}
	}
	return false
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", MediaType)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, title, description string) {
	reply(w, status, Error{Title: title, Description: description, HTTPStatus: strconv.Itoa(status), ErrorCode: "fake-" + strconv.Itoa(status)})
}

var fakeCollections = []Collection{
	{ID: "c1", Title: "Indicators", CanRead: true, CanWrite: true, MediaTypes: []string{STIXMediaType}},
	{ID: "secret", Title: "Write only", CanWrite: true},
}

func (f *fakeServer) discovery(w http.ResponseWriter, r *http.Request) {
	reply(w, http.StatusOK, Discovery{Title: "Fake", Default: "/api1/", APIRoots: []string{"/api1/", "https://elsewhere.example/api2/"}})
}

func (f *fakeServer) apiRoot(w http.ResponseWriter, r *http.Request) {
	reply(w, http.StatusOK, APIRoot{Title: "API 1", Versions: []string{MediaType}, MaxContentLength: 1 << 20})
}

func (f *fakeServer) collections(w http.ResponseWriter, r *http.Request) {
	reply(w, http.StatusOK, Collections{Collections: fakeCollections})
}

// findCollection answers for a collection that is not there, or that the
// client may not read (or write); it reports whether the caller goes on.
func findCollection(w http.ResponseWriter, r *http.Request, write bool) (Collection, bool) {
	for _, c := range fakeCollections {
		if c.ID == r.PathValue("id") {
			if !write && !c.CanRead || write && !c.CanWrite {
				fail(w, http.StatusForbidden, "Forbidden", "no access to collection "+c.ID)
				return c, false
			}
			return c, true
		}
	}
	fail(w, http.StatusNotFound, "Not Found", "no collection "+r.PathValue("id"))
	return Collection{}, false
}

func (f *fakeServer) collection(w http.ResponseWriter, r *http.Request) {
	if c, ok := findCollection(w, r, false); ok {
		reply(w, http.StatusOK, c)
	}
}

// selected returns the object versions a request selects, oldest added
// first, and the page of them it asks for, after setting the date-added
// headers; ok is false when it has answered with an error.
func (f *fakeServer) selected(w http.ResponseWriter, r *http.Request) (page []fakeObject, more bool, next string, ok bool) {
	if _, ok := findCollection(w, r, false); !ok {
		return nil, false, "", false
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		fail(w, http.StatusBadRequest, "Bad Request", err.Error())
		return nil, false, "", false
	}
	var after time.Time
	if s := q.Get("added_after"); s != "" {
		if after, err = ParseTimestamp(s); err != nil {
			fail(w, http.StatusBadRequest, "Bad Request", err.Error())
			return nil, false, "", false
		}
	}
	limit := f.pageSize
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			fail(w, http.StatusBadRequest, "Bad Request", "limit "+s)
			return nil, false, "", false
		}
		limit = min(limit, n)
	}
	offset := 0
	if s := q.Get("next"); s != "" {
		if offset, err = strconv.Atoi(s); err != nil {
			fail(w, http.StatusBadRequest, "Bad Request", "next "+s)
			return nil, false, "", false
		}
	}
	split := func(k string) []string {
		if s := q.Get(k); s != "" {
			return strings.Split(s, ",")
		}
		return nil
	}
	ids, types, versions := split("match[id]"), split("match[type]"), split("match[version]")
	if oid := r.PathValue("oid"); oid != "" {
		ids = []string{oid}
	}
	f.mu.Lock()
	latest := map[string]string{}
	for _, o := range f.objects {
		latest[o.id] = max(latest[o.id], o.version)
	}
	var all []fakeObject
	for _, o := range f.objects {
		switch {
		case ids != nil && !slices.Contains(ids, o.id),
			types != nil && !slices.Contains(types, o.typ),
			!o.added.After(after),
			versions == nil && o.version != latest[o.id],
			versions != nil && !slices.Contains(versions, "all") && !slices.Contains(versions, o.version) &&
				!(slices.Contains(versions, "last") && o.version == latest[o.id]):
			continue
		}
		all = append(all, o)
	}
	f.mu.Unlock()
	if r.PathValue("oid") != "" && len(all) == 0 && r.Method == http.MethodGet && q.Get("added_after") == "" {
		fail(w, http.StatusNotFound, "Not Found", "no object "+r.PathValue("oid"))
		return nil, false, "", false
	}
	offset = min(offset, len(all))
	end := min(offset+limit, len(all))
	page = all[offset:end]
	if len(page) > 0 {
		w.Header().Set(HeaderDateAddedFirst, FormatTimestamp(page[0].added))
		w.Header().Set(HeaderDateAddedLast, FormatTimestamp(page[len(page)-1].added))
	}
	more = end < len(all)
	if more && f.giveNext {
		next = strconv.Itoa(end)
	}
	return page, more, next, true
}

func (f *fakeServer) getObjects(w http.ResponseWriter, r *http.Request) {
	page, more, next, ok := f.selected(w, r)
	if !ok {
		return
	}
	env := Envelope{More: more, Next: next}
	for _, o := range page {
		env.Objects = append(env.Objects, o.raw)
	}
	reply(w, http.StatusOK, env)
}

func (f *fakeServer) manifest(w http.ResponseWriter, r *http.Request) {
	page, more, next, ok := f.selected(w, r)
	if !ok {
		return
	}
	m := Manifest{More: more, Next: next}
	for _, o := range page {
		m.Objects = append(m.Objects, ManifestRecord{ID: o.id, DateAdded: FormatTimestamp(o.added), Version: o.version, MediaType: STIXMediaType})
	}
	reply(w, http.StatusOK, m)
}

func (f *fakeServer) versions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	q.Set("match[version]", "all")
	r.URL.RawQuery = q.Encode()
	page, more, next, ok := f.selected(w, r)
	if !ok {
		return
	}
	v := Versions{More: more, Next: next}
	for _, o := range page {
		v.Versions = append(v.Versions, o.version)
	}
	reply(w, http.StatusOK, v)
}

func (f *fakeServer) addObjects(w http.ResponseWriter, r *http.Request) {
	if _, ok := findCollection(w, r, true); !ok {
		return
	}
	var env Envelope
	if err := json.NewDecoder(r.Body).Decode(&env); err != nil || len(env.Objects) == 0 {
		fail(w, http.StatusUnprocessableEntity, "Unprocessable", "want an envelope with objects")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s := &Status{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", len(f.statuses)+1), Status: "complete",
		RequestTimestamp: FormatTimestamp(f.clock), TotalCount: len(env.Objects)}
	for _, raw := range env.Objects {
		var o struct{ ID, Type, Modified string }
		if err := json.Unmarshal(raw, &o); err != nil || o.ID == "" {
			s.Failures = append(s.Failures, StatusDetail{ID: o.ID, Version: o.Modified, Message: "not a STIX object"})
			continue
		}
		f.clock = f.clock.Add(time.Microsecond)
		f.objects = append(f.objects, fakeObject{id: o.ID, typ: o.Type, version: o.Modified, added: f.clock, raw: raw})
		s.Successes = append(s.Successes, StatusDetail{ID: o.ID, Version: o.Modified})
	}
	s.SuccessCount, s.FailureCount = len(s.Successes), len(s.Failures)
	f.statuses[s.ID] = s
	reply(w, http.StatusAccepted, s)
}

func (f *fakeServer) status(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	s, ok := f.statuses[r.PathValue("sid")]
	f.mu.Unlock()
	if !ok {
		fail(w, http.StatusNotFound, "Not Found", "no status "+r.PathValue("sid"))
		return
	}
	reply(w, http.StatusOK, s)
}

func (f *fakeServer) deleteObject(w http.ResponseWriter, r *http.Request) {
	if _, ok := findCollection(w, r, true); !ok {
		return
	}
	versions := r.URL.Query()["match[version]"]
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(f.objects)
	f.objects = slices.DeleteFunc(f.objects, func(o fakeObject) bool {
		return o.id == r.PathValue("oid") && (len(versions) == 0 || slices.Contains(strings.Split(versions[0], ","), o.version))
	})
	if len(f.objects) == n {
		fail(w, http.StatusNotFound, "Not Found", "no object "+r.PathValue("oid"))
		return
	}
	w.Header().Set("Content-Type", MediaType)
}
