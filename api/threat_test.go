package api

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/liaison-dev/liaison"
)

func TestThreatRoutes(t *testing.T) {
	f := newFixture(t, 0)
	// The fixture's home organisation is de-bfv; its admin sets a
	// partner's priorities, fr-dgsi's liaison officer its own.
	tests := []struct {
		name       string
		method     string
		path       string
		token      string
		ctype      string
		body       string
		wantStatus int
		wantCode   string // the error code, or "" for success
		wantItems  []string
	}{
		{"the node's admin sets a partner's priorities, in the order given", http.MethodPut, "/api/v1/organisations/nl-aivd/priorities", adminToken, "",
			`{"items":[{"topic":"counter-terrorism"},{"topic":"Russia","note":"state actors"}]}`, 200, "", []string{"nl-aivd/counter-terrorism/1", "nl-aivd/russia/2"}},
		{"and reads them back", http.MethodGet, "/api/v1/organisations/nl-aivd/priorities", adminToken, "", "", 200, "", []string{"nl-aivd/counter-terrorism/1", "nl-aivd/russia/2"}},
		{"a partner's officer sets its own, with ranks", http.MethodPut, "/api/v1/organisations/fr-dgsi/priorities", frToken, "",
			`{"items":[{"topic":"sahel","rank":2},{"topic":"counter-terrorism","rank":1}]}`, 200, "", []string{"fr-dgsi/counter-terrorism/1", "fr-dgsi/sahel/2"}},
		{"the home organisation lists every organisation's", http.MethodGet, "/api/v1/priorities", analystToken, "", "", 200, "",
			[]string{"fr-dgsi/counter-terrorism/1", "fr-dgsi/sahel/2", "nl-aivd/counter-terrorism/1", "nl-aivd/russia/2"}},
		{"filtered by organisation", http.MethodGet, "/api/v1/priorities?org=fr-dgsi", analystToken, "", "", 200, "",
			[]string{"fr-dgsi/counter-terrorism/1", "fr-dgsi/sahel/2"}},
		{"a partner lists only its own", http.MethodGet, "/api/v1/priorities", frToken, "", "", 200, "", []string{"fr-dgsi/counter-terrorism/1", "fr-dgsi/sahel/2"}},
		{"a partner may not read another's", http.MethodGet, "/api/v1/organisations/nl-aivd/priorities", frToken, "", "", 403, liaison.EFORBIDDEN, nil},
		{"a partner may not set another's", http.MethodPut, "/api/v1/organisations/nl-aivd/priorities", frToken, "", `{"items":[]}`, 403, liaison.EFORBIDDEN, nil},
		{"an auditor reads none", http.MethodGet, "/api/v1/organisations/de-bfv/priorities", auditorToken, "", "", 403, liaison.EFORBIDDEN, nil},
		{"an unknown organisation", http.MethodGet, "/api/v1/organisations/xx-none/priorities", adminToken, "", "", 404, liaison.ENOTFOUND, nil},
		{"a gap in the ranks", http.MethodPut, "/api/v1/organisations/de-bfv/priorities", adminToken, "",
			`{"items":[{"topic":"cyber","rank":1},{"topic":"russia","rank":3}]}`, 400, liaison.EINVALID, nil},
		{"a field the body does not have", http.MethodPut, "/api/v1/organisations/de-bfv/priorities", adminToken, "",
			`{"items":[{"topic":"cyber","weight":3}]}`, 400, liaison.EBADJSON, nil},
		{"a bare array is not the body", http.MethodPut, "/api/v1/organisations/de-bfv/priorities", adminToken, "",
			`[{"topic":"cyber"}]`, 400, liaison.EBADJSON, nil},
		{"a body that is not JSON", http.MethodPut, "/api/v1/organisations/de-bfv/priorities", adminToken, "text/plain",
			`counter-terrorism`, 415, EMEDIATYPE, nil},
		{"without a token", http.MethodGet, "/api/v1/organisations/de-bfv/priorities", "", "", "", 401, liaison.EUNAUTHORIZED, nil},
		{"POST is not the method", http.MethodPost, "/api/v1/organisations/de-bfv/priorities", adminToken, "", `{"items":[]}`, 405, EMETHOD, nil},

		{"coverage is set as a whole", http.MethodPut, "/api/v1/organisations/de-bfv/coverage", adminToken, "",
			`{"items":[{"topic":"russia","discipline":"sigint","capability":3},{"topic":"cyber","discipline":"CYBINT","capability":2,"note":"APT tracking"}]}`,
			200, "", []string{"de-bfv/cyber/CYBINT/2", "de-bfv/russia/SIGINT/3"}},
		{"and read back", http.MethodGet, "/api/v1/organisations/de-bfv/coverage", analystToken, "", "", 200, "", []string{"de-bfv/cyber/CYBINT/2", "de-bfv/russia/SIGINT/3"}},
		{"and listed", http.MethodGet, "/api/v1/coverage", adminToken, "", "", 200, "", []string{"de-bfv/cyber/CYBINT/2", "de-bfv/russia/SIGINT/3"}},
		{"an unknown discipline", http.MethodPut, "/api/v1/organisations/de-bfv/coverage", adminToken, "",
			`{"items":[{"topic":"russia","discipline":"PSYINT","capability":3}]}`, 400, liaison.EINVALID, nil},
		{"a capability off the scale", http.MethodPut, "/api/v1/organisations/de-bfv/coverage", adminToken, "",
			`{"items":[{"topic":"russia","discipline":"SIGINT","capability":7}]}`, 400, liaison.EINVALID, nil},
		{"a partner may not read another's coverage", http.MethodGet, "/api/v1/coverage?org=de-bfv", frToken, "", "", 403, liaison.EFORBIDDEN, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := f.request(t, tt.method, tt.path, tt.token, tt.ctype, tt.body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tt.wantStatus, b)
			}
			if tt.wantCode != "" {
				var er errorResponse
				if err := json.Unmarshal(b, &er); err != nil || er.Error.Code != tt.wantCode {
					t.Errorf("body %s, want the error %s", b, tt.wantCode)
				}
				return
			}
			var l struct {
				Items []map[string]any `json:"items"`
			}
			if err := json.Unmarshal(b, &l); err != nil {
				t.Fatalf("body %s: %v", b, err)
			}
			var got []string
			for _, it := range l.Items {
				s := it["org_id"].(string) + "/" + it["topic"].(string)
				if d, ok := it["discipline"]; ok {
					s += "/" + d.(string) + "/" + jsonNumber(it["capability"])
				} else {
					s += "/" + jsonNumber(it["rank"])
				}
				if it["set_by"] == "" || it["set_at"] == "" {
					t.Errorf("item %v lacks who set it and when", it)
				}
				got = append(got, s)
			}
			if d := cmp.Diff(tt.wantItems, got); d != "" {
				t.Errorf("items (-want +got):\n%s", d)
			}
		})
	}
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestClientThreatIsTheService(t *testing.T) {
	f := newFixture(t, 0)
	ctx := t.Context()
	c := f.newClient(adminToken)
	set, err := c.SetThreatPriorities(ctx, "nl-aivd", []liaison.ThreatPriority{{Topic: "counter-terrorism"}, {Topic: "russia", Note: "GRU"}})
	if err != nil {
		t.Fatal(err)
	}
	direct, err := f.direct(t, adminToken).ThreatPriorities(ctx, "nl-aivd")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(direct, set, sameAsDirect); d != "" {
		t.Errorf("set over the API (-direct +client):\n%s", d)
	}
	for _, org := range []string{"nl-aivd", ""} {
		got, err := c.ThreatPriorities(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(direct, got, sameAsDirect); d != "" {
			t.Errorf("read %q over the API (-direct +client):\n%s", org, d)
		}
	}
	cov, err := c.SetCoverage(ctx, "nl-aivd", []liaison.Coverage{{Topic: "russia", Discipline: liaison.SIGINT, Capability: 3}})
	if err != nil {
		t.Fatal(err)
	}
	directCov, err := f.direct(t, adminToken).Coverage(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	gotCov, err := c.Coverage(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(directCov, cov, sameAsDirect); d != "" {
		t.Errorf("coverage set over the API (-direct +client):\n%s", d)
	}
	if d := cmp.Diff(directCov, gotCov, sameAsDirect); d != "" {
		t.Errorf("coverage read over the API (-direct +client):\n%s", d)
	}

	// Clearing with nil sends an empty list, not null.
	if got, err := c.SetCoverage(ctx, "nl-aivd", nil); err != nil || len(got) != 0 {
		t.Errorf("clearing: %v, %v", got, err)
	}
	// The errors are the service's.
	_, err = f.newClient(frToken).ThreatPriorities(ctx, "nl-aivd")
	if liaison.ErrorCode(err) != liaison.EFORBIDDEN {
		t.Errorf("a partner reading another's: %v, want forbidden", err)
	}
	_, err = c.SetThreatPriorities(ctx, "nl-aivd", []liaison.ThreatPriority{{Topic: "cyber", Rank: 2}})
	if liaison.ErrorCode(err) != liaison.EINVALID || liaison.ErrorMessage(err) == "" {
		t.Errorf("a gap: %v, want invalid with a message", err)
	}
}
