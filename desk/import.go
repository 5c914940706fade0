package desk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
	"github.com/liaison-dev/liaison/stix"
)

// ImportOptions configure an import of STIX objects.
type ImportOptions struct {
	// Origin is the organisation the objects come from: their originator
	// for the third-party rule. "" is the home organisation.
	Origin string
	// DefaultMarking is the banner given to reports that carry no marking
	// of their own: they become products, and a product needs one. ""
	// means DefaultImportMarking.
	DefaultMarking string
	// Validate checks every object against the OASIS STIX 2.1 JSON
	// schemas as well, beyond the structural checks every object gets.
	Validate bool
	// Source says where the objects come from (a file, a TAXII server),
	// for the audit chain.
	Source string
	// BatchSize is how many objects one transaction stores; 0 means
	// DefaultImportBatch.
	BatchSize int
}

// DefaultImportBatch is how many objects one transaction of an import
// stores by default. Each transaction rewrites most leaves of the index
// of object keys (the keys are random), so fewer, larger ones write less;
// 4,000 took 5–9 % off an import of 100,000 objects against 2,000, for
// 30 MiB more peak memory at a million (BENCHMARKS.md), and holds the
// store's one writer for under 0.1 s at a time.
const DefaultImportBatch = 4000

// DefaultImportMarking marks imported reports that carry no marking: what
// is not marked may still be shared with partners under an agreement, but
// not passed on by them.
const DefaultImportMarking = "TLP:AMBER"

// maxPendingBytes bounds the objects an import holds back because they
// name a marking-definition not yet seen (bundles may define markings
// after the objects that use them).
const maxPendingBytes = 64 << 20

// ImportResult is what became of one object of an import.
type ImportResult struct {
	// Index is the object's position in the import, from 0.
	Index int
	ID    string
	Type  string
	// Version is the version's STIX timestamp, "" for objects without one.
	Version string
	// Stored is true for a version the node did not hold; false with a
	// nil Err for one it held already.
	Stored bool
	// Product names the product a report became, if it did.
	Product string
	// Err says why the object was rejected.
	Err error
	// Message is a short note on a success (e.g. "duplicate").
	Message string
}

// ImportReport sums an import up.
type ImportReport struct {
	Read       int            `json:"read"`
	Stored     int            `json:"stored"`
	Duplicates int            `json:"duplicates"`
	Rejected   int            `json:"rejected"`
	Products   int            `json:"products"`
	ByType     map[string]int `json:"by_type"` // stored versions, by STIX type
}

// Importer stores STIX objects in the node, batch by batch, each object
// on its own: one that is malformed, names an unknown marking or fails
// validation is rejected with its reason and the others go on. Reports
// become products (new versions of them when a newer version arrives),
// marked by the object's own markings, which the policy then enforces.
// Create one with Desk.NewImporter; it is not safe for concurrent use.
type Importer struct {
	s      *session
	opts   ImportOptions
	node   *liaison.Node
	origin *liaison.Organisation
	def    marking.Marking
	valid  *stix.Validator
	report ImportReport
	next   int // index of the next object
	batch  []item
	// waiting holds the objects held back for a marking-definition not
	// seen yet, by the reference they wait for; retry those whose
	// definition has come since, for the next batch; learned the
	// definitions the batch being stored has brought.
	waiting      map[string][]item
	waitingN     int
	pendingBytes int
	retry        []item
	learned      []string
	// reports holds the version of each report made a product in the
	// batch being stored, which the store does not hold yet: the same
	// version again, or an older one, later in the batch is no new
	// product version.
	reports map[string]time.Time
	// markings caches resolved marking-definitions: id → handling, and
	// whether the definition carries any.
	markings map[string]resolvedMarking
	// notStored holds the marking references the store was asked for in
	// vain: they can only be defined later in the import.
	notStored map[string]bool
	onResult  func(ImportResult)
	// storing delivers the result of the batch being stored, if any;
	// failed is the first store failure, after which nothing is stored.
	storing chan error
	failed  error
}

type resolvedMarking struct {
	m  marking.Marking
	ok bool
}

// item is one object of an import: its raw JSON, and its header once
// parsed or why it could not be read.
type item struct {
	index    int
	raw      json.RawMessage
	h        *stix.Header
	err      error
	rejected bool // err is final: the object never reached the importer whole
}

