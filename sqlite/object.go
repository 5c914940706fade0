package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
)

var (
	qLastAdded         = prep(`SELECT max(added) FROM objects`)
	qLastAudienceAdded = prep(`SELECT max(added) FROM object_audience WHERE org_id = ?`)
	// PutObjects inserts only versions it does not hold: no index keeps
	// (id, version, spec_version) unique (migration 00004).
	qInsertObject = prep(`INSERT INTO objects (added, id_key, id, type, spec_version, version, raw, marking, class_rank,
		origin, product_id, product_version, refs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	qWithdrawnObject = prep(`SELECT added, raw FROM objects
		WHERE id_key = ? AND id = ? AND version = ? AND spec_version = ? AND withdrawn IS NOT NULL`)
	qRestoreObject = prep(`UPDATE objects SET added = ?, withdrawn = NULL WHERE added = ?`)
	qMoveAudience  = prep(`UPDATE object_audience SET object_added = ? WHERE object_added = ?`)
	qObjectAdded   = prep(`SELECT added FROM objects WHERE id_key = ? AND id = ? AND version = ? AND withdrawn IS NULL
		ORDER BY spec_version DESC LIMIT 1`)
	qProductObject = prep(`SELECT ` + objectMeta + ` FROM objects o
		WHERE o.product_id = ? AND o.product_version = ? AND o.withdrawn IS NULL ORDER BY o.added DESC LIMIT 1`)
	qInsertStatus = prep(`INSERT INTO import_status (id, org_id, created_at, status) VALUES (?, ?, ?, ?)`)
	qStatus       = prep(`SELECT org_id, status FROM import_status WHERE id = ?`)
)

// objectMeta are the columns of an object but its raw JSON.
const objectMeta = `o.added, ` + objectCols

// objectCols are objectMeta but the date_added: a page's query selects the
// date_added in the collection instead.
const objectCols = `o.id, o.type, o.spec_version, o.version, o.marking, o.class_rank, o.origin,
	o.product_id, o.product_version, o.refs`

// leanCols are the columns of a lean query (liaison.ObjectQuery.Lean).
const leanCols = `o.id, o.version`

// micros is t in microseconds since the Unix epoch; the zero time is 0.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// fromMicros is the inverse of micros.
func fromMicros(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.UnixMicro(n).UTC()
}

// versionOf encodes an object version: nanoseconds, 0 for none.
func versionOf(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func versionTime(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// reserveAdded hands out n date_added values of a collection, first to
// first+n-1: after the last one the collection holds, and not before now.
// Only one transaction writes at a time, so that values increase in
// commit order. The home collection is the objects table (whose key the
// value is); a partner's is its rows of object_audience.
func (tx *Tx) reserveAdded(ctx context.Context, orgID string, n int) (first int64, err error) {
	if n == 0 {
		return 0, nil
	}
	var last sql.NullInt64
	if orgID == "" {
		err = tx.queryRow(ctx, qLastAdded).Scan(&last)
	} else {
		err = tx.queryRow(ctx, qLastAudienceAdded, orgID).Scan(&last)
	}
	if err != nil {
		return 0, fmt.Errorf("sqlite: the last date_added: %w", err)
	}
	return max(last.Int64+1, time.Now().UnixMicro()), nil
}

// markingText encodes an object's marking: "" when unmarked.
func markingText(m marking.Marking) (string, error) {
	if m.Classification.Scheme == "" {
		return "", nil
	}
	return jsonOf(m)
}

// qAnyWithdrawn tells whether a version held already might be a withdrawn
// one, to restore: most imports never need to ask per version.
var qAnyWithdrawn = prep(`SELECT EXISTS (SELECT 1 FROM objects WHERE withdrawn IS NOT NULL)`)

// PutObjects stores object versions; see liaison.Tx.
func (tx *Tx) PutObjects(ctx context.Context, objs []*liaison.Object) ([]bool, error) {
	firstAdded, err := tx.reserveAdded(ctx, "", len(objs))
	if err != nil {
		return nil, err
	}
	keys := make([]int64, len(objs))
	for i, o := range objs {
		keys[i] = tx.keys.key(o.ID)
	}
	held, err := tx.heldVersions(ctx, objs, keys)
	if err != nil {
		return nil, err
	}
	// One single-row statement per version: a statement of many rows
	// makes SQLite keep a statement journal (a copy of every page it
	// touches, to undo the statement alone), which costs more than the
	// statements saved.
	stored := make([]bool, len(objs))
	added := make([]int64, len(objs))
	given := make(map[objectVersion]bool, len(objs))
	args := make([]any, 13)
	for i, o := range objs {
		if o.ID == "" || o.Type == "" || o.SpecVersion == "" || len(o.Raw) == 0 {
			return nil, liaison.Errorf(liaison.EINVALID, "object %q: id, type, spec_version and raw are required", o.ID)
		}
		added[i] = firstAdded + int64(i) // a withdrawn version restored takes it too
		v := objectVersion{o.ID, versionOf(o.Version), o.SpecVersion}
		if held.versions[v] || given[v] {
			continue // held already, or earlier in objs
		}
		given[v] = true
		mark, err := markingText(o.Marking)
		if err != nil {
			return nil, err
		}
		refs, err := listJSON(o.Refs)
		if err != nil {
			return nil, err
		}
		args = append(args[:0], added[i], keys[i], o.ID, o.Type, o.SpecVersion, v.version, []byte(o.Raw), mark,
			o.Rank, o.Origin, nullString(o.ProductID), nullInt(o.ProductVersion), refs)
		if _, err := tx.exec(ctx, qInsertObject, args...); err != nil {
			return nil, fmt.Errorf("sqlite: store object %s: %w", o.ID, err)
		}
		stored[i] = true
	}
	if err := tx.markSuperseded(ctx, objs, stored, held.ids); err != nil {
		return nil, err
	}
	// Versions held already may have been withdrawn: given again, they are
	// restored, as new.
	var anyWithdrawn bool
	if len(held.versions) > 0 {
		if err := tx.queryRow(ctx, qAnyWithdrawn).Scan(&anyWithdrawn); err != nil {
			return nil, fmt.Errorf("sqlite: store objects: %w", err)
		}
	}
	for i, o := range objs {
		if !stored[i] && anyWithdrawn {
			if stored[i], err = tx.restoreObject(ctx, o, keys[i], added[i]); err != nil {
				return nil, err
			}
		}
		if stored[i] {
			o.Added = fromMicros(added[i])
		}
	}
	return stored, nil
}

// restoreObject restores o's version if it is withdrawn from the home
// collection and held byte for byte as o, with date_added added: it comes
// back as new. A version given with other content under the same id and
// version stays withdrawn: restoring it would hand whoever gave it (a
// partner, whose collection then holds what it gave) the node's content.
// Partners' collections that hold it keep it, at their own date_added:
// their rows follow the version to its new date_added (its key), with the
// foreign key checked at commit, once both rows have moved.
func (tx *Tx) restoreObject(ctx context.Context, o *liaison.Object, key, added int64) (bool, error) {
	var old int64
	var raw []byte
	err := tx.queryRow(ctx, qWithdrawnObject, key, o.ID, versionOf(o.Version), o.SpecVersion).Scan(&old, &raw)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sqlite: restore object %s: %w", o.ID, err)
	}
	if !bytes.Equal(raw, o.Raw) {
		return false, nil
	}
	// Restoring is rare: the pragma (which lasts until the transaction
	// ends) is set each time.
	if _, err := tx.exec(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
		return false, fmt.Errorf("sqlite: restore object %s: %w", o.ID, err)
	}
	if _, err := tx.exec(ctx, qRestoreObject, added, old); err != nil {
		return false, fmt.Errorf("sqlite: restore object %s: %w", o.ID, err)
	}
	if _, err := tx.exec(ctx, qMoveAudience, added, old); err != nil {
		return false, fmt.Errorf("sqlite: restore object %s: %w", o.ID, err)
	}
	return true, nil
}

// supersededChunk is how many object ids one statement of
// qMarkSuperseded looks at.
const supersededChunk = 32

// qMarkSuperseded marks superseded the versions of some objects that have
// a later one: a later version of the same spec version, or any version
// of a later spec version.
var qMarkSuperseded = keyedLists(supersededChunk, `UPDATE objects SET superseded = 1 WHERE id_key IN (%s) AND id IN (%s)
	AND superseded = 0 AND EXISTS (SELECT 1 FROM objects n WHERE n.id_key = objects.id_key AND n.id = objects.id
	AND (n.spec_version > objects.spec_version OR n.spec_version = objects.spec_version AND n.version > objects.version))`)

// heldChunk is how many keys one statement of qHeldVersions looks up.
const heldChunk = 64

// qHeldVersions returns the versions held of the objects of heldChunk
// keys (repeated keys are looked up once): an index lookup, and a read of
// the row only for the versions there are, and the rare version of
// another id with the same key.
var qHeldVersions = prep(`SELECT id, version, spec_version FROM objects WHERE id_key IN (?` +
	strings.Repeat(", ?", heldChunk-1) + `)`)

// keyedLists prepares query for every length of its list of ids from 1 to
// most: qs[n] has n placeholders at each of the two %s of query, the first
// for the ids' keys (for the index) and the second for the ids.
func keyedLists(most int, query string) []string {
	qs := make([]string, most+1)
	for n := 1; n <= most; n++ {
		list := "?" + strings.Repeat(", ?", n-1)
		qs[n] = prep(fmt.Sprintf(query, list, list))
	}
	return qs
}

// byKeyedChunks calls fn with ids in chunks of at most size, as the
// arguments of a statement of keyedLists: the chunk's keys, then its ids
// (reused from one call to the next). n is the chunk's length.
func (tx *Tx) byKeyedChunks(ids []string, size int, fn func(n int, args []any) error) error {
	args := make([]any, 0, 2*size)
	for start := 0; start < len(ids); start += size {
		chunk := ids[start:min(start+size, len(ids))]
		args = args[:0]
		for _, id := range chunk {
			args = append(args, tx.keys.key(id))
		}
		for _, id := range chunk {
			args = append(args, id)
		}
		if err := fn(len(chunk), args); err != nil {
			return err
		}
	}
	return nil
}

// objectVersion identifies a version of an object: no two rows of objects
// share one.
type objectVersion struct {
	id      string
	version int64 // versionOf
	spec    string
}

// heldObjects is what the node holds of some objects: the versions, and
// the ids of which it holds any.
type heldObjects struct {
	versions map[objectVersion]bool
	ids      map[string]bool
}

// heldVersions returns what the node holds of objs (whose id keys are
// keys) already, before they are stored: withdrawn versions included.
func (tx *Tx) heldVersions(ctx context.Context, objs []*liaison.Object, keys []int64) (heldObjects, error) {
	held := heldObjects{versions: map[objectVersion]bool{}, ids: map[string]bool{}}
	want := make(map[string]bool, len(objs))
	args := make([]any, heldChunk)
	for start := 0; start < len(objs); start += heldChunk {
		chunk := objs[start:min(start+heldChunk, len(objs))]
		for i := range args {
			// A short chunk is padded with its first key.
			j := start
			if i < len(chunk) {
				j = start + i
			}
			want[objs[j].ID] = true
			args[i] = keys[j]
		}
		if err := tx.scanHeld(ctx, args, want, held); err != nil {
			return heldObjects{}, fmt.Errorf("sqlite: look up held objects: %w", err)
		}
	}
	return held, nil
}

// scanHeld adds to held the versions qHeldVersions finds of the ids in
// want, whose keys are args.
func (tx *Tx) scanHeld(ctx context.Context, args []any, want map[string]bool, held heldObjects) error {
	rows, err := tx.query(ctx, qHeldVersions, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v objectVersion
		if err := rows.Scan(&v.id, &v.version, &v.spec); err != nil {
			return err
		}
		if want[v.id] {
			held.versions[v] = true
			held.ids[v.id] = true
		}
	}
	return rows.Err()
}

// markSuperseded keeps objects.superseded: once a version is superseded it
// stays so (versions are never removed), which lets a page skip looking
// for a later version of every version nothing supersedes. Only the
// objects stored that have another version can have one to mark: those
// held before (held) and those given more than once in objs.
func (tx *Tx) markSuperseded(ctx context.Context, objs []*liaison.Object, stored []bool, held map[string]bool) error {
	given := make(map[string]int, len(objs))
	for i, o := range objs {
		if stored[i] {
			given[o.ID]++
		}
	}
	var ids []string
	for id, n := range given {
		if held[id] || n > 1 {
			ids = append(ids, id)
		}
	}
	err := tx.byKeyedChunks(ids, supersededChunk, func(n int, args []any) error {
		_, err := tx.exec(ctx, qMarkSuperseded[n], args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: mark superseded versions: %w", err)
	}
	return nil
}

// ShareObjects adds object versions to an organisation's collection; see
// liaison.Tx.
func (tx *Tx) ShareObjects(ctx context.Context, orgID string, keys []liaison.ObjectKey) (int, error) {
	firstAdded, err := tx.reserveAdded(ctx, orgID, len(keys))
	if err != nil {
		return 0, err
	}
	args := make([]any, 0, 3*maxShareRows)
	shared := 0
	for start := 0; start < len(keys); start += maxShareRows {
		chunk := keys[start:min(start+maxShareRows, len(keys))]
		args = args[:0]
		for i, k := range chunk {
			objectAdded := micros(k.Added)
			if objectAdded == 0 {
				err := tx.queryRow(ctx, qObjectAdded, tx.keys.key(k.ID), k.ID, versionOf(k.Version)).Scan(&objectAdded)
				if err != nil {
					return 0, notFound(err, "object %s version %s", k.ID, k.Version.Format(time.RFC3339Nano))
				}
			}
			args = append(args, orgID, firstAdded+int64(start+i), objectAdded)
		}
		res, err := tx.exec(ctx, qShareObjects[len(chunk)], args...)
		if err != nil {
			return 0, fmt.Errorf("sqlite: share objects with %s: %w", orgID, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("sqlite: share objects with %s: %w", orgID, err)
		}
		shared += int(n)
	}
	return shared, nil
}

// maxShareRows is the most object versions one statement shares.
const maxShareRows = 8

// qShareObjects[n] shares n object versions with an organisation: new
// ones are added, withdrawn ones restored, others left as they are.
var qShareObjects = func() (qs [maxShareRows + 1]string) {
	for n := 1; n <= maxShareRows; n++ {
		qs[n] = prep(`INSERT INTO object_audience (org_id, added, object_added) VALUES (?, ?, ?)` +
			strings.Repeat(`, (?, ?, ?)`, n-1) + `
			ON CONFLICT (org_id, object_added) DO UPDATE SET added = excluded.added, withdrawn = NULL
			WHERE withdrawn IS NOT NULL`)
	}
	return qs
}()

var (
	qSharesDue = prep(`SELECT product_id, version, via, at FROM visible
		WHERE org_id = ? AND at > coalesce((SELECT at FROM shared_through WHERE org_id = ?), 0)
		ORDER BY at LIMIT ?`)
	qSetSharedThrough = prep(`INSERT INTO shared_through (org_id, at) VALUES (?, ?)
		ON CONFLICT (org_id) DO UPDATE SET at = max(at, excluded.at)`)
)

// SharesDue lists what an organisation came to hold since its collection
// was brought up to date; see liaison.Tx.
func (tx *Tx) SharesDue(ctx context.Context, orgID string, limit int) ([]*liaison.Holding, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := tx.query(ctx, qSharesDue, orgID, orgID, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: shares due to %s: %w", orgID, err)
	}
	return collect(rows, "shares due", func(s scanner) (*liaison.Holding, error) {
		h := &liaison.Holding{OrgID: orgID}
		var at sql.NullInt64
		if err := s.Scan(&h.ProductID, &h.ProductVersion, &h.Via, &at); err != nil {
			return nil, err
		}
		h.At = timeOf(at)
		return h, nil
	})
}

// SetSharedThrough records how far an organisation's collection is up to
// date; see liaison.Tx.
func (tx *Tx) SetSharedThrough(ctx context.Context, orgID string, at time.Time) error {
	if _, err := tx.exec(ctx, qSetSharedThrough, orgID, ns(at)); err != nil {
		return fmt.Errorf("sqlite: shared through for %s: %w", orgID, err)
	}
	return nil
}

// LatestObjects returns the newest version held of each id; see liaison.Tx.
func (tx *Tx) LatestObjects(ctx context.Context, ids []string) ([]*liaison.Object, error) {
	out := make([]*liaison.Object, 0, len(ids))
	ps := newPageScanner(false, false, len(ids))
	err := tx.byKeyedChunks(ids, maxLatest, func(n int, args []any) error {
		rows, err := tx.query(ctx, qLatestObjects[n], args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			o, err := ps.scan(rows)
			if err != nil {
				return err
			}
			out = append(out, o)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: latest objects: %w", err)
	}
	return out, nil
}

// maxLatest is the most ids one statement of qLatestObjects looks up.
const maxLatest = 8

// qLatestObjects[n] returns the newest unwithdrawn version of each of n
// ids (by modified, then spec version).
var qLatestObjects = keyedLists(maxLatest, `SELECT `+objectMeta+` FROM objects o WHERE o.id_key IN (%s) AND o.id IN (%s)
	AND o.withdrawn IS NULL AND NOT EXISTS (SELECT 1 FROM objects n WHERE n.id_key = o.id_key AND n.id = o.id AND n.withdrawn IS NULL
	AND (n.version > o.version OR n.version = o.version AND n.spec_version > o.spec_version))`)

// ProductObject returns the STIX form of a product version; see liaison.Tx.
func (tx *Tx) ProductObject(ctx context.Context, productID string, version int) (*liaison.Object, error) {
	o, err := newPageScanner(false, false, 1).scan(tx.queryRow(ctx, qProductObject, productID, version))
	if err != nil {
		return nil, notFound(err, "STIX object of product %s version %d", productID, version)
	}
	return o, nil
}

// parseNext reads a page cursor: the date_added, in microseconds, of the
// last version of the previous page.
func parseNext(next string) (int64, error) {
	if next == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(next, 36, 64)
	if err != nil || n <= 0 {
		return 0, liaison.Errorf(liaison.EINVALID, "next %q is not a cursor this server gave", next)
	}
	return n, nil
}

func formatNext(added int64) string { return strconv.FormatInt(added, 36) }

// maxKeyedIDs is the most ids a page query looks up by their keys as
// well: a longer list (match[id] has no limit) is matched by id alone, a
// scan of the collection, so that the query stays within SQLite's limit
// on variables (32,766) up to as many ids as before there were keys.
const maxKeyedIDs = 1000

// objectSelect builds the query of a page: the versions of scope's
// collection that q selects, after the cursor, in date_added order.
//
// The collection is the objects table itself for the home scope, and the
// organisation's object_audience joined to it otherwise. A version is
// selected among the versions of its object in the same collection
// (withdrawn ones excluded) within the clearance, so that an officer sees
// the newest version they may see, and among those of the spec versions
// asked for, or without match[spec_version] of the latest spec version
// the collection holds of the object (TAXII 2.1 section 3.4.2). "last"
// and "first" are the newest and oldest of those; a version asked by its
// timestamp is the STIX modified (or created) one, and for an object with
// neither, its date_added in the collection, the version TAXII shows.
func objectSelect(keys objectKeys, scope liaison.ObjectScope, q liaison.ObjectQuery, after int64, limit int) (string, []any) {
	var b strings.Builder
	var args []any
	// The columns are the date_added in the collection, objectCols, and
	// the raw JSON unless it is not wanted.
	cols := objectCols
	if q.Lean {
		cols = leanCols
	}
	if !q.WithoutRaw {
		cols += ", o.raw"
	}
	home := scope.OrgID == ""
	added := "o.added" // the date_added in the collection
	if home {
		b.WriteString(`SELECT o.added, ` + cols + ` FROM objects o WHERE o.added > ? AND o.withdrawn IS NULL`)
		args = append(args, after)
	} else {
		added = "a.added"
		b.WriteString(`SELECT a.added, ` + cols + ` FROM object_audience a JOIN objects o ON o.added = a.object_added
			WHERE a.org_id = ? AND a.added > ? AND a.withdrawn IS NULL`)
		args = append(args, scope.OrgID, after)
	}
	b.WriteString(` AND o.class_rank <= ?`)
	args = append(args, scope.MaxRank)
	if scope.Topics != nil {
		// Need-to-know: a product's STIX form only for its topics.
		b.WriteString(` AND (o.product_id IS NULL`)
		if len(scope.Topics) > 0 {
			b.WriteString(` OR EXISTS (SELECT 1 FROM product_topics t WHERE t.product_id = o.product_id
				AND t.version = o.product_version AND t.topic IN (?` + strings.Repeat(", ?", len(scope.Topics)-1) + `))`)
			for _, t := range scope.Topics {
				args = append(args, t)
			}
		}
		b.WriteString(`)`)
	}
	placeholders := func(n int) string { return `(?` + strings.Repeat(", ?", n-1) + `)` }
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		b.WriteString(` AND ` + col + ` IN ` + placeholders(len(vals)))
		for _, v := range vals {
			args = append(args, v)
		}
	}
	if len(q.IDs) > 0 && len(q.IDs) <= maxKeyedIDs {
		// By key for the index, and by id: ids may share a key.
		b.WriteString(` AND o.id_key IN ` + placeholders(len(q.IDs)))
		for _, id := range q.IDs {
			args = append(args, keys.key(id))
		}
	}
	in("o.id", q.IDs)
	in("o.type", q.Types)
	in("o.spec_version", q.SpecVersions)

	// other is a subquery for another version of the same object in the
	// same collection, within the clearance; cond compares it with o (and
	// adds its arguments, which follow the clearance's).
	other := func(cond func() string) string {
		args = append(args, scope.MaxRank)
		if home {
			return `EXISTS (SELECT 1 FROM objects n WHERE n.id_key = o.id_key AND n.id = o.id AND n.withdrawn IS NULL
				AND n.class_rank <= ? AND ` + cond() + `)`
		}
		return `EXISTS (SELECT 1 FROM objects n JOIN object_audience na ON na.object_added = n.added AND na.org_id = a.org_id
			AND na.withdrawn IS NULL WHERE n.id_key = o.id_key AND n.id = o.id AND n.class_rank <= ? AND ` + cond() + `)`
	}
	text := func(s string) func() string { return func() string { return s } }
	// ofSpec restricts n to the spec versions asked for.
	ofSpec := func() string {
		for _, v := range q.SpecVersions {
			args = append(args, v)
		}
		return `n.spec_version IN ` + placeholders(len(q.SpecVersions))
	}
	// latestSpec: without match[spec_version], only versions of the
	// latest spec version held of the object are selected.
	latestSpec := len(q.SpecVersions) == 0
	v := q.Versions
	if v.IsZero() {
		v.Last = true
	}
	var ors []string
	if v.All {
		if latestSpec {
			ors = append(ors, `NOT `+other(text(`n.spec_version > o.spec_version`)))
		}
	} else {
		for _, m := range []struct {
			on  bool
			cmp string
		}{{v.Last, ">"}, {v.First, "<"}} {
			switch {
			case !m.on:
			case latestSpec:
				// One subquery for both: no version of a later spec
				// version, nor a later (earlier) one of the same.
				sub := `NOT ` + other(text(`(n.spec_version > o.spec_version OR n.spec_version = o.spec_version AND n.version `+m.cmp+` o.version)`))
				if m.cmp == ">" {
					// A version nothing supersedes is the last one in
					// any collection: only the others need the lookup.
					sub = `(o.superseded = 0 OR ` + sub + `)`
				}
				ors = append(ors, sub)
			default:
				ors = append(ors, `NOT `+other(func() string { return ofSpec() + ` AND n.version ` + m.cmp + ` o.version` }))
			}
		}
		if len(v.At) > 0 {
			at := `o.version IN ` + placeholders(len(v.At))
			var byAdded []any
			for _, t := range v.At {
				args = append(args, versionOf(t))
				if t.Nanosecond()%1000 == 0 {
					byAdded = append(byAdded, micros(t))
				}
			}
			if len(byAdded) > 0 {
				at = `(` + at + ` OR o.version = 0 AND ` + added + ` IN ` + placeholders(len(byAdded)) + `)`
				args = append(args, byAdded...)
			}
			if latestSpec {
				at += ` AND NOT ` + other(text(`n.spec_version > o.spec_version`))
			}
			ors = append(ors, `(`+at+`)`)
		}
	}
	if len(ors) > 0 {
		b.WriteString(` AND (` + strings.Join(ors, ` OR `) + `)`)
	}
	b.WriteString(` ORDER BY ` + added + ` LIMIT ?`)
	args = append(args, limit)
	return b.String(), args
}

// pageShapes are the shapes of the page queries TAXII asks most, whose
// text objectSelect always writes the same: prepared once when the
// database opens rather than parsed again for every page. They are a
// collection, the home one or a partner's, paged with the default version
// (last) or every version, with or without the raw JSON (manifests); and
// the same for one object by id (object, versions and delete endpoints).
var _ = func() struct{} {
	for _, scope := range []liaison.ObjectScope{{}, {OrgID: "org"}} {
		for _, ids := range [][]string{nil, {"id"}} {
			for _, v := range []liaison.VersionMatch{{}, {All: true}} {
				for _, withoutRaw := range []bool{false, true} {
					for _, lean := range []bool{false, true} {
						text, _ := objectSelect(objectKeys{}, scope, liaison.ObjectQuery{IDs: ids, Versions: v, WithoutRaw: withoutRaw, Lean: lean}, 0, 1)
						prep(text)
					}
				}
			}
		}
	}
	return struct{}{}
}()

// QueryObjects returns one page of a collection; see liaison.Tx.
func (tx *Tx) QueryObjects(ctx context.Context, scope liaison.ObjectScope, q liaison.ObjectQuery) (*liaison.ObjectPage, error) {
	after, err := parseNext(q.Next)
	if err != nil {
		return nil, err
	}
	if !q.AddedAfter.IsZero() {
		after = max(after, q.AddedAfter.UnixNano()/1000)
	}
	limit := q.Limit
	if limit <= 0 || limit > liaison.MaxObjectPage {
		limit = liaison.MaxObjectPage
	}
	var key string
	if tx.pages != nil {
		if key, err = tx.pageKey(ctx, scope, q, after, limit); err != nil {
			return nil, err
		}
		if page, ok := tx.pages.get(key); ok {
			return page, nil
		}
	}
	page, err := tx.queryPage(ctx, scope, q, after, limit)
	if err != nil {
		return nil, err
	}
	if tx.pages != nil {
		tx.pages.put(key, page)
	}
	return page, nil
}

// queryPage reads one page of a collection from the database.
func (tx *Tx) queryPage(ctx context.Context, scope liaison.ObjectScope, q liaison.ObjectQuery, after int64, limit int) (*liaison.ObjectPage, error) {
	text, args := objectSelect(tx.keys, scope, q, after, limit+1)
	rows, err := tx.query(ctx, text, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: query objects: %w", err)
	}
	defer rows.Close()
	ps := newPageScanner(!q.WithoutRaw, q.Lean, limit)
	page := &liaison.ObjectPage{Objects: make([]*liaison.Object, 0, min(limit, 128))}
	var last int64
	for rows.Next() {
		if len(page.Objects) == limit {
			page.More = true
			break
		}
		o, err := ps.scan(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: query objects: %w", err)
		}
		last = o.Added.UnixMicro()
		page.Objects = append(page.Objects, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: query objects: %w", err)
	}
	if page.More {
		page.Next = formatNext(last)
	}
	return page, nil
}

// pageScanner scans the rows of objectSelect: the object with its
// date_added in the collection (which replaces the home one). It scans
// every row into the same variables, and hands out objects allocated a
// batch at a time.
type pageScanner struct {
	added, version int64
	mark, refs     string
	productID      sql.NullString
	productVersion sql.NullInt64
	raw            sql.RawBytes
	o              liaison.Object
	dest           []any
	withRaw, lean  bool

	batch     []liaison.Object // objects to hand out
	batchSize int
	buf       []byte // holds the raw JSON handed out
}

// rawBuffer is the size of the buffers a page's raw JSON is copied into.
const rawBuffer = 64 << 10

// maxBatch is the most objects allocated at once; batches start small and
// grow, so that a page of one object costs little.
const maxBatch = 128

// newPageScanner returns a scanner of up to limit rows.
func newPageScanner(withRaw, lean bool, limit int) *pageScanner {
	ps := &pageScanner{withRaw: withRaw, lean: lean, batchSize: min(limit, 8)}
	o := &ps.o
	if lean {
		ps.dest = []any{&ps.added, &o.ID, &ps.version}
	} else {
		ps.dest = []any{&ps.added, &o.ID, &o.Type, &o.SpecVersion, &ps.version, &ps.mark, &o.Rank, &o.Origin,
			&ps.productID, &ps.productVersion, &ps.refs}
	}
	if withRaw {
		ps.dest = append(ps.dest, &ps.raw)
	}
	return ps
}

// scan reads one row; s is a *sql.Row only without raw JSON (RawBytes
// need Rows).
func (ps *pageScanner) scan(s scanner) (*liaison.Object, error) {
	ps.o = liaison.Object{}
	if err := s.Scan(ps.dest...); err != nil {
		return nil, err
	}
	if len(ps.batch) == 0 {
		ps.batch = make([]liaison.Object, ps.batchSize)
		ps.batchSize = min(2*ps.batchSize, maxBatch)
	}
	o := &ps.batch[0]
	ps.batch = ps.batch[1:]
	*o = ps.o
	o.Added = fromMicros(ps.added)
	o.Version = versionTime(ps.version)
	if !ps.lean {
		if ps.mark != "" {
			if err := decodeMarking(ps.mark, &o.Marking); err != nil {
				return nil, err
			}
		}
		var err error
		if o.Refs, err = optionalList[string](ps.refs); err != nil {
			return nil, err
		}
		o.ProductID, o.ProductVersion = ps.productID.String, int(ps.productVersion.Int64)
	}
	if ps.withRaw {
		// The raw JSON of a page goes into a few large buffers rather than
		// one allocation an object: what a page holds lives and dies
		// together. A full buffer is left to the objects that point into
		// it, and a new one begins.
		if cap(ps.buf)-len(ps.buf) < len(ps.raw) {
			ps.buf = make([]byte, 0, max(rawBuffer, len(ps.raw)))
		}
		start := len(ps.buf)
		ps.buf = append(ps.buf, ps.raw...)
		o.Raw = ps.buf[start:len(ps.buf):len(ps.buf)]
	}
	return o, nil
}

// WithdrawObjects removes versions from a collection; see liaison.Tx.
func (tx *Tx) WithdrawObjects(ctx context.Context, scope liaison.ObjectScope, id string, versions liaison.VersionMatch, specVersions []string, at time.Time) (int, error) {
	// Select what the scope sees of the object with the same semantics as
	// a query, then withdraw exactly those.
	q := liaison.ObjectQuery{IDs: []string{id}, Versions: versions, SpecVersions: specVersions, WithoutRaw: true}
	text, args := objectSelect(tx.keys, scope, q, 0, 1<<30)
	rows, err := tx.query(ctx, text, args...)
	if err != nil {
		return 0, fmt.Errorf("sqlite: withdraw %s: %w", id, err)
	}
	var collAdded []int64
	ps := newPageScanner(false, false, 8)
	for rows.Next() {
		o, err := ps.scan(rows)
		if err != nil {
			rows.Close()
			return 0, fmt.Errorf("sqlite: withdraw %s: %w", id, err)
		}
		collAdded = append(collAdded, o.Added.UnixMicro())
	}
	if err := rows.Close(); err != nil {
		return 0, fmt.Errorf("sqlite: withdraw %s: %w", id, err)
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("sqlite: withdraw %s: %w", id, err)
	}
	for _, added := range collAdded {
		if scope.OrgID == "" {
			_, err = tx.exec(ctx, `UPDATE objects SET withdrawn = ? WHERE added = ?`, ns(at), added)
		} else {
			_, err = tx.exec(ctx, `UPDATE object_audience SET withdrawn = ? WHERE org_id = ? AND added = ?`, ns(at), scope.OrgID, added)
		}
		if err != nil {
			return 0, fmt.Errorf("sqlite: withdraw %s: %w", id, err)
		}
	}
	return len(collAdded), nil
}

// PutImportStatus stores the status of an add request; see liaison.Tx.
func (tx *Tx) PutImportStatus(ctx context.Context, s *liaison.ImportStatus) error {
	text, err := jsonOf(s)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, qInsertStatus, s.ID, s.OrgID, ns(s.RequestTimestamp), text)
	switch {
	case isUniqueViolation(err):
		return liaison.Errorf(liaison.ECONFLICT, "status %q already exists", s.ID)
	case err != nil:
		return fmt.Errorf("sqlite: store status %s: %w", s.ID, err)
	}
	return nil
}

// ImportStatus returns a stored status; see liaison.Tx.
func (tx *Tx) ImportStatus(ctx context.Context, id string) (*liaison.ImportStatus, error) {
	var org, text string
	if err := tx.queryRow(ctx, qStatus, id).Scan(&org, &text); err != nil {
		return nil, notFound(err, "status %q", id)
	}
	var s liaison.ImportStatus
	if err := jsonUnmarshal(text, &s); err != nil {
		return nil, err
	}
	s.OrgID = org
	return &s, nil
}
