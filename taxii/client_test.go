package taxii

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// client returns a Client of f that trusts its certificate.
func client(f *fakeServer) *Client {
	return &Client{HTTP: f.Client(), Username: f.user, Password: f.pass, Token: f.token}
}

// rewriteHeader is a RoundTripper that changes a request header before
// sending it, to make a real server refuse what the client would not send.
type rewriteHeader struct {
	next          http.RoundTripper
	method        string // "" for every method
	header, value string
}

func (rt rewriteHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	if rt.method == "" || r.Method == rt.method {
		r = r.Clone(r.Context())
		r.Header.Set(rt.header, rt.value)
	}
	return rt.next.RoundTrip(r)
}

func TestDiscoveryAPIRootCollections(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, nil, func(f *fakeServer) { f.user, f.pass = "nl.jansen", "s3cret:with colon" })
	c := client(f)

	for _, serverURL := range []string{f.URL, f.URL + "/", f.URL + "/taxii2", f.URL + "/taxii2/"} {
		d, err := c.Discovery(ctx, serverURL)
		if err != nil {
			t.Fatalf("Discovery(%s): %v", serverURL, err)
		}
		want := &Discovery{Title: "Fake", Default: f.URL + "/api1/", APIRoots: []string{f.URL + "/api1/", "https://elsewhere.example/api2/"}}
		if diff := cmp.Diff(want, d); diff != "" {
			t.Errorf("Discovery(%s) (-want +got):\n%s", serverURL, diff)
		}
	}
	d, _ := c.Discovery(ctx, f.URL)
	for _, apiRoot := range []string{d.Default, strings.TrimSuffix(d.Default, "/")} {
		r, err := c.APIRoot(ctx, apiRoot)
		if err != nil {
			t.Fatalf("APIRoot(%s): %v", apiRoot, err)
		}
		if r.Title != "API 1" || len(r.Versions) != 1 || r.Versions[0] != MediaType || r.MaxContentLength != 1<<20 {
			t.Errorf("APIRoot(%s) = %+v", apiRoot, r)
		}
		cs, err := c.Collections(ctx, apiRoot)
		if err != nil {
			t.Fatalf("Collections(%s): %v", apiRoot, err)
		}
		if diff := cmp.Diff(fakeCollections, cs.Collections); diff != "" {
			t.Errorf("Collections (-want +got):\n%s", diff)
		}
		col, err := c.Collection(ctx, apiRoot, "c1")
		if err != nil {
			t.Fatalf("Collection: %v", err)
		}
		if diff := cmp.Diff(fakeCollections[0], *col); diff != "" {
			t.Errorf("Collection (-want +got):\n%s", diff)
		}
	}
	for _, r := range f.requestLog() {
		if !strings.HasSuffix(r.path, "/") {
			t.Errorf("request path %q does not end in /", r.path)
		}
	}
}

func TestDiscoveryRefusesBadAPIRoots(t *testing.T) {
	for _, root := range []string{"/api1/?x=1", "ftp://example.com/api/", "http://[::1"} {
		t.Run(root, func(t *testing.T) {
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				reply(w, http.StatusOK, Discovery{Title: "Bad", APIRoots: []string{root}})
			}))
			defer srv.Close()
			_, err := (&Client{HTTP: srv.Client()}).Discovery(context.Background(), srv.URL)
			if err == nil || !strings.Contains(err.Error(), "API root") {
				t.Errorf("Discovery with API root %q: err = %v, want an error about it", root, err)
			}
		})
	}
}

