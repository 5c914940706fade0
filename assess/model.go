package assess

import (
	"errors"
	"fmt"
	"slices"
	"strings"
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

// Model answers the queries of Service from one Evidence snapshot. It is
// safe for concurrent use: it is not changed once built.
type Model struct {
	cfg       Config
	home      string
	orgs      map[string]*liaison.Organisation
	orgIDs    []string
	ags       []*liaison.Agreement
	exchanges []ledger.Exchange
	refs      map[string]*liaison.Exchange // by dissemination id
	rfis      []*liaison.RFI
	breaches  []*liaison.Breach
	origin    map[string]string // product id → originator
	prios     []*liaison.ThreatPriority
	coverage  map[string][]*liaison.Coverage
	ledger    *ledger.Ledger
	trust     *trust.Engine
}

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
		refs: map[string]*liaison.Exchange{}, rfis: ev.RFIs, breaches: ev.Breaches, origin: map[string]string{},
		prios: ev.Priorities, coverage: map[string][]*liaison.Coverage{}, ledger: l, trust: engine}
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
	for _, c := range ev.Coverage {
		m.coverage[c.OrgID] = append(m.coverage[c.OrgID], c)
	}
	multi := map[string]bool{}
	var las []ledger.Agreement
	for _, a := range ev.Agreements {
		multi[a.ID] = a.Multilateral()
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

	// Feedback: the mean rating each organisation gave each product.
	type rated struct{ sum, n float64 }
	ratings := map[[2]string]*rated{}
	for _, f := range ev.Feedback {
		k := [2]string{f.ProductID, f.OrgID}
		if ratings[k] == nil {
			ratings[k] = &rated{}
		}
		ratings[k].sum += float64(f.Value)
		ratings[k].n++
	}
	// RFIs answered by a product: from the recipient to the giver.
	answered := map[[3]string]*liaison.RFI{}
	for _, r := range ev.RFIs {
		for _, a := range r.Answers {
			answered[[3]string{a.ProductID, r.ToOrg, r.FromOrg}] = r
		}
	}

	var evs []trust.Evidence
	add := func(e trust.Evidence, err error) error {
		if err != nil {
			return fmt.Errorf("assess: %w", err)
		}
		evs = append(evs, e)
		return nil
	}
	tc := cfg.Trust
	m.exchanges = make([]ledger.Exchange, 0, len(ev.Exchanges))
	for _, x := range ev.Exchanges {
		m.refs[x.ID] = x
		m.origin[x.ProductID] = x.Originator
		le := ledger.Exchange{ID: x.ID, From: x.From, To: x.To, AgreementID: x.AgreementID, Multilateral: multi[x.AgreementID],
			At: x.At, Rank: min(max(x.Rank, 0), 4), Grading: x.Reliability + x.Credibility}
		if r := ratings[[2]string{x.ProductID, x.To}]; r != nil {
			mean := r.sum / r.n
			le.Feedback = &mean
		}
		if r := answered[[3]string{x.ProductID, x.From, x.To}]; r != nil {
			le.AnswersRFI, le.RFIDeadline = true, r.Deadline
		} else if x.From == x.Originator && IsWarning(x.Title) {
			le.Unsolicited = true
			if err := add(tc.Warning(x.To, x.From, x.At, x.ID)); err != nil {
				return nil, err
			}
		}
		m.exchanges = append(m.exchanges, le)
		// Each product held by the recipient under its caveats is a
		// little evidence of the recipient's integrity, to the giver.
		if err := add(tc.CaveatKept(x.From, x.To, x.At, x.ID)); err != nil {
			return nil, err
		}
	}
	if err := l.AddAll(m.exchanges); err != nil {
		return nil, fmt.Errorf("assess: exchanges: %w", err)
	}

	for _, f := range ev.Feedback {
		org := m.origin[f.ProductID]
		if org == "" || org == f.OrgID {
			continue
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
	}
	officerOrg := map[string]string{}
	for _, o := range ev.Officers {
		officerOrg[o.ID] = o.OrgID
	}
	for _, b := range ev.Breaches {
		victim := m.origin[b.ProductID]
		if victim == "" {
			victim = officerOrg[b.ReportedBy]
		}
		if victim == "" || victim == b.OrgID {
			continue
		}
		if err := add(tc.Breach(victim, b.OrgID, b.At, b.ID, b.Caveat)); err != nil {
			return nil, err
		}
	}
	for _, r := range ev.Releases {
		if r.OriginatorOrg == r.RequesterOrg {
			continue
		}
		if err := add(tc.ReleaseRequested(r.OriginatorOrg, r.RequesterOrg, r.CreatedAt, r.ID)); err != nil {
			return nil, err
		}
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
		if err := add(tc.RFI(r.FromOrg, r.ToOrg, at, r.ID, outcome)); err != nil {
			return nil, err
		}
	}
	for _, i := range ev.Interactions {
		if err := l.AddInteraction(ledger.Interaction{Orgs: i.Orgs, Officers: i.Officers, At: i.Date, Tone: i.Tone, Kind: i.Kind}); err != nil {
			return nil, fmt.Errorf("assess: interaction %s: %w", i.ID, err)
		}
		byOrg := map[string][]string{}
		for _, o := range i.Officers {
			org := officerOrg[o]
			if org == "" {
				org, _, _ = strings.Cut(o, ".")
			}
			byOrg[org] = append(byOrg[org], o)
		}
		for _, a := range i.Orgs {
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
				if err := add(tc.Interaction(a, b, i.Date, i.ID, facts)); err != nil {
					return nil, err
				}
			}
		}
	}
	if err := engine.AddAll(evs); err != nil {
		return nil, fmt.Errorf("assess: trust evidence: %w", err)
	}
	return m, nil
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
