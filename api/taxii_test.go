package api

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
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/taxii"
)

// The collections of the TAXII fixture.
const (
	colHome     = "91a7b528-80eb-42ed-a74d-c6fbd5a26116" // de-bfv's: read and write
	colReadOnly = "52892447-4d7e-4f70-b94d-d7f22742ff63" // de-bfv's: read only
	colInbox    = "2d086da7-4bdc-4f91-900e-d77486753710" // de-bfv's: write only
	colFR       = "88dc8293-827e-44f0-a592-4b5302fbe9d3" // fr-dgsi's: read and write
	colMissing  = "5d26743b-4ade-4b7d-8fea-f68119d4f909" // nobody's
)

// The STIX ids of the fixture's objects.
const (
	idIndicator = "indicator--c410e480-e42b-47d1-9476-85307c12bcbf"
	idMalware   = "malware--664fa29d-bf65-4f28-a667-bdb76f29ec98"
	idAddress   = "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"
	idCustom    = "x-acme-widget--252c7c11-daf2-42bd-843b-be65edca9f61"
	idCampaign  = "campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
	idActor     = "threat-actor--045585ad-a22f-4333-af33-bfd503a683b5"
)

// taxiiObjects are the versions in the home collection, in the order they
// are added, each under a short label: the indicator has three versions,
// the campaign one in STIX 2.0 and a later one in 2.1, the threat actor
// only a 2.0 one, the address is a cyber-observable without a version, and
// the custom object is written with odd spacing and escapes that must come
// back byte for byte.
var taxiiObjects = []struct{ label, raw string }{
	{"a1", `{"type":"indicator","spec_version":"2.1","id":"` + idIndicator + `","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}`},
	{"b", `{"type":"malware","spec_version":"2.1","id":"` + idMalware + `","created":"2024-02-01T00:00:00.000Z","modified":"2024-02-01T00:00:00.000Z","name":"Poison Ivy","is_family":true}`},
	{"a2", `{"type":"indicator","spec_version":"2.1","id":"` + idIndicator + `","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-02T00:00:00.123Z","pattern":"[ipv4-addr:value = '198.51.100.2']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}`},
	{"c", `{"type":"ipv4-addr","spec_version":"2.1","id":"` + idAddress + `","value":"198.51.100.3"}`},
	{"d", "{ \"type\" : \"x-acme-widget\",\n  \"spec_version\":\"2.1\", \"id\":\"" + idCustom + "\", \"created\":\"2024-03-01T00:00:00Z\", \"modified\":\"2024-03-01T00:00:00Z\",\n  \"x_note\": \"\\u00e9t\u00e9 <&> \\\"quoted\\\"\", \"x_n\": 1.50 }"},
	{"a3", `{"type":"indicator","spec_version":"2.1","id":"` + idIndicator + `","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-03T00:00:00.123456Z","pattern":"[ipv4-addr:value = '198.51.100.3']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}`},
	{"e20", `{"type":"campaign","spec_version":"2.0","id":"` + idCampaign + `","created":"2023-05-01T00:00:00.000Z","modified":"2023-05-01T00:00:00.000Z","name":"Green Group"}`},
	{"e21", `{"type":"campaign","spec_version":"2.1","id":"` + idCampaign + `","created":"2023-05-01T00:00:00.000Z","modified":"2024-05-01T00:00:00.000Z","name":"Green Group"}`},
	{"f", `{"type":"threat-actor","spec_version":"2.0","id":"` + idActor + `","created":"2023-06-01T00:00:00.000Z","modified":"2023-06-01T00:00:00.000Z","name":"Evil Org"}`},
}

// taxiiFixture is the API fixture with collections and objects.
type taxiiFixture struct {
	*fixture
	added map[string]liaison.Object // label → the version as stored, with its date_added
	label map[string]string         // raw JSON → label
}

// newTAXIIFixture starts the fixture's server with collections for the
// home organisation (read-write, read-only, write-only) and for fr-dgsi,
// and taxiiObjects in the home collection.
func newTAXIIFixture(t *testing.T, maxBody int64) *taxiiFixture {
	t.Helper()
	f := &taxiiFixture{fixture: newFixture(t, maxBody), added: map[string]liaison.Object{}, label: map[string]string{}}
	for _, c := range []liaison.Collection{
		{ID: colHome, Title: "Home", Description: "Everything de-bfv holds", CanRead: true, CanWrite: true, OrgID: "de-bfv"},
		{ID: colReadOnly, Title: "Read only", CanRead: true, OrgID: "de-bfv"},
		{ID: colInbox, Title: "Inbox", CanWrite: true, OrgID: "de-bfv", MediaTypes: []string{taxii.STIXMediaType}},
		{ID: colFR, Title: "For fr-dgsi", CanRead: true, CanWrite: true, OrgID: "fr-dgsi"},
	} {
		f.node.addCollection(c)
	}
	for _, o := range taxiiObjects {
		f.added[o.label] = f.node.addObject(colHome, o.raw)
		f.label[o.raw] = o.label
	}
	f.node.addObject(colFR, `{"type":"malware","spec_version":"2.1","id":"malware--11111111-1111-4111-8111-111111111111","created":"2024-02-01T00:00:00.000Z","modified":"2024-02-01T00:00:00.000Z","name":"French","is_family":true}`)
	return f
}

// taxiiCall is one request to the TAXII server.
type taxiiCall struct {
	method      string // GET when empty
	path        string
	auth        string // the Authorization header; "" for the analyst's bearer token, "-" for none
	accept      string // the Accept header; "" for TAXII 2.1, "-" for none
	contentType string // the body's Content-Type; "" for TAXII 2.1, "-" for none
	body        string
}

func bearer(token string) string { return "Bearer " + token }

func basic(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// do sends c and returns the answer with its body read. Every TAXII answer
// must be application/taxii+json;version=2.1 with the security headers,
// whatever its status.
func (f *taxiiFixture) do(t *testing.T, c taxiiCall) (*http.Response, []byte) {
	t.Helper()
	if c.method == "" {
		c.method = http.MethodGet
	}
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(t.Context(), c.method, f.srv.URL+c.path, body)
	if err != nil {
		t.Fatal(err)
	}
	set := func(name, v, def string) {
		switch v {
		case "-":
		case "":
			req.Header.Set(name, def)
		default:
			req.Header.Set(name, v)
		}
	}
	set("Authorization", c.auth, bearer(analystToken))
	set("Accept", c.accept, taxii.MediaType)
	if c.body != "" {
		set("Content-Type", c.contentType, taxii.MediaType)
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
		t.Errorf("%s %s: Content-Type %q, want %q", c.method, c.path, ct, taxii.MediaType)
	}
	for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"} {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s %s: %s %q, want %q", c.method, c.path, k, got, v)
		}
	}
	return resp, b
}

// get sends a GET of path as the analyst and fails the test unless it
// answers 200.
func (f *taxiiFixture) get(t *testing.T, path string) (*http.Response, []byte) {
	t.Helper()
	resp, b := f.do(t, taxiiCall{path: path})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", path, resp.Status, b)
	}
	return resp, b
}

// checkTAXIIError fails the test unless the answer is a TAXII error
// message with the status and code wanted, and http_status matching the
// status; it returns the message.
func checkTAXIIError(t *testing.T, resp *http.Response, b []byte, status int, code string) taxii.Error {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, b)
	}
	var e taxii.Error
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("the body is not a TAXII error: %v: %s", err, b)
	}
	if e.HTTPStatus != strconv.Itoa(status) {
		t.Errorf("http_status %q, want %q", e.HTTPStatus, strconv.Itoa(status))
	}
	if e.Title != http.StatusText(status) {
		t.Errorf("title %q, want %q", e.Title, http.StatusText(status))
	}
	if e.ErrorCode != code {
		t.Errorf("error_code %q, want %q (%s)", e.ErrorCode, code, e.Description)
	}
	if e.Description == "" {
		t.Error("the error has no description")
	}
	return e
}

// decodeTAXII parses a TAXII resource, failing on any property the type
// does not have.
func decodeTAXII[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %T: %v: %s", v, err, b)
	}
	return v
}

