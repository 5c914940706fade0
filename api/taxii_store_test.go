package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/api"
	"github.com/liaison-dev/liaison/desk"
	"github.com/liaison-dev/liaison/marking"
	"github.com/liaison-dev/liaison/sqlite"
	"github.com/liaison-dev/liaison/stix"
	"github.com/liaison-dev/liaison/taxii"
)

// These tests run the TAXII server against the real backend: the desk
// over SQLite, in a temporary directory, on a loopback server. The
// server's own behaviour is tested against a fake in taxii_test.go; these
// check each rule that depends on the store.

// icsAttack is MITRE ATT&CK for ICS, shared test data.
const icsAttack = "../../shared/data/attack/ics-attack.json"

// storeOfficer is an officer of the store fixture and the credentials it
// presents.
type storeOfficer struct {
	*liaison.Officer
	token string
}

// bearer is the officer's Authorization header with a bearer token.
func (o storeOfficer) bearer() string { return "Bearer " + o.token }

// basic is the officer's Authorization header with HTTP Basic: handle and
// token.
func (o storeOfficer) basic() string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(o.ID+":"+o.token))
}

// storeFixture is a node on SQLite served over TAXII: home "nl-aivd" with
// its administrator and a liaison officer, partner "de-bfv" under an
// agreement with home, and "fr-dgsi" with none, each with a liaison
// officer.
type storeFixture struct {
	path                  string // of the database
	desk                  *desk.Desk
	db                    *sqlite.DB
	node                  *liaison.Node
	handler               http.Handler // api.NewServer's
	srv                   *httptest.Server
	admin, home           storeOfficer
	partner, third        storeOfficer
	homeCol, partnerCol   string
	thirdCol              string
	homePath, partnerPath string // …/collections/{id}/
}

func newStoreFixture(t testing.TB) *storeFixture {
	t.Helper()
	ctx := context.Background()
	f := &storeFixture{path: t.TempDir() + "/liaison.db"}
	f.open(t)
	d := f.desk
	secret := marking.Classification{Scheme: "EU", Level: "SECRET UE"}
	token, err := d.Init(ctx, desk.InitParams{NodeName: "test",
		Org:   liaison.Organisation{ID: "nl-aivd", Name: "AIVD", Kind: liaison.OrgNationalService, Country: "NL", Memberships: []string{"EU"}},
		Admin: liaison.Officer{ID: "admin", Name: "Admin", Clearance: marking.Classification{Scheme: "EU", Level: "TRES SECRET UE"}}})
	if err != nil {
		t.Fatal(err)
	}
	f.admin = f.authenticate(t, token)
	admin := d.As(f.admin.Officer)
	for _, o := range []liaison.Organisation{
		{ID: "de-bfv", Name: "BfV", Kind: liaison.OrgNationalService, Country: "DE", Memberships: []string{"EU"}},
		{ID: "fr-dgsi", Name: "DGSI", Kind: liaison.OrgNationalService, Country: "FR", Memberships: []string{"EU"}},
	} {
		if err := admin.CreateOrganisation(ctx, &o); err != nil {
			t.Fatal(err)
		}
	}
	officer := func(org, id string) storeOfficer {
		token, err := admin.CreateOfficer(ctx, &liaison.Officer{ID: id, OrgID: org, Name: id, Role: liaison.RoleLiaison,
			Clearance: secret, NeedToKnow: []string{"counter-terrorism", "cyber"}})
		if err != nil {
			t.Fatal(err)
		}
		return f.authenticate(t, token)
	}
	f.home, f.partner, f.third = officer("nl-aivd", "nl.liaison"), officer("de-bfv", "de.liaison"), officer("fr-dgsi", "fr.liaison")
	if err := admin.CreateAgreement(ctx, &liaison.Agreement{Title: "NL-DE", Parties: []string{"nl-aivd", "de-bfv"},
		Topics: []string{"counter-terrorism"}, Ceiling: secret, ValidFrom: time.Now().AddDate(-1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	if f.node, err = d.Node(ctx); err != nil {
		t.Fatal(err)
	}
	f.homeCol = desk.CollectionID(f.node.ID, "nl-aivd")
	f.partnerCol = desk.CollectionID(f.node.ID, "de-bfv")
	f.thirdCol = desk.CollectionID(f.node.ID, "fr-dgsi")
	f.homePath = collectionPath(f.homeCol)
	f.partnerPath = collectionPath(f.partnerCol)
	return f
}

// open opens the database, and serves the desk over it on loopback.
func (f *storeFixture) open(t testing.TB) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), f.path)
	if err != nil {
		t.Fatal(err)
	}
	f.db = db
	f.desk = desk.New(desk.Config{Store: db, Marks: marking.DefaultRegistry(), Clock: liaison.SystemClock})
	// Internal errors are logged with their detail: into the test's log.
	logger := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelError}))
	f.handler = api.NewServer(api.Config{Backend: f.desk, Logger: logger, MaxBodyBytes: 16 << 20})
	f.srv = httptest.NewServer(f.handler)
	t.Cleanup(f.close)
}

func (f *storeFixture) close() {
	f.srv.Close()
	f.db.Close()
}

// reopen closes the server and the database and opens them again, as a
// node is served after an import: with its write-ahead log checkpointed
// into the database file and gone.
func (f *storeFixture) reopen(t testing.TB) {
	t.Helper()
	f.close()
	f.open(t)
}

// testLog writes a server's log into the test's.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func collectionPath(id string) string { return "/taxii2/liaison/collections/" + id + "/" }

