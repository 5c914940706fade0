package assess

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/ledger"
	"github.com/liaison-dev/liaison/threat"
	"github.com/liaison-dev/liaison/trust"
)

// Evidence is every record the models weigh, read from a store in one
// transaction. HomeOrg is the node's home organisation, the default
// perspective of every query.
type Evidence struct {
	HomeOrg       string
	Organisations []*liaison.Organisation
	Officers      []*liaison.Officer
	Agreements    []*liaison.Agreement
	Exchanges     []*liaison.Exchange
	Feedback      []*liaison.Feedback
	RFIs          []*liaison.RFI
	Interactions  []*liaison.Interaction
	Breaches      []*liaison.Breach
	Releases      []*liaison.ReleaseRequest
	Priorities    []*liaison.ThreatPriority
	Coverage      []*liaison.Coverage
	// Originators names the originator of each product a breach is
	// about (by product id): whose caveat was broken.
	Originators map[string]string
}

// WarningConfig sets when a warning is raised.
type WarningConfig struct {
	// LopsidedRatio: the larger flow of a pair over the smaller, over
	// LopsidedWindow, from which the ledger is lopsided; LopsidedMinValue
	// is the least value of the larger flow for it to count (a handful of
	// exchanges is not a trend).
	LopsidedRatio    float64       `json:"lopsided_ratio"`
	LopsidedMinValue float64       `json:"lopsided_min_value"`
	LopsidedWindow   time.Duration `json:"lopsided_window"`
	// TrustDrop: a fall of the projected trust by at least this much
	// over TrustWindow warns; by SevereTrustDrop, severely.
	TrustDrop       float64       `json:"trust_drop"`
	SevereTrustDrop float64       `json:"severe_trust_drop"`
	TrustWindow     time.Duration `json:"trust_window"`
	// BreachWindow is how long a breach stays a warning.
	BreachWindow time.Duration `json:"breach_window"`
	// ExpiryNotice is how long before its end an agreement in force
	// warns.
	ExpiryNotice time.Duration `json:"expiry_notice"`
}

// Config tunes the models. Start from DefaultConfig.
type Config struct {
	Ledger   ledger.Config `json:"ledger"`
	Trust    trust.Config  `json:"trust"`
	Threat   threat.Config `json:"threat"`
	Warnings WarningConfig `json:"warnings"`
	// TransitiveDepth is the longest chain of partners trust is inferred
	// through for an organisation without direct evidence.
	TransitiveDepth int `json:"transitive_depth"`
	// OpportunityWindow is how far back exchange counts for cooperation
	// opportunities.
	OpportunityWindow time.Duration `json:"opportunity_window"`
}

const day = 24 * time.Hour

// DefaultConfig returns the models' defaults, each documented where it
// is defined (docs/trust.md for trust, the ledger and threat packages).
func DefaultConfig() Config {
	return Config{
		Ledger: ledger.DefaultConfig(),
		Trust:  trust.DefaultConfig(),
		Threat: threat.DefaultConfig(),
		Warnings: WarningConfig{
			LopsidedRatio: 3, LopsidedMinValue: 5, LopsidedWindow: 365 * day,
			TrustDrop: 0.10, SevereTrustDrop: 0.25, TrustWindow: trust.DefaultTrendWindow,
			BreachWindow: 365 * day, ExpiryNotice: 60 * day,
		},
		TransitiveDepth:   3,
		OpportunityWindow: 365 * day,
	}
}

