package desk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
	"github.com/liaison-dev/liaison/stix"
)

// objectSession is an officer's access to the node's STIX objects: the
// collections of the TAXII server.
//
// The home organisation's officers read the home collection: everything
// the node holds, up to their clearance and, for the products' reports,
// their need-to-know; its administrators also read every partner's
// collection, to see what reached whom. Auditors, who read no product,
// have no collection. A partner's officers read their own organisation's
// collection: what was disseminated to it and what it gave. Officers who may write products may
// write to the collection of their organisation; what they write is given
// to the node with their organisation as its origin.
type objectSession struct {
	*session
}

var _ liaison.ObjectService = (*objectSession)(nil)

// Objects returns o's access to the node's STIX objects.
func (d *Desk) Objects(o *liaison.Officer) liaison.ObjectService {
	return &objectSession{session: &session{d: d, me: o}}
}

// collectionNamespace derives collection ids: one per node and audience,
// the same every time.
var collectionNamespace = uuid.MustParse("6f1c0e52-4d3a-4c43-9a3e-2b0c5d0f7a11")

// CollectionID is the id of the collection of orgID's view on the node.
func CollectionID(nodeID, orgID string) string {
	return uuid.NewSHA1(collectionNamespace, []byte(nodeID+"/"+orgID)).String()
}

// collectionFor describes org's collection as the officer sees it.
func (s *objectSession) collectionFor(n *liaison.Node, org *liaison.Organisation) *liaison.Collection {
	c := &liaison.Collection{ID: CollectionID(n.ID, org.ID), Alias: org.ID, CanRead: true,
		MediaTypes: []string{stixMediaType}, OrgID: org.ID}
	if org.ID == n.HomeOrg {
		c.Title = org.Name + ": holdings"
		c.Description = "Everything this node holds, up to your clearance."
	} else {
		c.Title = "Exchanged with " + org.Name
		c.Description = fmt.Sprintf("What %s received from this node or gave to it.", org.Name)
	}
	c.CanWrite = s.me.OrgID == org.ID && slices.Contains(writerRoles, s.me.Role)
	return c
}

const stixMediaType = "application/stix+json;version=2.1"

// Collections implements liaison.ObjectService.
func (s *objectSession) Collections(ctx context.Context) ([]*liaison.Collection, error) {
	n, err := s.node(ctx)
	if err != nil {
		return nil, err
	}
	var out []*liaison.Collection
	if s.me.Role == liaison.RoleAuditor {
		// Auditors read the audit chain, not products.
		return out, nil
	}
	err = s.d.store.View(ctx, func(tx liaison.Tx) error {
		own, err := s.d.organisation(ctx, tx, s.me.OrgID)
		if err != nil {
			return err
		}
		out = append(out, s.collectionFor(n, own))
		if !s.overseer(n) {
			return nil
		}
		orgs, err := tx.Organisations(ctx)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			if o.ID != n.HomeOrg {
				out = append(out, s.collectionFor(n, o))
			}
		}
		return nil
	})
	return out, err
}

// overseer reports whether the officer reads every partner's collection:
// the home organisation's administrators.
func (s *objectSession) overseer(n *liaison.Node) bool {
	return s.me.OrgID == n.HomeOrg && s.me.Role == liaison.RoleAdmin
}

// Collection implements liaison.ObjectService.
func (s *objectSession) Collection(ctx context.Context, id string) (*liaison.Collection, error) {
	// The officer's own collection, the one nearly every request names, is
	// described without reading the store once the organisation is cached
	// (organisations never change).
	n, err := s.node(ctx)
	if err != nil {
		return nil, err
	}
	if s.me.Role == liaison.RoleAuditor {
		return nil, liaison.Errorf(liaison.ENOTFOUND, "collection %s not found", id)
	}
	if id == s.me.OrgID || id == CollectionID(n.ID, s.me.OrgID) {
		if own, ok := s.d.orgs.Load(s.me.OrgID); ok {
			return s.collectionFor(n, own.(*liaison.Organisation)), nil
		}
	}
	cs, err := s.Collections(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if c.ID == id || (c.Alias != "" && c.Alias == id) {
			return c, nil
		}
	}
	return nil, liaison.Errorf(liaison.ENOTFOUND, "collection %s not found", id)
}

