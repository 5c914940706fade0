package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
	"github.com/liaison-dev/liaison/sqlite"
	"github.com/liaison-dev/liaison/storetest"
)

// MustOpenDB opens a new database in a file of the test's temporary
// directory, closed when the test ends.
func MustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	return MustOpenPath(tb, filepath.Join(tb.TempDir(), "liaison.db"))
}

// MustOpenPath opens the database at path, closed when the test ends.
func MustOpenPath(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close %s: %v", path, err)
		}
	})
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) liaison.Store { return MustOpenDB(t) })
}

func TestStoreInMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) liaison.Store { return MustOpenPath(t, ":memory:") })
}

// TestStoreFewKeys runs the store's tests of STIX objects on a database
// whose ids share their id_key with half the others: a query that found
// versions by key alone would mix objects up.
func TestStoreFewKeys(t *testing.T) {
	storetest.RunObjects(t, func(t *testing.T) liaison.Store {
		path := filepath.Join(t.TempDir(), "liaison.db")
		db, err := sqlite.OpenWithFewKeys(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}

func TestMigrations(t *testing.T) {
	t.Run("a fresh file gets the schema and reopens unchanged", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "liaison.db")
		db, err := sqlite.Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		storetest.CreateOrgs(t, db, "de-bfv")
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		versions := gooseVersions(t, path)
		for range 2 {
			db = MustOpenPath(t, path)
			got := storetest.Get(t, db, func(tx liaison.Tx) ([]*liaison.Organisation, error) {
				return tx.Organisations(t.Context())
			})
			storetest.Diff(t, "organisations after reopening", []*liaison.Organisation{storetest.Org("de-bfv")}, got)
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
		}
		if again := gooseVersions(t, path); again != versions {
			t.Errorf("migrations applied again on reopening: %q, then %q", versions, again)
		}
	})
	t.Run("objects held before object keys get theirs, and are found and versioned by id", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "liaison.db")
		if err := sqlite.MigrateTo(t.Context(), path, 3); err != nil {
			t.Fatal(err)
		}
		raw := rawDB(t, path)
		old := []*liaison.Object{storetest.Obj("indicator", 1, 1, "a"), storetest.Obj("malware", 2, 1, "a"), storetest.Obj("indicator", 3, 0, "a")}
		for i, o := range old {
			var version int64
			if !o.Version.IsZero() {
				version = o.Version.UnixNano()
			}
			var withdrawn any // the last one was withdrawn from the home collection
			if i == len(old)-1 {
				withdrawn = int64(i + 1)
			}
			_, err := raw.Exec(`INSERT INTO objects (added, id, type, spec_version, version, raw, marking, class_rank, origin, refs, withdrawn)
				VALUES (?, ?, ?, ?, ?, ?, '', 0, ?, '[]', ?)`, int64(i+1), o.ID, o.Type, o.SpecVersion, version, []byte(o.Raw), o.Origin, withdrawn)
			if err != nil {
				t.Fatal(err)
			}
		}
		// More than one transaction's worth of keys to give.
		fill, err := raw.Begin()
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2500 {
			o := storetest.Obj("tool", 100+i, 1, "a")
			_, err := fill.Exec(`INSERT INTO objects (added, id, type, spec_version, version, raw, marking, class_rank, origin, refs)
				VALUES (?, ?, ?, ?, ?, ?, '', 0, ?, '[]')`, int64(100+i), o.ID, o.Type, o.SpecVersion, o.Version.UnixNano(), []byte(o.Raw), o.Origin)
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := fill.Commit(); err != nil {
			t.Fatal(err)
		}
		raw.Close()
		db := MustOpenPath(t, path)
		var nulls int
		if err := rawDB(t, path).QueryRow(`SELECT count(*) FROM objects WHERE id_key IS NULL`).Scan(&nulls); err != nil {
			t.Fatal(err)
		}
		if nulls != 0 {
			t.Errorf("%d objects without a key after opening", nulls)
		}
		home := liaison.ObjectScope{MaxRank: marking.RankTopSecret}
		page := storetest.Page(t, db, home, liaison.ObjectQuery{IDs: []string{old[1].ID}})
		if len(page.Objects) != 1 || page.Objects[0].ID != old[1].ID {
			t.Fatalf("by id %s: %+v", old[1].ID, page.Objects)
		}
		got := storetest.PutObjects(t, db, storetest.Obj("indicator", 1, 1, "a"), storetest.Obj("indicator", 3, 0, "a"), storetest.Obj("indicator", 1, 2, "a"))
		storetest.Diff(t, "stored again (held, withdrawn and restored, a new version)", []bool{false, true, true}, got)
		page = storetest.Page(t, db, home, liaison.ObjectQuery{IDs: []string{old[2].ID}})
		if len(page.Objects) != 1 {
			t.Errorf("%s, restored, is not served: %+v", old[2].ID, page.Objects)
		}
		page = storetest.Page(t, db, home, liaison.ObjectQuery{IDs: []string{old[0].ID}, Versions: liaison.VersionMatch{All: true}})
		if len(page.Objects) != 2 {
			t.Errorf("versions of %s: %d, want 2", old[0].ID, len(page.Objects))
		}
		page = storetest.Page(t, db, home, liaison.ObjectQuery{IDs: []string{old[0].ID}})
		if len(page.Objects) != 1 || !page.Objects[0].Version.Equal(storetest.At(2)) {
			t.Errorf("last version of %s: %+v, want the one at minute 2", old[0].ID, page.Objects)
		}
	})
	t.Run("the database is in WAL mode with foreign keys on", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "liaison.db")
		MustOpenPath(t, path)
		raw := rawDB(t, path)
		var mode string
		if err := raw.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" {
			t.Errorf("journal mode %q, want wal", mode)
		}
	})
	t.Run("a database a newer liaison migrated further is refused, and left as it is", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "liaison.db")
		db := MustOpenPath(t, path)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		raw := rawDB(t, path)
		if _, err := raw.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, 1)`); err != nil {
			t.Fatal(err)
		}
		versions := gooseVersions(t, path)
		_, err := sqlite.Open(t.Context(), path)
		storetest.WantCode(t, err, liaison.EINVALID)
		if err == nil || !strings.Contains(err.Error(), "version 999") {
			t.Errorf("error %v does not name the database's version", err)
		}
		if again := gooseVersions(t, path); again != versions {
			t.Errorf("migrations changed: %q, then %q", versions, again)
		}
	})
	t.Run("a path with a question mark is refused", func(t *testing.T) {
		_, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "a?b.db"))
		storetest.WantCode(t, err, liaison.EINVALID)
	})
}

// gooseVersions lists the migrations recorded as applied.
func gooseVersions(t *testing.T, path string) string {
	t.Helper()
	raw := rawDB(t, path)
	rows, err := raw.Query(`SELECT version_id, is_applied FROM goose_db_version ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var v int64
		var applied bool
		if err := rows.Scan(&v, &applied); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%d:%t ", v, applied)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if b.Len() == 0 {
		t.Fatal("no migration recorded")
	}
	return b.String()
}