// TestEndpointPaths checks the path each method requests: the endpoint's,
// ending in "/", whether or not the base URL given ends in one.
func TestEndpointPaths(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, makeObjects(3), nil)
	c := client(f)
	oid := "indicator--00000000-0000-4000-8000-000000000000"
	for _, slash := range []string{"", "/"} {
		root := f.URL + "/api1" + slash
		coll := f.URL + "/api1/collections/c1" + slash
		tests := []struct {
			name string
			call func() error
			want string
		}{
			{"APIRoot", func() error { _, err := c.APIRoot(ctx, root); return err }, "GET /api1/"},
			{"Collections", func() error { _, err := c.Collections(ctx, root); return err }, "GET /api1/collections/"},
			{"Collection", func() error { _, err := c.Collection(ctx, root, "c1"); return err }, "GET /api1/collections/c1/"},
			{"Objects", func() error { _, _, err := c.Objects(ctx, coll, Filter{}); return err }, "GET /api1/collections/c1/objects/"},
			{"Object", func() error { _, _, err := c.Object(ctx, coll, oid, Filter{}); return err }, "GET /api1/collections/c1/objects/" + oid + "/"},
			{"Versions", func() error { _, _, err := c.Versions(ctx, coll, oid, Filter{}); return err }, "GET /api1/collections/c1/objects/" + oid + "/versions/"},
			{"Manifest", func() error { _, _, err := c.Manifest(ctx, coll, Filter{}); return err }, "GET /api1/collections/c1/manifest/"},
			{"Status", func() error { _, err := c.Status(ctx, root, "nope"); return err }, "GET /api1/status/nope/"},
		}
		for _, tt := range tests {
			t.Run(tt.name+slash, func(t *testing.T) {
				n := len(f.requestLog())
				err := tt.call()
				if tt.name == "Status" {
					if StatusCode(err) != http.StatusNotFound {
						t.Fatalf("err = %v, want a 404", err)
					}
				} else if err != nil {
					t.Fatal(err)
				}
				log := f.requestLog()[n:]
				if len(log) != 1 || log[0].method+" "+log[0].path != tt.want {
					t.Errorf("requests = %+v, want one %s", log, tt.want)
				}
			})
		}
	}
	got, err := CollectionURL(f.URL+"/api1", "c 1")
	if want := f.URL + "/api1/collections/c%201/"; err != nil || got != want {
		t.Errorf("CollectionURL = %q, %v; want %q", got, err, want)
	}
	for _, bad := range []string{"", ".", ".."} {
		if _, err := CollectionURL(f.URL+"/api1/", bad); err == nil {
			t.Errorf("CollectionURL(id %q) succeeded", bad)
		}
	}
}

func TestBadBaseURLs(t *testing.T) {
	c := &Client{}
	for _, u := range []string{"", "taxii.example/api1/", "/api1/", "https://taxii.example/api1/?x=1", "https://taxii.example/api1/#frag", "mailto:x@example.com"} {
		if _, err := c.APIRoot(context.Background(), u); err == nil {
			t.Errorf("APIRoot(%q) succeeded", u)
		}
	}
}

func TestRequestHeaders(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		server    func(*fakeServer)
		client    func(*Client)
		wantAuth  string
		wantAgent string
	}{
		{"no credentials", nil, nil, "", "liaison/"},
		{"basic", func(f *fakeServer) { f.user, f.pass = "de.weber", "pässword" }, nil,
			"Basic " + base64.StdEncoding.EncodeToString([]byte("de.weber:pässword")), "liaison/"},
		{"bearer", func(f *fakeServer) { f.token = "tok-123" }, nil, "Bearer tok-123", "liaison/"},
		{"custom agent", nil, func(c *Client) { c.UserAgent = "federation/7" }, "", "federation/7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, makeObjects(1), tt.server)
			c := client(f)
			if tt.client != nil {
				tt.client(c)
			}
			coll := f.URL + "/api1/collections/c1/"
			if _, _, err := c.Objects(ctx, coll, Filter{}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.AddObjects(ctx, coll, []json.RawMessage{json.RawMessage(`{"type":"indicator","id":"indicator--1","modified":"2025-01-01T00:00:00.000Z"}`)}); err != nil {
				t.Fatal(err)
			}
			if err := c.DeleteObject(ctx, coll, "indicator--1", Filter{}); err != nil {
				t.Fatal(err)
			}
			log := f.requestLog()
			if len(log) != 3 {
				t.Fatalf("%d requests, want 3", len(log))
			}
			for _, r := range log {
				if got := r.header.Get("Accept"); got != MediaType {
					t.Errorf("%s: Accept = %q, want %q", r.method, got, MediaType)
				}
				wantCT := ""
				if r.method == http.MethodPost {
					wantCT = MediaType
				}
				if got := r.header.Get("Content-Type"); got != wantCT {
					t.Errorf("%s: Content-Type = %q, want %q", r.method, got, wantCT)
				}
				if got := r.header.Get("Authorization"); got != tt.wantAuth {
					t.Errorf("%s: Authorization = %q, want %q", r.method, got, tt.wantAuth)
				}
				if got := r.header.Get("User-Agent"); !strings.HasPrefix(got, tt.wantAgent) || strings.ContainsAny(got, " ()") {
					t.Errorf("%s: User-Agent = %q, want %q…", r.method, got, tt.wantAgent)
				}
			}
		})
	}

	t.Run("username and token", func(t *testing.T) {
		f := newFake(t, nil, nil)
		c := &Client{HTTP: f.Client(), Username: "u", Token: "t"}
		if _, err := c.Discovery(ctx, f.URL); err == nil {
			t.Error("a client with both a username and a token sent a request")
		}
		if n := len(f.requestLog()); n != 0 {
			t.Errorf("%d requests reached the server", n)
		}
	})
}

