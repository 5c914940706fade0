package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/assess"
)

// lastAsked returns the last question put to the fake's assess.Service.
func (n *fakeNode) lastAsked() any {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.asked
}

func TestAssessRoutesReadTheirParameters(t *testing.T) {
	f := newFixture(t, 0)
	jan := time.Date(2026, 1, 31, 9, 0, 0, 0, time.UTC)
	cet := time.Date(2026, 1, 31, 10, 0, 0, 500_000_000, time.FixedZone("", 3600))
	tests := []struct {
		path string
		want any
	}{
		{"/api/v1/trust", assess.TrustQuery{}},
		{"/api/v1/trust?trustee=fr-dgsi&at=2026-01-31T09:00:00Z&explain=true", assess.TrustQuery{Trustee: "fr-dgsi", At: jan, Explain: true}},
		{"/api/v1/trust?truster=nl-aivd&explain=false", assess.TrustQuery{Truster: "nl-aivd"}},
		{"/api/v1/trust?at=2026-01-31T10:00:00.5%2B01:00", assess.TrustQuery{At: cet}},
		{"/api/v1/ledger?a=de-bfv&b=fr-dgsi&from=2025-01-31T09:00:00Z&to=2026-01-31T09:00:00Z&months=true&network=true&explain=1",
			assess.LedgerQuery{A: "de-bfv", B: "fr-dgsi", From: jan.AddDate(-1, 0, 0), To: jan, Months: true, Network: true, Explain: true}},
		{"/api/v1/ledger", assess.LedgerQuery{}},
		{"/api/v1/typology?all=true&history=true&at=2026-01-31T09:00:00Z", assess.TypologyQuery{All: true, History: true, At: jan}},
		{"/api/v1/typology?b=nl-aivd&explain=true", assess.TypologyQuery{B: "nl-aivd", Explain: true}},
		{"/api/v1/whocan?topic=russia", assess.WhoCanQuery{Topic: "russia"}},
		{"/api/v1/whocan?topic=hybrid-threats&asker=de-bfv&at=2026-01-31T09:00:00Z&explain=true",
			assess.WhoCanQuery{Topic: "hybrid-threats", Asker: "de-bfv", At: jan, Explain: true}},
		{"/api/v1/alignment?a=de-bfv&b=nl-aivd&explain=true", assess.AlignmentQuery{A: "de-bfv", B: "nl-aivd", Explain: true}},
		{"/api/v1/warnings?org=de-bfv&lopsided_ratio=2.5&at=2026-01-31T09:00:00Z", assess.WarningQuery{Org: "de-bfv", LopsidedRatio: 2.5, At: jan}},
		{"/api/v1/warnings?lopsided_ratio=4&explain=true", assess.WarningQuery{LopsidedRatio: 4, Explain: true}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, b := f.request(t, http.MethodGet, tt.path, adminToken, "", "")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200\n%s", resp.StatusCode, b)
			}
			if d := cmp.Diff(tt.want, f.node.lastAsked()); d != "" {
				t.Errorf("the question the service received (-want +got):\n%s", d)
			}
			if !json.Valid(b) || b[0] != '{' {
				t.Errorf("the answer is not a JSON object: %s", b)
			}
		})
	}
}

