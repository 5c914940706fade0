package demo_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/demo"
	"github.com/liaison-dev/liaison/desk"
	"github.com/liaison-dev/liaison/policy"
	"github.com/liaison-dev/liaison/sqlite"
)

// openStore opens a fresh SQLite store in a temporary directory, closed
// when the test ends.
func openStore(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "liaison.db"))
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close store: %v", err)
		}
	})
	return db
}

// build generates the scenario of seed on a fresh store.
func build(tb testing.TB, seed int64) *sqlite.DB {
	tb.Helper()
	db := openStore(tb)
	if _, err := demo.Build(context.Background(), db, demo.Options{Seed: seed}); err != nil {
		tb.Fatalf("Build(seed %d): %v", seed, err)
	}
	return db
}

// shared is the scenario of seed 1, built once for the tests that only
// read it.
var shared struct {
	once sync.Once
	db   *sqlite.DB
	sc   *demo.Scenario
	err  error
	dir  string
}

func sharedScenario(t *testing.T) (*sqlite.DB, *demo.Scenario) {
	t.Helper()
	shared.once.Do(func() {
		ctx := context.Background()
		shared.db, shared.err = sqlite.Open(ctx, filepath.Join(shared.dir, "liaison.db"))
		if shared.err != nil {
			return
		}
		shared.sc, shared.err = demo.Build(ctx, shared.db, demo.Options{Seed: 1})
	})
	if shared.err != nil {
		t.Fatalf("Build(seed 1): %v", shared.err)
	}
	return shared.db, shared.sc
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "liaison-demo-test-")
	if err != nil {
		panic(err)
	}
	shared.dir = dir
	code := m.Run()
	if shared.db != nil {
		shared.db.Close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestScenarioMeetsTheMinimums(t *testing.T) {
	db, sc := sharedScenario(t)
	ctx := context.Background()
	var orgs []*liaison.Organisation
	if err := db.View(ctx, func(tx liaison.Tx) (err error) {
		orgs, err = tx.Organisations(ctx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	euNational, hubs, nonEU := 0, 0, 0
	for _, o := range orgs {
		switch {
		case o.Kind == liaison.OrgNationalService && slices.Contains(o.Memberships, "EU"):
			euNational++
		case o.Kind == liaison.OrgEUBody && slices.Contains(o.Memberships, "EU"):
			hubs++
		case o.Kind == liaison.OrgNationalService:
			nonEU++
		}
	}
	if euNational < 8 || hubs != 1 || nonEU < 1 {
		t.Errorf("organisations: %d EU national services (want ≥8), %d EU hubs (want 1), %d non-EU services (want ≥1)", euNational, hubs, nonEU)
	}
	if sc.Organisations != len(orgs) {
		t.Errorf("Scenario.Organisations = %d, the store holds %d", sc.Organisations, len(orgs))
	}
	if sc.Products < 300 {
		t.Errorf("%d products, want ≥300", sc.Products)
	}
	if sc.Versions <= sc.Products {
		t.Errorf("%d versions of %d products: want some new versions", sc.Versions, sc.Products)
	}

	var pending []*liaison.ReleaseRequest
	var breaches []*liaison.Breach
	var diss []*liaison.Dissemination
	if err := db.View(ctx, func(tx liaison.Tx) (err error) {
		if pending, err = tx.ReleaseRequests(ctx, liaison.ReleaseFilter{Status: liaison.ReleasePending}); err != nil {
			return err
		}
		if breaches, err = tx.Breaches(ctx, liaison.ListFilter{}); err != nil {
			return err
		}
		diss, err = tx.Disseminations(ctx, liaison.ListFilter{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].ID != sc.PendingReleaseID {
		t.Errorf("%d pending release requests, want exactly 1 (%s)", len(pending), sc.PendingReleaseID)
	}
	if len(breaches) != 1 || breaches[0].ID != sc.BreachID || breaches[0].OrgID != sc.BreachOrg {
		t.Errorf("breaches = %d, want exactly 1 (%s by %s)", len(breaches), sc.BreachID, sc.BreachOrg)
	}
	if len(diss) != sc.Disseminations {
		t.Errorf("the store holds %d disseminations, Scenario says %d", len(diss), sc.Disseminations)
	}
	forwards := 0
	for _, d := range diss {
		if d.Action == liaison.ActionForward {
			forwards++
			if len(d.ReleaseIDs) == 0 {
				t.Errorf("forward %s has no approved release behind it", d.ID)
			}
		}
	}
	if forwards < 3 || forwards != sc.Forwards {
		t.Errorf("%d forwards in the store, Scenario says %d; want ≥3", forwards, sc.Forwards)
	}
	if sc.Refusals < 5 || sc.Refusals*20 > sc.Disseminations {
		t.Errorf("%d refusals for %d disseminations: want a few, most succeeding", sc.Refusals, sc.Disseminations)
	}
	for name, n := range map[string]int{"feedback": sc.Feedback, "interactions": sc.Interactions, "RFIs": sc.RFIs, "release requests": sc.ReleaseRequests} {
		if n < 10 {
			t.Errorf("%d %s, want more", n, name)
		}
	}
	t.Logf("%+v", summary(sc))
}

func summary(sc *demo.Scenario) string {
	return fmt.Sprintf("orgs %d, officers %d, agreements %d, products %d (%d versions), disseminations %d (forwards %d), refusals %d, "+
		"feedback %d, interactions %d, RFIs %d (answered %d), releases %d (approved %d, denied %d), breaches %d, reads %d, audit events %d",
		sc.Organisations, sc.Officers, sc.Agreements, sc.Products, sc.Versions, sc.Disseminations, sc.Forwards, sc.Refusals,
		sc.Feedback, sc.Interactions, sc.RFIs, sc.RFIsAnswered, sc.ReleaseRequests, sc.ReleasesApproved, sc.ReleasesDenied, sc.Breaches, sc.Reads, sc.AuditEvents)
}

func TestLoop(t *testing.T) {
	db, sc := sharedScenario(t)
	ctx := context.Background()
	if !slices.ContainsFunc(sc.LoopRefusal, func(r liaison.Reason) bool { return r.Code == policy.CodeOriginator }) {
		t.Errorf("the loop's refused forward gives no %s reason: %v", policy.CodeOriginator, sc.LoopRefusal)
	}
	var fwd []*liaison.Dissemination
	if err := db.View(ctx, func(tx liaison.Tx) (err error) {
		fwd, err = tx.Disseminations(ctx, liaison.ListFilter{ProductID: sc.LoopProductID})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range fwd {
		got = append(got, fmt.Sprintf("%s %s→%s", d.Action, d.FromOrg, d.ToOrg))
	}
	want := []string{"disseminate nl-aivd→" + sc.LoopPartner, "forward " + sc.LoopPartner + "→" + sc.LoopThirdParty}
	if !slices.Equal(got, want) {
		t.Fatalf("disseminations of the loop's product = %v, want %v", got, want)
	}
	if fwd[1].ID != sc.LoopForwardID || !slices.Equal(fwd[1].ReleaseIDs, []string{sc.LoopReleaseID}) {
		t.Errorf("the forward %s rests on releases %v, want %s on %s", fwd[1].ID, fwd[1].ReleaseIDs, sc.LoopForwardID, sc.LoopReleaseID)
	}
	if len(sc.Loop) < 9 {
		t.Fatalf("the loop has %d steps, want ≥9", len(sc.Loop))
	}
	for i, s := range sc.Loop {
		if s.Title == "" || s.Detail == "" || s.At.IsZero() {
			t.Errorf("step %d is incomplete: %+v", i, s)
		}
		if i > 0 && s.At.Before(sc.Loop[i-1].At) {
			t.Errorf("step %d (%s) happens before step %d", i, s.Title, i-1)
		}
		t.Logf("%s  %-24s %s", s.At.Format(time.DateTime), s.Title, s.Detail)
	}

	// The third party can read it now, on a desk of its own.
	d := desk.New(desk.Config{Store: db})
	o, err := d.Authenticate(ctx, sc.ThirdPartyToken)
	if err != nil {
		t.Fatalf("authenticate the third party's officer: %v", err)
	}
	if _, err := d.As(o).Product(ctx, sc.LoopProductID, 0); err != nil {
		t.Errorf("%s reads the loop's product: %v", o.ID, err)
	}
}

func TestAuditVerifies(t *testing.T) {
	db, sc := sharedScenario(t)
	ctx := context.Background()
	d := desk.New(desk.Config{Store: db})
	auditor, err := d.Authenticate(ctx, sc.AuditorToken)
	if err != nil {
		t.Fatalf("authenticate the auditor: %v", err)
	}
	rep, err := d.As(auditor).VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Events < sc.AuditEvents {
		t.Errorf("VerifyAudit = %+v, want intact with ≥%d events", rep, sc.AuditEvents)
	}
	var denied int
	if err := db.View(ctx, func(tx liaison.Tx) error {
		return tx.ScanAudit(ctx, 0, 0, func(e *liaison.AuditEvent) error {
			if !e.Allowed {
				denied++
			}
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	if denied < sc.Refusals {
		t.Errorf("%d denied events in the audit chain, want ≥%d refusals", denied, sc.Refusals)
	}
}

func TestPartnerCannotReadWhatItWasNotGiven(t *testing.T) {
	db, sc := sharedScenario(t)
	ctx := context.Background()
	d := desk.New(desk.Config{Store: db})
	partner, err := d.Authenticate(ctx, sc.PartnerToken)
	if err != nil {
		t.Fatalf("authenticate the partner's officer: %v", err)
	}
	if partner.ID != sc.PartnerOfficerID {
		t.Fatalf("the partner token authenticates %s, want %s", partner.ID, sc.PartnerOfficerID)
	}
	_, err = d.As(partner).Product(ctx, sc.WithheldProductID, 0)
	if liaison.ErrorCode(err) != liaison.ENOTFOUND {
		t.Errorf("%s reads withheld home product %s: %v, want %s", partner.ID, sc.WithheldProductID, err, liaison.ENOTFOUND)
	}
	// The home officer can.
	orig, err := d.Authenticate(ctx, sc.OriginatorToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.As(orig).Product(ctx, sc.WithheldProductID, 0); err != nil {
		t.Errorf("%s reads its own product %s: %v", orig.ID, sc.WithheldProductID, err)
	}
}

// fingerprint is what must not change between two builds of one seed:
// every product version and every dissemination, without ids.
func fingerprint(t testing.TB, db *sqlite.DB) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	err := db.View(ctx, func(tx liaison.Tx) error {
		orgs, err := tx.Organisations(ctx)
		if err != nil {
			return err
		}
		ids := map[string]bool{}
		for _, o := range orgs {
			var before time.Time
			for {
				ps, err := tx.VisibleProducts(ctx, liaison.ProductFilter{OrgID: o.ID, MaxRank: 4, Topics: []string{liaison.AllTopics}, Before: before, Limit: 1000})
				if err != nil {
					return err
				}
				for _, p := range ps {
					ids[p.ID] = true
				}
				if len(ps) < 1000 {
					break
				}
				before = ps[len(ps)-1].CreatedAt
			}
		}
		titles := map[string]string{}
		for id := range ids {
			vs, err := tx.ProductVersions(ctx, id)
			if err != nil {
				return err
			}
			for _, p := range vs {
				titles[p.ID] = p.Title
				parent := ""
				if p.ParentID != "" {
					pp, err := tx.Product(ctx, p.ParentID, p.ParentVersion)
					if err != nil {
						return err
					}
					parent = fmt.Sprintf(" parent %q v%d", pp.Title, pp.Version)
				}
				out = append(out, fmt.Sprintf("product %q v%d %s by %s/%s %s%s at %s", p.Title, p.Version, p.Marking.String(),
					p.OriginatorOrg, p.OriginatorOfficer, p.Grading(), parent, p.CreatedAt.Format(time.RFC3339Nano)))
			}
		}
		ds, err := tx.Disseminations(ctx, liaison.ListFilter{})
		if err != nil {
			return err
		}
		for _, d := range ds {
			out = append(out, fmt.Sprintf("%s %s→%s %q v%d by %s at %s", d.Action, d.FromOrg, d.ToOrg, titles[d.ProductID], d.ProductVersion,
				d.OfficerID, d.CreatedAt.Format(time.RFC3339Nano)))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("fingerprint: %v", err)
	}
	slices.Sort(out)
	return out
}

func TestSameSeedSameScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two more scenarios")
	}
	db1, sc1 := sharedScenario(t)
	// The second build presets the administrator's token: it must change
	// nothing but the token.
	db2 := openStore(t)
	const tok = "demo-admin-token-0123456789"
	sc2, err := demo.Build(context.Background(), db2, demo.Options{Seed: 1, AdminToken: tok})
	if err != nil {
		t.Fatalf("Build(seed 1, preset token): %v", err)
	}
	if sc2.AdminToken != tok {
		t.Errorf("AdminToken = %q, want the preset one", sc2.AdminToken)
	}
	if o, err := desk.New(desk.Config{Store: db2}).Authenticate(context.Background(), tok); err != nil || o.ID != sc2.AdminID {
		t.Errorf("the preset token authenticates %v (%v), want %s", o, err, sc2.AdminID)
	}
	f1, f2 := fingerprint(t, db1), fingerprint(t, db2)
	if len(f1) < 300 {
		t.Fatalf("the fingerprint has %d lines; it misses the products", len(f1))
	}
	if !slices.Equal(f1, f2) {
		for i := range min(len(f1), len(f2)) {
			if f1[i] != f2[i] {
				t.Fatalf("seed 1 built twice differs (%d and %d lines); first difference:\n  %s\n  %s", len(f1), len(f2), f1[i], f2[i])
			}
		}
		t.Fatalf("seed 1 built twice differs: %d and %d lines", len(f1), len(f2))
	}
	if summary(sc1) != summary(sc2) {
		t.Errorf("the counts differ:\n  %s\n  %s", summary(sc1), summary(sc2))
	}
	if len(sc1.Loop) != len(sc2.Loop) {
		t.Fatalf("the loops differ in length")
	}
	for i := range sc1.Loop {
		a, b := sc1.Loop[i], sc2.Loop[i]
		if a.Title != b.Title || !a.At.Equal(b.At) || !slices.EqualFunc(a.Reasons, b.Reasons, func(x, y liaison.Reason) bool { return x.Code == y.Code }) {
			t.Errorf("loop step %d differs: %+v vs %+v", i, a, b)
		}
	}

	db3 := build(t, 2)
	f3 := fingerprint(t, db3)
	if slices.Equal(f1, f3) {
		t.Errorf("seeds 1 and 2 give the same scenario")
	}
	if same := common(f1, f3); same*2 > len(f1) {
		t.Errorf("seeds 1 and 2 share %d of %d fingerprint lines", same, len(f1))
	}
}

// common counts the lines two sorted fingerprints share.
func common(a, b []string) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch c := strings.Compare(a[i], b[j]); {
		case c == 0:
			n, i, j = n+1, i+1, j+1
		case c < 0:
			i++
		default:
			j++
		}
	}
	return n
}

func TestBuildNeedsAFreshStore(t *testing.T) {
	db, _ := sharedScenario(t)
	if _, err := demo.Build(context.Background(), db, demo.Options{Seed: 1}); err == nil {
		t.Error("Build on an initialised store succeeded")
	}
}

func BenchmarkBuild(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := openStore(b)
		b.StartTimer()
		if _, err := demo.Build(context.Background(), db, demo.Options{Seed: int64(i)}); err != nil {
			b.Fatal(err)
		}
	}
}