// labels returns the labels of the objects of an envelope, failing on an
// object that is not byte for byte one of taxiiObjects.
func (f *taxiiFixture) labels(t *testing.T, env taxii.Envelope) []string {
	t.Helper()
	var out []string
	for _, raw := range env.Objects {
		l, ok := f.label[string(raw)]
		if !ok {
			t.Fatalf("an object that is not one of the fixture's, byte for byte: %s", raw)
		}
		out = append(out, l)
	}
	return out
}

// objectsPath is the objects endpoint of a collection.
func objectsPath(collection string) string {
	return taxiiAPIRoot + "collections/" + collection + "/objects/"
}

// taxiiTimestamp is a TAXII timestamp: UTC, microseconds, Z.
var taxiiTimestamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`)

func TestTAXIIDiscoveryNamesTheOneAPIRoot(t *testing.T) {
	f := newTAXIIFixture(t, 0)
	_, b := f.get(t, "/taxii2/")
	d := decodeTAXII[taxii.Discovery](t, b)
	want := taxii.Discovery{Title: "liaison", Description: d.Description, Default: "/taxii2/liaison/", APIRoots: []string{"/taxii2/liaison/"}}
	if diff := cmp.Diff(want, d); diff != "" || d.Description == "" {
		t.Errorf("discovery (-want +got):\n%s", diff)
	}
}

func TestTAXIIAPIRootGivesVersionAndBodyLimit(t *testing.T) {
	f := newTAXIIFixture(t, 4096)
	_, b := f.get(t, taxiiAPIRoot)
	r := decodeTAXII[taxii.APIRoot](t, b)
	if !slices.Equal(r.Versions, []string{"application/taxii+json;version=2.1"}) || r.MaxContentLength != 4096 || r.Title == "" {
		t.Errorf("API root %+v, want TAXII 2.1 and max_content_length 4096", r)
	}
}

func TestTAXIICollectionsAreThoseOfTheCallersOrganisation(t *testing.T) {
	f := newTAXIIFixture(t, 0)
	f.node.addOfficer(liaison.Officer{ID: "nl-aivd.liaison", OrgID: "nl-aivd", Name: "Nl", Role: liaison.RoleLiaison}, "secret-nl-token")

	t.Run("the home officer sees the home collections in a stable order", func(t *testing.T) {
		_, b := f.get(t, taxiiAPIRoot+"collections/")
		got := decodeTAXII[taxii.Collections](t, b)
		stix := []string{taxii.STIXMediaType}
		want := taxii.Collections{Collections: []taxii.Collection{
			{ID: colInbox, Title: "Inbox", CanWrite: true, MediaTypes: stix},
			{ID: colReadOnly, Title: "Read only", CanRead: true, MediaTypes: stix},
			{ID: colHome, Title: "Home", Description: "Everything de-bfv holds", CanRead: true, CanWrite: true, MediaTypes: stix},
		}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("collections (-want +got):\n%s", diff)
		}
	})
	t.Run("a partner sees only its own", func(t *testing.T) {
		_, b := f.do(t, taxiiCall{path: taxiiAPIRoot + "collections/", auth: bearer(frToken)})
		got := decodeTAXII[taxii.Collections](t, b)
		if len(got.Collections) != 1 || got.Collections[0].ID != colFR {
			t.Errorf("fr-dgsi's collections %+v, want only %s", got, colFR)
		}
	})
	t.Run("no collections is the empty resource", func(t *testing.T) {
		resp, b := f.do(t, taxiiCall{path: taxiiAPIRoot + "collections/", auth: bearer("secret-nl-token")})
		if resp.StatusCode != http.StatusOK || string(b) != "{}\n" {
			t.Errorf("%s %q, want 200 {}", resp.Status, b)
		}
	})
	t.Run("one collection", func(t *testing.T) {
		_, b := f.get(t, taxiiAPIRoot+"collections/"+colHome+"/")
		got := decodeTAXII[taxii.Collection](t, b)
		if got.ID != colHome || !got.CanRead || !got.CanWrite {
			t.Errorf("collection %+v", got)
		}
	})
	t.Run("another organisation's collection is answered as a missing one", func(t *testing.T) {
		for _, sub := range []string{"", "manifest/", "objects/", "objects/" + idMalware + "/", "objects/" + idMalware + "/versions/"} {
			resp, theirs := f.do(t, taxiiCall{path: taxiiAPIRoot + "collections/" + colFR + "/" + sub})
			checkTAXIIError(t, resp, theirs, http.StatusNotFound, liaison.ENOTFOUND)
			resp, missing := f.do(t, taxiiCall{path: taxiiAPIRoot + "collections/" + colMissing + "/" + sub})
			checkTAXIIError(t, resp, missing, http.StatusNotFound, liaison.ENOTFOUND)
			if got := strings.ReplaceAll(string(theirs), colFR, colMissing); got != string(missing) {
				t.Errorf("%s: another's collection answers\n%s\nbut a missing one\n%s", sub, theirs, missing)
			}
		}
	})
}

func TestTAXIIAuthentication(t *testing.T) {
	f := newTAXIIFixture(t, 0)
	collections := taxiiAPIRoot + "collections/"
	tests := []struct {
		name   string
		call   taxiiCall
		status int
	}{
		{"a bearer token is accepted", taxiiCall{path: collections, auth: bearer(analystToken)}, 200},
		{"HTTP Basic with handle and token is accepted", taxiiCall{path: collections, auth: basic("de-bfv.analyst", analystToken)}, 200},
		{"no credentials are unauthorized, even for discovery", taxiiCall{path: "/taxii2/", auth: "-"}, 401},
		{"no credentials are unauthorized on the API root", taxiiCall{path: taxiiAPIRoot, auth: "-"}, 401},
		{"no credentials are unauthorized on objects", taxiiCall{path: objectsPath(colHome), auth: "-"}, 401},
		{"no credentials on an unknown path are unauthorized first", taxiiCall{path: "/taxii2/nothing/", auth: "-"}, 401},
		{"a bad bearer token is unauthorized", taxiiCall{path: collections, auth: bearer("not-a-token")}, 401},
		{"HTTP Basic with a bad token is unauthorized", taxiiCall{path: collections, auth: basic("de-bfv.analyst", "not-a-token")}, 401},
		{"HTTP Basic with another officer's handle is unauthorized", taxiiCall{path: collections, auth: basic("de-bfv.admin", analystToken)}, 401},
		{"HTTP Basic without a password is unauthorized", taxiiCall{path: collections, auth: basic("de-bfv.analyst", "")}, 401},
		{"HTTP Basic that is not base64 is unauthorized", taxiiCall{path: collections, auth: "Basic !!!"}, 401},
		{"another scheme is unauthorized", taxiiCall{path: collections, auth: "Digest username=x"}, 401},
		{"a POST without credentials is unauthorized before its body is read",
			taxiiCall{method: "POST", path: objectsPath(colHome), auth: "-", body: "{"}, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := f.do(t, tt.call)
			if tt.status == 200 {
				if resp.StatusCode != 200 {
					t.Fatalf("status %s: %s", resp.Status, b)
				}
				return
			}
			e := checkTAXIIError(t, resp, b, tt.status, liaison.EUNAUTHORIZED)
			if got := resp.Header.Get("WWW-Authenticate"); got != `Basic realm="liaison", Bearer` {
				t.Errorf("WWW-Authenticate %q", got)
			}
			if strings.Contains(string(b), analystToken) || strings.Contains(e.Description, "not-a-token") {
				t.Errorf("the error repeats the credentials: %s", b)
			}
		})
	}
	if logs := f.logs.String(); strings.Contains(logs, basic("de-bfv.analyst", analystToken)[len("Basic "):]) {
		t.Errorf("the log holds Basic credentials:\n%s", logs)
	}
}

func TestTAXIIAcceptMustNameTAXII21(t *testing.T) {
	f := newTAXIIFixture(t, 0)
	tests := []struct {
		accept string
		ok     bool
	}{
		{"application/taxii+json;version=2.1", true},
		{"application/taxii+json", true},
		{"application/taxii+json; version=2.1", true},
		{"application/json, application/taxii+json;version=2.1;q=0.5", true},
		{"application/taxii+json;version=2.1,application/stix+json;version=2.1", true},
		{"*/*, application/taxii+json", true},
		{"-", false}, // no Accept header
		{"*/*", false},
		{"application/*", false},
		{"application/json", false},
		{"application/stix+json;version=2.1", false},
		{"application/taxii+json;version=2.0", false},
		{"application/taxii+json;version=2.1;q=0", false},
		{"application/taxii+json;version=", false},
		{"text/html", false},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			for _, path := range []string{"/taxii2/", objectsPath(colHome), objectsPath(colHome) + idMalware + "/"} {
				resp, b := f.do(t, taxiiCall{path: path, accept: tt.accept})
				if tt.ok {
					if resp.StatusCode != 200 {
						t.Errorf("GET %s: %s: %s", path, resp.Status, b)
					}
					continue
				}
				checkTAXIIError(t, resp, b, http.StatusNotAcceptable, ENOTACCEPTABLE)
			}
		})
	}
}

func TestTAXIIPostMustBeTAXIIContent(t *testing.T) {
	f := newTAXIIFixture(t, 0)
	envelope := `{"objects":[` + taxiiObjects[1].raw + `]}`
	tests := []struct {
		contentType string
		ok          bool
	}{
		{"application/taxii+json;version=2.1", true},
		{"application/taxii+json", true},
		{"application/taxii+json; version=2.1; charset=utf-8", true},
		{"-", false},
		{"application/json", false},
		{"application/stix+json;version=2.1", false},
		{"application/taxii+json;version=2.0", false},
		{"text/plain", false},
	}
	for _, tt := range tests {
		t.Run(tt.contentType, func(t *testing.T) {
			resp, b := f.do(t, taxiiCall{method: "POST", path: objectsPath(colHome), contentType: tt.contentType, body: envelope})
			if tt.ok {
				if resp.StatusCode != http.StatusAccepted {
					t.Errorf("status %s: %s", resp.Status, b)
				}
				return
			}
			checkTAXIIError(t, resp, b, http.StatusUnsupportedMediaType, EMEDIATYPE)
		})
	}
	t.Run("a POST must accept TAXII too", func(t *testing.T) {
		resp, b := f.do(t, taxiiCall{method: "POST", path: objectsPath(colHome), accept: "application/json", body: envelope})
		checkTAXIIError(t, resp, b, http.StatusNotAcceptable, ENOTACCEPTABLE)
	})
}

func TestTAXIIUnknownPathsAndMethodsAreTAXIIErrors(t *testing.T) {
	f := newTAXIIFixture(t, 0)
	tests := []struct {
		name   string
		method string
		path   string
		status int
		code   string
		allow  string
	}{
		{"an unknown path", "GET", "/taxii2/nothing/", 404, liaison.ENOTFOUND, ""},
		{"another API root", "GET", "/taxii2/other/collections/", 404, liaison.ENOTFOUND, ""},
		{"a path under an object", "GET", objectsPath(colHome) + idMalware + "/more/", 404, liaison.ENOTFOUND, ""},
		{"discovery without its slash", "GET", "/taxii2", 404, liaison.ENOTFOUND, ""},
		{"the API root without its slash", "GET", "/taxii2/liaison", 404, liaison.ENOTFOUND, ""},
		{"collections without their slash", "GET", taxiiAPIRoot + "collections", 404, liaison.ENOTFOUND, ""},
		{"objects without their slash", "GET", strings.TrimSuffix(objectsPath(colHome), "/"), 404, liaison.ENOTFOUND, ""},
		{"POST on the collections", "POST", taxiiAPIRoot + "collections/", 405, EMETHOD, "GET, HEAD"},
		{"DELETE on objects", "DELETE", objectsPath(colHome), 405, EMETHOD, "GET, HEAD, POST"},
		{"PUT on an object", "PUT", objectsPath(colHome) + idMalware + "/", 405, EMETHOD, "DELETE, GET, HEAD"},
		{"DELETE on discovery", "DELETE", "/taxii2/", 405, EMETHOD, "GET, HEAD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := f.do(t, taxiiCall{method: tt.method, path: tt.path})
			checkTAXIIError(t, resp, b, tt.status, tt.code)
			if got := resp.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
		})
	}
}

func TestTAXIIObjectsFilterBySpec(t *testing.T) {
	f := newTAXIIFixture(t, 0)
	afterC := taxii.FormatTimestamp(f.added["c"].Added)
	tests := []struct {
		name  string
		query string
		want  []string // labels, in date_added order
	}{
		{"by default the last version in the latest spec version of each object", "", []string{"b", "c", "d", "a3", "e21", "f"}},
		{"last explicitly", "match[version]=last", []string{"b", "c", "d", "a3", "e21", "f"}},
		{"first", "match[version]=first", []string{"a1", "b", "c", "d", "e21", "f"}},
		{"first and last", "match[version]=first,last", []string{"a1", "b", "c", "d", "a3", "e21", "f"}},
		{"all", "match[version]=all", []string{"a1", "b", "a2", "c", "d", "a3", "e21", "f"}},
		{"a version by its modified, with other precision", "match[version]=2024-01-02T00:00:00.123000Z", []string{"a2"}},
		{"two versions", "match[version]=2024-01-03T00:00:00.123456Z,2024-01-02T00:00:00.123Z", []string{"a2", "a3"}},
		{"a version and first", "match[version]=first,2024-01-02T00:00:00.123Z", []string{"a1", "b", "a2", "c", "d", "e21", "f"}},
		{"an unversioned object by the server's version, its date_added", "match[version]=" + afterC, []string{"c"}},
		{"a version no object has", "match[version]=2000-01-01T00:00:00Z", nil},
		{"spec version 2.0 only", "match[spec_version]=2.0", []string{"e20", "f"}},
		{"spec versions 2.0 and 2.1: the last version of each", "match[spec_version]=2.0,2.1", []string{"b", "c", "d", "a3", "e21", "f"}},
		{"every version of every spec version", "match[spec_version]=2.1,2.0&match[version]=all", []string{"a1", "b", "a2", "c", "d", "a3", "e20", "e21", "f"}},
		{"a spec version nothing has", "match[spec_version]=2.2", nil},
		{"an id", "match[id]=" + idIndicator, []string{"a3"}},
		{"two ids", "match[id]=" + idIndicator + "," + idMalware, []string{"b", "a3"}},
		{"an id with every version", "match[id]=" + idIndicator + "&match[version]=all", []string{"a1", "a2", "a3"}},
		{"a type", "match[type]=indicator", []string{"a3"}},
		{"two types", "match[type]=malware,indicator", []string{"b", "a3"}},
		{"a custom type", "match[type]=x-acme-widget", []string{"d"}},
		{"a cyber-observable type", "match[type]=ipv4-addr", []string{"c"}},
		{"a STIX type nothing has is no error", "match[type]=sighting", nil},
		{"type and id are ANDed", "match[type]=malware&match[id]=" + idIndicator, nil},
		{"added_after keeps versions added strictly after", "added_after=" + afterC, []string{"d", "a3", "e21", "f"}},
		{"added_after with millisecond precision", "added_after=2000-01-01T00:00:00.000Z", []string{"b", "c", "d", "a3", "e21", "f"}},
		{"added_after chooses first among all versions, not among the later ones", "added_after=" + afterC + "&match[version]=first", []string{"d", "e21", "f"}},
		{"an unknown match field is ignored", "match[colour]=red", []string{"b", "c", "d", "a3", "e21", "f"}},
		{"an unknown parameter is ignored", "format=xml", []string{"b", "c", "d", "a3", "e21", "f"}},
		{"escaped brackets are the same field", "match%5Btype%5D=malware", []string{"b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := objectsPath(colHome)
			if tt.query != "" {
				path += "?" + tt.query
			}
			resp, b := f.get(t, path)
			env := decodeTAXII[taxii.Envelope](t, b)
			if got := f.labels(t, env); !slices.Equal(got, tt.want) {
				t.Errorf("objects %v, want %v", got, tt.want)
			}
			if env.More || env.Next != "" {
				t.Errorf("more %v next %q on a complete answer", env.More, env.Next)
			}
			first, last := resp.Header.Get(taxii.HeaderDateAddedFirst), resp.Header.Get(taxii.HeaderDateAddedLast)
			if len(tt.want) == 0 {
				if string(b) != "{}\n" || first != "" || last != "" {
					t.Errorf("an empty answer %q with date-added headers %q %q, want {} without them", b, first, last)
				}
				return
			}
			if want := taxii.FormatTimestamp(f.added[tt.want[0]].Added); first != want {
				t.Errorf("%s %q, want %q", taxii.HeaderDateAddedFirst, first, want)
			}
			if want := taxii.FormatTimestamp(f.added[tt.want[len(tt.want)-1]].Added); last != want {
				t.Errorf("%s %q, want %q", taxii.HeaderDateAddedLast, last, want)
			}
		})
	}
}

func TestTAXIIQueryErrorsAreBadRequests(t *testing.T) {
	f := newTAXIIFixture(t, 0)
	objects, object := objectsPath(colHome), objectsPath(colHome)+idIndicator+"/"
	tests := []struct {
		name, path, query, want string // want: a part of the description
	}{
		{"added_after that is not a timestamp", objects, "added_after=yesterday", "added_after"},
		{"added_after without a zone", objects, "added_after=2024-01-01T00:00:00", "added_after"},
		{"added_after with an offset", objects, "added_after=2024-01-01T00:00:00%2B01:00", "added_after"},
		{"the OASIS example's bad date", objects, "added_after=2022-101-27T00:00:00.000Z", "added_after"},
		{"added_after empty", objects, "added_after=", "added_after"},
		{"added_after twice", objects, "added_after=2024-01-01T00:00:00Z&added_after=2024-01-02T00:00:00Z", "once"},
		{"two added_after in one", objects, "added_after=2024-01-01T00:00:00Z,2024-01-02T00:00:00Z", "added_after"},
		{"limit zero", objects, "limit=0", "limit"},
		{"limit negative", objects, "limit=-5", "limit"},
		{"limit not a number", objects, "limit=ten", "limit"},
		{"limit a fraction", objects, "limit=1.5", "limit"},
		{"limit with a sign", objects, "limit=+5", "limit"},
		{"limit beyond any integer", objects, "limit=99999999999999999999999", "limit"},
		{"limit empty", objects, "limit=", "limit"},
		{"limit twice", objects, "limit=1&limit=2", "once"},
		{"next empty", objects, "next=", "next"},
		{"next twice", objects, "next=a&next=b", "once"},
		{"next that the server never gave", objects, "next=garbage", "next"},
		{"match[version] all with another", objects, "match[version]=all,last", "all"},
		{"match[version] first twice", objects, "match[version]=first,first", "twice"},
		{"match[version] the same time twice", objects, "match[version]=2024-01-02T00:00:00.123Z,2024-01-02T00:00:00.123000Z", "twice"},
		{"match[version] not a keyword nor time", objects, "match[version]=latest", "latest"},
		{"match[version] with the wrong case", objects, "match[version]=All", "All"},
		{"match[version] given twice", objects, "match[version]=first&match[version]=last", "once"},
		{"match[id] given twice", objects, "match[id]=a&match[id]=b", "once"},
		{"match[type] given twice", objects, "match[type]=indicator&match[type]=malware", "once"},
		{"match[spec_version] given twice", objects, "match[spec_version]=2.0&match[spec_version]=2.1", "once"},
		{"match[type] with a space", objects, "match[type]=indicator,%20malware", "space"},
		{"match[type] with an empty value", objects, "match[type]=indicator,,malware", "empty"},
		{"match[type] empty", objects, "match[type]=", "empty"},
		{"match[id] ending in a comma", objects, "match[id]=" + idIndicator + ",", "empty"},
		{"match[spec_version] that is not a version", objects, "match[spec_version]=latest", "spec_version"},
		{"a malformed escape", objects, "match[type]=%zz", "malformed"},
		{"semicolons", objects, "limit=1;added_after=2024-01-01T00:00:00Z", "malformed"},
		{"a bad limit on the manifest", taxiiAPIRoot + "collections/" + colHome + "/manifest/", "limit=0", "limit"},
		{"a bad version on an object", object, "match[version]=all,first", "all"},
		{"a bad added_after on versions", object + "versions/", "added_after=now", "added_after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := f.do(t, taxiiCall{path: tt.path + "?" + tt.query})
			e := checkTAXIIError(t, resp, b, http.StatusBadRequest, liaison.EINVALID)
			if !strings.Contains(e.Description, tt.want) {
				t.Errorf("description %q does not say %q", e.Description, tt.want)
			}
		})
	}
	t.Run("a DELETE with a bad version is a bad request", func(t *testing.T) {
		resp, b := f.do(t, taxiiCall{method: "DELETE", path: object + "?match[version]=all,all"})
		checkTAXIIError(t, resp, b, http.StatusBadRequest, liaison.EINVALID)
	})
}

func TestTAXIIPagingByNextAndByAddedAfter(t *testing.T) {
	f := newTAXIIFixture(t, 0)
	for _, query := range []string{"", "match[version]=all", "match[version]=all&match[spec_version]=2.0,2.1", "match[type]=indicator,malware,campaign&match[version]=all"} {
		_, b := f.get(t, objectsPath(colHome)+"?limit=1000&"+query)
		whole := f.labels(t, decodeTAXII[taxii.Envelope](t, b))
		for limit := 1; limit <= len(whole)+1; limit++ {
			t.Run(fmt.Sprintf("%s/limit=%d", query, limit), func(t *testing.T) {
				for _, by := range []string{"next", "added_after"} {
					var got []string
					cursor := ""
					for page := 0; ; page++ {
						if page > len(whole)+1 {
							t.Fatalf("by %s: paging does not end: %v", by, got)
						}
						path := fmt.Sprintf("%s?limit=%d&%s", objectsPath(colHome), limit, query)
						if cursor != "" {
							path += "&" + cursor
						}
						resp, b := f.get(t, path)
						env := decodeTAXII[taxii.Envelope](t, b)
						labels := f.labels(t, env)
						if len(labels) > limit {
							t.Fatalf("by %s: a page of %d objects for limit %d", by, len(labels), limit)
						}
						if len(labels) > 0 {
							first := taxii.FormatTimestamp(f.added[labels[0]].Added)
							last := taxii.FormatTimestamp(f.added[labels[len(labels)-1]].Added)
							if resp.Header.Get(taxii.HeaderDateAddedFirst) != first || resp.Header.Get(taxii.HeaderDateAddedLast) != last {
								t.Errorf("by %s: date-added headers %q..%q, want %q..%q", by,
									resp.Header.Get(taxii.HeaderDateAddedFirst), resp.Header.Get(taxii.HeaderDateAddedLast), first, last)
							}
						}
						got = append(got, labels...)
						if !env.More {
							if env.Next != "" {
								t.Errorf("by %s: next %q without more", by, env.Next)
							}
							break
						}
						if env.Next == "" {
							t.Fatalf("by %s: more without next", by)
						}
						if by == "next" {
							cursor = "next=" + env.Next
						} else {
							cursor = "added_after=" + resp.Header.Get(taxii.HeaderDateAddedLast)
						}
					}
					if !slices.Equal(got, whole) {
						t.Errorf("by %s: pages gave %v, want %v (no gaps, no repeats)", by, got, whole)
					}
				}
			})
		}
	}
}

func TestTAXIIPageSizes(t *testing.T) {
	f := newTAXIIFixture(t, 0)
	const big = "6f1c3a2e-31f4-4b7e-9c41-3f3b5f0e8a10"
	f.node.addCollection(liaison.Collection{ID: big, Title: "Big", CanRead: true, OrgID: "de-bfv"})
	for i := range 150 {
		f.node.addObject(big, fmt.Sprintf(`{"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-%012d","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z"}`, i))
	}
	tests := []struct {
		query string
		n     int
		more  bool
	}{
		{"", 100, true}, // the default page
		{"limit=1", 1, true},
		{"limit=149", 149, true},
		{"limit=150", 150, false},
		{"limit=1000", 150, false},
		{"limit=5000", 150, false}, // above the server's largest page: served with what it gives
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			_, b := f.get(t, objectsPath(big)+"?"+tt.query)
			env := decodeTAXII[taxii.Envelope](t, b)
			if len(env.Objects) != tt.n || env.More != tt.more {
				t.Errorf("%d objects, more %v; want %d, %v", len(env.Objects), env.More, tt.n, tt.more)
			}
		})
	}
}

func TestTAXIIObjectsAreSentByteForByte(t *testing.T) {
	f := newTAXIIFixture(t, 0)
	resp, b := f.get(t, objectsPath(colHome)+"?match[version]=all&match[spec_version]=2.0,2.1")
	var want bytes.Buffer
	want.WriteString(`{"objects":[`)
	for i, o := range taxiiObjects {
		if i > 0 {
			want.WriteByte(',')
		}
		want.WriteString(o.raw)
	}
	want.WriteString("]}\n")
	if string(b) != want.String() {
		t.Errorf("body\n%s\nwant\n%s", b, want.String())
	}
	if resp.ContentLength != int64(len(b)) {
		t.Errorf("Content-Length %d, body %d bytes", resp.ContentLength, len(b))
	}
	if !json.Valid(b) {
		t.Error("the envelope is not valid JSON")
	}
	t.Run("a page with more carries more and next first", func(t *testing.T) {
		_, b := f.get(t, objectsPath(colHome)+"?limit=1")
		if !regexp.MustCompile(`^\{"more":true,"next":"[^"]+","objects":\[\{`).Match(b) {
			t.Errorf("envelope %s", b)
		}
	})
}

