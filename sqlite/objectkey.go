package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"fmt"
)

// objectKeys computes the id_key of STIX ids (migration 00004): the first
// 8 bytes of SHA-256(salt || id), a big-endian signed integer. The salt is
// the database's own, so that keys cannot be predicted from outside.
type objectKeys struct {
	salt []byte
	// few, in tests only, keeps one bit of each key, so that ids share
	// their key with half the others: every query must tell them apart
	// by id.
	few bool
}

// key returns the id_key of a STIX id.
func (k objectKeys) key(id string) int64 {
	var buf [128]byte // salt and id, on the stack for ids of up to 112 bytes
	sum := sha256.Sum256(append(append(buf[:0], k.salt...), id...))
	key := int64(binary.BigEndian.Uint64(sum[:8]))
	if k.few {
		return key & 1
	}
	return key
}

// keyBackfillRows is how many rows one transaction of loadObjectKeys
// gives their key.
const keyBackfillRows = 1000

// loadObjectKeys reads the database's salt and gives their key to the
// object versions stored before there were keys (which migration 00004
// left without one). Opening a database with none to give costs one index
// lookup and no write lock. The keys are given a thousand rows to a
// transaction, so that the writer's lock is never held long: rows left
// without a key (the process stopped) get theirs at the next opening.
func loadObjectKeys(ctx context.Context, db *sql.DB) (objectKeys, error) {
	var k objectKeys
	if err := db.QueryRowContext(ctx, `SELECT salt FROM object_key_salt`).Scan(&k.salt); err != nil {
		return k, fmt.Errorf("object key salt: %w", err)
	}
	if len(k.salt) < 16 {
		return k, fmt.Errorf("object key salt: %d bytes, want 16", len(k.salt))
	}
	for {
		var todo bool
		err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM objects WHERE id_key IS NULL)`).Scan(&todo)
		if err != nil {
			return k, fmt.Errorf("object keys: %w", err)
		}
		if !todo {
			return k, nil
		}
		if err := backfillObjectKeys(ctx, db, k); err != nil {
			return k, fmt.Errorf("object keys: %w", err)
		}
	}
}

// backfillObjectKeys gives their key to up to keyBackfillRows object
// versions that have none, in one transaction.
func backfillObjectKeys(ctx context.Context, db *sql.DB, k objectKeys) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT added, id FROM objects WHERE id_key IS NULL LIMIT ?`, keyBackfillRows)
	if err != nil {
		return err
	}
	type row struct {
		added int64
		id    string
	}
	var todo []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.added, &r.id); err != nil {
			rows.Close()
			return err
		}
		todo = append(todo, r)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, r := range todo {
		if _, err := tx.ExecContext(ctx, `UPDATE objects SET id_key = ? WHERE added = ?`, k.key(r.id), r.added); err != nil {
			return err
		}
	}
	return tx.Commit()
}
