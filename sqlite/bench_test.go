package sqlite_test

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/audit"
	"github.com/liaison-dev/liaison/desk"
	"github.com/liaison-dev/liaison/marking"
	"github.com/liaison-dev/liaison/sqlite"
	"github.com/liaison-dev/liaison/storetest"
)

// disseminateFixture is a node with an originator, its liaison officer,
// 50 partners under one agreement, and 1,000 products to send them.
type disseminateFixture struct {
	db        *sqlite.DB
	agreement string
	partners  []string
	products  []string
}

func newDisseminateFixture(b *testing.B) *disseminateFixture {
	b.Helper()
	f := &disseminateFixture{db: MustOpenDB(b)}
	for i := range 50 {
		f.partners = append(f.partners, fmt.Sprintf("partner-%02d", i))
	}
	storetest.Update(b, f.db, func(tx liaison.Tx) error {
		ctx := b.Context()
		if err := tx.CreateOrganisation(ctx, storetest.Org("de-bfv")); err != nil {
			return err
		}
		for _, p := range f.partners {
			if err := tx.CreateOrganisation(ctx, storetest.Org(p)); err != nil {
				return err
			}
		}
		if err := tx.CreateOfficer(ctx, storetest.Officer("de-bfv.liaison", "de-bfv")); err != nil {
			return err
		}
		a := storetest.Agreement("club", append([]string{"de-bfv"}, f.partners...)...)
		if err := tx.CreateAgreement(ctx, a); err != nil {
			return err
		}
		f.agreement = a.ID
		for i := range 1000 {
			p := storetest.Product("de-bfv", fmt.Sprintf("report %d", i), "counter-terrorism")
			if err := tx.CreateProduct(ctx, p, marking.RankConfidential); err != nil {
				return err
			}
			f.products = append(f.products, p.ID)
		}
		return nil
	})
	return f
}

// disseminate is what the desk does to send a product: one Update that
// reads the product, the officer, the agreement, the sender's holding and
// the consents, stores the dissemination with the recipient's holding,
// and appends the audit event.
func (f *disseminateFixture) disseminate(b *testing.B, i int) error {
	ctx := b.Context()
	// Every product goes to every partner once before any goes twice.
	productID, to := f.products[i%len(f.products)], f.partners[i/len(f.products)%len(f.partners)]
	now := storetest.At(i)
	return f.db.Update(ctx, func(tx liaison.Tx) error {
		p, err := tx.Product(ctx, productID, 0)
		if err != nil {
			return err
		}
		officer, err := tx.Officer(ctx, "de-bfv.liaison")
		if err != nil {
			return err
		}
		a, err := tx.Agreement(ctx, f.agreement)
		if err != nil {
			return err
		}
		if _, err := tx.Holding(ctx, officer.OrgID, p.ID, p.Version); err != nil {
			return err
		}
		consents, err := tx.Consents(ctx, []string{p.ID}, to, now)
		if err != nil {
			return err
		}
		d := storetest.Dissemination(p, officer.OrgID, to, i)
		d.AgreementID, d.OfficerID, d.ReleaseIDs = a.ID, officer.ID, nil
		d.Decision.Reasons = append(d.Decision.Reasons, liaison.Reason{Code: "consents", Message: fmt.Sprint(len(consents))})
		if err := tx.CreateDissemination(ctx, d); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, &liaison.AuditEvent{
			At: now, Actor: officer.ID, ActorOrg: officer.OrgID, Action: "dissemination.create",
			Object: d.ID, Target: to, Allowed: true, Reasons: d.Decision.Reasons, Detail: fmt.Sprintf("v%d", p.Version),
		})
	})
}

// BenchmarkDisseminate measures disseminations one after the other, each
// its own Update transaction.
func BenchmarkDisseminate(b *testing.B) {
	f := newDisseminateFixture(b)
	i := 0
	for b.Loop() {
		if err := f.disseminate(b, i); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "disseminations/s")
}

// BenchmarkDisseminateParallel measures disseminations from concurrent
// callers, which queue for the one write connection.
func BenchmarkDisseminateParallel(b *testing.B) {
	f := newDisseminateFixture(b)
	b.SetParallelism(4)
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := f.disseminate(b, int(next.Add(1))); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "disseminations/s")
}

// visibleTopics are the topics of the products BenchmarkVisibleProducts
// makes: each product has one or two, the first ones more often.
var visibleTopics = []string{
	"counter-terrorism", "cyber", "proliferation", "organised-crime", "espionage", "extremism",
	"hybrid-threats", "sanctions", "migration", "maritime", "space", "rare",
}

