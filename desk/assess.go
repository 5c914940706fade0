package desk

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/assess"
)

// models keeps the assessment models of the node, built from the
// evidence the store held at one point of the audit chain. Every change
// of evidence is an act recorded in the chain, so a query reads the acts
// recorded since and brings the models up to date: most acts change no
// evidence; disseminations, feedback, interactions and breaches are
// added incrementally; any other act rebuilds the models from the store.
// Both happen in one read transaction, so that evidence and chain agree.
type models struct {
	mu    sync.Mutex
	cfg   assess.Config
	seq   int64  // the audit event the model reflects
	hash  []byte // its hash: a chain rewritten to the same length is noticed
	model *assess.Model
}

var _ assess.Service = (*session)(nil)

// assessRoles may read the node's assessments of its relationships: the
// home organisation's administrators and liaison officers. Analysts may
// also ask who can help and how priorities align (askRoles).
var (
	assessRoles = []liaison.Role{liaison.RoleAdmin, liaison.RoleLiaison}
	askRoles    = []liaison.Role{liaison.RoleAdmin, liaison.RoleLiaison, liaison.RoleAnalyst}
)

// SetAssessConfig replaces the assessment models' configuration
// (assess.DefaultConfig until then); the models are rebuilt on the next
// query.
func (d *Desk) SetAssessConfig(cfg assess.Config) {
	d.models.mu.Lock()
	defer d.models.mu.Unlock()
	d.models.cfg, d.models.model = cfg, nil
}