func TestAssessRoutesRefuseBadParameters(t *testing.T) {
	f := newFixture(t, 0)
	tests := []struct {
		path     string
		wantCode string
		wantMsg  string // a part of the message
	}{
		{"/api/v1/trust?at=2026-01-31", liaison.EINVALID, "query parameter at"},
		{"/api/v1/trust?at=yesterday", liaison.EINVALID, "RFC 3339"},
		{"/api/v1/trust?at=2026-01-31T10:00:00+01:00", liaison.EINVALID, "%2B"},
		{"/api/v1/trust?explain=maybe", liaison.EINVALID, "explain"},
		{"/api/v1/trust?explain", liaison.EINVALID, "true or false"},
		{"/api/v1/trust?explian=true", liaison.EINVALID, `"explian"`},
		{"/api/v1/trust?trustee=fr-dgsi&trustee=nl-aivd", liaison.EINVALID, "once"},
		{"/api/v1/ledger?from=2026-13-01T00:00:00Z", liaison.EINVALID, "query parameter from"},
		{"/api/v1/ledger?to=soon", liaison.EINVALID, "query parameter to"},
		{"/api/v1/ledger?months=yes", liaison.EINVALID, "months"},
		{"/api/v1/ledger?truster=de-bfv", liaison.EINVALID, "a, b, from, to, months, network, explain"},
		{"/api/v1/ledger?network=all", liaison.EINVALID, "network"},
		{"/api/v1/typology?all=everything", liaison.EINVALID, "all"},
		{"/api/v1/typology?history=", liaison.EINVALID, "history"},
		{"/api/v1/whocan", liaison.EINVALID, "topic is required"},
		{"/api/v1/whocan?topic=%20", liaison.EINVALID, "topic is required"},
		{"/api/v1/whocan?topic=russia&for=de-bfv", liaison.EINVALID, `"for"`},
		{"/api/v1/alignment?at=now", liaison.EINVALID, "query parameter at"},
		{"/api/v1/warnings?lopsided_ratio=lots", liaison.EINVALID, "lopsided_ratio"},
		{"/api/v1/warnings?lopsided_ratio=-2", liaison.EINVALID, "lopsided_ratio"},
		{"/api/v1/warnings?lopsided_ratio=NaN", liaison.EINVALID, "lopsided_ratio"},
		{"/api/v1/warnings?lopsided_ratio=Inf", liaison.EINVALID, "lopsided_ratio"},
	}
	// What the service refuses is a 400 too; these reach it.
	byService := []struct {
		path     string
		wantCode string
		wantMsg  string
	}{
		{"/api/v1/trust?trustee=xx-none", liaison.EINVALID, "xx-none"},
		{"/api/v1/ledger?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", liaison.EINVALID, "window"},
	}
	for _, tt := range byService {
		resp, b := f.request(t, http.MethodGet, tt.path, adminToken, "", "")
		if e := decodeErrorBody(t, b); resp.StatusCode != http.StatusBadRequest || e.Code != tt.wantCode || !strings.Contains(e.Message, tt.wantMsg) {
			t.Errorf("%s: %d %+v, want 400 %s mentioning %q", tt.path, resp.StatusCode, e, tt.wantCode, tt.wantMsg)
		}
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			f.node.mu.Lock()
			f.node.asked = nil
			f.node.mu.Unlock()
			resp, b := f.request(t, http.MethodGet, tt.path, adminToken, "", "")
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400\n%s", resp.StatusCode, b)
			}
			e := decodeErrorBody(t, b)
			if e.Code != tt.wantCode || !strings.Contains(e.Message, tt.wantMsg) {
				t.Errorf("error %s %q, want %s mentioning %q", e.Code, e.Message, tt.wantCode, tt.wantMsg)
			}
			if q := f.node.lastAsked(); q != nil {
				t.Errorf("a bad query reached the service as %+v", q)
			}
		})
	}
}