// scope is what a collection holds for the officer.
func (s *objectSession) scope(ctx context.Context, c *liaison.Collection) (liaison.ObjectScope, error) {
	n, err := s.node(ctx)
	if err != nil {
		return liaison.ObjectScope{}, err
	}
	rank, err := s.d.marks.Rank(s.me.Clearance)
	if err != nil {
		return liaison.ObjectScope{}, liaison.Errorf(liaison.EFORBIDDEN, "your clearance %s cannot be ranked", s.me.Clearance)
	}
	sc := liaison.ObjectScope{OrgID: c.OrgID, MaxRank: rank}
	if c.OrgID == n.HomeOrg {
		sc.OrgID = ""
	}
	if !slices.Contains(s.me.NeedToKnow, liaison.AllTopics) {
		// Need-to-know binds over TAXII as it does on the product API.
		sc.Topics = append([]string{}, s.me.NeedToKnow...)
	}
	return sc, nil
}

// Objects implements liaison.ObjectService.
func (s *objectSession) Objects(ctx context.Context, q liaison.ObjectQuery) (*liaison.ObjectPage, error) {
	c, err := s.Collection(ctx, q.Collection)
	if err != nil {
		return nil, err
	}
	sc, err := s.scope(ctx, c)
	if err != nil {
		return nil, err
	}
	var page *liaison.ObjectPage
	for caughtUp := false; ; caughtUp = true {
		due := false
		err = s.d.store.View(ctx, func(tx liaison.Tx) (err error) {
			if sc.OrgID != "" && !caughtUp {
				hs, err := tx.SharesDue(ctx, sc.OrgID, 1)
				if err != nil {
					return err
				}
				if due = len(hs) > 0; due {
					return nil
				}
			}
			page, err = tx.QueryObjects(ctx, sc, q)
			return err
		})
		if err != nil || !due {
			return page, err
		}
		if err := s.d.catchUp(ctx, sc.OrgID); err != nil {
			return nil, err
		}
	}
}

// catchUp brings a partner's collection up to date with what it holds:
// the STIX objects of the products disseminated to it since it was last
// read go in, dated now. Collections are kept this way, when read, rather
// than by each dissemination, which keeps disseminating as cheap as it was
// before there were collections; the holdings are the durable record.
func (d *Desk) catchUp(ctx context.Context, orgID string) error {
	return d.store.Update(ctx, func(tx liaison.Tx) error {
		for {
			due, err := tx.SharesDue(ctx, orgID, 500)
			if err != nil || len(due) == 0 {
				return err
			}
			for _, h := range due {
				p, err := tx.Product(ctx, h.ProductID, h.ProductVersion)
				if err != nil {
					return err
				}
				if err := d.shareProduct(ctx, tx, p, orgID); err != nil {
					return err
				}
			}
			if err := tx.SetSharedThrough(ctx, orgID, due[len(due)-1].At); err != nil {
				return err
			}
		}
	})
}