func TestTAXIIObjectByID(t *testing.T) {
	f := newTAXIIFixture(t, 0)
	object := objectsPath(colHome) + idIndicator + "/"
	tests := []struct {
		name, path string
		want       []string
	}{
		{"the last version by default", object, []string{"a3"}},
		{"every version", object + "?match[version]=all", []string{"a1", "a2", "a3"}},
		{"the first", object + "?match[version]=first", []string{"a1"}},
		{"one version", object + "?match[version]=2024-01-02T00:00:00.123Z", []string{"a2"}},
		{"every version paged", object + "?match[version]=all&limit=2", []string{"a1", "a2"}},
		{"every version added after the first", object + "?match[version]=all&added_after=" + taxii.FormatTimestamp(f.added["a1"].Added), []string{"a2", "a3"}},
		{"match[id] and match[type] are ignored on an object", object + "?match[type]=malware&match[id]=" + idMalware, []string{"a3"}},
		{"the latest spec version by default", objectsPath(colHome) + idCampaign + "/?match[version]=all", []string{"e21"}},
		{"an older spec version", objectsPath(colHome) + idCampaign + "/?match[spec_version]=2.0", []string{"e20"}},
		{"a cyber-observable", objectsPath(colHome) + idAddress + "/", []string{"c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := f.get(t, tt.path)
			if got := f.labels(t, decodeTAXII[taxii.Envelope](t, b)); !slices.Equal(got, tt.want) {
				t.Errorf("versions %v, want %v", got, tt.want)
			}
			if got, want := resp.Header.Get(taxii.HeaderDateAddedLast), taxii.FormatTimestamp(f.added[tt.want[len(tt.want)-1]].Added); got != want {
				t.Errorf("%s %q, want %q", taxii.HeaderDateAddedLast, got, want)
			}
		})
	}
	for _, path := range []string{
		objectsPath(colHome) + "indicator--00000000-0000-4000-8000-000000000000/",
		object + "?match[version]=2000-01-01T00:00:00Z",
		object + "?match[spec_version]=2.0",
	} {
		t.Run("nothing selected is not found: "+path, func(t *testing.T) {
			resp, b := f.do(t, taxiiCall{path: path})
			checkTAXIIError(t, resp, b, http.StatusNotFound, liaison.ENOTFOUND)
		})
	}
}