func TestAssessRoutesAreForTheLiaisonDesk(t *testing.T) {
	f := newFixture(t, 0)
	paths := map[string]bool{ // path → open to the home organisation's analysts
		"/api/v1/trust":               false,
		"/api/v1/ledger":              false,
		"/api/v1/typology":            false,
		"/api/v1/whocan?topic=russia": true,
		"/api/v1/alignment":           true,
		"/api/v1/warnings":            false,
	}
	for path, analysts := range paths {
		for _, tt := range []struct {
			who        string
			token      string
			wantStatus int
		}{
			{"the home admin", adminToken, 200},
			{"a home analyst", analystToken, map[bool]int{true: 200, false: 403}[analysts]},
			{"a partner's liaison officer", frToken, 403},
			{"the home auditor", auditorToken, 403},
			{"no one", "", 401},
		} {
			t.Run(path+" by "+tt.who, func(t *testing.T) {
				resp, b := f.request(t, http.MethodGet, path, tt.token, "", "")
				if resp.StatusCode != tt.wantStatus {
					t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tt.wantStatus, b)
				}
				if tt.wantStatus == 403 {
					if e := decodeErrorBody(t, b); e.Code != liaison.EFORBIDDEN {
						t.Errorf("error %+v, want forbidden", e)
					}
				}
			})
		}
	}
	resp, b := f.request(t, http.MethodPost, "/api/v1/trust", adminToken, "", "{}")
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /api/v1/trust: %d %s, want 405", resp.StatusCode, b)
	}
}

func TestAssessRoutesOfANodeWithoutAssessments(t *testing.T) {
	f := newFixture(t, 0)
	f.node.noAssess = true
	for _, path := range []string{"/api/v1/trust", "/api/v1/ledger", "/api/v1/typology", "/api/v1/whocan?topic=russia", "/api/v1/alignment", "/api/v1/warnings"} {
		resp, b := f.request(t, http.MethodGet, path, adminToken, "", "")
		if resp.StatusCode != http.StatusNotImplemented {
			t.Fatalf("%s: status %d, want 501\n%s", path, resp.StatusCode, b)
		}
		if e := decodeErrorBody(t, b); e.Code != ENOTIMPLEMENTED || !strings.Contains(e.Message, "does not answer assessments") {
			t.Errorf("%s: error %+v", path, e)
		}
	}
	// Through the client, it is the same error.
	_, err := f.newClient(adminToken).Trust(t.Context(), assess.TrustQuery{})
	if liaison.ErrorCode(err) != ENOTIMPLEMENTED || !strings.Contains(liaison.ErrorMessage(err), "does not answer assessments") {
		t.Errorf("the client: %v, want not_implemented", err)
	}
	if strings.Contains(f.logs.String(), "internal error") {
		t.Errorf("a 501 was logged as an internal error:\n%s", f.logs.String())
	}
}

func TestClientAssessIsTheService(t *testing.T) {
	f := newFixture(t, 0)
	ctx := t.Context()
	c := f.newClient(adminToken)
	direct := f.direct(t, adminToken).(assess.Service)
	jan := time.Date(2026, 1, 31, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		ask  func(s assess.Service) (any, error)
	}{
		{"trust of every partner", func(s assess.Service) (any, error) { return s.Trust(ctx, assess.TrustQuery{}) }},
		{"trust in one, explained, at a date", func(s assess.Service) (any, error) {
			return s.Trust(ctx, assess.TrustQuery{Truster: "de-bfv", Trustee: "fr-dgsi", At: jan, Explain: true})
		}},
		{"the ledger by month, explained", func(s assess.Service) (any, error) {
			return s.Ledger(ctx, assess.LedgerQuery{From: jan.AddDate(-1, 0, 0), To: jan, Months: true, Network: true, Explain: true})
		}},
		{"the ledger with one partner", func(s assess.Service) (any, error) { return s.Ledger(ctx, assess.LedgerQuery{B: "nl-aivd"}) }},
		{"the typology with history", func(s assess.Service) (any, error) {
			return s.Typology(ctx, assess.TypologyQuery{B: "fr-dgsi", History: true, Explain: true})
		}},
		{"every relationship", func(s assess.Service) (any, error) { return s.Typology(ctx, assess.TypologyQuery{All: true, At: jan}) }},
		{"who can help", func(s assess.Service) (any, error) {
			return s.WhoCan(ctx, assess.WhoCanQuery{Topic: "russia", Explain: true})
		}},
		{"alignment", func(s assess.Service) (any, error) { return s.Alignment(ctx, assess.AlignmentQuery{}) }},
		{"warnings with a threshold", func(s assess.Service) (any, error) {
			return s.Warnings(ctx, assess.WarningQuery{LopsidedRatio: 2.5, Explain: true})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := tt.ask(direct)
			if err != nil {
				t.Fatal(err)
			}
			askedDirect := f.node.lastAsked()
			got, err := tt.ask(c)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(askedDirect, f.node.lastAsked()); d != "" {
				t.Errorf("the question over the API (-direct +client):\n%s", d)
			}
			if d := cmp.Diff(want, got, sameAsDirect); d != "" {
				t.Errorf("the report over the API (-direct +client):\n%s", d)
			}
		})
	}

	// The errors are the service's.
	_, err := f.newClient(analystToken).Trust(ctx, assess.TrustQuery{})
	if liaison.ErrorCode(err) != liaison.EFORBIDDEN {
		t.Errorf("an analyst asking for trust: %v, want forbidden", err)
	}
	if _, err := f.newClient(analystToken).WhoCan(ctx, assess.WhoCanQuery{Topic: "russia"}); err != nil {
		t.Errorf("an analyst asking who can help: %v", err)
	}
	_, err = c.Typology(ctx, assess.TypologyQuery{B: "xx-none"})
	if liaison.ErrorCode(err) != liaison.EINVALID || !strings.Contains(liaison.ErrorMessage(err), "xx-none") {
		t.Errorf("an unknown organisation: %v, want invalid naming it", err)
	}
	_, err = c.WhoCan(ctx, assess.WhoCanQuery{})
	if liaison.ErrorCode(err) != liaison.EINVALID {
		t.Errorf("who-can without a topic: %v, want invalid", err)
	}
}

