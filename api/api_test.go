package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
)

// The tokens of the fixture's officers. No log may ever contain them.
const (
	adminToken   = "secret-admin-token"
	analystToken = "secret-analyst-token"
	frToken      = "secret-fr-liaison-token"
	auditorToken = "secret-auditor-token"
)

// fixture is a server on a loopback port in front of a fake node with
// three organisations, an agreement between two of them, and officers.
type fixture struct {
	srv  *httptest.Server
	node *fakeNode
	logs *syncBuffer
}

// newFixture starts the fixture's server with the given body limit (0:
// the default) and stops it when the test ends.
func newFixture(t *testing.T, maxBody int64) *fixture {
	t.Helper()
	n := newFakeNode("de-bfv")
	n.addOrg(liaison.Organisation{ID: "de-bfv", Name: "Bundesamt für Verfassungsschutz", Kind: liaison.OrgNationalService, Country: "DE"})
	n.addOrg(liaison.Organisation{ID: "fr-dgsi", Name: "Direction générale de la sécurité intérieure", Kind: liaison.OrgNationalService, Country: "FR"})
	n.addOrg(liaison.Organisation{ID: "nl-aivd", Name: "Algemene Inlichtingen- en Veiligheidsdienst", Kind: liaison.OrgNationalService, Country: "NL"})
	secret := marking.Classification{Scheme: "EU", Level: "SECRET UE"}
	n.addOfficer(liaison.Officer{ID: "de-bfv.admin", OrgID: "de-bfv", Name: "Anna Admin", Role: liaison.RoleAdmin, Clearance: secret, NeedToKnow: []string{"*"}}, adminToken)
	n.addOfficer(liaison.Officer{ID: "de-bfv.analyst", OrgID: "de-bfv", Name: "Bernd Analyst", Role: liaison.RoleAnalyst, Clearance: secret, NeedToKnow: []string{"terrorism"}}, analystToken)
	n.addOfficer(liaison.Officer{ID: "fr-dgsi.liaison", OrgID: "fr-dgsi", Name: "Claire Liaison", Role: liaison.RoleLiaison, Clearance: secret, NeedToKnow: []string{"*"}}, frToken)
	n.addOfficer(liaison.Officer{ID: "de-bfv.auditor", OrgID: "de-bfv", Name: "Dora Auditor", Role: liaison.RoleAuditor, Clearance: secret}, auditorToken)
	n.agreements = append(n.agreements, &liaison.Agreement{ID: "00000000-0000-4000-8000-000000000001", Title: "DE-FR counter-terrorism",
		Parties: []string{"de-bfv", "fr-dgsi"}, Topics: []string{"*"}, Ceiling: secret, ValidFrom: n.node.CreatedAt,
		Status: liaison.AgreementActive, CreatedAt: n.node.CreatedAt})

	logs := &syncBuffer{}
	srv := httptest.NewServer(NewServer(Config{
		Backend:      n,
		Logger:       slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		MaxBodyBytes: maxBody,
	}))
	t.Cleanup(func() {
		srv.Close()
		for _, token := range []string{adminToken, analystToken, frToken, auditorToken} {
			if strings.Contains(logs.String(), token) {
				t.Errorf("the log holds the token %q:\n%s", token, logs.String())
			}
		}
	})
	return &fixture{srv: srv, node: n, logs: logs}
}

// request sends a request and returns the answer with its body read.
// A body is sent as application/json unless contentType says otherwise.
func (f *fixture) request(t *testing.T, method, path, token, contentType, body string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
		if contentType == "" {
			contentType = "application/json"
		}
	}
	req, err := http.NewRequestWithContext(t.Context(), method, f.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
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
	return resp, b
}

// mustCreateProduct writes a product as the officer with token and
// returns its id.
func (f *fixture) mustCreateProduct(t *testing.T, token, title, banner string) string {
	t.Helper()
	body, _ := json.Marshal(liaison.ProductDraft{Title: title, Body: "text", Topics: []string{"terrorism"},
		Marking: banner, Reliability: "B", Credibility: "2"})
	resp, b := f.request(t, http.MethodPost, "/api/v1/products", token, "", string(body))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("creating a product: %s %s", resp.Status, b)
	}
	var p liaison.Product
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// decodeErrorBody parses an error answer, failing the test unless it is
// exactly {"error":{...}}.
func decodeErrorBody(t *testing.T, b []byte) errorJSON {
	t.Helper()
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatalf("error body is not a JSON object: %v: %s", err, b)
	}
	if len(top) != 1 || top["error"] == nil {
		t.Fatalf("error body has keys other than error: %s", b)
	}
	var e errorResponse
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("error body: %v: %s", err, b)
	}
	return e.Error
}

