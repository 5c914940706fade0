package taxii

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Cursor is where a Pull of a collection stands: everything the collection
// held up to DateAdded has been handed over. It is meant to be persisted
// (as JSON) after each page and given back to Pull to resume. The zero
// Cursor starts from the beginning of any collection.
type Cursor struct {
	// Collection is the collection's URL, with its trailing slash; Pull
	// refuses a cursor of another collection.
	Collection string `json:"collection"`
	// DateAdded is when the last object handed over was added to the
	// collection (the X-TAXII-Date-Added-Last of its page); zero before
	// the first page.
	DateAdded time.Time `json:"date_added,omitzero"`
}

// Pull pages through the collection at collectionURL from cursor from, for
// every version of every object (match[version]=all) added after
// from.DateAdded, oldest first, PageLimit objects a page if the Client sets
// it. After each page it calls fn with the page's objects and the cursor
// that stands after them; when fn returns nil the page counts as done, and
// a caller that persists that cursor in fn resumes after a crash from the
// last completed page. Pull returns the cursor after the last page done,
// which is from when none was, with a nil error once the server says there
// is no more, or with the error that stopped it (fn's included, wrapped).
//
// Pages follow the server's "next" when it gives one, and otherwise go on
// with added_after set to the X-TAXII-Date-Added-Last of the page before
// (TAXII 2.1 section 3.5). A page with no objects ends the pull even if the
// server says there is more (objects deleted meanwhile); the next Pull
// takes up from there. A server that does not move forward — a page that
// does not end after the added_after asked for, a "next" it already gave,
// a page ending before the one before it — or that sends objects without
// X-TAXII-Date-Added-Last is an error rather than an endless or lossy loop.
//
// Paging by added_after (a server without "next", and every resumption) is
// exact when no two object versions of the collection share a date_added;
// objects that share the date_added of the last object of a page, but come
// after it, are skipped. TAXII offers no way to tell, so pull from servers
// that give each version its own date_added (liaison's does).
func (c *Client) Pull(ctx context.Context, collectionURL string, from Cursor, fn func(objects []json.RawMessage, next Cursor) error) (Cursor, error) {
	u, err := parseBase(collectionURL)
	if err != nil {
		return from, err
	}
	coll := u.String()
	if from.Collection != "" {
		fu, err := parseBase(from.Collection)
		if err != nil || fu.String() != coll {
			return from, fmt.Errorf("taxii: pull %s: the cursor is of collection %s", coll, from.Collection)
		}
	}
	cur := Cursor{Collection: coll, DateAdded: from.DateAdded}
	// after is the added_after of the chain of pages being followed, sent
	// again with each "next" as TAXII asks; seen holds the chain's nexts.
	after, next := cur.DateAdded, ""
	seen := map[string]bool{}
	for {
		if err := ctx.Err(); err != nil {
			return cur, fmt.Errorf("taxii: pull %s: %w", coll, err)
		}
		env, page, err := c.Objects(ctx, coll, Filter{AddedAfter: after, Next: next, Limit: c.PageLimit, Version: []string{"all"}})
		if err != nil {
			return cur, fmt.Errorf("taxii: pull: %w", err)
		}
		if len(env.Objects) == 0 {
			return cur, nil
		}
		last := page.DateAddedLast
		switch {
		case last.IsZero():
			return cur, fmt.Errorf("taxii: pull %s: the server sent %d objects without %s, so the pull cannot resume after them", coll, len(env.Objects), HeaderDateAddedLast)
		case next == "" && !last.After(after):
			return cur, fmt.Errorf("taxii: pull %s: the server does not advance: asked for objects added after %s, got a page ending at %s", coll, FormatTimestamp(after), FormatTimestamp(last))
		case last.Before(cur.DateAdded):
			return cur, fmt.Errorf("taxii: pull %s: the server went back: a page ending at %s after one ending at %s", coll, FormatTimestamp(last), FormatTimestamp(cur.DateAdded))
		case env.More && seen[env.Next]:
			return cur, fmt.Errorf("taxii: pull %s: the server does not advance: it gave next %q twice", coll, env.Next)
		}
		done := Cursor{Collection: coll, DateAdded: last}
		if err := fn(env.Objects, done); err != nil {
			return cur, fmt.Errorf("taxii: pull %s: page after %s: %w", coll, timestampOrStart(cur.DateAdded), err)
		}
		cur = done
		switch {
		case !env.More:
			return cur, nil
		case env.Next != "":
			seen[env.Next] = true
			next = env.Next
		default:
			after, next = cur.DateAdded, ""
			clear(seen)
		}
	}
}

// timestampOrStart names a cursor's position for an error message.
func timestampOrStart(t time.Time) string {
	if t.IsZero() {
		return "the start"
	}
	return FormatTimestamp(t)
}
