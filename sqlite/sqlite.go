// Package sqlite is the embedded Store of a liaison node: SQLite in one
// file, through database/sql and the pure-Go driver modernc.org/sqlite, so
// that the liaison binary stays static.
//
// One connection writes and every Update begins with BEGIN IMMEDIATE, so
// writers queue in the process instead of failing with "database is
// locked", and another process on the same file waits its turn under the
// busy timeout. A separate pool of read-only connections serves View,
// which in WAL mode never waits for a writer. A connection of its own
// copies the WAL back into the database file in the background, so that
// no commit pays for a checkpoint. Every fixed query is prepared once per
// pool when the DB opens.
//
// The schema is applied by goose from the migrations embedded in the
// binary. Times are stored as INTEGER nanoseconds since the Unix epoch and
// come back in UTC, exactly.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strings"
	"sync"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/liaison-dev/liaison"
)

//go:embed migrations/*.sql
var migrations embed.FS

// busyTimeoutMS is how long a connection waits for a lock another process
// holds before it reports SQLITE_BUSY.
const busyTimeoutMS = 10000

// DB is a liaison.Store on a SQLite file. It is safe for concurrent use.
type DB struct {
	path  string
	write *sql.DB // one connection: writes are serialised here
	read  *sql.DB // read-only connections for View; == write for ":memory:"

	writeStmts statements
	readStmts  statements

	checkpoints *checkpointer // nil for ":memory:"

	pages *pageCache // pages of collections read in a View

	keys objectKeys // the id_key of STIX ids

	closeOnce sync.Once
	closeErr  error
}

// readMmapSize is how much of the database file a read connection maps
// into memory rather than reads with a system call per page: a tenth off
// a scan of the audit chain, and nearly half off a selective listing.
const readMmapSize = 1 << 30

// WAL sizes: the writer checkpoints itself past backstopPages (of 4 KiB),
// and truncates the WAL file to walSizeLimit bytes when it starts over.
const (
	backstopPages = 10000
	walSizeLimit  = 64 << 20
)

// Open opens (creating it if need be) the SQLite database at path and
// brings its schema up to date. path is a file name, or ":memory:" for a
// private in-memory database that lives as long as the DB (one connection
// serves both reads and writes then, so a View inside an Update would
// wait for ever).
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, liaison.Errorf(liaison.EINVALID, "sqlite: a database path is required")
	}
	if strings.ContainsRune(path, '?') {
		return nil, liaison.Errorf(liaison.EINVALID, "sqlite: database path %q may not contain '?'", path)
	}
	memory := path == ":memory:"

	pragmas := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)", busyTimeoutMS)
	writeDSN := path + "?_txlock=immediate&" + pragmas +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-16384)"
	if !memory {
		// Checkpoints are the checkpointer's; past this many pages in the
		// WAL the writer does one itself, and the WAL starts over.
		writeDSN += fmt.Sprintf("&_pragma=wal_autocheckpoint(%d)&_pragma=journal_size_limit(%d)",
			backstopPages, walSizeLimit)
	}
	write, err := sql.Open("sqlite", writeDSN)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	db := &DB{path: path, write: write, read: write, pages: newPageCache()}
	if err := write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := migrate(ctx, write); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: migrate %s: %w", path, err)
	}
	if db.keys, err = loadObjectKeys(ctx, write); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}

	if !memory {
		readDSN := path + "?" + pragmas + fmt.Sprintf("&_pragma=query_only(1)&_pragma=mmap_size(%d)", readMmapSize)
		read, err := sql.Open("sqlite", readDSN)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("sqlite: open %s for reading: %w", path, err)
		}
		n := max(4, runtime.GOMAXPROCS(0))
		read.SetMaxOpenConns(n)
		read.SetMaxIdleConns(n)
		db.read = read
		if err := read.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("sqlite: open %s for reading: %w", path, err)
		}
		if db.checkpoints, err = newCheckpointer(ctx, path+"?"+pragmas); err != nil {
			db.Close()
			return nil, fmt.Errorf("sqlite: open %s for checkpoints: %w", path, err)
		}
	}

	if err := db.writeStmts.prepare(ctx, db.write, false); err != nil {
		db.Close()
		return nil, err
	}
	if db.read == db.write {
		db.readStmts = db.writeStmts
	} else if err := db.readStmts.prepare(ctx, db.read, true); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// migrator returns goose's provider of the embedded migrations for db.
func migrator(db *sql.DB) (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectSQLite3, db, fsys,
		goose.WithLogger(goose.NopLogger()),
		goose.WithDisableGlobalRegistry(true),
	)
}

// migrate applies the embedded migrations that the database lacks.
func migrate(ctx context.Context, db *sql.DB) error {
	p, err := migrator(db)
	if err != nil {
		return err
	}
	// A database a newer liaison migrated further is refused with a
	// reason, rather than failing later on a schema this one does not know.
	have, err := p.GetDBVersion(ctx)
	if err != nil {
		return err
	}
	sources := p.ListSources()
	if known := sources[len(sources)-1].Version; have > known {
		return liaison.Errorf(liaison.EINVALID, "the database's schema is at version %d, newer than this liaison knows (%d): open it with the liaison that wrote it, or a newer one", have, known)
	}
	_, err = p.Up(ctx)
	return err
}

// Close releases the database; closing it again does nothing. It waits
// for no transaction: the caller ends them first.
func (db *DB) Close() error {
	db.closeOnce.Do(func() { db.closeErr = db.close() })
	return db.closeErr
}

func (db *DB) close() error {
	var errs []error
	if db.checkpoints != nil {
		errs = append(errs, db.checkpoints.close())
	}
	errs = append(errs, db.readStmts.close())
	if db.read != db.write {
		errs = append(errs, db.writeStmts.close())
	}
	if db.read != nil && db.read != db.write {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlite: close %s: %w", db.path, err)
	}
	return nil
}