func (f *storeFixture) authenticate(t testing.TB, token string) storeOfficer {
	t.Helper()
	o, err := f.desk.Authenticate(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return storeOfficer{Officer: o, token: token}
}

// importObjects imports objects through the desk as officer o, failing
// the test on any rejection.
func (f *storeFixture) importObjects(t testing.TB, o storeOfficer, objs ...json.RawMessage) {
	t.Helper()
	ctx := context.Background()
	im, err := f.desk.NewImporter(ctx, o.Officer, desk.ImportOptions{Source: t.Name()})
	if err != nil {
		t.Fatal(err)
	}
	im.OnResult(func(r desk.ImportResult) {
		if r.Err != nil {
			t.Errorf("object %d %s rejected: %v", r.Index, r.ID, r.Err)
		}
	})
	if err := im.Add(ctx, objs); err != nil {
		t.Fatal(err)
	}
	if err := im.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

// do sends a TAXII request with the Authorization header auth and returns
// the answer with its body read. Every answer must be TAXII's media type.
func (f *storeFixture) do(t testing.TB, method, auth, path, body string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, f.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Accept", taxii.MediaType)
	if body != "" {
		req.Header.Set("Content-Type", taxii.MediaType)
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != taxii.MediaType {
		t.Errorf("%s %s: Content-Type %q, want %q", method, path, ct, taxii.MediaType)
	}
	return resp, b
}

// get sends GET path as the officer of auth and decodes a 200 answer.
func getAs[T any](t testing.TB, f *storeFixture, auth, path string) (T, http.Header) {
	t.Helper()
	var v T
	resp, b := f.do(t, http.MethodGet, auth, path, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", path, resp.Status, b)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, b)
	}
	return v, resp.Header
}

// wantStatus fails the test unless the request answers status; for an
// error status, the answer must be a TAXII error naming it.
func (f *storeFixture) wantStatus(t testing.TB, method, auth, path, body string, status int) []byte {
	t.Helper()
	resp, b := f.do(t, method, auth, path, body)
	if resp.StatusCode != status {
		t.Fatalf("%s %s: %s, want %d: %s", method, path, resp.Status, status, b)
	}
	if status >= 400 {
		var e taxii.Error
		if err := json.Unmarshal(b, &e); err != nil || e.HTTPStatus != fmt.Sprint(status) || e.Description == "" {
			t.Errorf("%s %s: not a TAXII error for %d: %s", method, path, status, b)
		}
	}
	return b
}

// pageThrough pages through the objects endpoint of a collection with
// query (without limit, next or added_after) and limit, following next
// when byAddedAfter is false and the X-TAXII-Date-Added-Last header as
// added_after otherwise. It checks every page against the manifest
// asked with the same parameters: the same versions in the same order,
// the headers equal to the first and last date_added. It returns the
// objects, in order, and the manifest records.
func (f *storeFixture) pageThrough(t testing.TB, auth, colPath, query string, limit int, byAddedAfter bool) ([]json.RawMessage, []taxii.ManifestRecord) {
	t.Helper()
	var objs []json.RawMessage
	var records []taxii.ManifestRecord
	var next, after string
	for pages := 0; ; pages++ {
		if pages > 100000 {
			t.Fatal("paging does not end")
		}
		v := url.Values{}
		if query != "" {
			var err error
			if v, err = url.ParseQuery(query); err != nil {
				t.Fatal(err)
			}
		}
		v.Set("limit", fmt.Sprint(limit))
		if next != "" {
			v.Set("next", next)
		}
		if after != "" {
			v.Set("added_after", after)
		}
		q := "?" + v.Encode()
		env, h := getAs[taxii.Envelope](t, f, auth, colPath+"objects/"+q)
		man, mh := getAs[taxii.Manifest](t, f, auth, colPath+"manifest/"+q)
		if len(env.Objects) > limit {
			t.Fatalf("a page of %d objects for limit %d", len(env.Objects), limit)
		}
		if len(env.Objects) != len(man.Objects) || env.More != man.More || env.Next != man.Next {
			t.Fatalf("page %d: objects (%d, more %v, next %q) and manifest (%d, more %v, next %q) differ",
				pages, len(env.Objects), env.More, env.Next, len(man.Objects), man.More, man.Next)
		}
		for i, raw := range env.Objects {
			h, err := stix.Parse(raw)
			if err != nil {
				t.Fatalf("served object %s: %v", raw, err)
			}
			if r := man.Objects[i]; r.ID != h.ID || (!h.Version().IsZero() && r.Version != versionString(h.Version())) {
				t.Errorf("page %d: object %s version %s, manifest record %+v", pages, h.ID, versionString(h.Version()), r)
			}
		}
		if len(env.Objects) > 0 {
			first, last := man.Objects[0].DateAdded, man.Objects[len(man.Objects)-1].DateAdded
			for _, hh := range []http.Header{h, mh} {
				if hh.Get(taxii.HeaderDateAddedFirst) != first || hh.Get(taxii.HeaderDateAddedLast) != last {
					t.Errorf("page %d: date_added headers %q..%q, want %q..%q", pages,
						hh.Get(taxii.HeaderDateAddedFirst), hh.Get(taxii.HeaderDateAddedLast), first, last)
				}
			}
		} else if h.Get(taxii.HeaderDateAddedFirst) != "" || h.Get(taxii.HeaderDateAddedLast) != "" {
			t.Errorf("page %d: an empty page with date_added headers", pages)
		}
		objs = append(objs, env.Objects...)
		records = append(records, man.Objects...)
		if byAddedAfter {
			if len(env.Objects) == 0 {
				return objs, records
			}
			after = h.Get(taxii.HeaderDateAddedLast)
			continue
		}
		if !env.More {
			if env.Next != "" {
				t.Errorf("the last page has next %q", env.Next)
			}
			return objs, records
		}
		if env.Next == "" {
			t.Fatal("more without next")
		}
		next = env.Next
	}
}

// versionString is the TAXII version of a STIX version timestamp, as the
// server writes it.
func versionString(v time.Time) string {
	if v.Nanosecond()%1000 != 0 {
		return v.UTC().Format("2006-01-02T15:04:05.000000000Z")
	}
	return taxii.FormatTimestamp(v)
}

// readBundle reads every object of a STIX bundle, compacted.
func readBundle(t testing.TB, path string) []json.RawMessage {
	t.Helper()
	file, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("the shared test data %s is absent", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	r := stix.NewReader(file)
	var out []json.RawMessage
	for {
		raw, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, raw)
	}
}

// idOf is the id of a STIX object, even one too bad to parse.
func idOf(t testing.TB, raw string) string {
	t.Helper()
	var v struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatal(err)
	}
	return v.ID
}

func header(t testing.TB, raw []byte) *stix.Header {
	t.Helper()
	h, err := stix.Parse(raw)
	if err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return h
}

func TestTAXIIServesATTACKForICSFromTheStoreIdentical(t *testing.T) {
	bundle := readBundle(t, icsAttack)
	if len(bundle) != 1826 {
		t.Fatalf("the ATT&CK for ICS bundle has %d objects, want 1826", len(bundle))
	}
	f := newStoreFixture(t)
	f.importObjects(t, f.admin, bundle...)

	custom := map[string]bool{}
	byID := map[string][]json.RawMessage{}
	for _, raw := range bundle {
		h := header(t, raw)
		byID[h.ID] = append(byID[h.ID], raw)
		if strings.HasPrefix(h.Type, "x-") {
			custom[h.Type] = true
		}
	}
	if len(custom) != 8 {
		t.Errorf("the bundle has %d custom types, want 8", len(custom))
	}

	// Every object of the bundle is served once, byte for byte, whether
	// the client follows next or added_after; beside them the collection
	// holds only what the node wrote itself (its organisations'
	// identities).
	auth := f.admin.basic()
	var first []json.RawMessage
	for _, pass := range []struct {
		name         string
		limit        int
		byAddedAfter bool
	}{
		{"next, limit 100", 100, false},
		{"next, limit 7", 7, false},
		{"added_after and X-TAXII-Date-Added-Last, limit 250", 250, true},
		{"next, limit 1000", 1000, false},
	} {
		t.Run(pass.name, func(t *testing.T) {
			objs, records := f.pageThrough(t, auth, f.homePath, "match[version]=all", pass.limit, pass.byAddedAfter)
			count := map[string]int{}
			versions := map[string]int{}
			for i, raw := range objs {
				count[string(raw)]++
				h := header(t, raw)
				versions[h.ID]++
				if _, ok := byID[h.ID]; !ok && h.Type != "identity" && h.ID != stix.ExtensionID {
					t.Errorf("%s is served and is not in the bundle", h.ID)
				}
				if i > 0 && records[i].DateAdded <= records[i-1].DateAdded {
					t.Errorf("date_added %s after %s: not increasing", records[i].DateAdded, records[i-1].DateAdded)
				}
			}
			for _, raw := range bundle {
				if n := count[string(raw)]; n != 1 {
					t.Errorf("%s is served %d times byte for byte, want once", header(t, raw).ID, n)
				}
			}
			for id, want := range byID {
				if versions[id] != len(want) {
					t.Errorf("%s: %d versions served, the bundle has %d", id, versions[id], len(want))
				}
			}
			if first == nil {
				first = objs
			} else if !slices.EqualFunc(first, objs, func(a, b json.RawMessage) bool { return bytes.Equal(a, b) }) {
				t.Error("the pass serves other objects, or in another order, than the first")
			}
		})
	}

	t.Run("object by id and versions agree with the collection", func(t *testing.T) {
		for i, raw := range bundle {
			if i%40 != 0 {
				continue
			}
			h := header(t, raw)
			obj := f.homePath + "objects/" + h.ID + "/"
			for _, q := range []string{"", "?match[version]=all", "?match[version]=first", "?match[version]=" + versionString(h.Version())} {
				env, hdr := getAs[taxii.Envelope](t, f, auth, obj+q)
				if len(env.Objects) != 1 || !bytes.Equal(env.Objects[0], raw) || env.More {
					t.Errorf("GET %s%s: %d objects (more %v), want the bundle's one", obj, q, len(env.Objects), env.More)
				}
				if hdr.Get(taxii.HeaderDateAddedFirst) == "" || hdr.Get(taxii.HeaderDateAddedFirst) != hdr.Get(taxii.HeaderDateAddedLast) {
					t.Errorf("GET %s%s: date_added headers %q..%q", obj, q, hdr.Get(taxii.HeaderDateAddedFirst), hdr.Get(taxii.HeaderDateAddedLast))
				}
			}
			vs, vh := getAs[taxii.Versions](t, f, auth, obj+"versions/")
			if !slices.Equal(vs.Versions, []string{versionString(h.Version())}) || vs.More {
				t.Errorf("versions of %s: %v, want [%s]", h.ID, vs.Versions, versionString(h.Version()))
			}
			man, _ := getAs[taxii.Manifest](t, f, auth, f.homePath+"manifest/?match[id]="+h.ID+"&match[version]=all")
			if len(man.Objects) != 1 || man.Objects[0].Version != versionString(h.Version()) ||
				vh.Get(taxii.HeaderDateAddedFirst) != man.Objects[0].DateAdded {
				t.Errorf("manifest of %s: %+v; versions' date_added %q", h.ID, man.Objects, vh.Get(taxii.HeaderDateAddedFirst))
			}
		}
	})

	t.Run("match[type]=x-mitre-tactic", func(t *testing.T) {
		env, _ := getAs[taxii.Envelope](t, f, auth, f.homePath+"objects/?match[type]=x-mitre-tactic")
		if len(env.Objects) != 12 || env.More {
			t.Fatalf("%d tactics (more %v), want 12", len(env.Objects), env.More)
		}
		for _, raw := range env.Objects {
			if h := header(t, raw); h.Type != "x-mitre-tactic" || !slices.ContainsFunc(byID[h.ID], func(b json.RawMessage) bool { return bytes.Equal(b, raw) }) {
				t.Errorf("%s %s is not a tactic of the bundle as it is there", h.Type, h.ID)
			}
		}
	})
}

// Objects of the spec tests: an indicator in three versions, a malware, an
// unversioned observable and a custom object, in the order imported.
const (
	specIndicator = "indicator--c410e480-e42b-47d1-9476-85307c12bcbf"
	specMalware   = "malware--664fa29d-bf65-4f28-a667-bdb76f29ec98"
	specAddress   = "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"
	specCustom    = "x-acme-widget--252c7c11-daf2-42bd-843b-be65edca9f61"
)

var specObjects = []struct{ label, raw string }{
	{"a1", `{"type":"indicator","spec_version":"2.1","id":"` + specIndicator + `","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}`},
	{"b", `{"type":"malware","spec_version":"2.1","id":"` + specMalware + `","created":"2024-02-01T00:00:00.000Z","modified":"2024-02-01T00:00:00.000Z","name":"Poison Ivy","is_family":true}`},
	{"a2", `{"type":"indicator","spec_version":"2.1","id":"` + specIndicator + `","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-02T00:00:00.123Z","pattern":"[ipv4-addr:value = '198.51.100.2']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}`},
	{"c", `{"type":"ipv4-addr","spec_version":"2.1","id":"` + specAddress + `","value":"198.51.100.3"}`},
	{"d", `{"type":"x-acme-widget","spec_version":"2.1","id":"` + specCustom + `","created":"2024-03-01T00:00:00Z","modified":"2024-03-01T00:00:00Z","x_note":"\u00e9t\u00e9 <&> \"quoted\"","x_n":1.50}`},
	{"a3", `{"type":"indicator","spec_version":"2.1","id":"` + specIndicator + `","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-03T00:00:00.123456Z","pattern":"[ipv4-addr:value = '198.51.100.3']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}`},
}

// specFixture is the store fixture with specObjects imported into the home
// collection, one import each so that their date_added follow their order.
func newSpecFixture(t *testing.T) (*storeFixture, map[string]string) {
	t.Helper()
	f := newStoreFixture(t)
	label := map[string]string{}
	for _, o := range specObjects {
		f.importObjects(t, f.admin, json.RawMessage(o.raw))
		label[o.raw] = o.label
	}
	return f, label
}

// labels are the labels of the spec objects among objs, in order.
func labels(objs []json.RawMessage, label map[string]string) []string {
	var out []string
	for _, raw := range objs {
		if l, ok := label[string(raw)]; ok {
			out = append(out, l)
		}
	}
	return out
}

func TestTAXIIStoreVersionsAndFilters(t *testing.T) {
	f, label := newSpecFixture(t)
	auth := f.home.bearer()
	objects := f.homePath + "objects/"
	tests := []struct {
		name string
		path string
		want []string
	}{
		{"by default the last version of each object", objects, []string{"b", "c", "d", "a3"}},
		{"last", objects + "?match[version]=last", []string{"b", "c", "d", "a3"}},
		{"first", objects + "?match[version]=first", []string{"a1", "b", "c", "d"}},
		{"first and last", objects + "?match[version]=first,last", []string{"a1", "b", "c", "d", "a3"}},
		{"all", objects + "?match[version]=all", []string{"a1", "b", "a2", "c", "d", "a3"}},
		{"a version by its modified, in other precision", objects + "?match[version]=2024-01-02T00:00:00.123000Z", []string{"a2"}},
		{"two versions", objects + "?match[version]=2024-01-03T00:00:00.123456Z,2024-01-01T00:00:00Z", []string{"a1", "a3"}},
		{"a version no object has", objects + "?match[version]=2000-01-01T00:00:00Z", nil},
		{"spec version 2.1", objects + "?match[spec_version]=2.1", []string{"b", "c", "d", "a3"}},
		{"spec version 2.1, all versions", objects + "?match[spec_version]=2.1&match[version]=all", []string{"a1", "b", "a2", "c", "d", "a3"}},
		{"spec versions 2.0 and 2.1", objects + "?match[spec_version]=2.0,2.1", []string{"b", "c", "d", "a3"}},
		{"spec version 2.0, which nothing has", objects + "?match[spec_version]=2.0", nil},
		{"an id", objects + "?match[id]=" + specIndicator, []string{"a3"}},
		{"an id, every version", objects + "?match[id]=" + specIndicator + "&match[version]=all", []string{"a1", "a2", "a3"}},
		{"two types, first versions", objects + "?match[type]=indicator,x-acme-widget&match[version]=first", []string{"a1", "d"}},
		{"object by id: last", objects + specIndicator + "/", []string{"a3"}},
		{"object by id: first", objects + specIndicator + "/?match[version]=first", []string{"a1"}},
		{"object by id: all", objects + specIndicator + "/?match[version]=all", []string{"a1", "a2", "a3"}},
		{"object by id: spec version 2.1", objects + specIndicator + "/?match[spec_version]=2.1&match[version]=first,last", []string{"a1", "a3"}},
		{"an unversioned object by id", objects + specAddress + "/", []string{"c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _ := getAs[taxii.Envelope](t, f, auth, tt.path)
			if got := labels(env.Objects, label); !slices.Equal(got, tt.want) {
				t.Errorf("served %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("versions of an object", func(t *testing.T) {
		vs, h := getAs[taxii.Versions](t, f, auth, objects+specIndicator+"/versions/")
		want := []string{"2024-01-01T00:00:00.000000Z", "2024-01-02T00:00:00.123000Z", "2024-01-03T00:00:00.123456Z"}
		if !slices.Equal(vs.Versions, want) {
			t.Errorf("versions %v, want %v", vs.Versions, want)
		}
		man, _ := getAs[taxii.Manifest](t, f, auth, f.homePath+"manifest/?match[id]="+specIndicator+"&match[version]=all")
		if len(man.Objects) != 3 || h.Get(taxii.HeaderDateAddedFirst) != man.Objects[0].DateAdded || h.Get(taxii.HeaderDateAddedLast) != man.Objects[2].DateAdded {
			t.Errorf("versions' date_added %q..%q, manifest %+v", h.Get(taxii.HeaderDateAddedFirst), h.Get(taxii.HeaderDateAddedLast), man.Objects)
		}
		// The version of an object without one is its date_added.
		vs, _ = getAs[taxii.Versions](t, f, auth, objects+specAddress+"/versions/")
		man, _ = getAs[taxii.Manifest](t, f, auth, f.homePath+"manifest/?match[id]="+specAddress)
		if len(vs.Versions) != 1 || len(man.Objects) != 1 || vs.Versions[0] != man.Objects[0].DateAdded {
			t.Errorf("the observable's versions %v, manifest %+v", vs.Versions, man.Objects)
		}
		env, _ := getAs[taxii.Envelope](t, f, auth, objects+"?match[version]="+vs.Versions[0])
		if got := labels(env.Objects, label); !slices.Equal(got, []string{"c"}) {
			t.Errorf("the observable by its version: %v", got)
		}
	})

	// The whole collection, every version, in one page: the reference the
	// paging rules are checked against.
	all, _ := getAs[taxii.Envelope](t, f, auth, objects+"?match[version]=all&limit=1000")
	allMan, _ := getAs[taxii.Manifest](t, f, auth, f.homePath+"manifest/?match[version]=all&limit=1000")
	if all.More || len(all.Objects) != len(allMan.Objects) || len(all.Objects) < len(specObjects) {
		t.Fatalf("the collection: %d objects (more %v), manifest %d", len(all.Objects), all.More, len(allMan.Objects))
	}

	t.Run("added_after is strictly after", func(t *testing.T) {
		for k, r := range allMan.Objects {
			env, h := getAs[taxii.Envelope](t, f, auth, objects+"?match[version]=all&added_after="+r.DateAdded)
			want := all.Objects[k+1:]
			if !slices.EqualFunc(env.Objects, want, func(a, b json.RawMessage) bool { return bytes.Equal(a, b) }) {
				t.Errorf("added_after the date_added of object %d (%s): %d objects, want the %d after it", k, r.DateAdded, len(env.Objects), len(want))
				continue
			}
			if len(want) > 0 && h.Get(taxii.HeaderDateAddedFirst) != allMan.Objects[k+1].DateAdded {
				t.Errorf("added_after %s: X-TAXII-Date-Added-First %q, want %q", r.DateAdded, h.Get(taxii.HeaderDateAddedFirst), allMan.Objects[k+1].DateAdded)
			}
		}
		// Between two date_added: the later one is the first served.
		at, err := taxii.ParseTimestamp(allMan.Objects[2].DateAdded)
		if err != nil {
			t.Fatal(err)
		}
		env, _ := getAs[taxii.Envelope](t, f, auth, objects+"?match[version]=all&added_after="+at.Add(-time.Microsecond/2).Format(time.RFC3339Nano))
		if len(env.Objects) != len(all.Objects)-2 || !bytes.Equal(env.Objects[0], all.Objects[2]) {
			t.Errorf("added_after half a microsecond before object 2: %d objects", len(env.Objects))
		}
	})

	t.Run("limit pages without gaps or repeats", func(t *testing.T) {
		for _, limit := range []int{1, 2, 3, 5, len(all.Objects) - 1, len(all.Objects), len(all.Objects) + 1} {
			for _, byAddedAfter := range []bool{false, true} {
				objs, records := f.pageThrough(t, auth, f.homePath, "match[version]=all", limit, byAddedAfter)
				if !slices.EqualFunc(objs, all.Objects, func(a, b json.RawMessage) bool { return bytes.Equal(a, b) }) {
					t.Errorf("limit %d (added_after %v): %d objects served, want the %d of the collection in order", limit, byAddedAfter, len(objs), len(all.Objects))
				}
				if !slices.Equal(records, allMan.Objects) {
					t.Errorf("limit %d (added_after %v): the manifest pages differ from the whole manifest", limit, byAddedAfter)
				}
			}
		}
	})
}

// TestTAXIIStoreSpecVersions checks match[spec_version] on a store that
// holds versions of an object in two spec versions (the desk imports STIX
// 2.1 only; the store keeps what it is given).
func TestTAXIIStoreSpecVersions(t *testing.T) {
	f := newStoreFixture(t)
	const campaign = "campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
	raw20 := `{"type":"campaign","spec_version":"2.0","id":"` + campaign + `","created":"2023-05-01T00:00:00.000Z","modified":"2023-05-01T00:00:00.000Z","name":"Green Group"}`
	raw21 := `{"type":"campaign","spec_version":"2.1","id":"` + campaign + `","created":"2023-05-01T00:00:00.000Z","modified":"2024-05-01T00:00:00.000Z","name":"Green Group"}`
	err := f.db.Update(context.Background(), func(tx liaison.Tx) error {
		_, err := tx.PutObjects(context.Background(), []*liaison.Object{
			{ID: campaign, Type: "campaign", SpecVersion: "2.0", Version: time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC), Raw: json.RawMessage(raw20), Origin: "nl-aivd"},
			{ID: campaign, Type: "campaign", SpecVersion: "2.1", Version: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Raw: json.RawMessage(raw21), Origin: "nl-aivd"},
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	label := map[string]string{raw20: "e20", raw21: "e21"}
	objects := f.homePath + "objects/"
	tests := []struct {
		name, query string
		want        []string
	}{
		{"by default the last version in the latest spec version", "", []string{"e21"}},
		{"every version, of the latest spec version only", "match[version]=all", []string{"e21"}},
		{"first, of the latest spec version", "match[version]=first", []string{"e21"}},
		{"spec version 2.0: its last version", "match[spec_version]=2.0", []string{"e20"}},
		{"spec versions 2.0 and 2.1: the last", "match[spec_version]=2.0,2.1", []string{"e21"}},
		{"spec versions 2.0 and 2.1: the first", "match[spec_version]=2.0,2.1&match[version]=first", []string{"e20"}},
		{"spec versions 2.0 and 2.1: all", "match[spec_version]=2.0,2.1&match[version]=all", []string{"e20", "e21"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _ := getAs[taxii.Envelope](t, f, f.admin.bearer(), objects+"?"+tt.query)
			if got := labels(env.Objects, label); !slices.Equal(got, tt.want) {
				t.Errorf("served %v, want %v", got, tt.want)
			}
		})
	}
}

// postEnvelope is the body of a POST of objs.
func postEnvelope(objs ...string) string {
	return `{"objects":[` + strings.Join(objs, ",") + `]}`
}

// post sends objs to a collection and returns the 202 status resource.
func (f *storeFixture) post(t testing.TB, auth, colPath string, objs ...string) taxii.Status {
	t.Helper()
	b := f.wantStatus(t, http.MethodPost, auth, colPath+"objects/", postEnvelope(objs...), http.StatusAccepted)
	var st taxii.Status
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatalf("status: %v: %s", err, b)
	}
	return st
}

func TestTAXIIStoreDeleteThenAddAgain(t *testing.T) {
	f, _ := newSpecFixture(t)
	malware := specObjects[1].raw
	indicator := `{"type":"indicator","spec_version":"2.1","id":"indicator--9a8b7c6d-0000-4000-8000-000000000001","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:00.000Z","pattern":"[file:name = 'x']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z"}`
	ctx := context.Background()

	// A product disseminated to the partner: its report, the identity of
	// its originator and its marking reach the partner's collection.
	p, err := f.desk.As(f.home.Officer).CreateProduct(ctx, liaison.ProductDraft{Title: "Courier network", Body: "A courier moves funds.",
		Topics: []string{"counter-terrorism"}, Marking: "SECRET UE", Reliability: "B", Credibility: "2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.desk.As(f.home.Officer).Disseminate(ctx, liaison.DisseminationOrder{ProductID: p.ID, To: "de-bfv"}); err != nil {
		t.Fatal(err)
	}
	homeIdentity, _ := getAs[taxii.Envelope](t, f, f.admin.bearer(), f.homePath+"objects/"+stix.IdentityID("nl-aivd")+"/")
	if len(homeIdentity.Objects) != 1 {
		t.Fatalf("the home collection holds %d versions of the home identity", len(homeIdentity.Objects))
	}

	tests := []struct {
		name    string
		auth    string // who deletes and adds again
		colPath string
		object  string
		setup   func(t *testing.T) // puts the object in the collection
	}{
		{"an object of the home collection, by its administrator", f.admin.basic(), f.homePath, malware, nil},
		{"an object the home collection holds and a partner received, by the home administrator", f.admin.basic(), f.homePath,
			string(homeIdentity.Objects[0]), nil},
		{"an object a partner gave, from its own collection", f.partner.basic(), f.partnerPath, indicator, func(t *testing.T) {
			if st := f.post(t, f.partner.basic(), f.partnerPath, indicator); st.SuccessCount != 1 {
				t.Fatalf("the partner's POST: %+v", st)
			}
		}},
		{"an object the home node held before the partner gave it, from the partner's collection", f.partner.basic(), f.partnerPath,
			specObjects[3].raw, func(t *testing.T) {
				if st := f.post(t, f.partner.basic(), f.partnerPath, specObjects[3].raw); st.SuccessCount != 1 {
					t.Fatalf("the partner's POST: %+v", st)
				}
			}},
		{"an object disseminated to the partner, from its own collection", f.partner.basic(), f.partnerPath,
			string(homeIdentity.Objects[0]), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup(t)
			}
			id := header(t, []byte(tt.object)).ID
			obj := tt.colPath + "objects/" + id + "/"
			env, _ := getAs[taxii.Envelope](t, f, tt.auth, obj)
			if len(env.Objects) != 1 || !bytes.Equal(env.Objects[0], []byte(tt.object)) {
				t.Fatalf("before: GET %s serves %d objects", obj, len(env.Objects))
			}
			before, _ := getAs[taxii.Manifest](t, f, tt.auth, tt.colPath+"manifest/?match[version]=all&limit=1000")
			lastAdded := before.Objects[len(before.Objects)-1].DateAdded

			f.wantStatus(t, http.MethodDelete, tt.auth, obj+"?match[version]=all", "", http.StatusOK)
			f.wantStatus(t, http.MethodGet, tt.auth, obj, "", http.StatusNotFound)
			f.wantStatus(t, http.MethodGet, tt.auth, obj+"versions/", "", http.StatusNotFound)
			f.wantStatus(t, http.MethodDelete, tt.auth, obj, "", http.StatusNotFound)
			man, _ := getAs[taxii.Manifest](t, f, tt.auth, tt.colPath+"manifest/?match[version]=all&limit=1000")
			if slices.ContainsFunc(man.Objects, func(r taxii.ManifestRecord) bool { return r.ID == id }) {
				t.Errorf("the manifest still lists %s", id)
			}

			st := f.post(t, tt.auth, tt.colPath, tt.object)
			if st.Status != liaison.StatusComplete || st.TotalCount != 1 || st.SuccessCount != 1 || st.FailureCount != 0 {
				t.Fatalf("adding it again: %+v", st)
			}
			env, _ = getAs[taxii.Envelope](t, f, tt.auth, obj)
			if len(env.Objects) != 1 || !bytes.Equal(env.Objects[0], []byte(tt.object)) {
				t.Fatalf("after adding it again: GET %s serves %d objects", obj, len(env.Objects))
			}
			// It comes back as new: a client that polls with added_after
			// sees it.
			env, _ = getAs[taxii.Envelope](t, f, tt.auth, tt.colPath+"objects/?added_after="+lastAdded)
			if !slices.ContainsFunc(env.Objects, func(raw json.RawMessage) bool { return bytes.Equal(raw, []byte(tt.object)) }) {
				t.Errorf("added again, %s is not served after the date_added %s of the last object before", id, lastAdded)
			}
		})
	}

	// Withdrawing from the home collection takes nothing from the
	// partner, who received it.
	t.Run("the partner keeps what it received", func(t *testing.T) {
		env, _ := getAs[taxii.Envelope](t, f, f.partner.bearer(), f.partnerPath+"objects/?match[version]=all")
		var ids []string
		for _, raw := range env.Objects {
			ids = append(ids, header(t, raw).ID)
		}
		if !slices.Contains(ids, "report--"+p.ID) {
			t.Errorf("the partner's collection lacks the report: %v", ids)
		}
	})
}

func TestTAXIIStoreCollectionsPerAudience(t *testing.T) {
	f := newStoreFixture(t)
	ctx := context.Background()
	p, err := f.desk.As(f.home.Officer).CreateProduct(ctx, liaison.ProductDraft{Title: "Courier network", Body: "A courier moves funds.",
		Topics: []string{"counter-terrorism"}, Marking: "SECRET UE", Reliability: "B", Credibility: "2"})
	if err != nil {
		t.Fatal(err)
	}
	undisseminated, err := f.desk.As(f.home.Officer).CreateProduct(ctx, liaison.ProductDraft{Title: "Kept at home", Body: "…",
		Topics: []string{"counter-terrorism"}, Marking: "SECRET UE", Reliability: "B", Credibility: "2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.desk.As(f.home.Officer).Disseminate(ctx, liaison.DisseminationOrder{ProductID: p.ID, To: "de-bfv"}); err != nil {
		t.Fatal(err)
	}
	report, kept := "report--"+p.ID, "report--"+undisseminated.ID
	ids := func(t *testing.T, auth, colPath string) []string {
		t.Helper()
		env, _ := getAs[taxii.Envelope](t, f, auth, colPath+"objects/?match[version]=all&limit=1000")
		var out []string
		for _, raw := range env.Objects {
			out = append(out, header(t, raw).ID)
		}
		return out
	}

	t.Run("the home collection holds both products", func(t *testing.T) {
		got := ids(t, f.home.bearer(), f.homePath)
		if !slices.Contains(got, report) || !slices.Contains(got, kept) {
			t.Errorf("home holds %v", got)
		}
	})
	t.Run("the partner sees what was disseminated to it, by id and by alias", func(t *testing.T) {
		for _, path := range []string{f.partnerPath, collectionPath("de-bfv")} {
			got := ids(t, f.partner.basic(), path)
			if !slices.Contains(got, report) || slices.Contains(got, kept) {
				t.Errorf("%s holds %v: want the disseminated report and not the other", path, got)
			}
			env, _ := getAs[taxii.Envelope](t, f, f.partner.basic(), path+"objects/"+report+"/")
			if len(env.Objects) != 1 {
				t.Errorf("%s: the report by id: %d objects", path, len(env.Objects))
			}
		}
		cols, _ := getAs[taxii.Collections](t, f, f.partner.basic(), "/taxii2/liaison/collections/")
		if len(cols.Collections) != 1 || cols.Collections[0].ID != f.partnerCol || !cols.Collections[0].CanRead || !cols.Collections[0].CanWrite {
			t.Errorf("the partner's collections: %+v", cols.Collections)
		}
	})
	t.Run("the home collection is not found for the partner", func(t *testing.T) {
		for _, path := range []string{f.homePath, collectionPath("nl-aivd")} {
			for _, sub := range []string{"", "objects/", "manifest/", "objects/" + kept + "/", "objects/" + report + "/versions/"} {
				f.wantStatus(t, http.MethodGet, f.partner.basic(), path+sub, "", http.StatusNotFound)
			}
			f.wantStatus(t, http.MethodPost, f.partner.basic(), path+"objects/", postEnvelope(specObjects[1].raw), http.StatusNotFound)
		}
		f.wantStatus(t, http.MethodGet, f.partner.basic(), f.partnerPath+"objects/"+kept+"/", "", http.StatusNotFound)
	})
	t.Run("a third organisation sees neither", func(t *testing.T) {
		for _, path := range []string{f.homePath, f.partnerPath, collectionPath("nl-aivd"), collectionPath("de-bfv")} {
			for _, sub := range []string{"", "objects/", "manifest/", "objects/" + report + "/"} {
				f.wantStatus(t, http.MethodGet, f.third.basic(), path+sub, "", http.StatusNotFound)
			}
		}
		got := ids(t, f.third.bearer(), collectionPath(f.thirdCol))
		if slices.Contains(got, report) || slices.Contains(got, kept) {
			t.Errorf("the third organisation's own collection holds %v", got)
		}
		cols, _ := getAs[taxii.Collections](t, f, f.third.bearer(), "/taxii2/liaison/collections/")
		if len(cols.Collections) != 1 || cols.Collections[0].ID != f.thirdCol {
			t.Errorf("the third organisation's collections: %+v", cols.Collections)
		}
	})
	t.Run("credentials that do not match are refused", func(t *testing.T) {
		wrongUser := "Basic " + base64.StdEncoding.EncodeToString([]byte(f.third.ID+":"+f.partner.token))
		for _, auth := range []string{wrongUser, "Bearer nope", ""} {
			f.wantStatus(t, http.MethodGet, auth, f.partnerPath+"objects/", "", http.StatusUnauthorized)
		}
	})
}

func TestTAXIIStorePartnerAddsObjects(t *testing.T) {
	f := newStoreFixture(t)
	objs := []string{
		`{"type":"indicator","spec_version":"2.1","id":"indicator--6b0e2a62-0000-4000-8000-000000000001","created":"2026-01-02T03:04:05.000Z","modified":"2026-01-02T03:04:05.000Z","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2026-01-02T03:04:05Z","object_marking_refs":["` + stix.TLPGreen + `"]}`,
		`{"type":"malware","spec_version":"2.1","id":"malware--6b0e2a62-0000-4000-8000-000000000002","created":"2026-01-02T03:04:05.000Z","modified":"2026-01-02T03:04:05.000Z","name":"Courier","is_family":false}`,
	}
	st := f.post(t, f.partner.basic(), f.partnerPath, objs...)
	if st.Status != liaison.StatusComplete || st.TotalCount != 2 || st.SuccessCount != 2 || st.FailureCount != 0 || st.PendingCount != 0 ||
		len(st.Successes) != 2 || st.ID == "" || st.RequestTimestamp == "" {
		t.Fatalf("status %+v", st)
	}
	for i, d := range st.Successes {
		if h := header(t, []byte(objs[i])); d.ID != h.ID || d.Version == "" {
			t.Errorf("success %d: %+v, want %s", i, d, h.ID)
		}
	}

	statusPath := "/taxii2/liaison/status/" + st.ID + "/"
	got, _ := getAs[taxii.Status](t, f, f.partner.bearer(), statusPath)
	if got.ID != st.ID || got.SuccessCount != 2 || got.TotalCount != 2 || got.Status != liaison.StatusComplete {
		t.Errorf("GET status as the partner: %+v", got)
	}
	for _, o := range []storeOfficer{f.home, f.admin, f.third} {
		f.wantStatus(t, http.MethodGet, o.bearer(), statusPath, "", http.StatusNotFound)
	}

	// What the partner gave is in its collection, and the home node holds
	// it; the partner may not write to the home collection.
	env, _ := getAs[taxii.Envelope](t, f, f.partner.basic(), f.partnerPath+"objects/?limit=1000")
	for _, o := range objs {
		if !slices.ContainsFunc(env.Objects, func(raw json.RawMessage) bool { return bytes.Equal(raw, []byte(o)) }) {
			t.Errorf("the partner's collection lacks %s", header(t, []byte(o)).ID)
		}
		env, _ := getAs[taxii.Envelope](t, f, f.home.bearer(), f.homePath+"objects/"+header(t, []byte(o)).ID+"/")
		if len(env.Objects) != 1 || !bytes.Equal(env.Objects[0], []byte(o)) {
			t.Errorf("the home collection serves %d objects for %s", len(env.Objects), header(t, []byte(o)).ID)
		}
	}
	// The home liaison officer may not write to the partner's collection
	// (it does not see it) nor may the partner write to the home one.
	f.wantStatus(t, http.MethodPost, f.home.bearer(), f.partnerPath+"objects/", postEnvelope(objs[0]), http.StatusNotFound)
	f.wantStatus(t, http.MethodPost, f.partner.bearer(), f.homePath+"objects/", postEnvelope(objs[0]), http.StatusNotFound)
}

func TestTAXIIStoreBadObjectsAmongGoodOnes(t *testing.T) {
	good := `{"type":"indicator","spec_version":"2.1","id":"indicator--6b0e2a62-0000-4000-8000-000000000011","created":"2026-01-02T03:04:05.000Z","modified":"2026-01-02T03:04:05.000Z","pattern":"[ipv4-addr:value = '198.51.100.11']","pattern_type":"stix","valid_from":"2026-01-02T03:04:05Z"}`
	noID := `{"type":"indicator","spec_version":"2.1","created":"2026-01-02T03:04:05.000Z","modified":"2026-01-02T03:04:05.000Z","pattern":"[ipv4-addr:value = '198.51.100.12']","pattern_type":"stix","valid_from":"2026-01-02T03:04:05Z"}`
	badTime := `{"type":"indicator","spec_version":"2.1","id":"indicator--6b0e2a62-0000-4000-8000-000000000013","created":"2022-101-27T00:00:00Z","modified":"2022-101-27T00:00:00Z","pattern":"[ipv4-addr:value = '198.51.100.13']","pattern_type":"stix","valid_from":"2026-01-02T03:04:05Z"}`
	unknownMarking := `{"type":"indicator","spec_version":"2.1","id":"indicator--6b0e2a62-0000-4000-8000-000000000014","created":"2026-01-02T03:04:05.000Z","modified":"2026-01-02T03:04:05.000Z","pattern":"[ipv4-addr:value = '198.51.100.14']","pattern_type":"stix","valid_from":"2026-01-02T03:04:05Z","object_marking_refs":["marking-definition--00000000-0000-4000-8000-00000000dead"]}`
	tests := []struct {
		name    string
		officer func(f *storeFixture) storeOfficer
		colPath func(f *storeFixture) string
	}{
		{"into the home collection", func(f *storeFixture) storeOfficer { return f.home }, func(f *storeFixture) string { return f.homePath }},
		{"into a partner's collection", func(f *storeFixture) storeOfficer { return f.partner }, func(f *storeFixture) string { return f.partnerPath }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newStoreFixture(t)
			o, colPath := tt.officer(f), tt.colPath(f)
			st := f.post(t, o.basic(), colPath, good, noID, badTime, unknownMarking)
			if st.Status != liaison.StatusComplete || st.TotalCount != 4 || st.SuccessCount != 1 || st.FailureCount != 3 ||
				len(st.Successes) != 1 || len(st.Failures) != 3 {
				t.Fatalf("status %+v, want 1 success and 3 failures", st)
			}
			if st.Successes[0].ID != header(t, []byte(good)).ID {
				t.Errorf("success %+v", st.Successes[0])
			}
			reasons := map[string]string{
				"":                      "id",
				idOf(t, badTime):        "created",
				idOf(t, unknownMarking): "marking",
			}
			for _, fl := range st.Failures {
				want, ok := reasons[fl.ID]
				if !ok {
					t.Errorf("unexpected failure %+v", fl)
					continue
				}
				delete(reasons, fl.ID)
				if fl.Message == "" || !strings.Contains(fl.Message, want) {
					t.Errorf("failure of %q: message %q, want one naming %q", fl.ID, fl.Message, want)
				}
			}
			if len(reasons) > 0 {
				t.Errorf("no failure for %v", reasons)
			}
			env, _ := getAs[taxii.Envelope](t, f, o.bearer(), colPath+"objects/?limit=1000")
			var got []string
			for _, raw := range env.Objects {
				if h := header(t, raw); h.Type == "indicator" {
					got = append(got, string(raw))
				}
			}
			if !slices.Equal(got, []string{good}) {
				t.Errorf("the collection serves indicators %v, want the good one only", got)
			}
			// Nothing of the bad ones is held.
			for _, raw := range []string{badTime, unknownMarking} {
				f.wantStatus(t, http.MethodGet, o.bearer(), colPath+"objects/"+idOf(t, raw)+"/", "", http.StatusNotFound)
			}
		})
	}
}