// AddObjects implements liaison.ObjectService: the objects are imported
// with the collection's organisation as their origin, and a partner's
// collection then holds what the partner gave.
func (s *objectSession) AddObjects(ctx context.Context, collectionID string, objects []json.RawMessage) (*liaison.ImportStatus, error) {
	c, err := s.Collection(ctx, collectionID)
	if err != nil {
		return nil, err
	}
	if !c.CanWrite {
		return nil, liaison.Errorf(liaison.EFORBIDDEN, "you may not write to collection %s", c.ID)
	}
	status := &liaison.ImportStatus{ID: liaison.NewID(), Status: liaison.StatusComplete,
		RequestTimestamp: s.d.clock.Now(), TotalCount: len(objects), OrgID: s.me.OrgID}
	im, err := s.d.NewImporter(ctx, s.me, ImportOptions{Origin: c.OrgID, Source: "taxii status " + status.ID})
	if err != nil {
		return nil, err
	}
	var held []int // the objects the node held already
	im.onResult = func(r ImportResult) {
		res := liaison.ObjectResult{ID: r.ID, Version: r.Version, Message: r.Message}
		if r.Err != nil {
			res.Message = r.Err.Error()
			status.Failures = append(status.Failures, res)
			return
		}
		if !r.Stored && c.OrgID != im.node.HomeOrg {
			held = append(held, r.Index)
		}
		status.Successes = append(status.Successes, res)
	}
	if err := im.Add(ctx, objects); err != nil {
		return nil, err
	}
	if err := im.Close(ctx); err != nil {
		return nil, err
	}
	if len(held) > 0 {
		if err := s.giveBack(ctx, c.OrgID, objects, held); err != nil {
			return nil, err
		}
	}
	status.SuccessCount, status.FailureCount = len(status.Successes), len(status.Failures)
	err = s.d.store.Update(ctx, func(tx liaison.Tx) error { return tx.PutImportStatus(ctx, status) })
	return status, err
}

// giveBack puts in orgID's collection the versions orgID gave that the
// node held already, which the import therefore did not share: a partner
// that gives an object again (say, after deleting it from its collection)
// or gives one the node had from elsewhere holds it in its collection,
// as it holds everything else it gave. Only a version held byte for byte
// as given goes back: one that differs in anything but its id and
// version would tell the partner what it did not give.
func (s *objectSession) giveBack(ctx context.Context, orgID string, objects []json.RawMessage, held []int) error {
	return s.d.store.Update(ctx, func(tx liaison.Tx) error {
		var keys []liaison.ObjectKey
		for _, i := range held {
			h, err := stix.Parse(objects[i])
			if err != nil {
				continue // imported, so it parses; but it cannot be found
			}
			page, err := tx.QueryObjects(ctx, liaison.ObjectScope{MaxRank: marking.RankTopSecret}, liaison.ObjectQuery{
				IDs: []string{h.ID}, SpecVersions: []string{h.SpecVersion},
				Versions: liaison.VersionMatch{At: []time.Time{h.Version()}}, Limit: 1})
			if err != nil {
				return err
			}
			if len(page.Objects) == 1 && page.Objects[0].Version.Equal(h.Version()) && bytes.Equal(page.Objects[0].Raw, objects[i]) {
				o := page.Objects[0]
				keys = append(keys, liaison.ObjectKey{ID: o.ID, Version: o.Version, Added: o.Added})
			}
		}
		if len(keys) == 0 {
			return nil
		}
		n, err := tx.ShareObjects(ctx, orgID, keys)
		if err != nil || n == 0 {
			return err
		}
		return s.record(ctx, tx, "objects.import", fmt.Sprintf("%d object version(s)", n), orgID, true, nil,
			fmt.Sprintf("%d version(s) held already, given again by %s, back in its collection", n, orgID))
	})
}