// TestParamsLeavesOutDefaults checks that the client sends only what
// differs from the server's defaults, so that a query is as short as it
// can be and a zero value is never sent as a value.
func TestParamsLeavesOutDefaults(t *testing.T) {
	at := time.Date(2026, 1, 31, 9, 0, 0, 5, time.UTC)
	got := params("s", "", "i", 0, "f", 0.0, "b", false, "t", time.Time{}, "s2", "x", "f2", 2.5, "b2", true, "t2", at).Encode()
	if want := "b2=true&f2=2.5&s2=x&t2=2026-01-31T09%3A00%3A00.000000005Z"; got != want {
		t.Errorf("params = %s, want %s", got, want)
	}
	defer func() {
		if recover() == nil {
			t.Error("params took a value of a type it does not know")
		}
	}()
	params("u", uint(3))
}

// FuzzAssessQuery checks that no query string makes an assessment route
// fail as a fault: every answer is 200 or a 4xx in the API's error format.
func FuzzAssessQuery(f *testing.F) {
	routes := []string{"trust", "ledger", "typology", "whocan", "alignment", "warnings"}
	for _, seed := range []string{"", "explain=true", "at=2026-01-31T09:00:00Z", "at=0000-01-01T00:00:00Z", "lopsided_ratio=NaN",
		"topic=russia&asker=de-bfv", "from=9999-12-31T23:59:59Z&to=0001-01-01T00:00:00Z", "explain", "a=%zz", "b=nl-aivd&b=x"} {
		for i := range routes {
			f.Add(i, seed)
		}
	}
	f.Fuzz(func(t *testing.T, route int, raw string) {
		if route < 0 || len(raw) > 2048 {
			return
		}
		fx := newFixture(t, 0)
		path := "/api/v1/" + routes[route%len(routes)] + "?" + raw
		if strings.IndexFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '#' || r > 0x7e }) >= 0 {
			return // not a request line a client can send: the HTTP server answers it, not the API
		}
		resp, b := fx.request(t, http.MethodGet, path, adminToken, "", "")
		if resp.StatusCode >= 500 {
			t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, b)
		}
		if !json.Valid(b) {
			t.Fatalf("GET %s: the answer is not JSON: %s", path, b)
		}
	})
}
