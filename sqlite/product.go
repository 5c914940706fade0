package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/liaison-dev/liaison"
)

const productColumns = `p.id, p.version, p.title, p.body, p.topics, p.marking, p.originator_org, p.originator_officer,
	p.reliability, p.credibility, p.parent_id, p.parent_version, p.origins, p.origin_node, p.created_at`

var (
	qProduct         = prep(`SELECT ` + productColumns + ` FROM products p WHERE p.id = ? AND p.version = ?`)
	qProductNewest   = prep(`SELECT ` + productColumns + ` FROM products p WHERE p.id = ? ORDER BY p.version DESC LIMIT 1`)
	qProductVersions = prep(`SELECT ` + productColumns + ` FROM products p WHERE p.id = ? ORDER BY p.version`)
	qProductLatest   = prep(`SELECT version, originator_org FROM products WHERE id = ? ORDER BY version DESC LIMIT 1`)
	qProductOrigins  = prep(`SELECT origins FROM products WHERE id = ? AND version = ?`)
	qInsertProduct   = prep(`INSERT INTO products (id, version, title, body, topics, marking, class_rank,
		originator_org, originator_officer, reliability, credibility, parent_id, parent_version, origins,
		origin_node, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	qInsertProductTopic = prep(`INSERT OR IGNORE INTO product_topics (product_id, version, topic) VALUES (?, ?, ?)`)
)

func scanProduct(s scanner) (*liaison.Product, error) { return scanProductWith(s) }

// scanVisible scans a product followed by the time its holder came to hold it.
func scanVisible(s scanner) (*liaison.Product, error) {
	var at sql.NullInt64
	p, err := scanProductWith(s, &at)
	if err != nil {
		return nil, err
	}
	p.HeldAt = timeOf(at)
	return p, nil
}

// scanProductWith scans the product columns and then into extra.
func scanProductWith(s scanner, extra ...any) (*liaison.Product, error) {
	var p liaison.Product
	var topics, mark, origins string
	var parentID sql.NullString
	var parentVersion, created sql.NullInt64
	dest := append([]any{&p.ID, &p.Version, &p.Title, &p.Body, &topics, &mark, &p.OriginatorOrg, &p.OriginatorOfficer,
		&p.Reliability, &p.Credibility, &parentID, &parentVersion, &origins, &p.OriginNode, &created}, extra...)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	var err error
	if p.Topics, err = list[string](topics); err != nil {
		return nil, err
	}
	if err := decodeMarking(mark, &p.Marking); err != nil {
		return nil, err
	}
	if p.Origins, err = list[string](origins); err != nil {
		return nil, err
	}
	p.ParentID, p.ParentVersion = parentID.String, int(parentVersion.Int64)
	p.CreatedAt = timeOf(created)
	return &p, nil
}

// Product returns a version of a product; version 0 means the newest.
func (tx *Tx) Product(ctx context.Context, id string, version int) (*liaison.Product, error) {
	var row *sql.Row
	if version == 0 {
		row = tx.queryRow(ctx, qProductNewest, id)
	} else {
		row = tx.queryRow(ctx, qProduct, id, version)
	}
	p, err := scanProduct(row)
	if err != nil {
		if version == 0 {
			return nil, notFound(err, "product %q", id)
		}
		return nil, notFound(err, "product %q version %d", id, version)
	}
	return p, nil
}

// ProductVersions lists every version of a product, oldest first; none
// is ENOTFOUND.
func (tx *Tx) ProductVersions(ctx context.Context, id string) ([]*liaison.Product, error) {
	rows, err := tx.query(ctx, qProductVersions, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: product %q versions: %w", id, err)
	}
	ps, err := collect(rows, "product versions", scanProduct)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, liaison.Errorf(liaison.ENOTFOUND, "product %q", id)
	}
	return ps, nil
}

// CreateProduct stores p as a new version: a new product (new ID, version
// 1) when p.ID is empty or unknown, else the next version of it, which
// must have the same originator (ECONFLICT otherwise). A named parent
// must exist (EINVALID otherwise). It sets p.ID, p.Version and p.Origins,
// stores rank as the product's class rank, and records the originator's
// holding.
func (tx *Tx) CreateProduct(ctx context.Context, p *liaison.Product, rank int) error {
	if err := checkTimes("product", p.CreatedAt); err != nil {
		return err
	}
	id, version := p.ID, 1
	if id == "" {
		id = liaison.NewID()
	} else {
		var latest int
		var originator string
		err := tx.queryRow(ctx, qProductLatest, id).Scan(&latest, &originator)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("sqlite: create product %q: %w", id, err)
		case originator != p.OriginatorOrg:
			return liaison.Errorf(liaison.ECONFLICT, "product %q is originated by %s: %s may not add a version",
				id, originator, p.OriginatorOrg)
		default:
			version = latest + 1
		}
	}

	origins := append([]string{p.OriginatorOrg}, p.Origins...)
	if p.ParentID != "" {
		var parentOrigins string
		err := tx.queryRow(ctx, qProductOrigins, p.ParentID, p.ParentVersion).Scan(&parentOrigins)
		if errors.Is(err, sql.ErrNoRows) {
			return liaison.Errorf(liaison.EINVALID, "product %q: parent %s version %d not found",
				p.Title, p.ParentID, p.ParentVersion)
		} else if err != nil {
			return fmt.Errorf("sqlite: create product %q: parent: %w", id, err)
		}
		po, err := list[string](parentOrigins)
		if err != nil {
			return err
		}
		origins = append(origins, po...)
	}
	slices.Sort(origins)
	origins = slices.Compact(origins)

	topics, err := listJSON(p.Topics)
	if err != nil {
		return err
	}
	mark, err := jsonOf(p.Marking)
	if err != nil {
		return err
	}
	originsJSON, err := listJSON(origins)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, qInsertProduct, id, version, p.Title, p.Body, topics, mark, rank,
		p.OriginatorOrg, p.OriginatorOfficer, p.Reliability, p.Credibility,
		nullString(p.ParentID), nullInt(p.ParentVersion), originsJSON, p.OriginNode, ns(p.CreatedAt))
	if isUniqueViolation(err) {
		return liaison.Errorf(liaison.ECONFLICT, "product %q version %d already exists", id, version)
	} else if err != nil {
		return fmt.Errorf("sqlite: create product %q: %w", id, err)
	}
	for _, t := range p.Topics {
		if _, err := tx.exec(ctx, qInsertProductTopic, id, version, t); err != nil {
			return fmt.Errorf("sqlite: create product %q: topic %q: %w", id, t, err)
		}
	}
	err = insertHolding(ctx, tx, &liaison.Holding{
		OrgID: p.OriginatorOrg, ProductID: id, ProductVersion: version,
		Via: liaison.HoldingOrigin, At: p.CreatedAt,
	})
	if err != nil {
		return err
	}
	p.ID, p.Version, p.Origins = id, version, origins
	return nil
}

// maxLineage bounds the walk up a lineage, against a cycle no stored
// product can form but a product passed in might.
const maxLineage = 1000

// Lineage returns p's ancestors, parent first, each the version named by
// its child.
func (tx *Tx) Lineage(ctx context.Context, p *liaison.Product) ([]*liaison.Product, error) {
	out := []*liaison.Product{}
	id, version := p.ParentID, p.ParentVersion
	for id != "" {
		if len(out) == maxLineage {
			return nil, fmt.Errorf("sqlite: lineage of %q is longer than %d", p.ID, maxLineage)
		}
		if version == 0 {
			// A parent is named with its version; 0 would mean "newest".
			return nil, liaison.Errorf(liaison.EINVALID, "product %q: parent %s has no version", p.ID, id)
		}
		a, err := tx.Product(ctx, id, version)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
		id, version = a.ParentID, a.ParentVersion
	}
	return out, nil
}

const holdingColumns = `org_id, product_id, version, via, at, recalled_at`

var (
	qHolding = prep(`SELECT ` + holdingColumns + ` FROM holdings
		WHERE org_id = ? AND product_id = ? AND version = ? AND recalled_at IS NULL
		ORDER BY at DESC LIMIT 1`)
	qHoldingAnyVersion = prep(`SELECT ` + holdingColumns + ` FROM holdings
		WHERE org_id = ? AND product_id = ? AND recalled_at IS NULL
		ORDER BY version DESC, at DESC LIMIT 1`)
	qHolders       = prep(`SELECT org_id, product_id, version, via, at FROM visible WHERE product_id = ? ORDER BY org_id`)
	qInsertHolding = prep(`INSERT INTO holdings (` + holdingColumns + `) VALUES (?, ?, ?, ?, ?, ?)`)
	// qUpsertVisible keeps visible on the newest version an organisation
	// holds, and on its newest holding of it.
	qUpsertVisible = prep(`INSERT INTO visible (product_id, org_id, version, via, at, class_rank)
		SELECT id, ?1, version, ?4, ?5, class_rank FROM products WHERE id = ?2 AND version = ?3
		ON CONFLICT (product_id, org_id) DO UPDATE SET
			version = excluded.version, via = excluded.via, at = excluded.at, class_rank = excluded.class_rank
		WHERE excluded.version > visible.version
			OR (excluded.version = visible.version AND ifnull(excluded.at, -1) > ifnull(visible.at, -1))`)
)

func scanHolding(s scanner) (*liaison.Holding, error) {
	var h liaison.Holding
	var at, recalled sql.NullInt64
	if err := s.Scan(&h.OrgID, &h.ProductID, &h.ProductVersion, &h.Via, &at, &recalled); err != nil {
		return nil, err
	}
	h.At, h.RecalledAt = timeOf(at), timePtrOf(recalled)
	return &h, nil
}

// insertHolding records that h.OrgID holds a product version, and keeps
// visible in step. The version must exist (EINVALID otherwise).
func insertHolding(ctx context.Context, tx *Tx, h *liaison.Holding) error {
	_, err := tx.exec(ctx, qInsertHolding, h.OrgID, h.ProductID, h.ProductVersion, h.Via, ns(h.At), nsPtr(h.RecalledAt))
	switch {
	case isForeignKeyViolation(err):
		return liaison.Errorf(liaison.EINVALID, "product %s version %d not found", h.ProductID, h.ProductVersion)
	case isUniqueViolation(err):
		return liaison.Errorf(liaison.ECONFLICT, "%s already holds product %s version %d via %s",
			h.OrgID, h.ProductID, h.ProductVersion, h.Via)
	case err != nil:
		return fmt.Errorf("sqlite: holding of %s by %s: %w", h.ProductID, h.OrgID, err)
	}
	if h.RecalledAt != nil {
		return nil
	}
	if _, err := tx.exec(ctx, qUpsertVisible, h.OrgID, h.ProductID, h.ProductVersion, h.Via, ns(h.At)); err != nil {
		return fmt.Errorf("sqlite: visibility of %s to %s: %w", h.ProductID, h.OrgID, err)
	}
	return nil
}

// Holding returns the org's newest unrecalled holding of the product, of
// the given version or, when version is 0, of its newest version held.
func (tx *Tx) Holding(ctx context.Context, orgID, productID string, version int) (*liaison.Holding, error) {
	var row *sql.Row
	if version == 0 {
		row = tx.queryRow(ctx, qHoldingAnyVersion, orgID, productID)
	} else {
		row = tx.queryRow(ctx, qHolding, orgID, productID, version)
	}
	h, err := scanHolding(row)
	if err != nil {
		if version == 0 {
			return nil, notFound(err, "%s holds no version of product %s", orgID, productID)
		}
		return nil, notFound(err, "%s does not hold version %d of product %s", orgID, version, productID)
	}
	return h, nil
}

// Holders lists the organisations holding any version of a product, by
// organisation id: for each, its newest holding of the newest version it
// holds.
func (tx *Tx) Holders(ctx context.Context, productID string) ([]*liaison.Holding, error) {
	rows, err := tx.query(ctx, qHolders, productID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: holders of %s: %w", productID, err)
	}
	return collect(rows, "holders", func(s scanner) (*liaison.Holding, error) {
		var h liaison.Holding
		var at sql.NullInt64
		if err := s.Scan(&h.OrgID, &h.ProductID, &h.ProductVersion, &h.Via, &at); err != nil {
			return nil, err
		}
		h.At = timeOf(at)
		return &h, nil
	})
}

// VisibleProducts limits.
const (
	defaultLimit = 50
	maxLimit     = 1000
)

// The four shapes of the visible products query: with or without a
// topic filter, with or without paging. Each walks visible_by_org from the
// newest holding down and stops at the limit; CROSS JOIN keeps SQLite
// from choosing another order.
const visibleSelect = `SELECT ` + productColumns + `, v.at FROM visible v CROSS JOIN products p
	ON p.id = v.product_id AND p.version = v.version
	WHERE v.org_id = ?1 AND v.class_rank <= ?2`

const visibleTopics = ` AND EXISTS (SELECT 1 FROM product_topics t
		WHERE t.product_id = v.product_id AND t.version = v.version
		AND t.topic IN (SELECT value FROM json_each(?4)))`

const visibleOrder = ` ORDER BY v.at DESC, v.product_id DESC LIMIT ?5`

var (
	qVisibleAllTopics       = prep(visibleSelect + visibleOrder)
	qVisibleAllTopicsBefore = prep(visibleSelect + ` AND v.at < ?3` + visibleOrder)
	qVisible                = prep(visibleSelect + visibleTopics + visibleOrder)
	qVisibleBefore          = prep(visibleSelect + ` AND v.at < ?3` + visibleTopics + visibleOrder)
)

// VisibleProducts lists, newest holding first, the newest version held of
// each product the filter's organisation holds, when that version is at
// most f.MaxRank and shares a topic with f.Topics (or f.Topics holds
// AllTopics). A product whose newest version held is ranked too high is
// not listed, even when an older version would be within the rank. Limit
// is 50 when 0 and at most 1000.
func (tx *Tx) VisibleProducts(ctx context.Context, f liaison.ProductFilter) ([]*liaison.Product, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	all := slices.Contains(f.Topics, liaison.AllTopics)
	if !all && len(f.Topics) == 0 {
		return []*liaison.Product{}, nil
	}
	var before any
	if !f.Before.IsZero() {
		if err := checkTimes("visible products", f.Before); err != nil {
			return nil, err
		}
		before = f.Before.UnixNano()
	}
	var topics any
	var q string
	switch {
	case all && before == nil:
		q = qVisibleAllTopics
	case all:
		q = qVisibleAllTopicsBefore
	case before == nil:
		q = qVisible
	default:
		q = qVisibleBefore
	}
	if !all {
		t, err := listJSON(f.Topics)
		if err != nil {
			return nil, err
		}
		topics = t
	}
	rows, err := tx.query(ctx, q, f.OrgID, min(f.MaxRank, math.MaxInt32), before, topics, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: visible products of %s: %w", f.OrgID, err)
	}
	return collect(rows, "visible products", scanVisible)
}