// NewImporter returns an importer acting for officer o. Importing for the
// home organisation takes a role that may write products; importing in
// the name of a partner (opts.Origin) takes the home organisation's
// administrator, or an officer of that partner. The same holds for a
// report whose liaison extension names another originator: only the home
// organisation's administrator makes it that organisation's product.
func (d *Desk) NewImporter(ctx context.Context, o *liaison.Officer, opts ImportOptions) (*Importer, error) {
	s := &session{d: d, me: o}
	n, err := d.Node(ctx)
	if err != nil {
		return nil, err
	}
	if opts.Origin == "" {
		opts.Origin = n.HomeOrg
	}
	if err := s.requireRole("importing STIX objects", writerRoles...); err != nil {
		return nil, err
	}
	if opts.Origin != o.OrgID && !(o.OrgID == n.HomeOrg && o.Role == liaison.RoleAdmin) {
		return nil, liaison.Errorf(liaison.EFORBIDDEN, "only the home organisation's administrator may import in the name of %s", opts.Origin)
	}
	var origin *liaison.Organisation
	err = d.store.View(ctx, func(tx liaison.Tx) (err error) {
		origin, err = d.organisation(ctx, tx, opts.Origin)
		return err
	})
	if err != nil {
		if liaison.ErrorCode(err) == liaison.ENOTFOUND {
			return nil, liaison.Errorf(liaison.EINVALID, "import: origin %q is not a registered organisation", opts.Origin)
		}
		return nil, err
	}
	if opts.DefaultMarking == "" {
		opts.DefaultMarking = DefaultImportMarking
	}
	def, err := d.marks.Parse(opts.DefaultMarking)
	if err != nil {
		return nil, markingError("import default marking", err)
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultImportBatch
	}
	im := &Importer{s: s, opts: opts, node: n, origin: origin, def: def,
		markings: map[string]resolvedMarking{}, notStored: map[string]bool{}, waiting: map[string][]item{}, reports: map[string]time.Time{},
		report: ImportReport{ByType: map[string]int{}}}
	if opts.Validate {
		if im.valid, err = d.validator(); err != nil {
			return nil, err
		}
	}
	return im, nil
}

// validator returns the desk's STIX schema validator, loaded once.
func (d *Desk) validator() (*stix.Validator, error) {
	d.validOnce.Do(func() { d.valid, d.validErr = stix.NewValidator() })
	return d.valid, d.validErr
}

// OnResult sets a function called with the result of every object, in
// the order the objects are settled (objects held back for a marking
// defined later in the input are settled last).
func (im *Importer) OnResult(fn func(ImportResult)) { im.onResult = fn }

// Report returns the counts so far.
func (im *Importer) Report() ImportReport { return im.report }