// Model answers the queries of Service from the evidence it was built
// from and the records added to it since (AddExchange, AddFeedback,
// AddInteraction, AddBreach), each of which updates only the scores it
// affects. It is safe for concurrent use.
type Model struct {
	cfg  Config
	home string

	mu        sync.RWMutex // guards what follows; ledger and trust lock themselves
	orgs      map[string]*liaison.Organisation
	orgIDs    []string
	ags       []*liaison.Agreement
	multi     map[string]bool // agreement id → has more than two parties
	exchanges []ledger.Exchange
	records   []*liaison.Exchange // the records of exchanges, index for index
	seenX     map[string]struct{} // dissemination ids held
	products  map[string]*product // by id
	rfis      []*liaison.RFI
	answered  map[[3]string]*liaison.RFI // (product, answerer, asker) → RFI
	ratings   map[[2]string]*rating      // (product, rater) → ratings
	seen      map[string]bool            // ids of feedback, interactions and breaches weighed
	breaches  []*liaison.Breach
	victims   map[string]string           // breach id → the organisation whose caveat it broke
	officers  map[string]*liaison.Officer // by id
	prios     []*liaison.ThreatPriority
	coverage  map[string][]*liaison.Coverage
	ledger    *ledger.Ledger
	trust     *trust.Engine
}

// product is what the models keep of a product: its originator and the
// exchanges that carried it (indices in Model.exchanges).
type product struct {
	originator string
	exchanges  []int32
}

// rating is the sum and count of an organisation's ratings of a product.
type rating struct{ sum, n float64 }

// Build makes the models from ev. An invalid record is an error: the
// store validated it when it was written, so one here means the evidence
// is inconsistent.
func Build(ev *Evidence, cfg Config) (*Model, error) {
	l, err := ledger.New(cfg.Ledger)
	if err != nil {
		return nil, fmt.Errorf("assess: %w", err)
	}
	engine, err := trust.NewEngine(cfg.Trust)
	if err != nil {
		return nil, fmt.Errorf("assess: %w", err)
	}
	m := &Model{cfg: cfg, home: ev.HomeOrg, orgs: map[string]*liaison.Organisation{}, ags: ev.Agreements,
		multi: map[string]bool{}, seenX: make(map[string]struct{}, len(ev.Exchanges)), products: make(map[string]*product, len(ev.Exchanges)),
		rfis: ev.RFIs, answered: map[[3]string]*liaison.RFI{}, ratings: map[[2]string]*rating{}, seen: map[string]bool{},
		victims: map[string]string{}, officers: map[string]*liaison.Officer{}, prios: ev.Priorities,
		coverage: map[string][]*liaison.Coverage{}, ledger: l, trust: engine}
	var hubs []string
	for _, o := range ev.Organisations {
		m.orgs[o.ID] = o
		m.orgIDs = append(m.orgIDs, o.ID)
		if o.Kind == liaison.OrgEUBody || o.Kind == liaison.OrgNATOBody {
			hubs = append(hubs, o.ID)
		}
		if err := engine.SetMemberships(o.ID, o.Memberships); err != nil {
			return nil, fmt.Errorf("assess: %w", err)
		}
	}
	slices.Sort(m.orgIDs)
	l.SetHubs(hubs)
	for _, o := range ev.Officers {
		m.officers[o.ID] = o
	}
	for _, c := range ev.Coverage {
		m.coverage[c.OrgID] = append(m.coverage[c.OrgID], c)
	}
	var las []ledger.Agreement
	for _, a := range ev.Agreements {
		m.multi[a.ID] = a.Multilateral()
		if a.Status == liaison.AgreementDraft {
			continue
		}
		la := ledger.Agreement{ID: a.ID, Parties: a.Parties, From: a.ValidFrom}
		if a.ValidTo != nil {
			la.To = *a.ValidTo
		}
		las = append(las, la)
	}
	if err := l.SetAgreements(las); err != nil {
		return nil, fmt.Errorf("assess: agreements: %w", err)
	}
	for _, f := range ev.Feedback {
		m.rate(f)
	}
	for _, r := range ev.RFIs {
		for _, a := range r.Answers {
			m.answered[[3]string{a.ProductID, r.ToOrg, r.FromOrg}] = r
		}
	}

	evs := make([]trust.Evidence, 0, len(ev.Exchanges)+2*len(ev.Feedback)+len(ev.RFIs)+len(ev.Breaches))
	m.exchanges = make([]ledger.Exchange, 0, len(ev.Exchanges))
	m.records = make([]*liaison.Exchange, 0, len(ev.Exchanges))
	for _, x := range ev.Exchanges {
		le, ok, err := m.exchange(x, &evs)
		if err != nil {
			return nil, err
		}
		if ok {
			m.exchanges = append(m.exchanges, le)
		}
	}
	if err := l.AddAll(m.exchanges); err != nil {
		return nil, fmt.Errorf("assess: exchanges: %w", err)
	}
	for _, f := range ev.Feedback {
		fevs, err := m.feedbackEvidence(f)
		if err != nil {
			return nil, err
		}
		evs = append(evs, fevs...)
	}
	for _, b := range ev.Breaches {
		bevs, err := m.breach(b, ev.Originators[b.ProductID])
		if err != nil {
			return nil, err
		}
		evs = append(evs, bevs...)
	}
	tc := cfg.Trust
	asked := map[[4]string]bool{}
	for _, r := range ev.Releases {
		// One request per product, third party, requester and
		// originator asked counts: asking again earns nothing more.
		k := [4]string{r.ProductID, r.ToOrg, r.RequesterOrg, r.OriginatorOrg}
		if r.OriginatorOrg == r.RequesterOrg || asked[k] {
			continue
		}
		asked[k] = true
		e, err := tc.ReleaseRequested(r.OriginatorOrg, r.RequesterOrg, r.CreatedAt, r.ID)
		if err != nil {
			return nil, fmt.Errorf("assess: release request %s: %w", r.ID, err)
		}
		evs = append(evs, e)
	}
	for _, r := range ev.RFIs {
		if r.Status == liaison.RFICancelled || r.FromOrg == r.ToOrg {
			continue
		}
		at, outcome := r.Deadline, trust.RFIMissed
		if len(r.Answers) > 0 {
			at, outcome = r.Answers[0].At, trust.RFIAnswered
			if !r.Deadline.IsZero() && at.After(r.Deadline) {
				outcome = trust.RFILate
			}
		} else if r.Status != liaison.RFIOpen {
			// Closed without an answer: nothing to weigh.
			continue
		}
		// A missed RFI is dated at its deadline: the engine ignores
		// evidence dated after the time assessed, so it counts only once
		// the deadline has passed.
		e, err := tc.RFI(r.FromOrg, r.ToOrg, at, r.ID, outcome)
		if err != nil {
			return nil, fmt.Errorf("assess: rfi %s: %w", r.ID, err)
		}
		evs = append(evs, e)
	}
	for _, i := range ev.Interactions {
		ievs, err := m.interaction(i)
		if err != nil {
			return nil, err
		}
		evs = append(evs, ievs...)
	}
	if err := engine.AddAll(evs); err != nil {
		return nil, fmt.Errorf("assess: trust evidence: %w", err)
	}
	return m, nil
}