// View runs fn in a read-only transaction: a consistent snapshot that
// writers do not block.
func (db *DB) View(ctx context.Context, fn func(liaison.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	quiet := context.WithoutCancel(ctx)
	stx, err := db.read.BeginTx(quiet, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlite: begin view: %w", err)
	}
	defer stx.Rollback()
	return fn(&Tx{tx: stx, ctx: quiet, stmts: &db.readStmts, pages: db.pages, keys: db.keys})
}

// Update runs fn in a read-write transaction (BEGIN IMMEDIATE on the one
// write connection), committed when fn returns nil and rolled back,
// audit events included, when it returns an error or panics. fn's error
// is returned as it is.
func (db *DB) Update(ctx context.Context, fn func(liaison.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	quiet := context.WithoutCancel(ctx)
	stx, err := db.write.BeginTx(quiet, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin update: %w", err)
	}
	defer stx.Rollback()
	if err := fn(&Tx{tx: stx, ctx: quiet, stmts: &db.writeStmts, keys: db.keys}); err != nil {
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	if db.checkpoints != nil {
		db.checkpoints.committed()
	}
	return nil
}

// Tx is one transaction of a DB, valid until View or Update returns. It is
// not safe for concurrent use.
//
// Cancellation is checked before each statement, not during one: the
// statements run under a context without cancellation (ctx), because with
// a cancellable one database/sql and the driver start a goroutine to
// watch it for every statement and every set of rows, which costs more
// than the short statements of a Tx. Long scans check the caller's
// context as they go.
type Tx struct {
	tx    *sql.Tx
	ctx   context.Context // the transaction's context, without cancellation
	stmts *statements
	// inTx holds the statements already bound to this transaction.
	inTx map[string]*sql.Stmt
	// pages, in a View only, caches the pages of collections.
	pages *pageCache
	keys  objectKeys // the id_key of STIX ids
}

// stmt returns q as a statement of the transaction when q is one of the
// package's fixed queries, prepared once for the DB, and nil otherwise.
func (tx *Tx) stmt(q string) *sql.Stmt {
	if s, ok := tx.inTx[q]; ok {
		return s
	}
	ps := tx.stmts.m[q]
	if ps == nil {
		return nil
	}
	s := tx.tx.StmtContext(tx.ctx, ps)
	if tx.inTx == nil {
		tx.inTx = make(map[string]*sql.Stmt, 8)
	}
	tx.inTx[q] = s
	return s
}

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s := tx.stmt(q); s != nil {
		return s.ExecContext(tx.ctx, args...)
	}
	return tx.tx.ExecContext(tx.ctx, q, args...)
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s := tx.stmt(q); s != nil {
		return s.QueryContext(tx.ctx, args...)
	}
	return tx.tx.QueryContext(tx.ctx, q, args...)
}

// queryRow runs a query of one row. A context already done makes the
// query fail with its error, through a statement that is never run.
func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if ctx.Err() != nil {
		return tx.tx.QueryRowContext(ctx, q, args...)
	}
	if s := tx.stmt(q); s != nil {
		return s.QueryRowContext(tx.ctx, args...)
	}
	return tx.tx.QueryRowContext(tx.ctx, q, args...)
}

// queries holds every fixed query of the package, prepared once per pool
// by Open. Each is registered where it is declared, with prep.
var queries []string

// prep registers q to be prepared when a DB opens, and returns it.
func prep(q string) string {
	queries = append(queries, q)
	return q
}

// statements are the package's queries prepared on one pool.
// database/sql binds them to a transaction's connection without preparing
// them again when they were prepared on that connection.
type statements struct {
	m map[string]*sql.Stmt
}

func (s *statements) prepare(ctx context.Context, db *sql.DB, readOnly bool) error {
	s.m = make(map[string]*sql.Stmt, len(queries))
	for _, q := range queries {
		if readOnly && !isRead(q) {
			continue
		}
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("sqlite: prepare %q: %w", q, err)
		}
		s.m[q] = st
	}
	return nil
}

func (s *statements) close() error {
	var errs []error
	for _, st := range s.m {
		errs = append(errs, st.Close())
	}
	s.m = nil
	return errors.Join(errs...)
}

// isRead reports whether q only reads.
func isRead(q string) bool {
	q = strings.TrimSpace(q)
	return strings.HasPrefix(q, "SELECT") || strings.HasPrefix(q, "WITH")
}

// sqliteCode returns the extended result code of a SQLite error in err's
// chain, or 0.
func sqliteCode(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

// isUniqueViolation reports whether err is a primary key or unique
// constraint failure: an id (or token hash) that is taken.
func isUniqueViolation(err error) bool {
	c := sqliteCode(err)
	return c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || c == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}

// isForeignKeyViolation reports whether err is a foreign key failure: a
// reference to a record that does not exist.
func isForeignKeyViolation(err error) bool {
	return sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// notFound maps sql.ErrNoRows to an ENOTFOUND error saying what is
// missing, and wraps any other error.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return liaison.Errorf(liaison.ENOTFOUND, format, args...)
	}
	return fmt.Errorf("sqlite: "+format+": %w", append(args, err)...)
}

// mustAffect returns ENOTFOUND when an update changed no row.
func mustAffect(res sql.Result, format string, args ...any) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: "+format+": %w", append(args, err)...)
	}
	if n == 0 {
		return liaison.Errorf(liaison.ENOTFOUND, format, args...)
	}
	return nil
}

var _ liaison.Store = (*DB)(nil)
var _ liaison.Tx = (*Tx)(nil)