// Add imports objects, storing them a batch at a time. It returns an error
// only when the store fails; what is wrong with an object is its result.
func (im *Importer) Add(ctx context.Context, objects []json.RawMessage) error {
	for _, raw := range objects {
		// Objects are parsed here, while the batch before is being
		// stored: parsing and storing run at once, on two cores.
		it := item{index: im.next, raw: raw}
		it.h, it.err = stix.Parse(raw)
		im.batch = append(im.batch, it)
		im.next++
		if len(im.batch) >= im.opts.BatchSize {
			if err := im.dispatch(ctx, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// Reject counts an object the caller could not even read (say, an array
// element that is not a JSON object) as rejected, with its reason.
func (im *Importer) Reject(err error) {
	im.batch = append(im.batch, item{index: im.next, err: err, rejected: true})
	im.next++
}

// dispatch hands the batch to a goroutine that stores it, once the batch
// before is stored; the importer's state other than the batch being
// filled is the storing goroutine's until wait returns.
func (im *Importer) dispatch(ctx context.Context, final bool) error {
	if err := im.wait(); err != nil {
		return err
	}
	if len(im.retry) > 0 {
		// Objects whose marking-definition has come go first.
		im.batch = append(im.retry, im.batch...)
		im.retry = nil
	}
	if len(im.batch) == 0 {
		return nil
	}
	batch := im.batch
	im.batch = make([]item, 0, im.opts.BatchSize)
	done := make(chan error, 1)
	im.storing = done
	go func() { done <- im.flush(ctx, batch, final) }()
	return nil
}

// wait waits for the batch being stored, if any.
func (im *Importer) wait() error {
	if im.storing == nil {
		return im.failed
	}
	err := <-im.storing
	im.storing = nil
	if err != nil && im.failed == nil {
		im.failed = err
	}
	return im.failed
}

// Flush stores the objects added so far, but for those held back for a
// marking-definition not seen yet, and waits until they are stored.
func (im *Importer) Flush(ctx context.Context) error {
	for {
		if err := im.dispatch(ctx, false); err != nil {
			return err
		}
		if err := im.wait(); err != nil {
			return err
		}
		// What waited for a definition the batch brought goes again.
		if len(im.retry) == 0 {
			return nil
		}
	}
}

// Pending returns how many objects are held back for a marking-definition
// not seen yet. Call it after Flush.
func (im *Importer) Pending() int { return im.waitingN + len(im.retry) }

// Close stores what is left, settles the objects held back for their
// markings (rejecting those whose marking never came), and waits for all
// of it. Results and the Report are complete once it returns.
func (im *Importer) Close(ctx context.Context) error {
	if err := im.Flush(ctx); err != nil {
		return err
	}
	if im.waitingN == 0 {
		return nil
	}
	for _, items := range im.waiting {
		im.batch = append(im.batch, items...)
	}
	im.waiting, im.waitingN, im.pendingBytes = map[string][]item{}, 0, 0
	sort.Slice(im.batch, func(i, j int) bool { return im.batch[i].index < im.batch[j].index })
	if err := im.dispatch(ctx, true); err != nil {
		return err
	}
	return im.wait()
}

func (im *Importer) settle(r ImportResult) {
	im.report.Read++
	switch {
	case r.Err != nil:
		im.report.Rejected++
	case r.Stored:
		im.report.Stored++
		im.report.ByType[r.Type]++
	default:
		im.report.Duplicates++
	}
	if r.Product != "" && r.Stored {
		im.report.Products++
	}
	if im.onResult != nil {
		im.onResult(r)
	}
}

// errUnknownMarking is why an object waits for a marking-definition.
var errUnknownMarking = errors.New("unknown marking")

// unknownMarking says which marking-definition an object waits for.
type unknownMarking struct{ object, ref string }

func (e *unknownMarking) Error() string {
	return fmt.Sprintf("%s: unknown marking %s", e.object, e.ref)
}

// Is makes an unknownMarking an errUnknownMarking.
func (e *unknownMarking) Is(target error) bool { return target == errUnknownMarking }

// flush stores the batch in one transaction. final means objects naming
// unknown markings are rejected rather than held back.
func (im *Importer) flush(ctx context.Context, batch []item, final bool) error {
	var results []ImportResult
	var held []item
	var heldFor []string
	err := im.s.d.store.Update(ctx, func(tx liaison.Tx) error {
		results, held, heldFor, im.learned = results[:0], held[:0], heldFor[:0], im.learned[:0]
		clear(im.reports)
		objs := make([]*liaison.Object, 0, len(batch))
		idx := make([]int, 0, len(batch)) // results index of each obj
		for _, it := range batch {
			r := ImportResult{Index: it.index}
			obj, err := im.object(ctx, tx, &it, &r)
			switch {
			case errors.Is(err, errUnknownMarking) && !final && im.pendingBytes+len(it.raw) <= maxPendingBytes:
				var um *unknownMarking
				errors.As(err, &um)
				held, heldFor = append(held, it), append(heldFor, um.ref)
				continue
			case errors.Is(err, errUnknownMarking):
				if final {
					r.Err = liaison.Errorf(liaison.EMARKING, "%v: no such marking-definition in the input or on this node", err)
				} else {
					r.Err = liaison.Errorf(liaison.EMARKING, "%v: %d MiB of objects already wait for their marking-definitions (define markings before the objects that use them)",
						err, maxPendingBytes>>20)
				}
			case err != nil && !isDomain(err):
				return err
			case err != nil:
				r.Err = err
			default:
				objs = append(objs, obj)
				idx = append(idx, len(results))
			}
			results = append(results, r)
		}
		stored, err := tx.PutObjects(ctx, objs)
		if err != nil {
			return err
		}
		var share []liaison.ObjectKey
		for i, ok := range stored {
			r := &results[idx[i]]
			r.Stored = ok
			if !ok {
				r.Message = "duplicate: this version is held already"
				r.Product = ""
				continue
			}
			if im.origin.ID != im.node.HomeOrg {
				share = append(share, liaison.ObjectKey{ID: objs[i].ID, Version: objs[i].Version})
			}
		}
		if len(share) > 0 {
			if _, err := tx.ShareObjects(ctx, im.origin.ID, share); err != nil {
				return err
			}
		}
		return im.audit(ctx, tx, results)
	})
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	for i, it := range held {
		im.waiting[heldFor[i]] = append(im.waiting[heldFor[i]], it)
		im.waitingN++
		im.pendingBytes += len(it.raw)
	}
	// What waited for a definition this batch brought goes again.
	for _, id := range im.learned {
		for _, it := range im.waiting[id] {
			im.retry = append(im.retry, it)
			im.waitingN--
			im.pendingBytes -= len(it.raw)
		}
		delete(im.waiting, id)
	}
	for _, r := range results {
		im.settle(r)
	}
	return nil
}

// isDomain reports whether err is one of liaison's coded errors.
func isDomain(err error) bool {
	var e *liaison.Error
	return errors.As(err, &e)
}

// audit records one event for a batch.
func (im *Importer) audit(ctx context.Context, tx liaison.Tx, results []ImportResult) error {
	stored, dup, rejected := 0, 0, 0
	for _, r := range results {
		switch {
		case r.Err != nil:
			rejected++
		case r.Stored:
			stored++
		default:
			dup++
		}
	}
	if len(results) == 0 {
		return nil
	}
	detail := fmt.Sprintf("%d stored, %d held already, %d rejected", stored, dup, rejected)
	if im.opts.Source != "" {
		detail += " from " + im.opts.Source
	}
	return im.s.record(ctx, tx, "objects.import", fmt.Sprintf("objects %d-%d", results[0].Index, results[len(results)-1].Index),
		im.origin.ID, true, nil, detail)
}

// object checks one object and turns it into what the store keeps; for a
// report, it also makes the product. Errors that are the object's fault
// are *liaison.Error; errUnknownMarking holds it back.
func (im *Importer) object(ctx context.Context, tx liaison.Tx, it *item, r *ImportResult) (*liaison.Object, error) {
	h := it.h
	if it.err != nil {
		if h != nil {
			r.ID, r.Type = h.ID, h.Type
		}
		if !isDomain(it.err) {
			return nil, liaison.Errorf(liaison.EINVALID, "%v", it.err)
		}
		return nil, it.err
	}
	r.ID, r.Type = h.ID, h.Type
	if v := h.Version(); !v.IsZero() {
		r.Version = v.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	if im.valid != nil {
		if err := im.valid.Validate(it.raw); err != nil {
			return nil, liaison.Errorf(liaison.EINVALID, "%s: %v", h.ID, err)
		}
	}
	if h.Type == "marking-definition" {
		m, ok, err := stix.MarkingFromDefinition(h)
		if err != nil {
			return nil, liaison.Errorf(liaison.EINVALID, "%s: %v", h.ID, err)
		}
		// A marking-definition is never versioned (STIX 2.1): another
		// under the id of one the import or the node has would change the
		// handling of every object that names it (the TLP ones are read
		// by their id alone).
		if _, tlp := stix.TLPLevel(h.ID); !tlp {
			known, found, err := im.definition(ctx, tx, h.ID)
			if err != nil {
				return nil, err
			}
			if found && (known.ok != ok || !known.m.Equal(m)) {
				return nil, liaison.Errorf(liaison.EMARKING, "%s: defined already as %s, and a marking-definition is never versioned: this one (%s) is refused",
					h.ID, known, resolvedMarking{m: m, ok: ok})
			}
		}
		im.markings[h.ID] = resolvedMarking{m: m, ok: ok}
		im.learned = append(im.learned, h.ID)
	}
	if im.origin.ID != im.node.HomeOrg {
		// A partner versions only what it gave: a new version of the
		// node's own objects, of another's, or of liaison's would become
		// the last one the node serves and shares.
		held, err := tx.LatestObjects(ctx, []string{h.ID})
		if err != nil {
			return nil, err
		}
		if len(held) > 0 && held[0].Origin != im.origin.ID && !held[0].Version.Equal(h.Version()) {
			return nil, liaison.Errorf(liaison.EFORBIDDEN, "%s came from %s: only it gives new versions of it", h.ID, originName(held[0].Origin))
		}
	}
	m, marked, err := im.markingOf(ctx, tx, h)
	if err != nil {
		return nil, err
	}
	obj := objectOf(h, it.raw, im.origin.ID)
	obj.Refs = objectRefs(h)
	if marked {
		rank, err := im.s.d.marks.Rank(m.Classification)
		if err != nil {
			return nil, liaison.Errorf(liaison.EMARKING, "%s: marking %s: %v", h.ID, m, err)
		}
		obj.Marking, obj.Rank = m, rank
	}
	if h.Type == "report" {
		p, err := im.product(ctx, tx, h, m, marked)
		var fo *foreignOriginator
		if errors.As(err, &fo) {
			r.Message = fo.Error()
			return obj, nil
		}
		if err != nil {
			return nil, err
		}
		if p != nil {
			obj.ProductID, obj.ProductVersion = p.ID, p.Version
			obj.Marking = p.Marking
			obj.Rank, _ = im.s.d.marks.Rank(p.Marking.Classification)
			r.Product = p.ID
		}
	}
	return obj, nil
}

// objectRefs are the ids that travel with an object when it is shared.
func objectRefs(h *stix.Header) []string {
	if h.Type == "report" {
		return reportRefs(h)
	}
	refs := slices.Clone(h.ObjectMarkingRefs)
	if h.CreatedByRef != "" {
		refs = append(refs, h.CreatedByRef)
	}
	slices.Sort(refs)
	return slices.Compact(refs)
}

// markingOf resolves an object's handling, looking marking-definitions up
// in the import and then in the store.
func (im *Importer) markingOf(ctx context.Context, tx liaison.Tx, h *stix.Header) (marking.Marking, bool, error) {
	for _, ref := range h.ObjectMarkingRefs {
		if _, ok := stix.TLPLevel(ref); ok {
			continue
		}
		if _, ok := im.markings[ref]; ok {
			continue
		}
		if _, found, err := im.definition(ctx, tx, ref); err != nil {
			return marking.Marking{}, false, err
		} else if !found {
			return marking.Marking{}, false, &unknownMarking{object: h.ID, ref: ref}
		}
	}
	m, ok, err := stix.MarkingOf(h, func(id string) (marking.Marking, bool) {
		rm, found := im.markings[id]
		return rm.m, found
	})
	if err != nil {
		return marking.Marking{}, false, liaison.Errorf(liaison.EMARKING, "%s: %v", h.ID, err)
	}
	return m, ok, nil
}

// foreignOriginator is why a report names an originator it is not taken
// at its word for: it is kept as an object, and becomes no product.
type foreignOriginator struct{ origin, originator string }

func (e *foreignOriginator) Error() string {
	return fmt.Sprintf("kept as an object only: a report given by %s in the name of %s becomes no product", e.origin, e.originator)
}

// definition returns the handling of marking-definition id as the import
// has seen it or, failing that, as the node holds it (then remembered),
// and whether either knows it. An id the node does not hold is looked up
// once: it can only come later in the import.
func (im *Importer) definition(ctx context.Context, tx liaison.Tx, id string) (resolvedMarking, bool, error) {
	if rm, ok := im.markings[id]; ok {
		return rm, true, nil
	}
	if im.notStored[id] {
		return resolvedMarking{}, false, nil
	}
	page, err := tx.QueryObjects(ctx, liaison.ObjectScope{MaxRank: marking.RankTopSecret},
		liaison.ObjectQuery{IDs: []string{id}, Limit: 1})
	if err != nil {
		return resolvedMarking{}, false, err
	}
	if len(page.Objects) == 0 {
		im.notStored[id] = true
		return resolvedMarking{}, false, nil
	}
	dh, err := stix.Parse(page.Objects[0].Raw)
	if err != nil {
		return resolvedMarking{}, false, err
	}
	m, ok, err := stix.MarkingFromDefinition(dh)
	if err != nil {
		return resolvedMarking{}, false, err
	}
	rm := resolvedMarking{m: m, ok: ok}
	im.markings[id] = rm
	return rm, true, nil
}

func (rm resolvedMarking) String() string {
	if !rm.ok {
		return "a statement without handling"
	}
	return rm.m.String()
}

// product makes the product a report stands for, or its next version; it
// returns nil when the report is an older version than the product's
// newest (kept as an object only).
func (im *Importer) product(ctx context.Context, tx liaison.Tx, h *stix.Header, m marking.Marking, marked bool) (*liaison.Product, error) {
	draft, ext, err := stix.ProductDraftFromReport(h)
	if err != nil {
		return nil, liaison.Errorf(liaison.EINVALID, "%s: %v", h.ID, err)
	}
	d := im.s.d
	id := strings.TrimPrefix(h.ID, "report--")
	originator := im.origin.ID
	if ext != nil && ext.Originator != "" && ext.Originator != originator {
		// A report in another organisation's name is taken at its word
		// only from the home organisation's administrator, who alone may
		// import in a partner's name. From anyone else (a partner posting
		// to its collection above all) it would make, or add a version
		// to, a product of the home organisation or of a third party, out
		// of the third-party rule's reach: it is kept as an object only.
		if im.s.me.OrgID != im.node.HomeOrg || im.s.me.Role != liaison.RoleAdmin {
			return nil, &foreignOriginator{origin: im.origin.ID, originator: ext.Originator}
		}
		if _, err := d.organisation(ctx, tx, ext.Originator); err == nil {
			originator = ext.Originator
		}
	}
	prev, err := tx.Product(ctx, id, 0)
	switch {
	case liaison.ErrorCode(err) == liaison.ENOTFOUND:
		prev = nil
	case err != nil:
		return nil, err
	case prev.OriginatorOrg != originator:
		return nil, liaison.Errorf(liaison.ECONFLICT, "%s: product %s is originated by %s, not %s", h.ID, id, prev.OriginatorOrg, originator)
	default:
		latest, err := tx.LatestObjects(ctx, []string{h.ID})
		if err != nil {
			return nil, err
		}
		newest, inBatch := im.reports[h.ID]
		if len(latest) > 0 && (!inBatch || latest[0].Version.After(newest)) {
			newest = latest[0].Version
		}
		if (len(latest) > 0 || inBatch) && !h.Version().After(newest) {
			return nil, nil
		}
	}
	if !marked {
		m = im.def
	}
	p := &liaison.Product{ID: id, Title: draft.Title, Body: draft.Body, Topics: draft.Topics, Marking: m,
		OriginatorOrg: originator, Reliability: draft.Reliability,
		Credibility: draft.Credibility, OriginNode: im.node.ID, CreatedAt: h.Version()}
	if now := d.clock.Now(); p.CreatedAt.IsZero() || p.CreatedAt.After(now) {
		// Nothing is made in the future: a report dated ahead of this
		// node's clock (another node's runs ahead) is made now. The
		// originator holds the product from its making, and a partner's
		// collection is brought up to date through the newest holding
		// time: one ahead would keep out what reaches it until then.
		p.CreatedAt = now
	}
	if ext != nil {
		p.Origins = ext.Origins
		if ext.OriginNode != "" {
			p.OriginNode = ext.OriginNode
		}
		if ext.ParentID != "" {
			if _, err := tx.Product(ctx, ext.ParentID, ext.ParentVersion); err == nil {
				p.ParentID, p.ParentVersion = ext.ParentID, ext.ParentVersion
			}
		}
	}
	if err := p.Normalise(); err != nil {
		return nil, liaison.Errorf(liaison.EINVALID, "%s: %v", h.ID, err)
	}
	if err := p.Validate(); err != nil {
		return nil, liaison.Errorf(liaison.EINVALID, "%s: %v", h.ID, err)
	}
	rank, err := d.marks.Rank(m.Classification)
	if err != nil {
		return nil, liaison.Errorf(liaison.EMARKING, "%s: %v", h.ID, err)
	}
	if err := tx.CreateProduct(ctx, p, rank); err != nil {
		return nil, err
	}
	if originator != im.node.HomeOrg {
		// The home organisation holds what a partner gave it, as if the
		// partner had disseminated it.
		dis := &liaison.Dissemination{ID: liaison.NewID(), ProductID: p.ID, ProductVersion: p.Version,
			FromOrg: originator, ToOrg: im.node.HomeOrg, OfficerID: im.s.me.ID, Action: liaison.ActionDisseminate,
			Decision: liaison.Decision{Allowed: true, Reasons: []liaison.Reason{{Code: "imported",
				Message: "received from " + originator + " by import"}}}, CreatedAt: d.clock.Now()}
		if err := tx.CreateDissemination(ctx, dis); err != nil {
			return nil, err
		}
	}
	detail := fmt.Sprintf("v%d %s imported from %s", p.Version, m.String(), im.opts.Source)
	if err := im.s.record(ctx, tx, "product.import", p.ID, originator, true, nil, detail); err != nil {
		return nil, err
	}
	im.reports[h.ID] = h.Version()
	return p, nil
}

// validator state of a Desk (see Desk.validator).
type validatorState struct {
	validOnce sync.Once
	valid     *stix.Validator
	validErr  error
}

// originName is s, or "the node itself" for liaison's own objects, which have no origin.
func originName(s string) string {
	if s == "" {
		return "the node itself"
	}
	return s
}