// DeleteObject implements liaison.ObjectService. Withdrawing from the home
// collection takes an administrator; from a partner's collection, an
// administrator of the home organisation or an officer of the partner
// who may write to it.
func (s *objectSession) DeleteObject(ctx context.Context, collectionID, id string, versions liaison.VersionMatch, specVersions []string) error {
	c, err := s.Collection(ctx, collectionID)
	if err != nil {
		return err
	}
	n, err := s.node(ctx)
	if err != nil {
		return err
	}
	homeAdmin := s.me.OrgID == n.HomeOrg && s.me.Role == liaison.RoleAdmin
	allowed := homeAdmin || (c.OrgID != n.HomeOrg && c.CanWrite)
	sc, err := s.scope(ctx, c)
	if err != nil {
		return err
	}
	if allowed && sc.OrgID != "" {
		// What the partner may read is what it may delete.
		if err := s.d.catchUp(ctx, sc.OrgID); err != nil {
			return err
		}
	}
	return s.update(ctx, func(tx liaison.Tx) (*refusal, error) {
		if !allowed {
			return s.refuse(ctx, tx, "object.withdraw", id, c.OrgID, liaison.Errorf(liaison.EFORBIDDEN,
				"you may not delete objects from collection %s", c.ID))
		}
		k, err := tx.WithdrawObjects(ctx, sc, id, versions, specVersions, s.d.clock.Now())
		if err != nil {
			return nil, err
		}
		if k == 0 {
			return nil, liaison.Errorf(liaison.ENOTFOUND, "object %s not found in collection %s", id, c.ID)
		}
		return nil, s.record(ctx, tx, "object.withdraw", id, c.OrgID, true, nil,
			fmt.Sprintf("%d version(s) withdrawn from the collection of %s", k, c.OrgID))
	})
}

