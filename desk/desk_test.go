package desk_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/desk"
	"github.com/liaison-dev/liaison/marking"
	"github.com/liaison-dev/liaison/sqlite"
)

// fixture is a node with three services (home "nl-aivd", partner
// "de-bfv", third party "fr-dgsi"), a bilateral agreement between home and
// partner, one between partner and third party, and a liaison officer each.
type fixture struct {
	desk                 *desk.Desk
	store                liaison.Store
	admin, home, partner liaison.Service
	third, analyst       liaison.Service
	auditor              liaison.Service
	homeToPartner        *liaison.Agreement
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir()+"/liaison.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := t0
	d := desk.New(desk.Config{Store: db, Marks: marking.DefaultRegistry(), Clock: liaison.ClockFunc(func() time.Time {
		clock = clock.Add(time.Second)
		return clock
	})})
	token, err := d.Init(ctx, desk.InitParams{NodeName: "test",
		Org:   liaison.Organisation{ID: "nl-aivd", Name: "AIVD", Kind: liaison.OrgNationalService, Country: "NL", Memberships: []string{"EU"}},
		Admin: liaison.Officer{ID: "admin", Name: "Admin", Clearance: marking.Classification{Scheme: "EU", Level: "TRES SECRET UE"}}})
	if err != nil {
		t.Fatal(err)
	}
	adminOfficer, err := d.Authenticate(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{desk: d, store: db, admin: d.As(adminOfficer)}
	must(t, f.admin.CreateOrganisation(ctx, &liaison.Organisation{ID: "de-bfv", Name: "BfV", Kind: liaison.OrgNationalService, Country: "DE", Memberships: []string{"EU"}}))
	must(t, f.admin.CreateOrganisation(ctx, &liaison.Organisation{ID: "fr-dgsi", Name: "DGSI", Kind: liaison.OrgNationalService, Country: "FR", Memberships: []string{"EU"}}))
	secret := marking.Classification{Scheme: "EU", Level: "SECRET UE"}
	f.home = f.officer(t, "nl-aivd", "nl.liaison", liaison.RoleLiaison, secret)
	f.partner = f.officer(t, "de-bfv", "de.liaison", liaison.RoleLiaison, secret)
	f.third = f.officer(t, "fr-dgsi", "fr.liaison", liaison.RoleLiaison, secret)
	f.analyst = f.officer(t, "nl-aivd", "nl.analyst", liaison.RoleAnalyst, secret)
	f.auditor = f.officer(t, "nl-aivd", "nl.auditor", liaison.RoleAuditor, secret)
	f.homeToPartner = &liaison.Agreement{Title: "NL-DE", Parties: []string{"nl-aivd", "de-bfv"}, Topics: []string{"counter-terrorism"},
		Ceiling: secret, ValidFrom: t0.AddDate(-1, 0, 0)}
	must(t, f.admin.CreateAgreement(ctx, f.homeToPartner))
	must(t, f.admin.CreateAgreement(ctx, &liaison.Agreement{Title: "DE-FR", Parties: []string{"de-bfv", "fr-dgsi"}, Topics: []string{"*"},
		Ceiling: secret, ValidFrom: t0.AddDate(-1, 0, 0)}))
	return f
}

func (f *fixture) officer(t testing.TB, org, id string, role liaison.Role, c marking.Classification) liaison.Service {
	t.Helper()
	ctx := context.Background()
	token, err := f.admin.CreateOfficer(ctx, &liaison.Officer{ID: id, OrgID: org, Name: id, Role: role, Clearance: c, NeedToKnow: []string{"counter-terrorism", "cyber"}})
	if err != nil {
		t.Fatal(err)
	}
	o, err := f.desk.Authenticate(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	return f.desk.As(o)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := liaison.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func hasReason(rs []liaison.Reason, code string) bool {
	return slices.ContainsFunc(rs, func(r liaison.Reason) bool { return r.Code == code })
}

func (f *fixture) auditCount(t *testing.T) int64 {
	t.Helper()
	r, err := f.desk.VerifyAudit(context.Background())
	must(t, err)
	if !r.OK() {
		t.Fatalf("audit chain broken: %+v", r.Broken)
	}
	return r.Events
}

func (f *fixture) write(t *testing.T, banner string, topics ...string) *liaison.Product {
	t.Helper()
	p, err := f.home.CreateProduct(context.Background(), liaison.ProductDraft{Title: "Cell in Rotterdam", Body: "…",
		Topics: topics, Marking: banner, Reliability: "B", Credibility: "2"})
	must(t, err)
	return p
}

func TestTheLiaisonLoop(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	p := f.write(t, "SECRET UE//ORCON", "counter-terrorism")
	if p.Banner != "SECRET UE//ORCON" || p.Version != 1 || !slices.Equal(p.Origins, []string{"nl-aivd"}) {
		t.Fatalf("created product: %+v", p)
	}

	// The partner cannot see it before it is disseminated: 404, not 403.
	_, err := f.partner.Product(ctx, p.ID, 0)
	wantCode(t, err, liaison.ENOTFOUND)
	_, err = f.partner.Decide(ctx, liaison.DecisionQuery{ProductID: p.ID, Action: liaison.ActionForward, To: "fr-dgsi"})
	wantCode(t, err, liaison.ENOTFOUND)

	d, err := f.home.Disseminate(ctx, liaison.DisseminationOrder{ProductID: p.ID, To: "de-bfv"})
	must(t, err)
	if d.Action != liaison.ActionDisseminate || d.AgreementID != f.homeToPartner.ID || !d.Decision.Allowed {
		t.Fatalf("dissemination: %+v", d)
	}
	got, err := f.partner.Product(ctx, p.ID, 0)
	must(t, err)
	if got.Title != p.Title {
		t.Fatalf("partner read %+v", got)
	}
	list, err := f.partner.Products(ctx, liaison.ProductQuery{})
	must(t, err)
	if len(list) != 1 || list[0].ID != p.ID {
		t.Fatalf("partner's list: %v", list)
	}

	// The partner asks, then tries to forward to a third party: refused
	// by the third-party rule, with the reason.
	dec, err := f.partner.Decide(ctx, liaison.DecisionQuery{ProductID: p.ID, Action: liaison.ActionForward, To: "fr-dgsi"})
	must(t, err)
	if dec.Allowed || !hasReason(dec.Reasons, "originator_control") {
		t.Fatalf("decision before release: %+v", dec)
	}
	_, err = f.partner.Disseminate(ctx, liaison.DisseminationOrder{ProductID: p.ID, To: "fr-dgsi"})
	wantCode(t, err, liaison.EDENIED)
	if !hasReason(liaison.ErrorReasons(err), "originator_control") {
		t.Fatalf("refusal reasons: %v", liaison.ErrorReasons(err))
	}
	_, err = f.third.Product(ctx, p.ID, 0)
	wantCode(t, err, liaison.ENOTFOUND)

	// Release request, approved by the originator.
	reqs, err := f.partner.RequestRelease(ctx, liaison.ReleaseDraft{ProductID: p.ID, To: "fr-dgsi", Justification: "joint investigation"})
	must(t, err)
	if len(reqs) != 1 || reqs[0].OriginatorOrg != "nl-aivd" || reqs[0].Status != liaison.ReleasePending {
		t.Fatalf("release requests: %+v", reqs)
	}
	_, err = f.partner.DecideRelease(ctx, reqs[0].ID, liaison.ReleaseDecision{Approve: true})
	wantCode(t, err, liaison.EFORBIDDEN)
	_, err = f.third.DecideRelease(ctx, reqs[0].ID, liaison.ReleaseDecision{Approve: true})
	wantCode(t, err, liaison.ENOTFOUND)
	r, err := f.home.DecideRelease(ctx, reqs[0].ID, liaison.ReleaseDecision{Approve: true, Conditions: "lead only"})
	must(t, err)
	if r.Status != liaison.ReleaseApproved || r.DecidedBy != "nl.liaison" {
		t.Fatalf("decided release: %+v", r)
	}
	_, err = f.home.DecideRelease(ctx, reqs[0].ID, liaison.ReleaseDecision{Approve: false})
	wantCode(t, err, liaison.ECONFLICT)

	fwd, err := f.partner.Disseminate(ctx, liaison.DisseminationOrder{ProductID: p.ID, To: "fr-dgsi"})
	must(t, err)
	if fwd.Action != liaison.ActionForward || !slices.Equal(fwd.ReleaseIDs, []string{reqs[0].ID}) {
		t.Fatalf("forward: %+v", fwd)
	}
	_, err = f.third.Product(ctx, p.ID, 0)
	must(t, err)

	// Every step is in the chain, the refusal included, and it verifies.
	events, err := f.admin.AuditEvents(ctx, 0, 1000)
	must(t, err)
	var refused, created int
	for _, e := range events {
		if e.Action == "dissemination.refused" && !e.Allowed && hasReason(e.Reasons, "originator_control") {
			refused++
		}
		if e.Action == "dissemination.create" {
			created++
		}
	}
	if refused != 1 || created != 2 {
		t.Fatalf("audit: %d refused, %d created disseminations", refused, created)
	}
	rep, err := f.auditor.VerifyAudit(ctx)
	must(t, err)
	if !rep.OK() || rep.Events < int64(len(events)) {
		t.Fatalf("verify: %+v", rep)
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	secret := marking.Classification{Scheme: "EU", Level: "SECRET UE"}
	tests := []struct {
		name string
		do   func() error
		code string
	}{
		{"an unknown marking", func() error {
			_, err := f.home.CreateProduct(ctx, liaison.ProductDraft{Title: "x", Topics: []string{"cyber"}, Marking: "SECRET UE//BOGUS", Reliability: "A", Credibility: "1"})
			return err
		}, liaison.EMARKING},
		{"a contradictory marking", func() error {
			_, err := f.home.CreateProduct(ctx, liaison.ProductDraft{Title: "x", Topics: []string{"cyber"}, Marking: "SECRET UE//NOFORN//REL TO DE", Reliability: "A", Credibility: "1"})
			return err
		}, liaison.EMARKING},
		{"a grading off the scale", func() error {
			_, err := f.home.CreateProduct(ctx, liaison.ProductDraft{Title: "x", Topics: []string{"cyber"}, Marking: "SECRET UE", Reliability: "G", Credibility: "1"})
			return err
		}, liaison.EINVALID},
		{"a validity period that ends before it starts", func() error {
			end := t0.AddDate(-2, 0, 0)
			return f.admin.CreateAgreement(ctx, &liaison.Agreement{Title: "bad", Parties: []string{"nl-aivd", "de-bfv"}, Topics: []string{"*"}, Ceiling: secret, ValidFrom: t0, ValidTo: &end})
		}, liaison.EPERIOD},
		{"an agreement with one party", func() error {
			return f.admin.CreateAgreement(ctx, &liaison.Agreement{Title: "bad", Parties: []string{"nl-aivd"}, Topics: []string{"*"}, Ceiling: secret, ValidFrom: t0})
		}, liaison.EPARTIES},
		{"an agreement with an unknown party", func() error {
			return f.admin.CreateAgreement(ctx, &liaison.Agreement{Title: "bad", Parties: []string{"nl-aivd", "xx-none"}, Topics: []string{"*"}, Ceiling: secret, ValidFrom: t0})
		}, liaison.EPARTIES},
		{"an agreement with an unknown ceiling", func() error {
			return f.admin.CreateAgreement(ctx, &liaison.Agreement{Title: "bad", Parties: []string{"nl-aivd", "de-bfv"}, Topics: []string{"*"}, Ceiling: marking.Classification{Scheme: "EU", Level: "SUPER"}, ValidFrom: t0})
		}, liaison.EMARKING},
		{"a duplicate organisation", func() error {
			return f.admin.CreateOrganisation(ctx, &liaison.Organisation{ID: "de-bfv", Name: "again", Kind: liaison.OrgNationalService, Country: "DE"})
		}, liaison.ECONFLICT},
		{"an officer of an unknown organisation", func() error {
			_, err := f.admin.CreateOfficer(ctx, &liaison.Officer{ID: "ghost", OrgID: "xx-none", Name: "G", Role: liaison.RoleAnalyst, Clearance: secret})
			return err
		}, liaison.EINVALID},
		{"an RFI with a deadline in the past", func() error {
			return f.home.CreateRFI(ctx, &liaison.RFI{ToOrg: "de-bfv", Topic: "cyber", Question: "?", Deadline: t0.AddDate(0, 0, -1)})
		}, liaison.EPERIOD},
		{"feedback out of range", func() error {
			return f.partner.CreateFeedback(ctx, &liaison.Feedback{ProductID: "x", Value: 9})
		}, liaison.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.auditCount(t)
			wantCode(t, tt.do(), tt.code)
			if after := f.auditCount(t); after != before {
				t.Errorf("audit events went from %d to %d: something was written", before, after)
			}
		})
	}
}

func TestDisseminationRefusals(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	tests := []struct {
		name   string
		banner string
		topics []string
		to     string
		reason string
	}{
		{"a product above its agreement's ceiling", "TRES SECRET UE", []string{"counter-terrorism"}, "de-bfv", "agreement_ceiling"},
		{"a product outside the agreement's scope", "SECRET UE", []string{"cyber"}, "de-bfv", "agreement_scope"},
		{"a product to an organisation without an agreement", "SECRET UE", []string{"counter-terrorism"}, "fr-dgsi", "no_agreement"},
		{"a product not releasable to the recipient", "SECRET UE//REL TO NL, FR", []string{"counter-terrorism"}, "de-bfv", "releasability"},
	}
	// TRES SECRET UE needs an officer cleared for it.
	top := f.officer(t, "nl-aivd", "nl.top", liaison.RoleLiaison, marking.Classification{Scheme: "EU", Level: "TRES SECRET UE"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := top.CreateProduct(ctx, liaison.ProductDraft{Title: tt.name, Topics: tt.topics, Marking: tt.banner, Reliability: "C", Credibility: "3"})
			must(t, err)
			before := f.auditCount(t)
			_, err = top.Disseminate(ctx, liaison.DisseminationOrder{ProductID: p.ID, To: tt.to})
			wantCode(t, err, liaison.EDENIED)
			if !hasReason(liaison.ErrorReasons(err), tt.reason) {
				t.Fatalf("reasons %v lack %s", liaison.ErrorReasons(err), tt.reason)
			}
			if after := f.auditCount(t); after != before+1 {
				t.Errorf("a refusal must add exactly one audit event: %d -> %d", before, after)
			}
			ds, err := top.Disseminations(ctx, liaison.ListFilter{ProductID: p.ID})
			must(t, err)
			if len(ds) != 0 {
				t.Errorf("a refused dissemination was stored: %v", ds)
			}
		})
	}
}

func TestRolesAndVisibility(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	p := f.write(t, "SECRET UE", "counter-terrorism")

	_, err := f.analyst.Disseminate(ctx, liaison.DisseminationOrder{ProductID: p.ID, To: "de-bfv"})
	wantCode(t, err, liaison.EDENIED)
	_, err = f.auditor.Products(ctx, liaison.ProductQuery{})
	wantCode(t, err, liaison.EFORBIDDEN)
	_, err = f.auditor.Product(ctx, p.ID, 0)
	wantCode(t, err, liaison.ENOTFOUND)
	_, err = f.home.AuditEvents(ctx, 0, 10)
	wantCode(t, err, liaison.EFORBIDDEN)
	err = f.partner.CreateOrganisation(ctx, &liaison.Organisation{ID: "es-cni", Name: "CNI", Kind: liaison.OrgNationalService, Country: "ES"})
	wantCode(t, err, liaison.EFORBIDDEN)

	// An officer without need-to-know for the topic sees neither the list
	// entry nor the product.
	narrow, err := f.admin.CreateOfficer(ctx, &liaison.Officer{ID: "nl.narrow", OrgID: "nl-aivd", Name: "N", Role: liaison.RoleAnalyst,
		Clearance: marking.Classification{Scheme: "EU", Level: "RESTREINT UE"}, NeedToKnow: []string{"counter-terrorism"}})
	must(t, err)
	o, err := f.desk.Authenticate(ctx, narrow)
	must(t, err)
	low := f.desk.As(o)
	list, err := low.Products(ctx, liaison.ProductQuery{})
	must(t, err)
	if len(list) != 0 {
		t.Fatalf("an officer cleared RESTREINT UE lists %d SECRET UE products", len(list))
	}
	_, err = low.Product(ctx, p.ID, 0)
	wantCode(t, err, liaison.ENOTFOUND)
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if _, err := f.desk.Authenticate(ctx, "lsn_not-a-token"); liaison.ErrorCode(err) != liaison.EUNAUTHORIZED {
		t.Fatalf("a bad token: %v", err)
	}
	if _, err := f.desk.Authenticate(ctx, ""); liaison.ErrorCode(err) != liaison.EUNAUTHORIZED {
		t.Fatalf("no token: %v", err)
	}
	tok, err := f.admin.IssueToken(ctx, "de.liaison")
	must(t, err)
	o, err := f.desk.Authenticate(ctx, tok)
	must(t, err)
	if o.ID != "de.liaison" {
		t.Fatalf("token authenticates %s", o.ID)
	}
	_, err = f.partner.IssueToken(ctx, "nl.liaison")
	wantCode(t, err, liaison.EFORBIDDEN)
	// Init twice is a conflict.
	_, err = f.desk.Init(ctx, desk.InitParams{NodeName: "again", Org: liaison.Organisation{ID: "x", Name: "x", Kind: liaison.OrgCERT},
		Admin: liaison.Officer{ID: "y", Name: "y", Clearance: marking.Classification{Scheme: "EU", Level: "SECRET UE"}}})
	wantCode(t, err, liaison.ECONFLICT)
}

func TestTearLinesKeepTheirProvenance(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	p := f.write(t, "SECRET UE//ORCON", "counter-terrorism")
	_, err := f.home.Disseminate(ctx, liaison.DisseminationOrder{ProductID: p.ID, To: "de-bfv"})
	must(t, err)

	// The partner may not sanitise away the originator's restrictions.
	_, err = f.partner.CreateProduct(ctx, liaison.ProductDraft{Title: "tear-line", Topics: []string{"counter-terrorism"}, Marking: "RESTREINT UE",
		Reliability: "B", Credibility: "2", ParentID: p.ID, ParentVersion: 1})
	wantCode(t, err, liaison.EDENIED)
	// It may write one as restricted as the source; its provenance names the originator.
	tl, err := f.partner.CreateProduct(ctx, liaison.ProductDraft{Title: "tear-line", Topics: []string{"counter-terrorism"}, Marking: "SECRET UE//ORCON",
		Reliability: "B", Credibility: "2", ParentID: p.ID, ParentVersion: 1})
	must(t, err)
	if !slices.Equal(tl.Origins, []string{"de-bfv", "nl-aivd"}) {
		t.Fatalf("tear-line origins %v", tl.Origins)
	}
	// ... and the third-party rule follows it.
	_, err = f.partner.Disseminate(ctx, liaison.DisseminationOrder{ProductID: tl.ID, To: "fr-dgsi"})
	wantCode(t, err, liaison.EDENIED)
	if !hasReason(liaison.ErrorReasons(err), "originator_control") {
		t.Fatalf("reasons %v", liaison.ErrorReasons(err))
	}
	// A product it never received is not a parent it can name.
	q := f.write(t, "SECRET UE", "counter-terrorism")
	_, err = f.partner.CreateProduct(ctx, liaison.ProductDraft{Title: "t", Topics: []string{"counter-terrorism"}, Marking: "SECRET UE",
		Reliability: "B", Credibility: "2", ParentID: q.ID, ParentVersion: 1})
	wantCode(t, err, liaison.ENOTFOUND)
	// Only the originator issues new versions.
	_, err = f.partner.CreateProduct(ctx, liaison.ProductDraft{ID: p.ID, Title: "v2", Topics: []string{"counter-terrorism"}, Marking: "SECRET UE", Reliability: "B", Credibility: "2"})
	wantCode(t, err, liaison.EFORBIDDEN)
	v2, err := f.home.CreateProduct(ctx, liaison.ProductDraft{ID: p.ID, Title: "v2", Topics: []string{"counter-terrorism"}, Marking: "SECRET UE//ORCON", Reliability: "A", Credibility: "2"})
	must(t, err)
	if v2.Version != 2 {
		t.Fatalf("new version is %d", v2.Version)
	}
	// The partner still sees version 1 only.
	got, err := f.partner.Product(ctx, p.ID, 0)
	must(t, err)
	if got.Version != 1 {
		t.Fatalf("partner sees version %d before it was disseminated", got.Version)
	}
}