// rate adds a rating to m.ratings.
func (m *Model) rate(f *liaison.Feedback) {
	k := [2]string{f.ProductID, f.OrgID}
	if m.ratings[k] == nil {
		m.ratings[k] = &rating{}
	}
	m.ratings[k].sum += float64(f.Value)
	m.ratings[k].n++
	m.seen[f.ID] = true
}

// exchange indexes x in m, appends the trust evidence it carries to evs
// and returns the ledger's exchange; the caller adds both to the engines
// and the exchange to m.exchanges.
//
// A product version sent again to the same organisation, and a product
// sent back to its originator, give nothing new: they are not counted
// (ok false), so that repeats cannot inflate a ledger or earn trust.
func (m *Model) exchange(x *liaison.Exchange, evs *[]trust.Evidence) (le ledger.Exchange, ok bool, err error) {
	tc := m.cfg.Trust
	m.seenX[x.ID] = struct{}{}
	if x.To == x.Originator {
		return le, false, nil
	}
	p := m.products[x.ProductID]
	if p != nil {
		// The product's exchanges are few: look among them for the
		// same version given by the same organisation to the same one.
		for _, i := range p.exchanges {
			if r := m.records[i]; r.ProductVersion == x.ProductVersion && r.From == x.From && r.To == x.To {
				return le, false, nil
			}
		}
	} else {
		p = &product{originator: x.Originator}
		m.products[x.ProductID] = p
	}
	p.exchanges = append(p.exchanges, int32(len(m.exchanges)))
	m.records = append(m.records, x)
	le = ledger.Exchange{ID: x.ID, From: x.From, To: x.To, AgreementID: x.AgreementID, Multilateral: m.multi[x.AgreementID],
		At: x.At, Rank: min(max(x.Rank, 0), 4), Grading: x.Reliability + x.Credibility, Feedback: m.meanRating(x.ProductID, x.To)}
	if r := m.answered[[3]string{x.ProductID, x.From, x.To}]; r != nil {
		le.AnswersRFI, le.RFIDeadline = true, r.Deadline
	} else if x.From == x.Originator && IsWarning(x.Title) {
		le.Unsolicited = true
		e, err := tc.Warning(x.To, x.From, x.At, x.ID)
		if err != nil {
			return le, false, fmt.Errorf("assess: exchange %s: %w", x.ID, err)
		}
		*evs = append(*evs, e)
	}
	// Each product held by the recipient under its caveats is a little
	// evidence of the recipient's integrity, to the giver.
	e, err := tc.CaveatKept(x.From, x.To, x.At, x.ID)
	if err != nil {
		return le, false, fmt.Errorf("assess: exchange %s: %w", x.ID, err)
	}
	*evs = append(*evs, e)
	return le, true, nil
}