// model returns the assessment models as of the store's current audit
// head, building them when the head moved.
func (d *Desk) model(ctx context.Context) (*assess.Model, error) {
	m := &d.models
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cfg.TransitiveDepth == 0 {
		m.cfg = assess.DefaultConfig()
	}
	err := d.store.View(ctx, func(tx liaison.Tx) error {
		seq, hash, err := tx.AuditHead(ctx)
		if err != nil {
			return err
		}
		if m.model != nil && seq == m.seq && bytes.Equal(hash, m.hash) {
			return nil
		}
		if m.model != nil && seq > m.seq && m.still(ctx, tx) {
			ok, err := catchUp(ctx, tx, m.model, m.seq, seq)
			if err != nil {
				m.model = nil
				return err
			}
			if ok {
				m.seq, m.hash = seq, hash
				return nil
			}
		}
		ev, err := loadEvidence(ctx, tx)
		if err != nil {
			return err
		}
		model, err := assess.Build(ev, m.cfg)
		if err != nil {
			return fmt.Errorf("desk: build the assessment models: %w", err)
		}
		m.model, m.seq, m.hash = model, seq, hash
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m.model, nil
}

// still reports whether the chain still holds, at m.seq, the event the
// model reflects.
func (m *models) still(ctx context.Context, tx liaison.Tx) bool {
	if m.seq == 0 {
		return false
	}
	evs, err := tx.AuditEvents(ctx, m.seq-1, 1)
	return err == nil && len(evs) == 1 && evs[0].Seq == m.seq && bytes.Equal(evs[0].Hash, m.hash)
}

// neutralActions change no evidence the models weigh: the chain may move
// by them without the models changing. So does every refused act
// (recorded with allowed false). An import's batch (objects.import) is:
// every product an import creates is recorded by a product.import of its
// own, which catchUp takes in like a dissemination (a report a partner
// gave is held as disseminated to the home organisation).
var neutralActions = map[string]bool{
	"product.read": true, "product.list": true, "product.create": true, "product.derive": true, "product.version": true,
	"object.withdraw": true, "objects.import": true, "dissemination.refused": true,
	"audit.read": true, "token.issue": true, "release.approve": true, "release.deny": true,
}

// catchUp brings model up to date with the acts recorded in the audit
// chain after seq, through head: the neutral ones change nothing, and
// disseminations, feedback, interactions and breaches are added as they
// are. It reports false, leaving model as it was, when another act (a new
// agreement, an RFI, a change of priorities…) calls for a rebuild.
func catchUp(ctx context.Context, tx liaison.Tx, model *assess.Model, seq, head int64) (bool, error) {
	// The products, and the organisations, whose records to take in again:
	// the models ignore what they hold already.
	var products, rated, interactors, breachers []string
	rebuild, threatSet := false, false
	err := tx.ScanAudit(ctx, seq, head, func(e *liaison.AuditEvent) error {
		switch {
		case !e.Allowed || neutralActions[e.Action] || strings.HasPrefix(e.Action, "decision."):
		case e.Action == "dissemination.create" || e.Action == "product.import":
			// An imported product is held as if its originator had
			// disseminated it to the home organisation.
			products = append(products, e.Object)
		case e.Action == "priorities.set" || e.Action == "coverage.set":
			threatSet = true
		case e.Action == "feedback.create":
			rated = append(rated, e.Object)
		case e.Action == "interaction.create":
			first, _, _ := strings.Cut(e.Target, ",") // an organisation that took part
			interactors = append(interactors, first)
		case e.Action == "breach.record":
			breachers = append(breachers, e.Target)
		default:
			rebuild = true
		}
		return nil
	})
	if err != nil || rebuild {
		return false, err
	}
	// One batch: a query sees the whole catch-up or none of it.
	err = model.Batch(func(b *assess.Batch) error {
		if threatSet {
			ps, err := tx.ThreatPriorities(ctx, "")
			if err != nil {
				return err
			}
			cs, err := tx.Coverage(ctx, "")
			if err != nil {
				return err
			}
			b.SetThreat(ps, cs)
		}
		// Exchanges first: feedback and breaches look up the product's
		// originator among them.
		for _, p := range compact(products) {
			if err := tx.ScanExchanges(ctx, p, b.AddExchange); err != nil {
				return err
			}
		}
		err := addEach(rated, func(p string) ([]*liaison.Feedback, error) {
			return tx.Feedback(ctx, liaison.ListFilter{ProductID: p})
		}, b.AddFeedback)
		if err != nil {
			return err
		}
		err = addEach(interactors, func(org string) ([]*liaison.Interaction, error) {
			return tx.Interactions(ctx, liaison.ListFilter{OrgID: org})
		}, b.AddInteraction)
		if err != nil {
			return err
		}
		return addEach(breachers, func(org string) ([]*liaison.Breach, error) {
			return tx.Breaches(ctx, liaison.ListFilter{OrgID: org})
		}, func(br *liaison.Breach) error {
			originator, err := originatorOf(ctx, tx, br.ProductID)
			if err != nil {
				return err
			}
			return b.AddBreach(br, originator)
		})
	})
	return err == nil, err
}

// addEach lists the records of each of keys, once a key, and adds them
// all.
func addEach[T any](keys []string, list func(key string) ([]T, error), add func(T) error) error {
	for _, k := range compact(keys) {
		xs, err := list(k)
		if err != nil {
			return err
		}
		for _, x := range xs {
			if err := add(x); err != nil {
				return err
			}
		}
	}
	return nil
}

// compact returns xs sorted, without duplicates.
func compact(xs []string) []string {
	slices.Sort(xs)
	return slices.Compact(xs)
}

// loadEvidence reads every record the assessment models weigh.
func loadEvidence(ctx context.Context, tx liaison.Tx) (*assess.Evidence, error) {
	n, err := tx.Node(ctx)
	if err != nil {
		return nil, err
	}
	ev := &assess.Evidence{HomeOrg: n.HomeOrg}
	all := liaison.ListFilter{}
	if ev.Organisations, err = tx.Organisations(ctx); err != nil {
		return nil, err
	}
	if ev.Officers, err = tx.Officers(ctx, ""); err != nil {
		return nil, err
	}
	if ev.Agreements, err = tx.Agreements(ctx, ""); err != nil {
		return nil, err
	}
	if err := tx.ScanExchanges(ctx, "", func(e *liaison.Exchange) error {
		ev.Exchanges = append(ev.Exchanges, e)
		return nil
	}); err != nil {
		return nil, err
	}
	if ev.Feedback, err = tx.Feedback(ctx, all); err != nil {
		return nil, err
	}
	if ev.RFIs, err = tx.RFIs(ctx, all); err != nil {
		return nil, err
	}
	if ev.Interactions, err = tx.Interactions(ctx, all); err != nil {
		return nil, err
	}
	if ev.Breaches, err = tx.Breaches(ctx, all); err != nil {
		return nil, err
	}
	if ev.Releases, err = tx.ReleaseRequests(ctx, liaison.ReleaseFilter{}); err != nil {
		return nil, err
	}
	if ev.Priorities, err = tx.ThreatPriorities(ctx, ""); err != nil {
		return nil, err
	}
	if ev.Coverage, err = tx.Coverage(ctx, ""); err != nil {
		return nil, err
	}
	ev.Originators = map[string]string{}
	for _, b := range ev.Breaches {
		if ev.Originators[b.ProductID], err = originatorOf(ctx, tx, b.ProductID); err != nil {
			return nil, err
		}
	}
	return ev, nil
}

// originatorOf returns the originator of a product, "" when there is no
// such product (a breach may name none).
func originatorOf(ctx context.Context, tx liaison.Tx, productID string) (string, error) {
	if productID == "" {
		return "", nil
	}
	p, err := tx.Product(ctx, productID, 0)
	if liaison.ErrorCode(err) == liaison.ENOTFOUND {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return p.OriginatorOrg, nil
}

// assessing checks that the caller is an officer of the home organisation
// with one of roles, and returns the models and the time.
func (s *session) assessing(ctx context.Context, what string, roles ...liaison.Role) (*assess.Model, time.Time, error) {
	if err := s.requireRole(what, roles...); err != nil {
		return nil, time.Time{}, err
	}
	n, err := s.node(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	if s.me.OrgID != n.HomeOrg {
		return nil, time.Time{}, liaison.Errorf(liaison.EFORBIDDEN, "%s is for the officers of %s, the organisation that runs this node", what, n.HomeOrg)
	}
	m, err := s.d.model(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	return m, s.d.clock.Now(), nil
}

// perspective checks who may look beyond the home organisation's own
// relationships: from org's point of view (org empty means the home
// organisation's) or, when wide, across the whole network. Anyone the
// query is open to may look from home; only the node's administrators
// further, since that shows records between partners (their exchanges,
// ratings, RFIs, breaches) that liaison officers may not list.
func (s *session) perspective(ctx context.Context, what, org string, wide bool) error {
	n, err := s.node(ctx)
	if err != nil {
		return err
	}
	switch {
	case s.nodeAdmin(ctx):
	case wide:
		return liaison.Errorf(liaison.EFORBIDDEN, "%s across the whole network is for the node's administrators", what)
	case org != "" && org != n.HomeOrg:
		return liaison.Errorf(liaison.EFORBIDDEN, "%s from %s's point of view is for the node's administrators", what, org)
	}
	return nil
}

// Trust implements assess.Service.
func (s *session) Trust(ctx context.Context, q assess.TrustQuery) (*assess.TrustReport, error) {
	m, now, err := s.assessing(ctx, "reading trust assessments", assessRoles...)
	if err != nil {
		return nil, err
	}
	if err := s.perspective(ctx, "trust", q.Truster, false); err != nil {
		return nil, err
	}
	return m.Trust(q, now)
}

// Ledger implements assess.Service.
func (s *session) Ledger(ctx context.Context, q assess.LedgerQuery) (*assess.LedgerReport, error) {
	m, now, err := s.assessing(ctx, "reading the ledger", assessRoles...)
	if err != nil {
		return nil, err
	}
	if err := s.perspective(ctx, "the ledger", q.A, q.Network); err != nil {
		return nil, err
	}
	return m.Ledger(q, now)
}

// Typology implements assess.Service.
func (s *session) Typology(ctx context.Context, q assess.TypologyQuery) (*assess.TypologyReport, error) {
	m, now, err := s.assessing(ctx, "reading the typology of relationships", assessRoles...)
	if err != nil {
		return nil, err
	}
	if err := s.perspective(ctx, "the typology", q.A, q.All); err != nil {
		return nil, err
	}
	return m.Typology(q, now)
}

// WhoCan implements assess.Service. Analysts ask for the home
// organisation and see the ranking without the trust figure or the score
// (from which trust could be worked out), which are for liaison officers.
func (s *session) WhoCan(ctx context.Context, q assess.WhoCanQuery) (*assess.WhoCanReport, error) {
	m, now, err := s.assessing(ctx, "asking who can help", askRoles...)
	if err != nil {
		return nil, err
	}
	if err := s.perspective(ctx, "who can help", q.Asker, false); err != nil {
		return nil, err
	}
	q.WithoutTrust = !slices.Contains(assessRoles, s.me.Role)
	return m.WhoCan(q, now)
}

// Alignment implements assess.Service.
func (s *session) Alignment(ctx context.Context, q assess.AlignmentQuery) (*assess.AlignmentReport, error) {
	m, now, err := s.assessing(ctx, "comparing threat priorities", askRoles...)
	if err != nil {
		return nil, err
	}
	if err := s.perspective(ctx, "alignment", q.A, false); err != nil {
		return nil, err
	}
	return m.Alignment(q, now)
}

// Warnings implements assess.Service.
func (s *session) Warnings(ctx context.Context, q assess.WarningQuery) (*assess.WarningReport, error) {
	m, now, err := s.assessing(ctx, "reading warnings", assessRoles...)
	if err != nil {
		return nil, err
	}
	if err := s.perspective(ctx, "warnings", q.Org, false); err != nil {
		return nil, err
	}
	return m.Warnings(q, now)
}