func TestTAXIIVersions(t *testing.T) {
	f := newTAXIIFixture(t, 0)
	tests := []struct {
		name, path string
		want       []string
		more       bool
	}{
		{"every version in date_added order", idIndicator + "/versions/", []string{"2024-01-01T00:00:00.000000Z", "2024-01-02T00:00:00.123000Z", "2024-01-03T00:00:00.123456Z"}, false},
		{"paged", idIndicator + "/versions/?limit=2", []string{"2024-01-01T00:00:00.000000Z", "2024-01-02T00:00:00.123000Z"}, true},
		{"match[version] is ignored", idIndicator + "/versions/?match[version]=first", []string{"2024-01-01T00:00:00.000000Z", "2024-01-02T00:00:00.123000Z", "2024-01-03T00:00:00.123456Z"}, false},
		{"the latest spec version by default", idCampaign + "/versions/", []string{"2024-05-01T00:00:00.000000Z"}, false},
		{"both spec versions", idCampaign + "/versions/?match[spec_version]=2.0,2.1", []string{"2023-05-01T00:00:00.000000Z", "2024-05-01T00:00:00.000000Z"}, false},
		{"an unversioned object's version is its date_added", idAddress + "/versions/", []string{taxii.FormatTimestamp(f.added["c"].Added)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := f.get(t, objectsPath(colHome)+tt.path)
			v := decodeTAXII[taxii.Versions](t, b)
			if !slices.Equal(v.Versions, tt.want) || v.More != tt.more {
				t.Errorf("versions %v more %v, want %v more %v", v.Versions, v.More, tt.want, tt.more)
			}
			if resp.Header.Get(taxii.HeaderDateAddedFirst) == "" || resp.Header.Get(taxii.HeaderDateAddedLast) == "" {
				t.Error("no date-added headers")
			}
		})
	}
	t.Run("an unknown object has no versions", func(t *testing.T) {
		resp, b := f.do(t, taxiiCall{path: objectsPath(colHome) + "indicator--00000000-0000-4000-8000-000000000000/versions/"})
		checkTAXIIError(t, resp, b, http.StatusNotFound, liaison.ENOTFOUND)
	})
}