// victim returns the organisation whose caveat a breach broke, as
// settled when the breach was added: the product's originator, or, when
// the product is unknown, the organisation of the officer who reported
// it.
func (m *Model) victim(b *liaison.Breach) string { return m.victims[b.ID] }

// originator returns the originator of a product the models know, or "".
func (m *Model) originator(productID string) string {
	if p := m.products[productID]; p != nil {
		return p.originator
	}
	return ""
}

// meanRating is org's mean rating of a product, nil when it rated none.
func (m *Model) meanRating(productID, org string) *float64 {
	r := m.ratings[[2]string{productID, org}]
	if r == nil {
		return nil
	}
	mean := r.sum / r.n
	return &mean
}

// feedbackEvidence is the trust evidence of a rating: of the rater in the
// product's originator.
func (m *Model) feedbackEvidence(f *liaison.Feedback) ([]trust.Evidence, error) {
	tc := m.cfg.Trust
	org := m.originator(f.ProductID)
	if org == "" || org == f.OrgID {
		return nil, nil
	}
	var evs []trust.Evidence
	add := func(e trust.Evidence, err error) error {
		if err != nil {
			return fmt.Errorf("assess: feedback %s: %w", f.ID, err)
		}
		evs = append(evs, e)
		return nil
	}
	if err := add(tc.Feedback(f.OrgID, org, f.CreatedAt, f.ID, f.Value)); err != nil {
		return nil, err
	}
	if slices.Contains(f.Flags, "corroborated") {
		if err := add(tc.Corroborated(f.OrgID, org, f.CreatedAt, f.ID)); err != nil {
			return nil, err
		}
	}
	if slices.Contains(f.Flags, "wrong") {
		if err := add(tc.Refuted(f.OrgID, org, f.CreatedAt, f.ID)); err != nil {
			return nil, err
		}
	}
	return evs, nil
}

// breach indexes b and returns its trust evidence: of the organisation
// whose caveat was broken (originator, the product's, when known) in the
// one that broke it.
func (m *Model) breach(b *liaison.Breach, originator string) ([]trust.Evidence, error) {
	m.seen[b.ID] = true
	m.breaches = append(m.breaches, b)
	if originator == "" {
		originator = m.originator(b.ProductID)
	}
	if originator == "" {
		if o := m.officers[b.ReportedBy]; o != nil {
			originator = o.OrgID
		}
	}
	m.victims[b.ID] = originator
	victim := originator
	if victim == "" || victim == b.OrgID {
		return nil, nil
	}
	e, err := m.cfg.Trust.Breach(victim, b.OrgID, b.At, b.ID, b.Caveat)
	if err != nil {
		return nil, fmt.Errorf("assess: breach %s: %w", b.ID, err)
	}
	return []trust.Evidence{e}, nil
}

