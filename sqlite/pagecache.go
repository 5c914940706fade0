package sqlite

import (
	lru "container/list"
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/liaison-dev/liaison"
)

// pageCacheBytes bounds the raw JSON the page cache holds.
const pageCacheBytes = 64 << 20

// pageCache keeps pages of collections as read, keyed by the query and by
// the state of the collection they were read in: a collection's pages
// change only when the collection does, and TAXII clients ask the same
// pages again and again (polling, paging from the start). The state is
// what every change moves: the greatest date_added of the collection
// (new versions, restored ones, and the versions that supersede others
// all come with a new one) and the number of versions withdrawn from it.
// Only pages read in a committed snapshot (View) are kept. Pages are
// shared: nothing may change a page the store returns.
type pageCache struct {
	mu    sync.Mutex
	items map[string]*lru.Element
	order lru.List // of *cachedPage, most recent first
	bytes int
}

type cachedPage struct {
	key   string
	page  *liaison.ObjectPage
	bytes int
}

func newPageCache() *pageCache { return &pageCache{items: map[string]*lru.Element{}} }

func (c *pageCache) get(key string) (*liaison.ObjectPage, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cachedPage).page, true
}

func (c *pageCache) put(key string, page *liaison.ObjectPage) {
	size := len(key) + 64
	for _, o := range page.Objects {
		size += len(o.Raw) + len(o.ID) + 96
	}
	if size > pageCacheBytes/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[key]; ok {
		return
	}
	c.items[key] = c.order.PushFront(&cachedPage{key: key, page: page, bytes: size})
	c.bytes += size
	for c.bytes > pageCacheBytes {
		e := c.order.Back()
		cp := e.Value.(*cachedPage)
		c.order.Remove(e)
		delete(c.items, cp.key)
		c.bytes -= cp.bytes
	}
}

var (
	qHomeState = prep(`SELECT (SELECT coalesce(max(added), 0) FROM objects),
		(SELECT count(*) FROM objects WHERE withdrawn IS NOT NULL)`)
	qAudienceState = prep(`SELECT (SELECT coalesce(max(added), 0) FROM object_audience WHERE org_id = ?),
		(SELECT count(*) FROM object_audience WHERE org_id = ? AND withdrawn IS NOT NULL)`)
)

// pageKey is the cache key of a page: the collection's state, the scope
// and everything in the query that selects.
func (tx *Tx) pageKey(ctx context.Context, scope liaison.ObjectScope, q liaison.ObjectQuery, after int64, limit int) (string, error) {
	var last, withdrawn int64
	var err error
	if scope.OrgID == "" {
		err = tx.queryRow(ctx, qHomeState).Scan(&last, &withdrawn)
	} else {
		err = tx.queryRow(ctx, qAudienceState, scope.OrgID, scope.OrgID).Scan(&last, &withdrawn)
	}
	if err != nil {
		return "", fmt.Errorf("sqlite: collection state: %w", err)
	}
	var b strings.Builder
	field := func(s string) { b.WriteString(strconv.Quote(s)); b.WriteByte(' ') }
	num := func(n int64) { b.WriteString(strconv.FormatInt(n, 10)); b.WriteByte(' ') }
	strs := func(ss []string) {
		num(int64(len(ss)))
		for _, s := range ss {
			field(s)
		}
	}
	times := func(ts []time.Time) {
		num(int64(len(ts)))
		for _, t := range ts {
			num(t.UnixNano())
		}
	}
	field(scope.OrgID)
	num(last)
	num(withdrawn)
	num(int64(scope.MaxRank))
	if scope.Topics == nil {
		b.WriteString("* ")
	} else {
		strs(scope.Topics)
	}
	num(after)
	num(int64(limit))
	strs(q.IDs)
	strs(q.Types)
	strs(q.SpecVersions)
	v := q.Versions
	fmt.Fprintf(&b, "%t %t %t ", v.All, v.First, v.Last)
	times(v.At)
	fmt.Fprintf(&b, "%t %t", q.WithoutRaw, q.Lean)
	return b.String(), nil
}