func TestErrorAnswers(t *testing.T) {
	ctx := context.Background()
	obj := []json.RawMessage{json.RawMessage(`{"type":"indicator","id":"indicator--1"}`)}
	type call func(c *Client, f *fakeServer) error
	objects := func(coll string) call {
		return func(c *Client, f *fakeServer) error {
			_, _, err := c.Objects(ctx, f.URL+"/api1/collections/"+coll+"/", Filter{})
			return err
		}
	}
	tests := []struct {
		name      string
		server    func(*fakeServer)
		client    func(c *Client)
		call      call
		wantCode  int
		wantTitle string
		wantPath  string
	}{
		{"401 without credentials", func(f *fakeServer) { f.user, f.pass = "u", "p" }, func(c *Client) { c.Username, c.Password = "", "" },
			objects("c1"), 401, "Unauthorized", "/api1/collections/c1/objects/"},
		{"401 wrong token", func(f *fakeServer) { f.token = "right" }, func(c *Client) { c.Token = "wrong" },
			objects("c1"), 401, "Unauthorized", "/api1/collections/c1/objects/"},
		{"403 cannot read", nil, nil, objects("secret"), 403, "Forbidden", "/api1/collections/secret/objects/"},
		{"404 no collection", nil, nil, func(c *Client, f *fakeServer) error {
			_, err := c.Collection(ctx, f.URL+"/api1/", "nope")
			return err
		}, 404, "Not Found", "/api1/collections/nope/"},
		{"404 no object", nil, nil, func(c *Client, f *fakeServer) error {
			_, _, err := c.Object(ctx, f.URL+"/api1/collections/c1/", "indicator--none", Filter{})
			return err
		}, 404, "Not Found", "/api1/collections/c1/objects/indicator--none/"},
		{"406", nil, func(c *Client) {
			c.HTTP.Transport = rewriteHeader{next: c.HTTP.Transport, header: "Accept", value: "application/json"}
		}, objects("c1"), 406, "Not Acceptable", "/api1/collections/c1/objects/"},
		{"415", nil, func(c *Client) {
			c.HTTP.Transport = rewriteHeader{next: c.HTTP.Transport, method: http.MethodPost, header: "Content-Type", value: "application/json"}
		}, func(c *Client, f *fakeServer) error {
			_, err := c.AddObjects(ctx, f.URL+"/api1/collections/c1/", obj)
			return err
		}, 415, "Unsupported Media Type", "/api1/collections/c1/objects/"},
		{"404 no collection to write to", nil, nil, func(c *Client, f *fakeServer) error {
			_, err := c.AddObjects(ctx, f.URL+"/api1/collections/nope/", obj)
			return err
		}, 404, "Not Found", "/api1/collections/nope/objects/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, makeObjects(2), tt.server)
			c := client(f)
			hc := *c.HTTP
			c.HTTP = &hc
			if tt.client != nil {
				tt.client(c)
			}
			err := tt.call(c, f)
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want a *taxii.Error", err)
			}
			if StatusCode(err) != tt.wantCode || te.HTTPStatus != strconv.Itoa(tt.wantCode) || te.Title != tt.wantTitle {
				t.Errorf("error = %+v, want status %d and title %q", te, tt.wantCode, tt.wantTitle)
			}
			if te.ErrorCode != "fake-"+strconv.Itoa(tt.wantCode) || te.Description == "" {
				t.Errorf("error = %+v: the server's error message is not all there", te)
			}
			if msg := err.Error(); !strings.Contains(msg, f.URL+tt.wantPath) || !strings.Contains(msg, " "+f.URL) {
				t.Errorf("error %q does not name the method and URL %s", msg, f.URL+tt.wantPath)
			}
		})
	}
}