// interaction adds i to the ledger and returns its trust evidence: for
// each ordered pair of the organisations that took part, with the ties
// between their officers present.
func (m *Model) interaction(i *liaison.Interaction) ([]trust.Evidence, error) {
	m.seen[i.ID] = true
	if err := m.ledger.AddInteraction(ledger.Interaction{Orgs: i.Orgs, Officers: i.Officers, At: i.Date, Tone: i.Tone, Kind: i.Kind}); err != nil {
		return nil, fmt.Errorf("assess: interaction %s: %w", i.ID, err)
	}
	byOrg := map[string][]string{}
	for _, o := range i.Officers {
		org, _, _ := strings.Cut(o, ".")
		if off := m.officers[o]; off != nil {
			org = off.OrgID
		}
		byOrg[org] = append(byOrg[org], o)
	}
	// An organisation speaks for its own trust only: the interaction
	// is evidence of the recorder's organisation's trust in the others,
	// not of theirs, unless the home organisation's administrator
	// recorded it (for the node).
	recorder := m.officers[i.RecordedBy]
	var evs []trust.Evidence
	for _, a := range i.Orgs {
		if recorder == nil || recorder.OrgID != a && !(recorder.OrgID == m.home && recorder.Role == liaison.RoleAdmin) {
			continue
		}
		for _, b := range i.Orgs {
			if a == b {
				continue
			}
			var ties []string
			for _, oa := range byOrg[a] {
				for _, ob := range byOrg[b] {
					ties = append(ties, oa+"|"+ob)
				}
			}
			facts := trust.InteractionFacts{Tone: i.Tone, Minutes: i.DurationMinutes, Parties: len(i.Orgs), Ties: ties}
			e, err := m.cfg.Trust.Interaction(a, b, i.Date, i.ID, facts)
			if err != nil {
				return nil, fmt.Errorf("assess: interaction %s: %w", i.ID, err)
			}
			evs = append(evs, e)
		}
	}
	return evs, nil
}

// AddExchange adds a dissemination made since the model was built; one
// it holds already is ignored.
func (b *Batch) AddExchange(x *liaison.Exchange) error {
	m := b.m
	if _, ok := m.seenX[x.ID]; ok {
		return nil
	}
	var evs []trust.Evidence
	le, ok, err := m.exchange(x, &evs)
	if err != nil || !ok {
		return err
	}
	if err := m.ledger.Add(le); err != nil {
		return fmt.Errorf("assess: exchange %s: %w", x.ID, err)
	}
	m.exchanges = append(m.exchanges, le)
	return m.addEvidence(evs)
}

// AddFeedback adds a rating given since the model was built (one it
// holds already is ignored): the value of the exchanges that brought the
// product to the rater changes, and the rater's trust in the originator.
func (b *Batch) AddFeedback(f *liaison.Feedback) error {
	m := b.m
	if m.seen[f.ID] {
		return nil
	}
	m.rate(f)
	mean := m.meanRating(f.ProductID, f.OrgID)
	var carried []int32
	if p := m.products[f.ProductID]; p != nil {
		carried = p.exchanges
	}
	for _, i := range carried {
		if m.exchanges[i].To != f.OrgID {
			continue
		}
		m.exchanges[i].Feedback = mean
		if err := m.ledger.Update(m.exchanges[i]); err != nil {
			return fmt.Errorf("assess: feedback %s: %w", f.ID, err)
		}
	}
	evs, err := m.feedbackEvidence(f)
	if err != nil {
		return err
	}
	return m.addEvidence(evs)
}

// AddInteraction adds a contact recorded since the model was built; one
// it holds already is ignored.
func (b *Batch) AddInteraction(i *liaison.Interaction) error {
	m := b.m
	if m.seen[i.ID] {
		return nil
	}
	evs, err := m.interaction(i)
	if err != nil {
		return err
	}
	return m.addEvidence(evs)
}