func TestTAXIIManifest(t *testing.T) {
	f := newTAXIIFixture(t, 0)
	manifest := taxiiAPIRoot + "collections/" + colHome + "/manifest/"
	resp, b := f.get(t, manifest+"?match[type]=indicator,ipv4-addr&match[version]=all")
	m := decodeTAXII[taxii.Manifest](t, b)
	record := func(label, version string) taxii.ManifestRecord {
		return taxii.ManifestRecord{ID: f.added[label].ID, DateAdded: taxii.FormatTimestamp(f.added[label].Added), Version: version, MediaType: taxii.STIXMediaType}
	}
	want := taxii.Manifest{Objects: []taxii.ManifestRecord{
		record("a1", "2024-01-01T00:00:00.000000Z"),
		record("a2", "2024-01-02T00:00:00.123000Z"),
		record("c", taxii.FormatTimestamp(f.added["c"].Added)),
		record("a3", "2024-01-03T00:00:00.123456Z"),
	}}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Errorf("manifest (-want +got):\n%s", diff)
	}
	if got := resp.Header.Get(taxii.HeaderDateAddedFirst); got != want.Objects[0].DateAdded {
		t.Errorf("%s %q, want %q", taxii.HeaderDateAddedFirst, got, want.Objects[0].DateAdded)
	}
	t.Run("paged", func(t *testing.T) {
		_, b := f.get(t, manifest+"?limit=2")
		m := decodeTAXII[taxii.Manifest](t, b)
		if len(m.Objects) != 2 || !m.More || m.Next == "" {
			t.Errorf("manifest page %+v, want 2 records, more and next", m)
		}
		_, b = f.get(t, manifest+"?limit=2&next="+m.Next)
		if m2 := decodeTAXII[taxii.Manifest](t, b); len(m2.Objects) != 2 || m2.Objects[0].ID == m.Objects[1].ID {
			t.Errorf("second page %+v", m2)
		}
	})
	t.Run("nothing selected is the empty resource", func(t *testing.T) {
		resp, b := f.get(t, manifest+"?match[type]=sighting")
		if string(b) != "{}\n" || resp.Header.Get(taxii.HeaderDateAddedFirst) != "" {
			t.Errorf("%q, want {} without date-added headers", b)
		}
	})
}