// TestErrorAnswersWithoutTAXIIBody checks errors built from the status when
// the body is not a TAXII error message.
func TestErrorAnswersWithoutTAXIIBody(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		status                  int
		want                    Error
	}{
		{"html", "text/html", "<html><body>Bad gateway</body></html>", 502, Error{Title: "Bad Gateway", HTTPStatus: "502"}},
		{"plain text", "text/plain; charset=utf-8", "collection is gone\nmore detail", 410, Error{Title: "Gone", Description: "collection is gone", HTTPStatus: "410"}},
		{"empty", "", "", 500, Error{Title: "Internal Server Error", HTTPStatus: "500"}},
		{"json error", "application/json", `{"title":"Unprocessable","http_status":"422","details":{"k":"v"}}`, 422,
			Error{Title: "Unprocessable", HTTPStatus: "422", Details: map[string]any{"k": "v"}}},
		{"taxii error with a wrong http_status", MediaType, `{"title":"Conflict","http_status":"200"}`, 409, Error{Title: "Conflict", HTTPStatus: "409"}},
		{"malformed taxii error", MediaType, `{"title":`, 400, Error{Title: "Bad Request", HTTPStatus: "400"}},
		{"unknown status", "", "", 599, Error{Title: "HTTP status 599", HTTPStatus: "599"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			_, err := (&Client{HTTP: srv.Client()}).APIRoot(context.Background(), srv.URL+"/api1")
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want a *taxii.Error", err)
			}
			if diff := cmp.Diff(tt.want, *te); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if !strings.HasPrefix(err.Error(), "GET "+srv.URL+"/api1/: taxii: ") {
				t.Errorf("error = %q", err)
			}
		})
	}
	if StatusCode(errors.New("x")) != 0 || StatusCode(nil) != 0 {
		t.Error("StatusCode of an error that is not a *Error is not 0")
	}
}

func TestResponseMediaType(t *testing.T) {
	tests := []struct {
		contentType string
		ok          bool
	}{
		{MediaType, true},
		{"application/taxii+json; version=2.1", true},
		{"Application/TAXII+JSON;version=2.1;charset=utf-8", true},
		{"application/taxii+json", true}, // no version: the latest the server has, asked for 2.1
		{"application/taxii+json;version=2.0", false},
		{"application/json", false},
		{STIXMediaType, false},
		{"text/html; charset=utf-8", false},
		{"", false},
		{"application/taxii+json;version", false},
	}
	for _, tt := range tests {
		t.Run(tt.contentType, func(t *testing.T) {
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = []string{tt.contentType} // set even when empty, so Go does not sniff one
				w.Write([]byte(`{"objects":[{"type":"indicator","id":"indicator--1"}]}`))
			}))
			defer srv.Close()
			env, _, err := (&Client{HTTP: srv.Client()}).Objects(context.Background(), srv.URL+"/api1/collections/c1", Filter{})
			if tt.ok {
				if err != nil || len(env.Objects) != 1 {
					t.Errorf("Objects = %v, %v; want one object", env, err)
				}
				return
			}
			if !errors.Is(err, ErrMediaType) {
				t.Errorf("err = %v, want ErrMediaType", err)
			}
		})
	}
}