// rawDB opens path directly, as someone with access to the file could,
// closed when the test ends.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// TestTamperedAudit edits the stored chain behind the store's back, as
// someone with the file could, and checks that verifying names the first
// broken link.
func TestTamperedAudit(t *testing.T) {
	// Each tamper runs on ten events; the triggers that refuse edits are
	// dropped first, as such a person would.
	tests := []struct {
		name   string
		sql    []string
		seq    int64
		reason string
	}{
		{"an edited detail", []string{`UPDATE audit SET detail = 'nothing happened' WHERE seq = 4`}, 4, "altered"},
		{"an edited decision", []string{`UPDATE audit SET allowed = 1 - allowed WHERE seq = 7`}, 7, "altered"},
		{"an edited reason", []string{`UPDATE audit SET reasons = '[]' WHERE seq = 2`}, 2, "altered"},
		{"an edited time", []string{`UPDATE audit SET at = at + 1 WHERE seq = 9`}, 9, "altered"},
		{"an edited first event", []string{`UPDATE audit SET actor = 'someone' WHERE seq = 1`}, 1, "altered"},
		{"an edited last event", []string{`UPDATE audit SET target = 'x' WHERE seq = 10`}, 10, "altered"},
		{"a deleted event", []string{`DELETE FROM audit WHERE seq = 5`}, 5, "missing"},
		{"a deleted first event", []string{`DELETE FROM audit WHERE seq = 1`}, 1, "missing"},
		{"a deleted event whose successors are renumbered", []string{
			`DELETE FROM audit WHERE seq = 5`,
			`UPDATE audit SET seq = seq - 1 WHERE seq > 5`,
		}, 5, "does not link"},
		{"an event rehashed after an edit", []string{
			`UPDATE audit SET detail = 'nothing happened', hash = zeroblob(32) WHERE seq = 3`,
		}, 3, "altered"},
		{"two events swapped", []string{
			`UPDATE audit SET seq = -1 WHERE seq = 3`,
			`UPDATE audit SET seq = 3 WHERE seq = 6`,
			`UPDATE audit SET seq = 6 WHERE seq = -1`,
		}, 3, "does not link"},
		{"two events' contents swapped, seqs kept", []string{
			`CREATE TEMP TABLE a AS SELECT * FROM audit WHERE seq IN (3, 6)`,
			`UPDATE audit SET (at, actor, actor_org, action, object, target, allowed, reasons, detail, prev_hash, hash) =
				(SELECT at, actor, actor_org, action, object, target, allowed, reasons, detail, prev_hash, hash
				 FROM a WHERE a.seq = 9 - audit.seq) WHERE seq IN (3, 6)`,
		}, 3, "does not link"},
		{"two events' details swapped", []string{
			`CREATE TEMP TABLE a AS SELECT seq, detail FROM audit WHERE seq IN (3, 6)`,
			`UPDATE audit SET detail = (SELECT detail FROM a WHERE a.seq = 9 - audit.seq) WHERE seq IN (3, 6)`,
		}, 3, "altered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "liaison.db")
			db := MustOpenPath(t, path)
			for i := range 10 {
				storetest.Append(t, db, storetest.Event(fmt.Sprintf("action.%d", i), i))
			}
			if r := storetest.Verify(t, db); !r.OK() || r.Events != 10 {
				t.Fatalf("before tampering: %+v", r)
			}
			raw := rawDB(t, path)
			conn, err := raw.Conn(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			for _, q := range append([]string{`DROP TRIGGER audit_no_update`, `DROP TRIGGER audit_no_delete`}, tt.sql...) {
				if _, err := conn.ExecContext(t.Context(), q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			r := storetest.Verify(t, db)
			if r.OK() {
				t.Fatalf("verify accepted a tampered chain: %+v", r)
			}
			if r.Broken.Seq != tt.seq || !strings.Contains(r.Broken.Reason, tt.reason) {
				t.Errorf("broken at %d (%s), want at %d (%s)", r.Broken.Seq, r.Broken.Reason, tt.seq, tt.reason)
			}
			if r.Events != tt.seq-1 {
				t.Errorf("%d intact events before the break, want %d", r.Events, tt.seq-1)
			}
		})
	}
}

func TestAuditIsAppendOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "liaison.db")
	db := MustOpenPath(t, path)
	storetest.Append(t, db, storetest.Event("a", 0))
	raw := rawDB(t, path)
	for _, q := range []string{`UPDATE audit SET detail = 'x'`, `DELETE FROM audit`} {
		if _, err := raw.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the trigger to refuse it", q, err)
		}
	}
}