// Status implements liaison.ObjectService: only the organisation that
// made the request may read its status.
func (s *objectSession) Status(ctx context.Context, id string) (*liaison.ImportStatus, error) {
	var st *liaison.ImportStatus
	err := s.d.store.View(ctx, func(tx liaison.Tx) (err error) {
		st, err = tx.ImportStatus(ctx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if st.OrgID != s.me.OrgID {
		return nil, liaison.Errorf(liaison.ENOTFOUND, "status %q not found", id)
	}
	return st, nil
}

// objectOf is an object as the store keeps it, from its header and raw
// JSON, with the organisation it came from.
func objectOf(h *stix.Header, raw json.RawMessage, origin string) *liaison.Object {
	return &liaison.Object{ID: h.ID, Type: h.Type, SpecVersion: h.SpecVersion, Version: h.Version(), Raw: raw, Origin: origin}
}

// stixObject is objectOf for raw JSON liaison wrote, whose header it reads.
func stixObject(raw json.RawMessage, origin string) (*liaison.Object, *stix.Header, error) {
	h, err := stix.Parse(raw)
	if err != nil {
		return nil, nil, err
	}
	return objectOf(h, raw, origin), h, nil
}

// identityObject is the STIX identity of an organisation.
func identityObject(o *liaison.Organisation, origin string) (*liaison.Object, error) {
	raw, err := stix.Identity(o)
	if err != nil {
		return nil, err
	}
	obj, _, err := stixObject(raw, origin)
	return obj, err
}

// putIdentity stores the STIX identity of an organisation, once.
func (d *Desk) putIdentity(ctx context.Context, tx liaison.Tx, o *liaison.Organisation) error {
	obj, err := identityObject(o, o.ID)
	if err != nil {
		return fmt.Errorf("identity of %s: %w", o.ID, err)
	}
	_, err = tx.PutObjects(ctx, []*liaison.Object{obj})
	return err
}

// productObjects are the STIX objects of a product version: its report,
// the marking-definition of its marking and its originator's identity.
func (d *Desk) productObjects(ctx context.Context, tx liaison.Tx, p *liaison.Product, refs []string) ([]*liaison.Object, error) {
	org, err := d.organisation(ctx, tx, p.OriginatorOrg)
	if err != nil {
		return nil, err
	}
	ident, err := identityObject(org, org.ID)
	if err != nil {
		return nil, err
	}
	rank, err := d.marks.Rank(p.Marking.Classification)
	if err != nil {
		return nil, err
	}
	out := []*liaison.Object{ident}
	def, err := stix.MarkingDefinition(p.Marking)
	if err != nil {
		return nil, fmt.Errorf("marking of product %s: %w", p.ID, err)
	}
	defObj, _, err := stixObject(def, p.OriginatorOrg)
	if err != nil {
		return nil, fmt.Errorf("marking of product %s: %w", p.ID, err)
	}
	out = append(out, defObj)
	opts := stix.ReportOptions{ObjectRefs: refs}
	if p.Version > 1 {
		// Every STIX version of an object has the created of the first.
		first, err := tx.Product(ctx, p.ID, 1)
		if err != nil {
			return nil, err
		}
		opts.FirstCreated = first.CreatedAt
	}
	raw, err := stix.ReportWith(p, opts)
	if err != nil {
		return nil, fmt.Errorf("report of product %s: %w", p.ID, err)
	}
	report, h, err := stixObject(raw, p.OriginatorOrg)
	if err != nil {
		return nil, fmt.Errorf("report of product %s: %w", p.ID, err)
	}
	report.Marking, report.Rank, report.Refs = p.Marking, rank, reportRefs(h)
	report.ProductID, report.ProductVersion = p.ID, p.Version
	return append(out, report), nil
}

// reportRefs are the ids that travel with a report: its object_refs, its
// marking-definitions, its creator's identity, and the definition of
// liaison's extension when it carries it.
func reportRefs(h *stix.Header) []string {
	refs := slices.Concat(h.ObjectRefs, h.ObjectMarkingRefs)
	if h.CreatedByRef != "" {
		refs = append(refs, h.CreatedByRef)
	}
	if h.Extension != nil {
		// liaison's extension travels with its definition.
		refs = append(refs, stix.ExtensionID, stix.ProjectIdentityID)
	}
	slices.Sort(refs)
	return slices.Compact(refs)
}

// putProduct stores the STIX objects of a product version, and liaison's
// own objects its report refers to.
func (d *Desk) putProduct(ctx context.Context, tx liaison.Tx, p *liaison.Product) error {
	objs, err := d.productObjects(ctx, tx, p, nil)
	if err != nil {
		return err
	}
	own, err := liaisonObjects()
	if err != nil {
		return err
	}
	_, err = tx.PutObjects(ctx, append(own, objs...))
	return err
}

// liaisonObjects are the STIX objects every node holds and shares with
// what it shares, so that references to them resolve: the definition of
// liaison's extension and the identity of the liaison project that
// defines it (and liaison's statement markings).
func liaisonObjects() ([]*liaison.Object, error) {
	own, err := liaisonOwn()
	if err != nil {
		return nil, err
	}
	// Copies: the store sets Added on what it stores.
	out := make([]*liaison.Object, len(own))
	for i := range own {
		o := own[i]
		out[i] = &o
	}
	return out, nil
}

// liaisonOwn reads liaison's own objects once: they are constants.
var liaisonOwn = sync.OnceValues(func() ([]liaison.Object, error) {
	var out []liaison.Object
	for _, raw := range []json.RawMessage{stix.ProjectIdentity(), stix.ExtensionDefinition()} {
		o, _, err := stixObject(raw, "")
		if err != nil {
			return nil, fmt.Errorf("liaison's own STIX objects: %w", err)
		}
		out = append(out, *o)
	}
	return out, nil
})

// shareProduct puts a product version's STIX objects in the recipient's
// collection: its report, and the objects the report names, each in its
// newest version held, as long as that version's own marking does not
// restrict it more than the product's does (what is more restricted stays
// home: it was never cleared for release with the product) and the
// organisation it came from consented (see consented).
func (d *Desk) shareProduct(ctx context.Context, tx liaison.Tx, p *liaison.Product, to string) error {
	report, err := tx.ProductObject(ctx, p.ID, p.Version)
	if liaison.ErrorCode(err) == liaison.ENOTFOUND {
		if err := d.putProduct(ctx, tx, p); err != nil {
			return err
		}
		report, err = tx.ProductObject(ctx, p.ID, p.Version)
	}
	if err != nil {
		return err
	}
	keys := []liaison.ObjectKey{{ID: report.ID, Version: report.Version, Added: report.Added}}
	if len(report.Refs) > 0 {
		n, err := d.Node(ctx)
		if err != nil {
			return err
		}
		goes := func(o *liaison.Object) bool {
			return d.travelsWith(o, report) && consented(o, p, to, n.HomeOrg)
		}
		refs, err := tx.LatestObjects(ctx, report.Refs)
		if err != nil {
			return err
		}
		var second []string
		for _, o := range refs {
			if !goes(o) {
				continue
			}
			keys = append(keys, liaison.ObjectKey{ID: o.ID, Version: o.Version, Added: o.Added})
			// What an object names to be read (its markings, its creator)
			// travels with it.
			for _, r := range o.Refs {
				if (strings.HasPrefix(r, "marking-definition--") || strings.HasPrefix(r, "identity--")) && !slices.Contains(report.Refs, r) {
					second = append(second, r)
				}
			}
		}
		if len(second) > 0 {
			more, err := tx.LatestObjects(ctx, second)
			if err != nil {
				return err
			}
			for _, o := range more {
				if goes(o) {
					keys = append(keys, liaison.ObjectKey{ID: o.ID, Version: o.Version, Added: o.Added})
				}
			}
		}
	}
	slices.SortFunc(keys, func(a, b liaison.ObjectKey) int {
		if c := strings.Compare(a.ID, b.ID); c != 0 {
			return c
		}
		return a.Version.Compare(b.Version)
	})
	keys = slices.Compact(keys)
	_, err = tx.ShareObjects(ctx, to, keys)
	return err
}

// consented reports whether the organisation object o came from lets it
// go to organisation to with product p: the third-party rule binds what a
// partner gave as it binds its products. It goes when it is liaison's own
// or the node's, when it came from one of the product's origins (each of
// which consented to the product's release, or is its sender), when it
// goes back to where it came from, or when it is TLP:CLEAR without
// caveats (its originator allows onward release).
func consented(o *liaison.Object, p *liaison.Product, to, home string) bool {
	if o.Origin == "" || o.Origin == home || o.Origin == to || slices.Contains(p.Origins, o.Origin) {
		return true
	}
	m := o.Marking
	return m.Classification.Scheme == "TLP" && m.Classification.Level == "CLEAR" && m.Caveats() == ""
}

// travelsWith reports whether object o may go wherever product report r
// goes: unmarked, or no higher in rank (nor, in the product's own scheme,
// higher in it: TLP:AMBER+STRICT ranks as TLP:AMBER does, and restricts
// more) and with no caveat the product lacks, and never TLP:RED.
func (d *Desk) travelsWith(o, r *liaison.Object) bool {
	m := o.Marking
	if m.Classification.Scheme == "" {
		return true
	}
	if m.Classification.Scheme == "TLP" && m.Classification.Level == "RED" {
		return false
	}
	pm := r.Marking
	if o.Rank > r.Rank {
		return false
	}
	if m.Classification.Scheme == pm.Classification.Scheme {
		if c, err := d.marks.Compare(m.Classification, pm.Classification); err != nil || c > 0 {
			return false
		}
	}
	switch {
	case m.OriginatorControl && !pm.OriginatorControl,
		m.NoForeign && !pm.NoForeign,
		m.NoOnward && !pm.NoOnward,
		m.InfoOnly && !pm.InfoOnly,
		m.LeadOnly && !pm.LeadOnly,
		m.Handling != "" && m.Handling != pm.Handling,
		!m.Expires.IsZero() && (pm.Expires.IsZero() || m.Expires.Before(pm.Expires)):
		return false
	}
	if len(m.ReleasableTo) > 0 {
		if len(pm.ReleasableTo) == 0 {
			return false
		}
		for _, t := range pm.ReleasableTo {
			if !slices.Contains(m.ReleasableTo, t) {
				return false
			}
		}
	}
	return true
}