func TestResponseSizeBound(t *testing.T) {
	page := func(n int) []byte {
		b, _ := json.Marshal(Envelope{Objects: []json.RawMessage{json.RawMessage(`{"type":"note","id":"note--1","content":"` + strings.Repeat("x", n) + `"}`)}})
		return b
	}
	tests := []struct {
		name    string
		size    int  // content length of the note
		chunked bool // no Content-Length: the bound applies while reading
		bound   int64
		wantErr bool
	}{
		{"under the bound", 1000, false, 2000, false},
		{"over the bound, announced", 5000, false, 2000, true},
		{"over the bound, chunked", 5000, true, 2000, true},
		{"default bound", 100 << 10, true, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := page(tt.size)
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", MediaType)
				if tt.chunked {
					w.(http.Flusher).Flush()
				}
				w.Write(body)
			}))
			defer srv.Close()
			c := &Client{HTTP: srv.Client(), MaxResponseBytes: tt.bound}
			_, _, err := c.Objects(context.Background(), srv.URL+"/c/", Filter{})
			if tt.wantErr != errors.Is(err, ErrResponseTooLarge) || !tt.wantErr && err != nil {
				t.Errorf("%d-byte answer, bound %d: err = %v", len(body), tt.bound, err)
			}
		})
	}
}

func TestInsecureURLs(t *testing.T) {
	ctx := context.Background()
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reply(w, http.StatusOK, APIRoot{Title: "plain", Versions: []string{MediaType}, MaxContentLength: 1})
	}))
	defer plain.Close()
	// A transport that reaches the loopback server whatever host is asked for.
	toPlain := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, plain.Listener.Addr().String())
	}}
	defer toPlain.CloseIdleConnections()
	_, port, _ := net.SplitHostPort(plain.Listener.Addr().String())

	tests := []struct {
		name    string
		client  *Client
		url     string
		wantErr error
	}{
		{"http to loopback", &Client{}, plain.URL + "/api1/", nil},
		{"http to localhost", &Client{}, "http://localhost:" + port + "/api1/", nil},
		{"http elsewhere", &Client{HTTP: &http.Client{Transport: toPlain}}, "http://taxii.example/api1/", ErrInsecureURL},
		{"http elsewhere, allowed", &Client{HTTP: &http.Client{Transport: toPlain}, AllowHTTP: true}, "http://taxii.example/api1/", nil},
		{"credentials in the URL", &Client{}, "https://user:pass@taxii.example/api1/", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.client.APIRoot(ctx, tt.url)
			switch {
			case tt.name == "credentials in the URL":
				if err == nil || strings.Contains(err.Error(), "pass") {
					t.Errorf("err = %v, want a refusal that does not show the password", err)
				}
			case tt.wantErr == nil && err != nil:
				t.Errorf("err = %v", err)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}

	t.Run("redirect to http elsewhere", func(t *testing.T) {
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://taxii.example/api1/", http.StatusFound)
		}))
		defer srv.Close()
		_, err := (&Client{HTTP: srv.Client()}).APIRoot(ctx, srv.URL+"/api1/")
		if !errors.Is(err, ErrInsecureURL) {
			t.Errorf("err = %v, want ErrInsecureURL", err)
		}
	})
}