// BenchmarkVisibleProducts lists the 50 newest products an officer may
// see out of 100,000 that the organisation holds, of mixed ranks and
// topics.
func BenchmarkVisibleProducts(b *testing.B) {
	const n = 100_000
	path := filepath.Join(b.TempDir(), "liaison.db")
	db := MustOpenPath(b, path)
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Now()
	storetest.Update(b, db, func(tx liaison.Tx) error {
		for i := range n {
			topics := []string{visibleTopics[rng.IntN(len(visibleTopics)-1)]}
			if rng.IntN(2) == 0 {
				topics = append(topics, visibleTopics[rng.IntN(len(visibleTopics)-1)])
			}
			if i%100 == 0 {
				topics = []string{"rare"} // 1% of products
			}
			topics, _ = liaison.NormaliseTopics(topics)
			p := storetest.Product("de-bfv", fmt.Sprintf("report %d", i), topics...)
			p.Body = "a body of a realistic length, a paragraph or two. " + p.Body
			p.CreatedAt = storetest.T0.Add(time.Duration(i) * time.Second)
			if err := tx.CreateProduct(b.Context(), p, rng.IntN(5)); err != nil {
				return err
			}
		}
		return nil
	})
	checkpoint(b, path)
	b.Logf("setup: %d products in %v", n, time.Since(start).Round(time.Millisecond))

	tests := []struct {
		name string
		f    liaison.ProductFilter
	}{
		{"officer", liaison.ProductFilter{OrgID: "de-bfv", MaxRank: marking.RankConfidential,
			Topics: []string{"counter-terrorism", "cyber", "proliferation"}}},
		{"all topics", liaison.ProductFilter{OrgID: "de-bfv", MaxRank: marking.RankTopSecret,
			Topics: []string{liaison.AllTopics}}},
		{"officer, page 100", liaison.ProductFilter{OrgID: "de-bfv", MaxRank: marking.RankConfidential,
			Topics: []string{"counter-terrorism", "cyber", "proliferation"},
			Before: storetest.T0.Add((n - 5000) * time.Second)}},
		{"rare topic", liaison.ProductFilter{OrgID: "de-bfv", MaxRank: marking.RankTopSecret,
			Topics: []string{"rare"}}},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			var got []*liaison.Product
			for b.Loop() {
				err := db.View(b.Context(), func(tx liaison.Tx) error {
					var err error
					got, err = tx.VisibleProducts(b.Context(), tt.f)
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			if len(got) != 50 {
				b.Fatalf("%d products listed, want 50", len(got))
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
		})
	}
}

// BenchmarkVerifyAudit walks a chain of 200,000 events with ScanAudit and
// audit.Verifier, as `liaison audit verify` does.
func BenchmarkVerifyAudit(b *testing.B) {
	const n = 200_000
	path := filepath.Join(b.TempDir(), "liaison.db")
	db := MustOpenPath(b, path)
	start := time.Now()
	storetest.Update(b, db, func(tx liaison.Tx) error {
		for i := range n {
			e := storetest.Event("decision.forward", i)
			e.Object = liaison.NewID()
			if err := tx.AppendAudit(b.Context(), e); err != nil {
				return err
			}
		}
		return nil
	})
	checkpoint(b, path)
	b.Logf("setup: %d events in %v", n, time.Since(start).Round(time.Millisecond))
	b.Run("one pass", func(b *testing.B) {
		for b.Loop() {
			var v audit.Verifier
			err := db.View(b.Context(), func(tx liaison.Tx) error {
				return tx.ScanAudit(b.Context(), 0, 0, func(e *liaison.AuditEvent) error {
					if !v.Next(e) {
						return fmt.Errorf("chain broken: %+v", v.Report().Broken)
					}
					return nil
				})
			})
			if err != nil {
				b.Fatal(err)
			}
			if r := v.Report(); r.Events != n {
				b.Fatalf("verified %d events, want %d", r.Events, n)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
	// What `liaison audit verify` runs: the desk verifies in parts, one
	// per core.
	b.Run("desk in parts", func(b *testing.B) {
		d := desk.New(desk.Config{Store: db})
		for b.Loop() {
			r, err := d.VerifyAudit(b.Context())
			if err != nil {
				b.Fatal(err)
			}
			if !r.OK() || r.Events != n {
				b.Fatalf("verified %+v, want %d intact events", r, n)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
}

// checkpoint copies the WAL into the database file and empties it, as the
// node's checkpoints have done for all but its latest writes: the bulk
// setup of a benchmark would otherwise leave every page to be read from
// the WAL.
func checkpoint(b *testing.B, path string) {
	b.Helper()
	raw, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
}
