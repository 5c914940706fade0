package sqlite

import (
	"context"
	"database/sql"
)

// OpenWithFewKeys opens a new database at path whose STIX ids share their
// id_key with half the others (objectKeys.few), for tests of queries by
// id that must not confuse ids with the same key.
func OpenWithFewKeys(ctx context.Context, path string) (*DB, error) {
	db, err := Open(ctx, path)
	if err != nil {
		return nil, err
	}
	db.keys.few = true
	return db, nil
}

// MigrateTo brings the database at path to schema version, as an older
// liaison would have left it.
func MigrateTo(ctx context.Context, path string, version int64) error {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := migrator(db)
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}