func TestAddObjectsStatusObjectVersionsManifestDelete(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, nil, func(f *fakeServer) { f.token = "t" })
	c := client(f)
	root, coll := f.URL+"/api1", f.URL+"/api1/collections/c1"
	id := "malware--11111111-1111-4111-8111-111111111111"
	v1 := json.RawMessage(`{"type":"malware","spec_version":"2.1","id":"` + id + `","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:00.000Z","name":"a","is_family":false}`)
	v2 := json.RawMessage(`{"type":"malware","spec_version":"2.1","id":"` + id + `","created":"2025-01-01T00:00:00.000Z","modified":"2025-02-01T00:00:00.000Z","name":"b","is_family":false}`)

	if _, err := c.AddObjects(ctx, coll, nil); err == nil {
		t.Error("AddObjects with no objects succeeded")
	}
	if _, err := c.AddObjects(ctx, coll, []json.RawMessage{json.RawMessage(`{"type":`)}); err == nil {
		t.Error("AddObjects with invalid JSON succeeded")
	}
	s, err := c.AddObjects(ctx, coll, []json.RawMessage{v1, v2})
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != "complete" || s.TotalCount != 2 || s.SuccessCount != 2 || len(s.Successes) != 2 || s.Successes[1].Version != "2025-02-01T00:00:00.000Z" {
		t.Errorf("AddObjects status = %+v", s)
	}
	s2, err := c.Status(ctx, root, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, s2); diff != "" {
		t.Errorf("Status (-posted +got):\n%s", diff)
	}

	env, page, err := c.Object(ctx, coll, id, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(env.Objects) != 1 || !strings.Contains(string(env.Objects[0]), `"name":"b"`) || page.DateAddedFirst.IsZero() || !page.DateAddedFirst.Equal(page.DateAddedLast) {
		t.Errorf("Object = %s, %+v; want the latest version and its date added", env.Objects, page)
	}
	env, page, err = c.Object(ctx, coll, id, Filter{Version: []string{"all"}})
	if err != nil || len(env.Objects) != 2 || !page.DateAddedFirst.Before(page.DateAddedLast) {
		t.Errorf("Object(all versions) = %v, %+v, %v", env, page, err)
	}
	vs, _, err := c.Versions(ctx, coll, id, Filter{})
	if err != nil || !cmp.Equal(vs.Versions, []string{"2025-01-01T00:00:00.000Z", "2025-02-01T00:00:00.000Z"}) {
		t.Errorf("Versions = %+v, %v", vs, err)
	}
	m, page, err := c.Manifest(ctx, coll, Filter{Version: []string{"all"}, Limit: 1})
	if err != nil || len(m.Objects) != 1 || !m.More || m.Next == "" || m.Objects[0].ID != id || m.Objects[0].DateAdded != FormatTimestamp(page.DateAddedLast) {
		t.Errorf("Manifest = %+v, %+v, %v", m, page, err)
	}

	if err := c.DeleteObject(ctx, coll, id, Filter{Version: []string{"2025-02-01T00:00:00.000Z"}}); err != nil {
		t.Fatal(err)
	}
	env, _, err = c.Object(ctx, coll, id, Filter{})
	if err != nil || len(env.Objects) != 1 || !strings.Contains(string(env.Objects[0]), `"name":"a"`) {
		t.Errorf("after deleting version 2, Object = %v, %v; want version 1", env, err)
	}
	if err := c.DeleteObject(ctx, coll, id, Filter{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Object(ctx, coll, id, Filter{}); StatusCode(err) != http.StatusNotFound {
		t.Errorf("after DeleteObject, Object: err = %v, want a 404", err)
	}
	if err := c.DeleteObject(ctx, coll, id, Filter{}); StatusCode(err) != http.StatusNotFound {
		t.Errorf("DeleteObject again: err = %v, want a 404", err)
	}
}

// TestQueryOnTheWire checks that the query reaches the server exactly as
// Filter.Query writes it and that the server reads the values meant.
func TestQueryOnTheWire(t *testing.T) {
	f := newFake(t, makeObjects(3), nil)
	c := client(f)
	after := time.Date(2025, 3, 1, 10, 0, 1, 123457000, time.UTC)
	fl := Filter{AddedAfter: after, Limit: 2, ID: []string{"indicator--00000000-0000-4000-8000-000000000001", "indicator--00000000-0000-4000-8000-000000000002"}, Type: []string{"indicator", "malware"}}
	env, page, err := c.Objects(context.Background(), f.URL+"/api1/collections/c1", fl)
	if err != nil {
		t.Fatal(err)
	}
	if len(env.Objects) != 2 || page.DateAddedFirst.IsZero() {
		t.Errorf("Objects = %s, %+v", env.Objects, page)
	}
	log := f.requestLog()
	want := "added_after=2025-03-01T10:00:01.123457Z&limit=2&match[id]=indicator--00000000-0000-4000-8000-000000000001,indicator--00000000-0000-4000-8000-000000000002&match[type]=indicator,malware"
	if got := log[len(log)-1].rawQuery; got != want {
		t.Errorf("query on the wire:\n got %s\nwant %s", got, want)
	}
	q, _ := url.ParseQuery(want)
	if q.Get("match[type]") != "indicator,malware" || q.Get("added_after") != "2025-03-01T10:00:01.123457Z" {
		t.Errorf("the server reads %v", q)
	}
}
