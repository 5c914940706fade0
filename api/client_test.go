package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
)

// newClient returns a Client of the fixture's server acting for token.
func (f *fixture) newClient(token string) *Client {
	return NewClient(f.srv.URL+"/", token, f.srv.Client())
}

// direct returns the fake node's service for the officer with token, as
// the desk would give it to the CLI on a data directory.
func (f *fixture) direct(t *testing.T, token string) liaison.Service {
	t.Helper()
	o, err := f.node.Authenticate(t.Context(), token)
	if err != nil {
		t.Fatal(err)
	}
	return f.node.As(o)
}

// sameAsDirect compares values that went through the API with values from
// the service directly.
var sameAsDirect = cmp.Options{cmpopts.EquateEmpty()}

func TestClientGivesTheSameErrorsAsTheService(t *testing.T) {
	f := newFixture(t, 0)
	id := f.mustCreateProduct(t, adminToken, "Cell in Lyon", "SECRET UE//ORCON")
	secret := f.mustCreateProduct(t, adminToken, "Source in Marseille", "SECRET UE")
	if _, err := f.direct(t, adminToken).Disseminate(t.Context(), liaison.DisseminationOrder{ProductID: id, To: "fr-dgsi"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		token    string
		call     func(ctx context.Context, s liaison.Service) error
		wantCode string
	}{
		{name: "an absent organisation is not found", token: adminToken, wantCode: liaison.ENOTFOUND,
			call: func(ctx context.Context, s liaison.Service) error {
				_, err := s.Organisation(ctx, "xx-none")
				return err
			}},
		{name: "an invalid organisation is invalid", token: adminToken, wantCode: liaison.EINVALID,
			call: func(ctx context.Context, s liaison.Service) error {
				return s.CreateOrganisation(ctx, &liaison.Organisation{ID: "Not A Slug", Name: "x", Kind: liaison.OrgCERT})
			}},
		{name: "an existing organisation is a conflict", token: adminToken, wantCode: liaison.ECONFLICT,
			call: func(ctx context.Context, s liaison.Service) error {
				return s.CreateOrganisation(ctx, &liaison.Organisation{ID: "fr-dgsi", Name: "DGSI", Kind: liaison.OrgNationalService, Country: "FR"})
			}},
		{name: "an analyst registering an organisation is forbidden", token: analystToken, wantCode: liaison.EFORBIDDEN,
			call: func(ctx context.Context, s liaison.Service) error {
				return s.CreateOrganisation(ctx, &liaison.Organisation{ID: "it-aise", Name: "AISE", Kind: liaison.OrgNationalService, Country: "IT"})
			}},
		{name: "an unknown marking is an invalid marking", token: analystToken, wantCode: liaison.EMARKING,
			call: func(ctx context.Context, s liaison.Service) error {
				_, err := s.CreateProduct(ctx, liaison.ProductDraft{Title: "t", Topics: []string{"terrorism"}, Marking: "ULTRA", Reliability: "A", Credibility: "1"})
				return err
			}},
		{name: "an agreement with one party has invalid parties", token: adminToken, wantCode: liaison.EPARTIES,
			call: func(ctx context.Context, s liaison.Service) error {
				return s.CreateAgreement(ctx, &liaison.Agreement{Title: "alone", Parties: []string{"de-bfv"}, Topics: []string{"*"},
					Ceiling: marking.Classification{Scheme: "EU", Level: "SECRET UE"}, ValidFrom: time.Now()})
			}},
		{name: "a dissemination the policy refuses is denied with every reason", token: adminToken, wantCode: liaison.EDENIED,
			call: func(ctx context.Context, s liaison.Service) error {
				_, err := s.Disseminate(ctx, liaison.DisseminationOrder{ProductID: id, To: "nl-aivd"})
				return err
			}},
		{name: "a recipient forwarding an ORCON product without consent or agreement is denied with both reasons", token: frToken, wantCode: liaison.EDENIED,
			call: func(ctx context.Context, s liaison.Service) error {
				_, err := s.Disseminate(ctx, liaison.DisseminationOrder{ProductID: id, To: "nl-aivd"})
				return err
			}},
		{name: "a decision on a product the caller may not see is not found", token: frToken, wantCode: liaison.ENOTFOUND,
			call: func(ctx context.Context, s liaison.Service) error {
				_, err := s.Decide(ctx, liaison.DecisionQuery{ProductID: secret, Action: liaison.ActionRead})
				return err
			}},
		{name: "a release decision by someone other than the originator is not found", token: frToken, wantCode: liaison.ENOTFOUND,
			call: func(ctx context.Context, s liaison.Service) error {
				_, err := s.DecideRelease(ctx, "00000000-0000-4000-8000-00000000beef", liaison.ReleaseDecision{Approve: true})
				return err
			}},
		{name: "reading the audit chain as an analyst is forbidden", token: analystToken, wantCode: liaison.EFORBIDDEN,
			call: func(ctx context.Context, s liaison.Service) error { _, err := s.AuditEvents(ctx, 0, 0); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			direct := tt.call(t.Context(), f.direct(t, tt.token))
			viaAPI := tt.call(t.Context(), f.newClient(tt.token))
			if got := liaison.ErrorCode(direct); got != tt.wantCode {
				t.Fatalf("the service answered %v, want code %q", direct, tt.wantCode)
			}
			var apiErr *liaison.Error
			if !errors.As(viaAPI, &apiErr) {
				t.Fatalf("the client answered %T %v, want *liaison.Error", viaAPI, viaAPI)
			}
			want := &liaison.Error{Code: liaison.ErrorCode(direct), Message: liaison.ErrorMessage(direct), Reasons: liaison.ErrorReasons(direct)}
			if diff := cmp.Diff(want, apiErr, cmpopts.IgnoreFields(liaison.Error{}, "Err"), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("the client's error differs from the service's (-service +client):\n%s", diff)
			}
		})
	}
}

func TestClientRoundTripsValues(t *testing.T) {
	f := newFixture(t, 0)
	ctx := t.Context()
	admin := f.newClient(adminToken)

	t.Run("health is ok", func(t *testing.T) {
		if err := NewClient(f.srv.URL, "", f.srv.Client()).Health(ctx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("a new organisation comes back completed and is listed", func(t *testing.T) {
		o := &liaison.Organisation{ID: "es-cni", Name: " Centro Nacional de Inteligencia ", Kind: liaison.OrgNationalService, Country: "es", Memberships: []string{"nato", "eu"}}
		if err := admin.CreateOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
		if o.NodeID != "node-1" || o.CreatedAt.IsZero() || o.Country != "ES" || !slices.Equal(o.Memberships, []string{"EU", "NATO"}) {
			t.Errorf("created organisation not completed: %+v", o)
		}
		got, err := admin.Organisation(ctx, "es-cni")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(o, got, sameAsDirect); diff != "" {
			t.Errorf("Organisation (-created +read):\n%s", diff)
		}
	})

	t.Run("a new officer's token acts as that officer, and so does a token issued later", func(t *testing.T) {
		o := &liaison.Officer{ID: "es-cni.garcia", OrgID: "es-cni", Name: "Lucía García", Role: liaison.RoleLiaison,
			Clearance: marking.Classification{Scheme: "EU", Level: "SECRET UE"}, NeedToKnow: []string{"Terrorism"}}
		token, err := admin.CreateOfficer(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		if token == "" || !o.Active || !slices.Equal(o.NeedToKnow, []string{"terrorism"}) {
			t.Fatalf("token %q, officer %+v", token, o)
		}
		again, err := admin.IssueToken(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{token, again} {
			me, err := f.newClient(tok).Whoami(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(o, me, sameAsDirect); diff != "" {
				t.Errorf("Whoami (-created +whoami):\n%s", diff)
			}
		}
	})

	t.Run("an agreement is created, read and suspended", func(t *testing.T) {
		a := &liaison.Agreement{Title: "DE-ES", Parties: []string{"es-cni", "de-bfv"}, Topics: []string{"terrorism"},
			Ceiling: marking.Classification{Scheme: "EU", Level: "SECRET UE"}, ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		if err := admin.CreateAgreement(ctx, a); err != nil {
			t.Fatal(err)
		}
		if !liaison.ValidID(a.ID) || a.Status != liaison.AgreementActive {
			t.Fatalf("agreement not completed: %+v", a)
		}
		got, err := admin.SetAgreementStatus(ctx, a.ID, liaison.AgreementSuspended)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != liaison.AgreementSuspended {
			t.Errorf("status %q after suspension", got.Status)
		}
		read, err := admin.Agreement(ctx, a.ID)
		if err != nil || read.Status != liaison.AgreementSuspended {
			t.Errorf("Agreement: %+v, %v", read, err)
		}
	})

	var product *liaison.Product
	t.Run("a product is written, read by version and listed with its banner", func(t *testing.T) {
		var err error
		product, err = admin.CreateProduct(ctx, liaison.ProductDraft{Title: "Cell in Lyon", Body: "Three suspects.",
			Topics: []string{"terrorism"}, Marking: "SECRET UE//REL TO DE, FR", Reliability: "b", Credibility: "2"})
		if err != nil {
			t.Fatal(err)
		}
		if product.Banner != "SECRET UE//REL TO DE, FR" || product.Reliability != "B" || product.Version != 1 {
			t.Errorf("created product: %+v", product)
		}
		got, err := admin.Product(ctx, product.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(product, got, sameAsDirect); diff != "" {
			t.Errorf("Product (-created +read):\n%s", diff)
		}
		list, err := admin.Products(ctx, liaison.ProductQuery{Limit: 10, Before: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != product.ID {
			t.Errorf("Products: %+v", list)
		}
	})

	t.Run("a decision is the policy's, reasons and all", func(t *testing.T) {
		q := liaison.DecisionQuery{ProductID: product.ID, Version: 1, Action: liaison.ActionDisseminate, To: "fr-dgsi", AgreementID: "00000000-0000-4000-8000-000000000001"}
		got, err := admin.Decide(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := f.direct(t, adminToken).Decide(ctx, q)
		if diff := cmp.Diff(want, got, sameAsDirect); diff != "" || !got.Allowed {
			t.Errorf("Decide (-service +client):\n%s", diff)
		}
	})

	t.Run("a dissemination is made and listed by organisation and product", func(t *testing.T) {
		d, err := admin.Disseminate(ctx, liaison.DisseminationOrder{ProductID: product.ID, To: "fr-dgsi"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := admin.Disseminations(ctx, liaison.ListFilter{OrgID: "fr-dgsi", ProductID: product.ID, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]*liaison.Dissemination{d}, got, sameAsDirect); diff != "" {
			t.Errorf("Disseminations (-made +listed):\n%s", diff)
		}
		none, err := admin.Disseminations(ctx, liaison.ListFilter{OrgID: "nl-aivd"})
		if err != nil || len(none) != 0 {
			t.Errorf("Disseminations to nl-aivd: %v, %v", none, err)
		}
	})

	t.Run("a release is requested by the recipient and approved by the originator", func(t *testing.T) {
		fr := f.newClient(frToken)
		reqs, err := fr.RequestRelease(ctx, liaison.ReleaseDraft{ProductID: product.ID, To: "nl-aivd", Justification: "joint case"})
		if err != nil {
			t.Fatal(err)
		}
		if len(reqs) != 1 || reqs[0].OriginatorOrg != "de-bfv" || reqs[0].Status != liaison.ReleasePending {
			t.Fatalf("RequestRelease: %+v", reqs)
		}
		expires := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		r, err := admin.DecideRelease(ctx, reqs[0].ID, liaison.ReleaseDecision{Approve: true, Conditions: "lead only", ExpiresAt: &expires})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != liaison.ReleaseApproved || r.DecidedBy != "de-bfv.admin" || !r.ExpiresAt.Equal(expires) {
			t.Errorf("DecideRelease: %+v", r)
		}
		listed, err := fr.ReleaseRequests(ctx, liaison.ReleaseFilter{ProductID: product.ID, Status: liaison.ReleaseApproved})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]*liaison.ReleaseRequest{r}, listed, sameAsDirect); diff != "" {
			t.Errorf("ReleaseRequests (-decided +listed):\n%s", diff)
		}
	})

	t.Run("an RFI is asked, answered and listed", func(t *testing.T) {
		fr := f.newClient(frToken)
		r := &liaison.RFI{ToOrg: "de-bfv", Topic: "terrorism", Question: "Who is in the Lyon cell?", Priority: liaison.PriorityHigh,
			Deadline: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
		if err := fr.CreateRFI(ctx, r); err != nil {
			t.Fatal(err)
		}
		if r.FromOrg != "fr-dgsi" || r.Status != liaison.RFIOpen {
			t.Fatalf("CreateRFI: %+v", r)
		}
		answered, err := admin.AnswerRFI(ctx, r.ID, product.ID)
		if err != nil {
			t.Fatal(err)
		}
		if answered.Status != liaison.RFIAnswered || len(answered.Answers) != 1 {
			t.Errorf("AnswerRFI: %+v", answered)
		}
		listed, err := fr.RFIs(ctx, liaison.ListFilter{OrgID: "fr-dgsi"})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]*liaison.RFI{answered}, listed, sameAsDirect); diff != "" {
			t.Errorf("RFIs (-answered +listed):\n%s", diff)
		}
	})

	t.Run("feedback, interactions and breaches are recorded and listed", func(t *testing.T) {
		fr := f.newClient(frToken)
		fb := &liaison.Feedback{ProductID: product.ID, Value: 4, Flags: []string{"timely", "actionable"}}
		if err := fr.CreateFeedback(ctx, fb); err != nil {
			t.Fatal(err)
		}
		i := &liaison.Interaction{Kind: "meeting", Orgs: []string{"fr-dgsi", "de-bfv"}, Date: time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC), DurationMinutes: 90, Tone: 1}
		if err := fr.CreateInteraction(ctx, i); err != nil {
			t.Fatal(err)
		}
		b := &liaison.Breach{ProductID: product.ID, OrgID: "fr-dgsi", Caveat: "REL TO", Description: "shown to a court", At: time.Date(2026, 2, 4, 0, 0, 0, 0, time.UTC)}
		if err := admin.RecordBreach(ctx, b); err != nil {
			t.Fatal(err)
		}
		fbs, err := fr.Feedback(ctx, liaison.ListFilter{ProductID: product.ID})
		if diff := cmp.Diff([]*liaison.Feedback{fb}, fbs, sameAsDirect); err != nil || diff != "" {
			t.Errorf("Feedback (%v) (-made +listed):\n%s", err, diff)
		}
		is, err := fr.Interactions(ctx, liaison.ListFilter{OrgID: "de-bfv"})
		if diff := cmp.Diff([]*liaison.Interaction{i}, is, sameAsDirect); err != nil || diff != "" {
			t.Errorf("Interactions (%v) (-made +listed):\n%s", err, diff)
		}
		bs, err := admin.Breaches(ctx, liaison.ListFilter{OrgID: "fr-dgsi", ProductID: product.ID})
		if diff := cmp.Diff([]*liaison.Breach{b}, bs, sameAsDirect); err != nil || diff != "" {
			t.Errorf("Breaches (%v) (-made +listed):\n%s", err, diff)
		}
	})

	t.Run("the node, organisations, officers and agreements read the same as on the service", func(t *testing.T) {
		direct := f.direct(t, adminToken)
		compare := func(name string, viaAPI, want any, errA, errB error) {
			t.Helper()
			if errA != nil || errB != nil {
				t.Fatalf("%s: client %v, service %v", name, errA, errB)
			}
			if diff := cmp.Diff(want, viaAPI, sameAsDirect); diff != "" {
				t.Errorf("%s (-service +client):\n%s", name, diff)
			}
		}
		n1, e1 := admin.Node(ctx)
		n2, e2 := direct.Node(ctx)
		compare("Node", n1, n2, e1, e2)
		o1, e1 := admin.Organisations(ctx)
		o2, e2 := direct.Organisations(ctx)
		compare("Organisations", o1, o2, e1, e2)
		p1, e1 := admin.Officers(ctx, "de-bfv")
		p2, e2 := direct.Officers(ctx, "de-bfv")
		compare("Officers", p1, p2, e1, e2)
		a1, e1 := admin.Agreements(ctx)
		a2, e2 := direct.Agreements(ctx)
		compare("Agreements", a1, a2, e1, e2)
		v1, e1 := admin.VerifyAudit(ctx)
		v2, e2 := direct.VerifyAudit(ctx)
		compare("VerifyAudit", v1, v2, e1, e2)
	})

	t.Run("the audit chain reads in pages, after a sequence number", func(t *testing.T) {
		auditor := f.newClient(auditorToken)
		direct := f.direct(t, auditorToken)
		for _, tc := range []struct {
			after int64
			limit int
		}{{0, 0}, {2, 3}, {0, maxAuditPage + 1}} {
			got, err := auditor.AuditEvents(ctx, tc.after, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := direct.AuditEvents(ctx, tc.after, tc.limit)
			if diff := cmp.Diff(want, got, sameAsDirect); diff != "" || len(got) == 0 {
				t.Errorf("AuditEvents(%d, %d) (-service +client):\n%s", tc.after, tc.limit, diff)
			}
		}
	})
}

func TestClientReportsAnswersNotFromTheAPI(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		wantCode string
	}{
		{"a proxy's bad gateway page is internal", http.StatusBadGateway, "<html>bad gateway</html>", liaison.EINTERNAL},
		{"a plain not found is not found", http.StatusNotFound, "404 page not found", liaison.ENOTFOUND},
		{"a plain unauthorized is unauthorized", http.StatusUnauthorized, "", liaison.EUNAUTHORIZED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			_, err := NewClient(srv.URL, "t", srv.Client()).Whoami(t.Context())
			if got := liaison.ErrorCode(err); got != tt.wantCode {
				t.Errorf("code %q (%v), want %q", got, err, tt.wantCode)
			}
		})
	}
	t.Run("a server that is not there is a plain error", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		err := NewClient(url, "t", nil).Health(t.Context())
		var le *liaison.Error
		if err == nil || errors.As(err, &le) {
			t.Errorf("Health of a closed server: %v", err)
		}
	})
}

func TestClientSendsTheTokenOnlyAsABearerHeader(t *testing.T) {
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"items":[]}`))
	}))
	defer srv.Close()
	c := NewClient(srv.URL, "s3cret", srv.Client())
	if _, err := c.Officers(t.Context(), "de bfv/x"); err != nil {
		t.Fatal(err)
	}
	if got.Header.Get("Authorization") != "Bearer s3cret" || got.URL.Query().Get("org") != "de bfv/x" {
		t.Errorf("request %s %v", got.URL, got.Header)
	}
	c.Organisation(t.Context(), "a/b?c")
	if got.URL.EscapedPath() != "/api/v1/organisations/a%2Fb%3Fc" {
		t.Errorf("path %q", got.URL.EscapedPath())
	}
}

var _ liaison.Service = (*Client)(nil)