func TestTAXIIAddObjectsAndStatus(t *testing.T) {
	f := newTAXIIFixture(t, 0)
	newIndicator := `{"type":"indicator","spec_version":"2.1","id":"indicator--9a8b7c6d-0000-4000-8000-000000000001","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:00.000Z","pattern":"[file:name = 'x']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z"}`
	body := `{"more":false,"x_acme_note":"skipped","objects":[` + newIndicator + `,` + taxiiObjects[1].raw + `,{"type":"indicator"},17]}`
	resp, b := f.do(t, taxiiCall{method: "POST", path: objectsPath(colHome), auth: basic("de-bfv.analyst", analystToken), body: body})
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST: %s: %s", resp.Status, b)
	}
	st := decodeTAXII[taxii.Status](t, b)
	if st.Status != liaison.StatusComplete || st.TotalCount != 4 || st.SuccessCount != 2 || st.FailureCount != 2 || st.PendingCount != 0 {
		t.Errorf("status %+v, want complete with 4 objects: 2 added (one already held), 2 failed", st)
	}
	if len(st.Successes) != 2 || st.Successes[0].ID != "indicator--9a8b7c6d-0000-4000-8000-000000000001" || st.Successes[0].Version != "2025-01-01T00:00:00.000000Z" {
		t.Errorf("successes %+v", st.Successes)
	}
	if len(st.Failures) != 2 || st.Failures[0].Message == "" {
		t.Errorf("failures %+v, want two with a message each", st.Failures)
	}
	if !taxiiTimestamp.MatchString(st.RequestTimestamp) {
		t.Errorf("request_timestamp %q is not a TAXII timestamp", st.RequestTimestamp)
	}
	if strings.Contains(string(b), `"pendings"`) || strings.Contains(string(b), `[]`) {
		t.Errorf("the status holds an empty list: %s", b)
	}

	t.Run("the object is then served", func(t *testing.T) {
		_, b := f.get(t, objectsPath(colHome)+"indicator--9a8b7c6d-0000-4000-8000-000000000001/")
		env := decodeTAXII[taxii.Envelope](t, b)
		if len(env.Objects) != 1 || string(env.Objects[0]) != newIndicator {
			t.Errorf("envelope %s", b)
		}
	})
	t.Run("the status can be read again by the same organisation", func(t *testing.T) {
		_, b := f.do(t, taxiiCall{path: taxiiAPIRoot + "status/" + st.ID + "/", auth: bearer(adminToken)})
		if diff := cmp.Diff(st, decodeTAXII[taxii.Status](t, b)); diff != "" {
			t.Errorf("status (-posted +read):\n%s", diff)
		}
	})
	t.Run("another organisation does not find it", func(t *testing.T) {
		resp, b := f.do(t, taxiiCall{path: taxiiAPIRoot + "status/" + st.ID + "/", auth: bearer(frToken)})
		checkTAXIIError(t, resp, b, http.StatusNotFound, liaison.ENOTFOUND)
	})
	t.Run("another organisation does not find it even when the service shows it", func(t *testing.T) {
		f.node.mu.Lock()
		f.node.laxRights = true
		f.node.mu.Unlock()
		resp, b := f.do(t, taxiiCall{path: taxiiAPIRoot + "status/" + st.ID + "/", auth: bearer(frToken)})
		checkTAXIIError(t, resp, b, http.StatusNotFound, liaison.ENOTFOUND)
	})
	t.Run("an unknown status is not found", func(t *testing.T) {
		resp, b := f.do(t, taxiiCall{path: taxiiAPIRoot + "status/" + colMissing + "/"})
		checkTAXIIError(t, resp, b, http.StatusNotFound, liaison.ENOTFOUND)
	})
}

func TestTAXIIAddObjectsRefusesWhatIsNotAnEnvelope(t *testing.T) {
	f := newTAXIIFixture(t, 2048)
	tests := []struct {
		name, body string
		status     int
		code       string
		want       string // a part of the description
	}{
		{"not JSON", `objects`, 400, liaison.EBADJSON, "malformed JSON"},
		{"empty", ` `, 400, liaison.EBADJSON, "empty"},
		{"malformed JSON", `{"objects":[{"id" "x"}]}`, 400, liaison.EBADJSON, "malformed JSON"},
		{"cut short", `{"objects":[` + taxiiObjects[1].raw, 400, liaison.EBADJSON, "JSON"},
		{"a list, not an envelope", `[` + taxiiObjects[1].raw + `]`, 400, liaison.EBADJSON, "not a JSON object"},
		{"a bundle's objects as a string", `{"objects":"many"}`, 400, liaison.EBADJSON, "not a list"},
		{"objects as an object", `{"objects":{}}`, 400, liaison.EBADJSON, "not a list"},
		{"no objects", `{}`, 400, liaison.EBADJSON, "no objects"},
		{"an empty list of objects", `{"objects":[]}`, 400, liaison.EBADJSON, "no objects"},
		{"objects twice", `{"objects":[` + taxiiObjects[1].raw + `],"objects":[]}`, 400, liaison.EBADJSON, "twice"},
		{"data after the envelope", `{"objects":[` + taxiiObjects[1].raw + `]} {}`, 400, liaison.EBADJSON, "after the envelope"},
		{"a body over max_content_length", `{"objects":[{"x":"` + strings.Repeat("x", 4096) + `"}]}`, 413, liaison.ETOOLARGE, "2048 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := f.do(t, taxiiCall{method: "POST", path: objectsPath(colHome), body: tt.body})
			e := checkTAXIIError(t, resp, b, tt.status, tt.code)
			if !strings.Contains(e.Description, tt.want) {
				t.Errorf("description %q does not say %q", e.Description, tt.want)
			}
		})
	}
	t.Run("a body over the limit without a Content-Length", func(t *testing.T) {
		body := io.MultiReader(strings.NewReader(`{"objects":[{"x":"`), strings.NewReader(strings.Repeat("x", 4096)), strings.NewReader(`"}]}`))
		req, _ := http.NewRequestWithContext(t.Context(), "POST", f.srv.URL+objectsPath(colHome), body)
		req.Header.Set("Authorization", bearer(analystToken))
		req.Header.Set("Accept", taxii.MediaType)
		req.Header.Set("Content-Type", taxii.MediaType)
		resp, err := f.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.Request.ContentLength > 0 {
			t.Fatal("the request was sent with a length")
		}
		checkTAXIIError(t, resp, b, http.StatusRequestEntityTooLarge, liaison.ETOOLARGE)
	})
	t.Run("a body just within the limit is accepted", func(t *testing.T) {
		body := `{"objects":[` + taxiiObjects[1].raw + `]}`
		body += strings.Repeat(" ", 2048-len(body))
		resp, b := f.do(t, taxiiCall{method: "POST", path: objectsPath(colHome), body: body})
		if resp.StatusCode != http.StatusAccepted {
			t.Errorf("status %s: %s", resp.Status, b)
		}
	})
}

// TestTAXIIRightsOnCollections checks the rights of TAXII 2.1 sections
// 5.3 to 5.8, with a service that enforces them and with one that leaves
// them to the server, which must enforce them on its own.
func TestTAXIIRightsOnCollections(t *testing.T) {
	for _, lax := range []bool{false, true} {
		t.Run(fmt.Sprintf("laxRights=%v", lax), func(t *testing.T) {
			f := newTAXIIFixture(t, 0)
			f.node.laxRights = lax
			testTAXIIRights(t, f)
		})
	}
}