func TestServerAnswersEveryRequestInJSON(t *testing.T) {
	f := newFixture(t, 1024)
	tests := []struct {
		name        string
		method      string
		path        string
		token       string
		contentType string
		body        string
		wantStatus  int
		wantCode    string // "" for a success
		wantMessage string // a part of the message
		wantHeader  map[string]string
	}{
		{name: "health is served without a token", method: "GET", path: "/healthz",
			wantStatus: 200},
		{name: "an API route without a token is unauthorized", method: "GET", path: "/api/v1/whoami",
			wantStatus: 401, wantCode: liaison.EUNAUTHORIZED, wantHeader: map[string]string{"WWW-Authenticate": `Bearer realm="liaison"`}},
		{name: "an API route with a bad token is unauthorized", method: "GET", path: "/api/v1/whoami", token: "not-a-token",
			wantStatus: 401, wantCode: liaison.EUNAUTHORIZED, wantHeader: map[string]string{"WWW-Authenticate": `Bearer realm="liaison"`}},
		{name: "a POST without a token is unauthorized before its body is read", method: "POST", path: "/api/v1/organisations", body: "{",
			wantStatus: 401, wantCode: liaison.EUNAUTHORIZED},
		{name: "an authenticated officer learns who they are", method: "GET", path: "/api/v1/whoami", token: analystToken,
			wantStatus: 200},
		{name: "an unknown route is not found", method: "GET", path: "/api/v1/nothing", token: adminToken,
			wantStatus: 404, wantCode: liaison.ENOTFOUND, wantMessage: "no route for GET /api/v1/nothing"},
		{name: "a path outside the API is not found", method: "GET", path: "/index.html",
			wantStatus: 404, wantCode: liaison.ENOTFOUND},
		{name: "a known path asked with the wrong method is not allowed", method: "DELETE", path: "/api/v1/products", token: adminToken,
			wantStatus: 405, wantCode: EMETHOD, wantHeader: map[string]string{"Allow": "GET, HEAD, POST"}},
		{name: "an unknown field is bad JSON that names the field", method: "POST", path: "/api/v1/organisations", token: adminToken,
			body:       `{"id":"es-cni","name":"CNI","kind":"national_service","country":"ES","colour":"red"}`,
			wantStatus: 400, wantCode: liaison.EBADJSON, wantMessage: `unknown field "colour"`},
		{name: "malformed JSON is bad JSON", method: "POST", path: "/api/v1/organisations", token: adminToken,
			body: `{"id" "es-cni"}`, wantStatus: 400, wantCode: liaison.EBADJSON, wantMessage: "malformed JSON"},
		{name: "a body cut short is bad JSON", method: "POST", path: "/api/v1/organisations", token: adminToken,
			body: `{"id":"es-cni"`, wantStatus: 400, wantCode: liaison.EBADJSON},
		{name: "a field of the wrong type is bad JSON that names the field", method: "POST", path: "/api/v1/organisations", token: adminToken,
			body: `{"id":"es-cni","name":5}`, wantStatus: 400, wantCode: liaison.EBADJSON, wantMessage: `"name"`},
		{name: "data after the JSON value is bad JSON", method: "POST", path: "/api/v1/organisations", token: adminToken,
			body: `{"id":"es-cni"} {"id":"it-aise"}`, wantStatus: 400, wantCode: liaison.EBADJSON, wantMessage: "after the JSON value"},
		{name: "an empty body is bad JSON", method: "POST", path: "/api/v1/organisations", token: adminToken, contentType: "application/json",
			wantStatus: 400, wantCode: liaison.EBADJSON, wantMessage: "empty"},
		{name: "a body over the limit is too large", method: "POST", path: "/api/v1/organisations", token: adminToken,
			body:       `{"id":"es-cni","name":"` + strings.Repeat("x", 2048) + `"}`,
			wantStatus: 413, wantCode: liaison.ETOOLARGE, wantMessage: "1024 bytes"},
		{name: "a body that is not JSON is an unsupported media type", method: "POST", path: "/api/v1/organisations", token: adminToken,
			contentType: "text/plain", body: `{"id":"es-cni"}`, wantStatus: 415, wantCode: EMEDIATYPE},
		{name: "a JSON body with a charset is accepted", method: "POST", path: "/api/v1/organisations", token: adminToken,
			contentType: "application/json; charset=utf-8", body: `{"id":"es-cni","name":"CNI","kind":"national_service","country":"ES"}`,
			wantStatus: 201},
		{name: "a record that fails validation is invalid", method: "POST", path: "/api/v1/organisations", token: adminToken,
			body: `{"id":"x-y","name":"X","kind":"club"}`, wantStatus: 400, wantCode: liaison.EINVALID, wantMessage: "kind"},
		{name: "a record that exists is a conflict", method: "POST", path: "/api/v1/organisations", token: adminToken,
			body: `{"id":"fr-dgsi","name":"DGSI","kind":"national_service","country":"FR"}`, wantStatus: 409, wantCode: liaison.ECONFLICT},
		{name: "an act the role does not allow is forbidden", method: "POST", path: "/api/v1/organisations", token: analystToken,
			body: `{"id":"it-aise","name":"AISE","kind":"national_service","country":"IT"}`, wantStatus: 403, wantCode: liaison.EFORBIDDEN},
		{name: "an unknown marking is an invalid marking", method: "POST", path: "/api/v1/products", token: analystToken,
			body:       `{"title":"t","body":"b","topics":["terrorism"],"marking":"SUPER SECRET","reliability":"B","credibility":"2"}`,
			wantStatus: 400, wantCode: liaison.EMARKING},
		{name: "an agreement with one party has invalid parties", method: "POST", path: "/api/v1/agreements", token: adminToken,
			body:       `{"title":"alone","parties":["de-bfv"],"topics":["*"],"ceiling":{"scheme":"EU","level":"SECRET UE"},"valid_from":"2026-01-01T00:00:00Z"}`,
			wantStatus: 400, wantCode: liaison.EPARTIES},
		{name: "an agreement that ends before it starts has an invalid period", method: "POST", path: "/api/v1/agreements", token: adminToken,
			body:       `{"title":"late","parties":["de-bfv","nl-aivd"],"topics":["*"],"ceiling":{"scheme":"EU","level":"SECRET UE"},"valid_from":"2026-01-01T00:00:00Z","valid_to":"2025-01-01T00:00:00Z"}`,
			wantStatus: 400, wantCode: liaison.EPERIOD},
		{name: "a product the caller may not see is not found", method: "GET", path: "/api/v1/products/00000000-0000-4000-8000-00000000dead", token: analystToken,
			wantStatus: 404, wantCode: liaison.ENOTFOUND},
		{name: "a decision on a product the caller may not see is not found", method: "GET", path: "/api/v1/products/00000000-0000-4000-8000-00000000dead/decision?action=read", token: analystToken,
			wantStatus: 404, wantCode: liaison.ENOTFOUND},
		{name: "a decision on an unknown action is invalid", method: "GET", path: "/api/v1/products/00000000-0000-4000-8000-00000000dead/decision?action=leak", token: analystToken,
			wantStatus: 400, wantCode: liaison.EINVALID, wantMessage: `"leak"`},
		{name: "a decision without an action is invalid", method: "GET", path: "/api/v1/products/00000000-0000-4000-8000-00000000dead/decision", token: analystToken,
			wantStatus: 400, wantCode: liaison.EINVALID},
		{name: "a limit that is not a number is invalid", method: "GET", path: "/api/v1/products?limit=ten", token: analystToken,
			wantStatus: 400, wantCode: liaison.EINVALID, wantMessage: "limit"},
		{name: "a limit above the largest page is invalid", method: "GET", path: "/api/v1/products?limit=100000", token: analystToken,
			wantStatus: 400, wantCode: liaison.EINVALID, wantMessage: "limit"},
		{name: "a before that is not a time is invalid", method: "GET", path: "/api/v1/products?before=yesterday", token: analystToken,
			wantStatus: 400, wantCode: liaison.EINVALID, wantMessage: "before"},
		{name: "the audit chain is closed to an analyst", method: "GET", path: "/api/v1/audit", token: analystToken,
			wantStatus: 403, wantCode: liaison.EFORBIDDEN},
		{name: "the audit chain verifies for an auditor", method: "GET", path: "/api/v1/audit/verify", token: auditorToken,
			wantStatus: 200},
		{name: "a token is issued to an existing officer", method: "POST", path: "/api/v1/officers/de-bfv.analyst/tokens", token: adminToken,
			wantStatus: 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := f.request(t, tt.method, tt.path, tt.token, tt.contentType, tt.body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.wantStatus, b)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q, want nosniff", got)
			}
			if got := resp.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", got)
			}
			for k, v := range tt.wantHeader {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("header %s %q, want %q", k, got, v)
				}
			}
			if tt.wantCode == "" {
				if !json.Valid(b) {
					t.Errorf("body is not JSON: %s", b)
				}
				return
			}
			e := decodeErrorBody(t, b)
			if e.Code != tt.wantCode {
				t.Errorf("code %q, want %q (message %q)", e.Code, tt.wantCode, e.Message)
			}
			if !strings.Contains(e.Message, tt.wantMessage) {
				t.Errorf("message %q does not contain %q", e.Message, tt.wantMessage)
			}
			if e.Reasons != nil {
				t.Errorf("reasons %v on an error that is not a policy refusal", e.Reasons)
			}
		})
	}
}