// AddBreach adds a breach recorded since the model was built, of a
// product by originator (empty when the product is unknown); one it holds
// already is ignored.
func (bt *Batch) AddBreach(b *liaison.Breach, originator string) error {
	m := bt.m
	if m.seen[b.ID] {
		return nil
	}
	evs, err := m.breach(b, originator)
	if err != nil {
		return err
	}
	return m.addEvidence(evs)
}

// SetThreat replaces the threat priorities and coverage the model
// weighs, as set since it was built.
func (b *Batch) SetThreat(ps []*liaison.ThreatPriority, cs []*liaison.Coverage) {
	m := b.m
	m.prios = ps
	m.coverage = map[string][]*liaison.Coverage{}
	for _, c := range cs {
		m.coverage[c.OrgID] = append(m.coverage[c.OrgID], c)
	}
}

// Batch changes a model under its write lock (see Model.Batch): its
// methods take in records made since the model was built, each updating
// only the scores it affects.
type Batch struct{ m *Model }

// Batch runs fn with the model locked for writing, so that queries see
// all of the changes fn makes or none of them.
func (m *Model) Batch(fn func(b *Batch) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return fn(&Batch{m})
}

// AddExchange adds one dissemination made since the model was built; see
// Batch.AddExchange.
func (m *Model) AddExchange(x *liaison.Exchange) error {
	return m.Batch(func(b *Batch) error { return b.AddExchange(x) })
}

// AddFeedback adds one rating; see Batch.AddFeedback.
func (m *Model) AddFeedback(f *liaison.Feedback) error {
	return m.Batch(func(b *Batch) error { return b.AddFeedback(f) })
}

// AddInteraction adds one contact; see Batch.AddInteraction.
func (m *Model) AddInteraction(i *liaison.Interaction) error {
	return m.Batch(func(b *Batch) error { return b.AddInteraction(i) })
}

// AddBreach adds one breach; see Batch.AddBreach.
func (m *Model) AddBreach(br *liaison.Breach, originator string) error {
	return m.Batch(func(b *Batch) error { return b.AddBreach(br, originator) })
}

// SetThreat replaces the threat priorities and coverage; see
// Batch.SetThreat.
func (m *Model) SetThreat(ps []*liaison.ThreatPriority, cs []*liaison.Coverage) {
	_ = m.Batch(func(b *Batch) error { b.SetThreat(ps, cs); return nil })
}

// addEvidence adds trust evidence one item at a time (AddAll would check
// the batch as a whole; single items are as cheap).
func (m *Model) addEvidence(evs []trust.Evidence) error {
	for _, e := range evs {
		if err := m.trust.Add(e); err != nil {
			return fmt.Errorf("assess: %w", err)
		}
	}
	return nil
}

// IsWarning reports whether a product's title makes it a warning: liaison
// has no kind of product yet, so a title that begins with "Warning" or
// "Alert", or names an alert or a warning before a colon ("CTG alert:
// …"), counts. A warning given by its originator without being asked for
// is unsolicited: it adds to the ledger's value and to the giver's
// benevolence.
func IsWarning(title string) bool {
	t := strings.ToLower(strings.TrimSpace(title))
	if strings.HasPrefix(t, "warning") || strings.HasPrefix(t, "alert") {
		return true
	}
	head, _, ok := strings.Cut(t, ":")
	return ok && (strings.Contains(head, "warning") || strings.Contains(head, "alert"))
}

// invalid makes the error of a query about an unknown organisation or a
// bad value.
func invalid(format string, args ...any) error {
	return liaison.Errorf(liaison.EINVALID, format, args...)
}

// org checks that id names a registered organisation, defaulting to the
// home organisation.
func (m *Model) org(what, id string) (string, error) {
	if id == "" {
		id = m.home
	}
	if _, ok := m.orgs[id]; !ok {
		return "", invalid("%s: %q is not a registered organisation", what, id)
	}
	return id, nil
}

// wrap maps the models' validation errors to EINVALID.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, trust.ErrInvalid) || errors.Is(err, ledger.ErrInvalid) {
		return &liaison.Error{Code: liaison.EINVALID, Message: err.Error(), Err: err}
	}
	return err
}