func testTAXIIRights(t *testing.T, f *taxiiFixture) {
	post := `{"objects":[` + taxiiObjects[1].raw + `]}`
	tests := []struct {
		name   string
		call   taxiiCall
		status int
		code   string
	}{
		{"POST to a read-only collection is forbidden", taxiiCall{method: "POST", path: objectsPath(colReadOnly), body: post}, 403, liaison.EFORBIDDEN},
		{"POST to a write-only collection is accepted", taxiiCall{method: "POST", path: objectsPath(colInbox), body: post}, 202, ""},
		{"POST to another organisation's collection is not found", taxiiCall{method: "POST", path: objectsPath(colFR), body: post}, 404, liaison.ENOTFOUND},
		{"POST to a missing collection is not found", taxiiCall{method: "POST", path: objectsPath(colMissing), body: post}, 404, liaison.ENOTFOUND},
		{"GET objects of a write-only collection is forbidden", taxiiCall{path: objectsPath(colInbox)}, 403, liaison.EFORBIDDEN},
		{"GET the manifest of a write-only collection is forbidden", taxiiCall{path: taxiiAPIRoot + "collections/" + colInbox + "/manifest/"}, 403, liaison.EFORBIDDEN},
		{"GET an object of a write-only collection is forbidden", taxiiCall{path: objectsPath(colInbox) + idMalware + "/"}, 403, liaison.EFORBIDDEN},
		{"GET versions in a write-only collection is forbidden", taxiiCall{path: objectsPath(colInbox) + idMalware + "/versions/"}, 403, liaison.EFORBIDDEN},
		{"GET a write-only collection itself is allowed", taxiiCall{path: taxiiAPIRoot + "collections/" + colInbox + "/"}, 200, ""},
		{"DELETE in a read-only collection is forbidden", taxiiCall{method: "DELETE", path: objectsPath(colReadOnly) + idMalware + "/"}, 403, liaison.EFORBIDDEN},
		{"DELETE in a write-only collection is forbidden", taxiiCall{method: "DELETE", path: objectsPath(colInbox) + idMalware + "/"}, 403, liaison.EFORBIDDEN},
		{"DELETE in another organisation's collection is not found", taxiiCall{method: "DELETE", path: objectsPath(colFR) + "malware--11111111-1111-4111-8111-111111111111/"}, 404, liaison.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := f.do(t, tt.call)
			if tt.code == "" {
				if resp.StatusCode != tt.status {
					t.Errorf("status %s, want %d: %s", resp.Status, tt.status, b)
				}
				return
			}
			checkTAXIIError(t, resp, b, tt.status, tt.code)
		})
	}
}

func TestTAXIIDeleteObject(t *testing.T) {
	f := newTAXIIFixture(t, 0)
	object := objectsPath(colHome) + idIndicator + "/"
	del := func(t *testing.T, path string) (*http.Response, []byte) {
		t.Helper()
		return f.do(t, taxiiCall{method: "DELETE", path: path})
	}
	t.Run("one version", func(t *testing.T) {
		resp, b := del(t, object+"?match[version]=2024-01-02T00:00:00.123Z")
		if resp.StatusCode != http.StatusOK || len(b) != 0 {
			t.Fatalf("DELETE: %s %q, want 200 without a body", resp.Status, b)
		}
		resp, b = f.do(t, taxiiCall{path: object + "?match[version]=2024-01-02T00:00:00.123Z"})
		checkTAXIIError(t, resp, b, http.StatusNotFound, liaison.ENOTFOUND)
		_, b = f.get(t, object+"?match[version]=all")
		if got := f.labels(t, decodeTAXII[taxii.Envelope](t, b)); !slices.Equal(got, []string{"a1", "a3"}) {
			t.Errorf("versions left %v, want [a1 a3]", got)
		}
	})
	t.Run("again is not found", func(t *testing.T) {
		resp, b := del(t, object+"?match[version]=2024-01-02T00:00:00.123Z")
		checkTAXIIError(t, resp, b, http.StatusNotFound, liaison.ENOTFOUND)
	})
	t.Run("by default the last version", func(t *testing.T) {
		if resp, b := del(t, object); resp.StatusCode != http.StatusOK {
			t.Fatalf("DELETE: %s %s", resp.Status, b)
		}
		_, b := f.get(t, object+"?match[version]=all")
		if got := f.labels(t, decodeTAXII[taxii.Envelope](t, b)); !slices.Equal(got, []string{"a1"}) {
			t.Errorf("versions left %v, want [a1]", got)
		}
	})
	t.Run("every version, then the object is gone everywhere", func(t *testing.T) {
		if resp, b := del(t, object+"?match[version]=all"); resp.StatusCode != http.StatusOK {
			t.Fatalf("DELETE: %s %s", resp.Status, b)
		}
		for _, path := range []string{object, object + "?match[version]=all", object + "versions/"} {
			resp, b := f.do(t, taxiiCall{path: path})
			checkTAXIIError(t, resp, b, http.StatusNotFound, liaison.ENOTFOUND)
		}
		_, b := f.get(t, taxiiAPIRoot+"collections/"+colHome+"/manifest/?match[version]=all")
		if strings.Contains(string(b), idIndicator) {
			t.Errorf("the manifest still lists the object: %s", b)
		}
		_, b = f.get(t, objectsPath(colHome)+"?match[version]=all")
		if strings.Contains(string(b), idIndicator) {
			t.Errorf("the objects still hold it: %s", b)
		}
	})
	t.Run("by spec version", func(t *testing.T) {
		campaign := objectsPath(colHome) + idCampaign + "/"
		if resp, b := del(t, campaign+"?match[spec_version]=2.0"); resp.StatusCode != http.StatusOK {
			t.Fatalf("DELETE: %s %s", resp.Status, b)
		}
		_, b := f.get(t, campaign+"?match[spec_version]=2.0,2.1&match[version]=all")
		if got := f.labels(t, decodeTAXII[taxii.Envelope](t, b)); !slices.Equal(got, []string{"e21"}) {
			t.Errorf("versions left %v, want [e21]", got)
		}
	})
	t.Run("an unknown object is not found", func(t *testing.T) {
		resp, b := del(t, objectsPath(colHome)+"indicator--00000000-0000-4000-8000-000000000000/")
		checkTAXIIError(t, resp, b, http.StatusNotFound, liaison.ENOTFOUND)
	})
}

func TestTAXIITimestampsHaveMicroseconds(t *testing.T) {
	f := newTAXIIFixture(t, 0)
	resp, b := f.get(t, taxiiAPIRoot+"collections/"+colHome+"/manifest/?match[version]=all&match[spec_version]=2.0,2.1")
	for _, h := range []string{taxii.HeaderDateAddedFirst, taxii.HeaderDateAddedLast} {
		if v := resp.Header.Get(h); !taxiiTimestamp.MatchString(v) {
			t.Errorf("%s %q is not a TAXII timestamp", h, v)
		}
	}
	for _, r := range decodeTAXII[taxii.Manifest](t, b).Objects {
		if !taxiiTimestamp.MatchString(r.DateAdded) || !taxiiTimestamp.MatchString(r.Version) {
			t.Errorf("record %+v: date_added or version without microseconds", r)
		}
	}
	t.Run("a version more precise than microseconds keeps its nanoseconds", func(t *testing.T) {
		o := liaison.Object{Version: time.Date(2024, 1, 1, 0, 0, 0, 123456789, time.UTC)}
		if got := taxiiVersion(&o); got != "2024-01-01T00:00:00.123456789Z" {
			t.Errorf("version %q", got)
		}
	})
}

func TestTAXIIInternalErrorsShowNoDetail(t *testing.T) {
	tests := []struct {
		name      string
		breakNode func(n *fakeNode)
		call      taxiiCall
	}{
		{"a failing store while authenticating", func(n *fakeNode) { n.fault = errors.New("sqlite: disk I/O error at /var/lib/liaison/secret.db") },
			taxiiCall{path: "/taxii2/"}},
		{"a failing store while reading objects", func(n *fakeNode) { n.fault = errors.New("sqlite: disk I/O error at /var/lib/liaison/secret.db") },
			taxiiCall{path: objectsPath(colHome)}},
		{"a panic while reading objects", func(n *fakeNode) { n.panics = true }, taxiiCall{path: objectsPath(colHome)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newTAXIIFixture(t, 0)
			f.node.mu.Lock()
			tt.breakNode(f.node)
			f.node.mu.Unlock()
			resp, b := f.do(t, tt.call)
			e := checkTAXIIError(t, resp, b, http.StatusInternalServerError, liaison.EINTERNAL)
			if e.Description != "internal error" || strings.Contains(string(b), "secret.db") {
				t.Errorf("the error shows detail: %s", b)
			}
			if !strings.Contains(f.logs.String(), "secret.db") {
				t.Errorf("the detail is not logged:\n%s", f.logs.String())
			}
		})
	}
}