func TestHealthzAnswersExactlyStatusOK(t *testing.T) {
	f := newFixture(t, 0)
	resp, b := f.request(t, http.MethodGet, "/healthz", "", "", "")
	if resp.StatusCode != http.StatusOK || string(b) != "{\"status\":\"ok\"}\n" {
		t.Fatalf("GET /healthz: %s %q", resp.Status, b)
	}
}

func TestPolicyRefusalIsForbiddenWithEveryReason(t *testing.T) {
	f := newFixture(t, 0)
	id := f.mustCreateProduct(t, adminToken, "Cell in Lyon", "SECRET UE//ORCON")
	tests := []struct {
		name      string
		order     string
		wantCodes []string
	}{
		{name: "dissemination to an organisation without an agreement is refused",
			order: `{"product_id":"` + id + `","to":"nl-aivd"}`, wantCodes: []string{"no_agreement"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := f.request(t, http.MethodPost, "/api/v1/disseminations", adminToken, "", tt.order)
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("status %d, want 403: %s", resp.StatusCode, b)
			}
			e := decodeErrorBody(t, b)
			if e.Code != liaison.EDENIED {
				t.Errorf("code %q, want %q", e.Code, liaison.EDENIED)
			}
			var codes []string
			for _, r := range e.Reasons {
				codes = append(codes, r.Code)
				if r.Message == "" {
					t.Errorf("reason %q has no message", r.Code)
				}
			}
			if !slices.Equal(codes, tt.wantCodes) {
				t.Errorf("reason codes %v, want %v", codes, tt.wantCodes)
			}
		})
	}

	t.Run("dissemination under the agreement is created", func(t *testing.T) {
		resp, b := f.request(t, http.MethodPost, "/api/v1/disseminations", adminToken, "", `{"product_id":"`+id+`","to":"fr-dgsi"}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status %d, want 201: %s", resp.StatusCode, b)
		}
		var d liaison.Dissemination
		if err := json.Unmarshal(b, &d); err != nil || d.ToOrg != "fr-dgsi" || !d.Decision.Allowed {
			t.Fatalf("dissemination %+v (%v)", d, err)
		}
	})
	t.Run("the recipient may not forward an ORCON product, with reasons", func(t *testing.T) {
		resp, b := f.request(t, http.MethodPost, "/api/v1/disseminations", frToken, "", `{"product_id":"`+id+`","to":"nl-aivd"}`)
		e := decodeErrorBody(t, b)
		if resp.StatusCode != http.StatusForbidden || e.Code != liaison.EDENIED || len(e.Reasons) != 2 {
			t.Fatalf("%s: %+v, want policy_denied with two reasons", resp.Status, e)
		}
	})
}

func TestInternalErrorsShowNoDetail(t *testing.T) {
	tests := []struct {
		name      string
		breakNode func(n *fakeNode)
		path      string
		token     string
	}{
		{name: "a failing store is an internal error", path: "/api/v1/node", token: adminToken,
			breakNode: func(n *fakeNode) { n.fault = errors.New("sqlite: disk I/O error at /var/lib/liaison/secret.db") }},
		{name: "a failing store during authentication is an internal error", path: "/api/v1/whoami", token: "whatever",
			breakNode: func(n *fakeNode) { n.fault = errors.New("sqlite: disk I/O error at /var/lib/liaison/secret.db") }},
		{name: "a domain error coded internal keeps its message to the log", path: "/api/v1/node", token: adminToken,
			breakNode: func(n *fakeNode) {
				n.fault = &liaison.Error{Code: liaison.EINTERNAL, Message: "secret.db is corrupt"}
			}},
		{name: "an unknown error code is an internal error", path: "/api/v1/node", token: adminToken,
			breakNode: func(n *fakeNode) { n.fault = liaison.Errorf("gremlins", "secret.db has gremlins") }},
		{name: "a panic is an internal error", path: "/api/v1/whoami", token: adminToken,
			breakNode: func(n *fakeNode) { n.panics = true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, 0)
			f.node.mu.Lock()
			tt.breakNode(f.node) // the fake authenticates despite panics: they come from the handler
			f.node.mu.Unlock()
			resp, b := f.request(t, http.MethodGet, tt.path, tt.token, "", "")
			if resp.StatusCode != http.StatusInternalServerError {
				t.Fatalf("status %d, want 500: %s", resp.StatusCode, b)
			}
			if want := `{"error":{"code":"internal","message":"internal error"}}` + "\n"; string(b) != want {
				t.Errorf("body %s, want %s", b, want)
			}
			if !strings.Contains(f.logs.String(), "secret.db") {
				t.Errorf("the log lacks the detail:\n%s", f.logs.String())
			}
		})
	}
}

func TestDecisionAnswersExactlyAllowedAndReasons(t *testing.T) {
	f := newFixture(t, 0)
	id := f.mustCreateProduct(t, adminToken, "Cell in Lyon", "SECRET UE//ORCON")
	tests := []struct {
		name        string
		query       string
		wantAllowed bool
		wantCodes   []string
	}{
		{name: "reading a product held is allowed", query: "action=read",
			wantAllowed: true, wantCodes: []string{"held_ok"}},
		{name: "forwarding to a partner under an agreement is allowed", query: "action=forward&to=fr-dgsi",
			wantAllowed: true, wantCodes: []string{"held_ok", "agreement_ok"}},
		{name: "disseminating without an agreement is denied", query: "action=disseminate&to=nl-aivd&version=1",
			wantAllowed: false, wantCodes: []string{"no_agreement"}},
		{name: "disseminating to nobody is denied", query: "action=disseminate",
			wantAllowed: false, wantCodes: []string{"no_target"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := f.request(t, http.MethodGet, "/api/v1/products/"+id+"/decision?"+tt.query, adminToken, "", "")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, b)
			}
			var shape map[string]json.RawMessage
			if err := json.Unmarshal(b, &shape); err != nil {
				t.Fatal(err)
			}
			keys := make([]string, 0, len(shape))
			for k := range shape {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if !slices.Equal(keys, []string{"allowed", "reasons"}) {
				t.Fatalf("keys %v, want exactly allowed and reasons: %s", keys, b)
			}
			var reasons []map[string]string
			if err := json.Unmarshal(shape["reasons"], &reasons); err != nil {
				t.Fatalf("reasons are not a list of string objects: %s", shape["reasons"])
			}
			var allowed bool
			if err := json.Unmarshal(shape["allowed"], &allowed); err != nil || allowed != tt.wantAllowed {
				t.Errorf("allowed %s, want %t", shape["allowed"], tt.wantAllowed)
			}
			var codes []string
			for _, r := range reasons {
				if len(r) != 2 || r["code"] == "" || r["message"] == "" {
					t.Errorf("reason %v, want exactly a code and a message", r)
				}
				codes = append(codes, r["code"])
			}
			if !slices.Equal(codes, tt.wantCodes) {
				t.Errorf("reason codes %v, want %v", codes, tt.wantCodes)
			}
		})
	}
}

func TestProductsCarryTheirBannerAndPage(t *testing.T) {
	f := newFixture(t, 0)
	var ids []string
	for _, title := range []string{"first", "second", "third"} {
		ids = append(ids, f.mustCreateProduct(t, analystToken, title, "CONFIDENTIEL UE//REL TO DE, FR"))
	}

	resp, b := f.request(t, http.MethodGet, "/api/v1/products/"+ids[0]+"?version=1", analystToken, "", "")
	var p struct {
		Banner  string          `json:"banner"`
		Marking marking.Marking `json:"marking"`
	}
	if err := json.Unmarshal(b, &p); resp.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("GET product: %s %s", resp.Status, b)
	}
	if p.Banner != "CONFIDENTIEL UE//REL TO DE, FR" || p.Banner != p.Marking.String() {
		t.Errorf("banner %q for marking %+v", p.Banner, p.Marking)
	}

	var page1 list[*liaison.Product]
	_, b = f.request(t, http.MethodGet, "/api/v1/products?limit=2", analystToken, "", "")
	if err := json.Unmarshal(b, &page1); err != nil {
		t.Fatal(err)
	}
	if len(page1.Items) != 2 || page1.Items[0].ID != ids[2] || page1.NextBefore.IsZero() {
		t.Fatalf("first page: %s", b)
	}
	var page2 map[string]json.RawMessage
	_, b = f.request(t, http.MethodGet, "/api/v1/products?limit=2&before="+page1.NextBefore.Format(time.RFC3339Nano), analystToken, "", "")
	if err := json.Unmarshal(b, &page2); err != nil {
		t.Fatal(err)
	}
	var items []*liaison.Product
	if err := json.Unmarshal(page2["items"], &items); err != nil || len(items) != 1 || items[0].ID != ids[0] {
		t.Errorf("second page: %s", b)
	}
	if _, ok := page2["next_before"]; ok {
		t.Errorf("a page that is not full has next_before: %s", b)
	}
}

func TestEmptyListsAreEmptyArrays(t *testing.T) {
	f := newFixture(t, 0)
	for _, path := range []string{"/api/v1/products", "/api/v1/disseminations", "/api/v1/releases", "/api/v1/rfis",
		"/api/v1/feedback", "/api/v1/interactions", "/api/v1/breaches"} {
		t.Run(path+" with nothing in it answers an empty items array", func(t *testing.T) {
			resp, b := f.request(t, http.MethodGet, path, adminToken, "", "")
			if resp.StatusCode != http.StatusOK || string(b) != "{\"items\":[]}\n" {
				t.Errorf("%s: %q, want {\"items\":[]}", resp.Status, b)
			}
		})
	}
}

func TestProductOutPrintsTheBannerWhenTheServiceLeftItOut(t *testing.T) {
	m := marking.Marking{Classification: marking.Classification{Scheme: "EU", Level: "SECRET UE"}, OriginatorControl: true}
	p := &liaison.Product{ID: "p", Marking: m}
	got := productOut(p)
	if got.Banner != m.String() || got.Banner == "" {
		t.Errorf("banner %q, want %q", got.Banner, m.String())
	}
	if p.Banner != "" {
		t.Errorf("productOut changed the service's product")
	}
}

func TestBearerTokenReadsOnlyTheBearerScheme(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   string
		wantOK bool
	}{
		{"a bearer token is read", "Bearer abc", "abc", true},
		{"the scheme is case-insensitive", "bearer abc", "abc", true},
		{"basic credentials are refused", "Basic YWxhZGRpbjpvcGVuc2VzYW1l", "", false},
		{"an empty token is refused", "Bearer ", "", false},
		{"a token with spaces inside is refused", "Bearer a b", "", false},
		{"no header is refused", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := bearerToken(tt.header)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("bearerToken(%q) = %q, %t; want %q, %t", tt.header, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestRequestLogsSayWhoDidWhatWithoutQueries(t *testing.T) {
	f := newFixture(t, 0)
	f.request(t, http.MethodGet, "/api/v1/officers?org=secret-query", analystToken, "", "")
	logs := f.logs.String()
	for _, want := range []string{"method=GET", "path=/api/v1/officers", "status=200", "officer=de-bfv.analyst", "duration="} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %q:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, "secret-query") {
		t.Errorf("the log holds the query string:\n%s", logs)
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