// TestConcurrentUpdates runs writers and readers at once: writers queue
// for the write connection rather than failing with "database is locked",
// and the audit chain stays whole.
func TestConcurrentUpdates(t *testing.T) {
	db := MustOpenDB(t)
	p := storetest.CreateProduct(t, db, storetest.Product("de-bfv", "report", "cyber"), marking.RankConfidential)
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				err := db.Update(t.Context(), func(tx liaison.Tx) error {
					if _, err := tx.Product(t.Context(), p.ID, 0); err != nil {
						return err
					}
					d := storetest.Dissemination(p, "de-bfv", fmt.Sprintf("org-%d", w), w*each+i)
					if err := tx.CreateDissemination(t.Context(), d); err != nil {
						return err
					}
					return tx.AppendAudit(t.Context(), storetest.Event("dissemination.create", i))
				})
				if err != nil {
					errs <- fmt.Errorf("writer %d, update %d: %w", w, i, err)
				}
			}
		})
		wg.Go(func() {
			for range each {
				err := db.View(t.Context(), func(tx liaison.Tx) error {
					_, err := tx.VisibleProducts(t.Context(), liaison.ProductFilter{
						OrgID: fmt.Sprintf("org-%d", w), MaxRank: 4, Topics: []string{"*"}})
					return err
				})
				if err != nil {
					errs <- fmt.Errorf("reader %d: %w", w, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	r := storetest.Verify(t, db)
	if !r.OK() || r.Events != writers*each {
		t.Errorf("verify: %+v, want %d intact events", r, writers*each)
	}
	got := storetest.Get(t, db, func(tx liaison.Tx) ([]*liaison.Dissemination, error) {
		return tx.Disseminations(t.Context(), liaison.ListFilter{})
	})
	if len(got) != writers*each {
		t.Errorf("%d disseminations, want %d", len(got), writers*each)
	}
}

// TestTwoStoresOnOneFile has two DBs, as two processes would, write to
// the same file: BEGIN IMMEDIATE and the busy timeout keep them from
// failing with "database is locked".
func TestTwoStoresOnOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "liaison.db")
	dbs := []*sqlite.DB{MustOpenPath(t, path), MustOpenPath(t, path)}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i, db := range dbs {
		wg.Go(func() {
			for j := range 25 {
				err := db.Update(t.Context(), func(tx liaison.Tx) error {
					if _, err := tx.AuditEvents(t.Context(), 0, 1); err != nil {
						return err
					}
					return tx.AppendAudit(t.Context(), storetest.Event(fmt.Sprintf("store %d", i), j))
				})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if r := storetest.Verify(t, dbs[0]); !r.OK() || r.Events != 50 {
		t.Errorf("verify: %+v, want 50 intact events", r)
	}
}

func TestViewIsReadOnly(t *testing.T) {
	db := MustOpenDB(t)
	err := db.View(t.Context(), func(tx liaison.Tx) error {
		return tx.CreateOrganisation(t.Context(), storetest.Org("de-bfv"))
	})
	if err == nil {
		t.Fatal("a view wrote")
	}
}

func TestTimeOutOfRange(t *testing.T) {
	db := MustOpenDB(t)
	a := storetest.Agreement("forever", "de-bfv", "fr-dgsi")
	forever := a.ValidFrom.AddDate(1000, 0, 0)
	a.ValidTo = &forever
	err := db.Update(t.Context(), func(tx liaison.Tx) error { return tx.CreateAgreement(t.Context(), a) })
	storetest.WantCode(t, err, liaison.EINVALID)
}

func TestUpdateRollsBackOnPanic(t *testing.T) {
	db := MustOpenDB(t)
	func() {
		defer func() { _ = recover() }()
		_ = db.Update(t.Context(), func(tx liaison.Tx) error {
			if err := tx.CreateOrganisation(t.Context(), storetest.Org("de-bfv")); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	err := db.View(t.Context(), func(tx liaison.Tx) error {
		_, err := tx.Organisation(t.Context(), "de-bfv")
		return err
	})
	storetest.WantCode(t, err, liaison.ENOTFOUND)
	// The write connection is free again.
	storetest.CreateOrgs(t, db, "fr-dgsi")
}

func TestCancelledUpdate(t *testing.T) {
	db := MustOpenDB(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := db.Update(ctx, func(tx liaison.Tx) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("update with a cancelled context: %v, want context.Canceled", err)
	}
	storetest.CreateOrgs(t, db, "de-bfv")
}