func TestParseTAXIIQueryReadsEachParameter(t *testing.T) {
	at := func(s string) time.Time {
		t.Helper()
		v, err := taxii.ParseTimestamp(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name  string
		query string
		want  taxiiParams
		q     liaison.ObjectQuery
	}{
		{"nothing: the default page, last version, latest spec version", "", paramsObjects,
			liaison.ObjectQuery{Limit: taxiiDefaultPage}},
		{"every parameter",
			"added_after=2024-01-01T00:00:00.5Z&limit=7&next=abc&match[id]=a--1,b--2&match[type]=a,b&match[version]=first,2024-02-01T00:00:00Z,last&match[spec_version]=2.1,2.0,2.1",
			paramsObjects, liaison.ObjectQuery{AddedAfter: at("2024-01-01T00:00:00.5Z"), Limit: 7, Next: "abc", IDs: []string{"a--1", "b--2"}, Types: []string{"a", "b"},
				Versions:     liaison.VersionMatch{First: true, Last: true, At: []time.Time{at("2024-02-01T00:00:00Z")}},
				SpecVersions: []string{"2.1", "2.0"}}},
		{"a limit above the largest page asks for the largest page", "limit=5000", paramsObjects,
			liaison.ObjectQuery{Limit: liaison.MaxObjectPage}},
		{"a limit with leading zeros", "limit=007", paramsObjects, liaison.ObjectQuery{Limit: 7}},
		{"all", "match[version]=all", paramsObjects, liaison.ObjectQuery{Limit: taxiiDefaultPage, Versions: liaison.VersionMatch{All: true}}},
		{"parameters the endpoint does not take are ignored, even malformed or repeated",
			"match[id]=a&match[type]=b&match[type]=c&limit=0&next=&added_after=yesterday", paramsDelete,
			liaison.ObjectQuery{}},
		{"DELETE reads versions and spec versions only", "match[version]=first&match[spec_version]=2.0&limit=3", paramsDelete,
			liaison.ObjectQuery{Versions: liaison.VersionMatch{First: true}, SpecVersions: []string{"2.0"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := parseTAXIIQuery(tt.query, tt.want)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == paramsDelete {
				q.Limit = 0 // DELETE does not page
			}
			if diff := cmp.Diff(tt.q, q); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
		})
	}
}

// brokenObjects is an object service that breaks its contract in the way
// page says, so that the server's own checks can be seen.
type brokenObjects struct {
	liaison.ObjectService
	page func(p *liaison.ObjectPage) *liaison.ObjectPage
}

func (b brokenObjects) Objects(ctx context.Context, q liaison.ObjectQuery) (*liaison.ObjectPage, error) {
	p, err := b.ObjectService.Objects(ctx, q)
	if err != nil {
		return nil, err
	}
	return b.page(p), nil
}

// brokenBackend is the fake node with a broken object service.
type brokenBackend struct {
	*fakeNode
	page func(p *liaison.ObjectPage) *liaison.ObjectPage
}

func (b brokenBackend) Objects(o *liaison.Officer) liaison.ObjectService {
	return brokenObjects{ObjectService: b.fakeNode.Objects(o), page: b.page}
}

func TestTAXIIServiceBreakingItsContractIsAnInternalError(t *testing.T) {
	tests := []struct {
		name string
		page func(p *liaison.ObjectPage) *liaison.ObjectPage
	}{
		{"more objects than the limit", func(p *liaison.ObjectPage) *liaison.ObjectPage {
			p.Objects = append(p.Objects, p.Objects...)
			return p
		}},
		{"an object without its JSON", func(p *liaison.ObjectPage) *liaison.ObjectPage {
			p.Objects[0].Raw = nil
			return p
		}},
		{"no page", func(*liaison.ObjectPage) *liaison.ObjectPage { return nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newTAXIIFixture(t, 0)
			logs := &syncBuffer{}
			srv := httptest.NewServer(NewServer(Config{
				Backend: brokenBackend{fakeNode: f.node, page: tt.page},
				Logger:  slog.New(slog.NewTextHandler(logs, nil)),
			}))
			t.Cleanup(srv.Close)
			broken := &taxiiFixture{fixture: &fixture{srv: srv, node: f.node, logs: logs}, added: f.added, label: f.label}
			resp, b := broken.do(t, taxiiCall{path: objectsPath(colHome) + "?limit=6"})
			checkTAXIIError(t, resp, b, http.StatusInternalServerError, liaison.EINTERNAL)
			if !strings.Contains(logs.String(), "internal error") {
				t.Errorf("nothing logged:\n%s", logs.String())
			}
		})
	}
}

// FuzzParseTAXIIQuery checks that any query string is either read into a
// query with a page size the service accepts, or refused as invalid.
func FuzzParseTAXIIQuery(f *testing.F) {
	for _, s := range []string{"", "limit=5", "added_after=2024-01-01T00:00:00Z", "match[version]=first,last",
		"match[version]=all,all", "match[id]=a,b&match[type]=c", "match[spec_version]=2.0,2.1", "next=x", "limit=0;x", "%zz", "limit=5000", "limit=99999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := parseTAXIIQuery(raw, paramsObjects)
		if err != nil {
			if code := liaison.ErrorCode(err); code != liaison.EINVALID {
				t.Fatalf("error code %q for %q", code, raw)
			}
			return
		}
		if q.Limit < 1 || q.Limit > liaison.MaxObjectPage {
			t.Fatalf("limit %d for %q", q.Limit, raw)
		}
		if q.Versions.All && (q.Versions.First || q.Versions.Last || len(q.Versions.At) > 0) {
			t.Fatalf("all with other versions for %q", raw)
		}
	})
}

// BenchmarkTAXIIObjects serves pages of 100 objects of a 10,000-object
// collection from the fake: through the handler alone (the server's own
// cost and allocations per request), and over loopback HTTP with
// keep-alive connections from parallel clients.
func BenchmarkTAXIIObjects(b *testing.B) {
	n := newFakeNode("de-bfv")
	n.addOfficer(liaison.Officer{ID: "de-bfv.analyst", OrgID: "de-bfv", Name: "Bernd Analyst", Role: liaison.RoleAnalyst}, analystToken)
	n.addCollection(liaison.Collection{ID: colHome, Title: "Home", CanRead: true, OrgID: "de-bfv"})
	for i := range 10_000 {
		n.addObject(colHome, fmt.Sprintf(`{"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-%012d",`+
			`"created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","name":"Indicator %d",`+
			`"description":"%s","pattern":"[ipv4-addr:value = '198.51.100.%d']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z",`+
			`"object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]}`, i, i, strings.Repeat("d", 600), i%256))
	}
	h := NewServer(Config{Backend: n})
	first := objectsPath(colHome) + "?limit=100"
	// The cursor of the last page, to see that a page late in the
	// collection costs what the first does.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", objectsPath(colHome)+"?limit=9900", nil)
	req.Header.Set("Authorization", bearer(analystToken))
	req.Header.Set("Accept", taxii.MediaType)
	h.ServeHTTP(rec, req)
	var env taxii.Envelope
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Next == "" {
		b.Fatalf("setting up: %v %s", err, rec.Body.String()[:200])
	}
	last := first + "&next=" + env.Next

	for _, page := range []struct{ name, path string }{{"first-page", first}, {"last-page", last}} {
		b.Run("handler/"+page.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", page.path, nil)
			req.Header.Set("Authorization", bearer(analystToken))
			req.Header.Set("Accept", taxii.MediaType)
			w := &benchWriter{header: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.header)
				w.status, w.n = 0, 0
				h.ServeHTTP(w, req)
				if w.status != http.StatusOK {
					b.Fatalf("status %d", w.status)
				}
			}
			b.SetBytes(int64(w.n))
		})
	}
	b.Run("loopback", func(b *testing.B) {
		srv := httptest.NewServer(h)
		defer srv.Close()
		client := srv.Client()
		client.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
		b.ReportAllocs()
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				req, _ := http.NewRequest("GET", srv.URL+first, nil)
				req.Header.Set("Authorization", bearer(analystToken))
				req.Header.Set("Accept", taxii.MediaType)
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Errorf("status %d: %v", resp.StatusCode, err)
					return
				}
			}
		})
	})
}

// benchWriter is an http.ResponseWriter that counts and drops the body.
type benchWriter struct {
	header http.Header
	status int
	n      int
}

func (w *benchWriter) Header() http.Header { return w.header }

func (w *benchWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *benchWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += len(b)
	return len(b), nil
}
