package assess

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/ledger"
	"github.com/liaison-dev/liaison/threat"
	"github.com/liaison-dev/liaison/trust"
)

// orDefault returns at, or now when at is zero.
func orDefault(at, now time.Time) time.Time {
	if at.IsZero() {
		return now
	}
	return at
}

// Times a query may name: the models' windows reach a year or two either
// side, which must stay within what a timestamp can hold.
var (
	earliest = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	latest   = time.Date(9000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// checkTimes fails with EINVALID when a time a query names is outside
// [earliest, latest).
func checkTimes(what string, ts ...time.Time) error {
	for _, t := range ts {
		if !t.IsZero() && (t.Before(earliest) || !t.Before(latest)) {
			return invalid("%s: %s is not between 1900 and 9000", what, t.Format(time.RFC3339))
		}
	}
	return nil
}

// partners returns the organisations a has exchanged with or met, sorted.
func (m *Model) partners(a string) []string {
	var out []string
	for _, p := range m.ledger.Pairs() {
		switch a {
		case p.A:
			out = append(out, p.B)
		case p.B:
			out = append(out, p.A)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// pretrusted returns the seeds of EigenTrust for truster: itself and the
// parties to the agreements in force at at that it is party to.
func (m *Model) pretrusted(truster string, at time.Time) []string {
	out := []string{truster}
	for _, a := range m.ags {
		if a.HasParty(truster) && a.Status == liaison.AgreementActive && a.InForce(at) {
			out = append(out, a.Parties...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// trustIn is truster's trust in trustee as of at: the direct assessment,
// its trend, and the inference through partners when there is no direct
// evidence.
func (m *Model) trustIn(truster, trustee string, at time.Time, explain bool) (TrustAssessment, error) {
	direct, err := m.trust.Assess(truster, trustee, at)
	if err != nil {
		return TrustAssessment{}, wrap(err)
	}
	ta := TrustAssessment{Trustee: trustee, Direct: direct, Projected: direct.Projected, Basis: "prior"}
	if direct.Items > 0 {
		ta.Basis = "evidence"
		tr, err := m.trust.Trend(truster, trustee, at, m.cfg.Warnings.TrustWindow)
		if err != nil {
			return TrustAssessment{}, wrap(err)
		}
		ta.Trend = &tr
	} else {
		inf, err := m.trust.Transitive(truster, trustee, at, m.cfg.TransitiveDepth)
		if err != nil {
			return TrustAssessment{}, wrap(err)
		}
		if len(inf.Paths) > 0 {
			ta.Inferred, ta.Projected, ta.Basis = &inf, inf.Projected, "inferred"
		}
	}
	if explain {
		ta.Explain = explainTrust(&ta)
	}
	return ta, nil
}

// explainTrust puts an assessment's working in words.
func explainTrust(ta *TrustAssessment) []string {
	d := &ta.Direct
	o := d.Overall
	out := []string{fmt.Sprintf("%s in %s: %.2f (belief %.2f, disbelief %.2f, uncertainty %.2f, base rate %.2f) from %d evidence items",
		d.Truster, d.Trustee, ta.Projected, o.Belief, o.Disbelief, o.Uncertainty, o.BaseRate, d.Items)}
	for _, dim := range d.Dimensions {
		out = append(out, fmt.Sprintf("%s: %.2f from %.1f positive and %.1f negative units (decayed), weight %.1f",
			dim.Dimension, dim.Projected, dim.Positive, dim.Negative, dim.Weight))
	}
	out = append(out, d.BaseRateReasons...)
	if ta.Trend != nil {
		out = append(out, fmt.Sprintf("trend: %+.2f since %s", ta.Trend.Change, ta.Trend.From.Format(time.DateOnly)))
	}
	for i, c := range d.Top {
		if i == 6 {
			break
		}
		sign := "+"
		if c.Sign < 0 {
			sign = "−"
		}
		ev := c.Evidence
		what := string(ev.Kind)
		if ev.Note != "" {
			what += " (" + ev.Note + ")"
		}
		out = append(out, fmt.Sprintf("%s %s %s on %s: %.2f units of %s now, %.2f of the overall evidence (ref %s)", sign, ev.Dimension, what, ev.At.Format(time.DateOnly), c.Weight, ev.Dimension, c.Influence, ev.Ref))
	}
	if ta.Inferred != nil {
		for _, p := range ta.Inferred.Paths {
			out = append(out, fmt.Sprintf("no direct evidence; through %s: %.2f", strings.Join(p.Nodes, " → "), p.Projected))
		}
	} else if d.Items == 0 {
		out = append(out, "no evidence, direct or through trusted partners: the prior (base rate) stands")
	}
	return out
}

// Trust answers a TrustQuery as of now when q.At is zero.
func (m *Model) Trust(q TrustQuery, now time.Time) (*TrustReport, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if err := checkTimes("trust", q.At); err != nil {
		return nil, err
	}
	truster, err := m.org("trust: truster", q.Truster)
	if err != nil {
		return nil, err
	}
	at := orDefault(q.At, now)
	trustees := m.orgIDs
	if q.Trustee != "" {
		if _, err := m.org("trust: trustee", q.Trustee); err != nil {
			return nil, err
		}
		if q.Trustee == truster {
			return nil, invalid("trust: %s cannot be assessed by itself", truster)
		}
		trustees = []string{q.Trustee}
	}
	r := &TrustReport{Truster: truster, At: at, Assessments: []TrustAssessment{}}
	for _, t := range trustees {
		if t == truster {
			continue
		}
		ta, err := m.trustIn(truster, t, at, q.Explain)
		if err != nil {
			return nil, err
		}
		r.Assessments = append(r.Assessments, ta)
	}
	slices.SortStableFunc(r.Assessments, func(a, b TrustAssessment) int {
		return cmp.Or(cmp.Compare(b.Projected, a.Projected), cmp.Compare(a.Trustee, b.Trustee))
	})
	if q.Trustee != "" {
		return r, nil
	}
	r.Pretrusted = m.pretrusted(truster, at)
	g, err := m.trust.Global(at, r.Pretrusted, trust.DefaultAlpha)
	if err != nil {
		return nil, wrap(err)
	}
	for org, s := range g.Scores {
		r.Global = append(r.Global, Score{OrgID: org, Score: s})
	}
	slices.SortFunc(r.Global, func(a, b Score) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.OrgID, b.OrgID))
	})
	return r, nil
}

// window makes the ledger window of [from, to).
func window(from, to time.Time) (ledger.Window, error) {
	w := ledger.Window{From: from, To: to}
	if err := w.Validate(); err != nil {
		return w, wrap(err)
	}
	return w, nil
}

// Ledger answers a LedgerQuery.
func (m *Model) Ledger(q LedgerQuery, now time.Time) (*LedgerReport, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if err := checkTimes("ledger", q.From, q.To); err != nil {
		return nil, err
	}
	a, err := m.org("ledger", q.A)
	if err != nil {
		return nil, err
	}
	w, err := window(q.From, q.To)
	if err != nil {
		return nil, err
	}
	var others []string
	if q.B != "" {
		if _, err := m.org("ledger", q.B); err != nil {
			return nil, err
		}
		if q.B == a {
			return nil, invalid("ledger: name two different organisations")
		}
		others = []string{q.B}
	} else {
		others = m.partners(a)
	}
	r := &LedgerReport{A: a, Window: w, Pairs: []PairLedger{}}
	if q.Network {
		n := m.ledger.Network(w)
		r.Network, r.Centrality = &n, m.ledger.Centrality(w)
	}
	for _, b := range others {
		pl := PairLedger{PairSummary: m.ledger.Pair(a, b, w)}
		if q.B == "" && pl.Given.Count+pl.Received.Count == 0 {
			continue
		}
		if q.Months {
			pl.Months = m.ledger.Months(a, b, w)
		}
		if q.Explain {
			pl.Top = m.topExchanges(a, b, w, 3)
			pl.Explain = m.explainLedger(&pl)
		}
		r.Pairs = append(r.Pairs, pl)
	}
	slices.SortStableFunc(r.Pairs, func(x, y PairLedger) int {
		return cmp.Compare(y.Given.Value+y.Received.Value, x.Given.Value+x.Received.Value)
	})
	return r, nil
}

// topExchanges returns the n most valuable exchanges each way between a
// and b in w, with their factors.
func (m *Model) topExchanges(a, b string, w ledger.Window, n int) []ValuedExchange {
	var out [2][]ValuedExchange
	for i, e := range m.exchanges {
		dir := 0
		switch {
		case e.From == a && e.To == b:
		case e.From == b && e.To == a:
			dir = 1
		default:
			continue
		}
		if !w.From.IsZero() && e.At.Before(w.From) || !w.To.IsZero() && !e.At.Before(w.To) {
			continue
		}
		v, fs := ledger.Value(e, m.cfg.Ledger)
		out[dir] = append(out[dir], ValuedExchange{ID: e.ID, ProductID: m.records[i].ProductID, From: e.From, To: e.To, At: e.At, Value: v, Factors: fs})
	}
	var top []ValuedExchange
	for _, xs := range out {
		slices.SortStableFunc(xs, func(x, y ValuedExchange) int { return cmp.Compare(y.Value, x.Value) })
		top = append(top, xs[:min(n, len(xs))]...)
	}
	return top
}

// num formats an optional measure.
func num(p *float64, format string) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf(format, *p)
}

// answered says how org's gives were answered.
func answered(org string, l ledger.Lag) string {
	out := fmt.Sprintf("%s's gives answered: %d of %d", org, l.Answered, l.Answered+l.Unanswered)
	if l.MedianDays != nil {
		out += fmt.Sprintf(", after %.1f days (median)", *l.MedianDays)
	}
	if l.Open > 0 {
		out += fmt.Sprintf("; %d awaiting an answer", l.Open)
	}
	return out
}

// agreementTitle returns the title of an agreement the model holds, or
// its id.
func (m *Model) agreementTitle(id string) string {
	for _, a := range m.ags {
		if a.ID == id {
			return a.Title
		}
	}
	return id
}

// explainLedger puts a pair's ledger in words, agreement by agreement.
func (m *Model) explainLedger(p *PairLedger) []string {
	out := []string{
		fmt.Sprintf("%s gave %s %d products worth %.1f and received %d worth %.1f: balance %+.1f",
			p.A, p.B, p.Given.Count, p.Given.Value, p.Received.Count, p.Received.Value, p.Balance),
		fmt.Sprintf("reciprocated %.1f (min of the two flows), ratio %s, log-ratio of shares %s",
			p.Reciprocity.Reciprocated, num(p.Reciprocity.Ratio, "%.2f"), num(p.Reciprocity.LogRatio, "%.2f")),
		answered(p.A, p.Given.Lag),
		answered(p.B, p.Received.Lag),
	}
	for _, af := range p.ByAgreement {
		out = append(out, fmt.Sprintf("under %q: gave %d worth %.1f, received %d worth %.1f, balance %+.1f",
			m.agreementTitle(af.AgreementID), af.Given.Count, af.Given.Value, af.Received.Count, af.Received.Value, af.Balance))
	}
	for _, x := range p.Top {
		var fs []string
		for _, f := range x.Factors {
			if f.Multiplier != 1 {
				fs = append(fs, fmt.Sprintf("%s ×%.2f", f.Name, f.Multiplier))
			}
		}
		out = append(out, fmt.Sprintf("%s → %s on %s: %.2f (%s)", x.From, x.To, x.At.Format(time.DateOnly), x.Value, strings.Join(fs, ", ")))
	}
	return out
}

// Typology answers a TypologyQuery.
func (m *Model) Typology(q TypologyQuery, now time.Time) (*TypologyReport, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if err := checkTimes("typology", q.At); err != nil {
		return nil, err
	}
	a, err := m.org("typology", q.A)
	if err != nil {
		return nil, err
	}
	at := orDefault(q.At, now)
	var pairs [][2]string
	switch {
	case q.B != "":
		if _, err := m.org("typology", q.B); err != nil {
			return nil, err
		}
		if q.B == a {
			return nil, invalid("typology: name two different organisations")
		}
		pairs = [][2]string{{a, q.B}}
	case q.All:
		for _, p := range m.ledger.Pairs() {
			pairs = append(pairs, [2]string{p.A, p.B})
		}
	default:
		for _, b := range m.partners(a) {
			pairs = append(pairs, [2]string{a, b})
		}
	}
	r := &TypologyReport{At: at, Relationships: []Relationship{}}
	for _, p := range pairs {
		rel := Relationship{Typology: m.ledger.Classify(p[0], p[1], at)}
		var hist []ledger.ClassPeriod
		for _, h := range m.ledger.History(p[0], p[1]) {
			// Looking back, only the periods complete by then: the one
			// under way would be judged on later data.
			if !q.At.IsZero() && h.Typology.Window.To.After(at.Add(time.Microsecond)) {
				break
			}
			hist = append(hist, h)
			if h.Change != nil {
				rel.Changes = append(rel.Changes, *h.Change)
			}
		}
		if q.History {
			rel.History = hist
		}
		if q.Explain {
			rel.Explain = explainTypology(&rel)
		}
		r.Relationships = append(r.Relationships, rel)
	}
	return r, nil
}

// explainTypology puts a class's evidence in words.
func explainTypology(r *Relationship) []string {
	out := []string{fmt.Sprintf("%s–%s: %s (relational score %.2f over %d exchanges, measured on the %s channel)",
		r.A, r.B, r.Class, r.Score, r.Exchanges, r.Channel)}
	for _, ind := range r.Evidence {
		if ind.Value == nil {
			out = append(out, fmt.Sprintf("%s: not measured — %s", ind.Name, ind.Note))
			continue
		}
		out = append(out, fmt.Sprintf("%s = %.2f %s → %s (weight %.2f): %s", ind.Name, *ind.Value, ind.Unit, ind.Toward, ind.Weight, ind.Note))
	}
	for _, c := range r.Changes {
		out = append(out, c.Summary)
	}
	return out
}

// WhoCan answers a WhoCanQuery.
func (m *Model) WhoCan(q WhoCanQuery, now time.Time) (*WhoCanReport, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if err := checkTimes("whocan", q.At); err != nil {
		return nil, err
	}
	asker, err := m.org("whocan", q.Asker)
	if err != nil {
		return nil, err
	}
	topic := strings.TrimSpace(q.Topic)
	if !liaison.ValidSlug(topic) {
		return nil, invalid("whocan: topic %q is not a topic (e.g. counter-terrorism, russia)", q.Topic)
	}
	at := orDefault(q.At, now)
	var cands []threat.Candidate
	for _, org := range m.orgIDs {
		cov := m.coverage[org]
		if org == asker || len(cov) == 0 {
			continue
		}
		ta, err := m.trustIn(asker, org, at, false)
		if err != nil {
			return nil, err
		}
		why := fmt.Sprintf("the trust of %s in %s rests on %d evidence items", asker, org, ta.Direct.Items)
		switch ta.Basis {
		case "inferred":
			why = fmt.Sprintf("no direct evidence: the trust of %s in %s is inferred through partners", asker, org)
		case "prior":
			why = fmt.Sprintf("no evidence: the trust of %s in %s is the prior", asker, org)
		}
		c := threat.Candidate{OrgID: org, Coverage: cov, Trust: ta.Projected, TrustWhy: []string{why}, WithholdTrust: q.WithoutTrust}
		if ag := threat.AgreementFor(asker, org, topic, m.ags, at); ag != nil {
			c.AgreementCovers, c.AgreementID = true, ag.ID
		}
		cands = append(cands, c)
	}
	r := &WhoCanReport{Topic: topic, Asker: asker, At: at, Partners: threat.WhoCan(topic, cands, m.cfg.Threat)}
	if r.Partners == nil {
		r.Partners = []threat.Ranked{}
	}
	// Name agreements by their titles, which people read, as well.
	for i := range r.Partners {
		p := &r.Partners[i]
		if t := m.agreementTitle(p.AgreementID); t != p.AgreementID && t != "" {
			for j, w := range p.Why {
				p.Why[j] = strings.ReplaceAll(w, "agreement "+p.AgreementID, fmt.Sprintf("agreement %q (%s)", t, p.AgreementID))
			}
		}
	}
	return r, nil
}

// Alignment answers an AlignmentQuery.
func (m *Model) Alignment(q AlignmentQuery, now time.Time) (*AlignmentReport, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if err := checkTimes("alignment", q.At); err != nil {
		return nil, err
	}
	a, err := m.org("alignment", q.A)
	if err != nil {
		return nil, err
	}
	if q.B != "" {
		if _, err := m.org("alignment", q.B); err != nil {
			return nil, err
		}
		if q.B == a {
			return nil, invalid("alignment: name two different organisations")
		}
	}
	at := orDefault(q.At, now)
	groups := threat.GroupPriorities(m.prios)
	pa := threat.PrioritiesOf(a, m.prios)
	r := &AlignmentReport{A: a, At: at, Alignments: []threat.Alignment{}, Divergences: []threat.Warning{}, Opportunities: []threat.Opportunity{}}
	var involved []threat.Priorities
	for _, pb := range groups {
		if pb.OrgID == a || q.B != "" && pb.OrgID != q.B {
			continue
		}
		involved = append(involved, pb)
		al := threat.Align(pa, pb, m.cfg.Threat)
		if !q.Explain {
			al.Explain = nil
		}
		r.Alignments = append(r.Alignments, al)
		r.Divergences = append(r.Divergences, threat.Divergence(al, m.cfg.Threat)...)
	}
	slices.SortStableFunc(r.Alignments, func(x, y threat.Alignment) int { return cmp.Compare(x.Score, y.Score) })
	ex := m.topicExchange(at.Add(-m.cfg.OpportunityWindow), at)
	for _, o := range threat.Opportunities(append([]threat.Priorities{pa}, involved...), ex, m.cfg.Threat) {
		if o.A == a || o.B == a {
			r.Opportunities = append(r.Opportunities, o)
		}
	}
	return r, nil
}

// topicExchange counts, per pair and topic, the exchanges in [from, to):
// one per dissemination per topic of its product.
func (m *Model) topicExchange(from, to time.Time) threat.Exchange {
	ex := threat.Exchange{}
	for i, e := range m.exchanges {
		if e.At.Before(from) || !e.At.Before(to) {
			continue
		}
		for _, t := range m.records[i].Topics {
			ex.Add(e.From, e.To, t, 1)
		}
	}
	return ex
}

var severityOrder = map[string]int{SeverityHigh: 0, SeverityMedium: 1, SeverityLow: 2}

// Warnings answers a WarningQuery.
func (m *Model) Warnings(q WarningQuery, now time.Time) (*WarningReport, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if err := checkTimes("warnings", q.At); err != nil {
		return nil, err
	}
	org, err := m.org("warnings", q.Org)
	if err != nil {
		return nil, err
	}
	at := orDefault(q.At, now)
	cfg := m.cfg.Warnings
	if q.LopsidedRatio != 0 {
		if q.LopsidedRatio <= 1 || math.IsNaN(q.LopsidedRatio) || math.IsInf(q.LopsidedRatio, 0) {
			return nil, invalid("warnings: lopsided ratio %v must be above 1", q.LopsidedRatio)
		}
		cfg.LopsidedRatio = q.LopsidedRatio
	}
	r := &WarningReport{Org: org, At: at, Warnings: []Warning{}}
	warn := func(w Warning) {
		if !q.Explain {
			w.Explain = nil
		}
		r.Warnings = append(r.Warnings, w)
	}

	// Lopsided ledgers over the last year.
	w := ledger.Window{From: at.Add(-cfg.LopsidedWindow), To: at}
	for _, p := range m.partners(org) {
		s := m.ledger.Pair(org, p, w)
		hi, lo := s.Given.Value, s.Received.Value
		giver, taker := org, p
		if lo > hi {
			hi, lo, giver, taker = lo, hi, p, org
		}
		if hi < cfg.LopsidedMinValue || lo > 0 && hi/lo < cfg.LopsidedRatio {
			continue
		}
		back := "nothing in return"
		if lo > 0 {
			back = fmt.Sprintf("%.1f in return (%.1f×)", lo, hi/lo)
		}
		warn(Warning{Code: WarnLopsided, Severity: SeverityMedium, Partner: p, At: at,
			Message: fmt.Sprintf("%s gave %s %.1f and got %s over the last %d days", giver, taker, hi, back, int(cfg.LopsidedWindow/day)),
			Explain: []string{fmt.Sprintf("given %.1f in %d exchanges, received %.1f in %d; threshold %.1f×",
				s.Given.Value, s.Given.Count, s.Received.Value, s.Received.Count, cfg.LopsidedRatio)}})
	}

	// Trust falling fast.
	for _, p := range m.orgIDs {
		if p == org {
			continue
		}
		tr, err := m.trust.Trend(org, p, at, cfg.TrustWindow)
		if err != nil {
			return nil, wrap(err)
		}
		if tr.Change > -cfg.TrustDrop {
			continue
		}
		sev := SeverityMedium
		if tr.Change <= -cfg.SevereTrustDrop {
			sev = SeverityHigh
		}
		before, after := tr.Before.Projected(), tr.After.Projected()
		warn(Warning{Code: WarnTrustFalling, Severity: sev, Partner: p, At: at,
			Message: fmt.Sprintf("%s's trust in %s fell from %.2f to %.2f since %s", org, p, before, after, tr.From.Format(time.DateOnly)),
			Explain: []string{fmt.Sprintf("a fall of %.2f over %d days; threshold %.2f", -tr.Change, int(cfg.TrustWindow/day), cfg.TrustDrop)}})
	}

	// Breaches of the organisation's caveats, and by it.
	for _, b := range m.breaches {
		victim := m.victim(b)
		if b.At.After(at) || at.Sub(b.At) > cfg.BreachWindow || (victim != org && b.OrgID != org) {
			continue
		}
		partner := b.OrgID
		if partner == org {
			partner = victim
		}
		warn(Warning{Code: WarnBreach, Severity: SeverityHigh, Partner: partner, Subject: b.ID, At: b.At,
			Message: fmt.Sprintf("%s broke %s on %s", b.OrgID, b.Caveat, b.At.Format(time.DateOnly)),
			Explain: []string{b.Description, fmt.Sprintf("product %s; recorded by %s", b.ProductID, b.ReportedBy)}})
	}

	// Threat divergence.
	pa := threat.PrioritiesOf(org, m.prios)
	for _, pb := range threat.GroupPriorities(m.prios) {
		if pb.OrgID == org {
			continue
		}
		al := threat.Align(pa, pb, m.cfg.Threat)
		for _, d := range threat.Divergence(al, m.cfg.Threat) {
			code := WarnDivergence
			if d.Code == threat.WarnUnrankedTopPriority {
				code = WarnUnranked
			}
			warn(Warning{Code: code, Severity: SeverityLow, Partner: pb.OrgID, Subject: d.Topic, At: at, Message: d.Message, Explain: al.Explain})
		}
	}

	// Agreements about to expire.
	for _, a := range m.ags {
		if !a.HasParty(org) || a.Status != liaison.AgreementActive || a.ValidTo == nil || !a.ValidTo.After(at) || a.ValidTo.Sub(at) > cfg.ExpiryNotice {
			continue
		}
		var others []string
		for _, p := range a.Parties {
			if p != org {
				others = append(others, p)
			}
		}
		partner := ""
		if len(others) == 1 {
			partner = others[0]
		}
		warn(Warning{Code: WarnExpiring, Severity: SeverityMedium, Partner: partner, Subject: a.ID, At: *a.ValidTo,
			Message: fmt.Sprintf("%q ends on %s, in %d days", a.Title, a.ValidTo.Format(time.DateOnly), int(a.ValidTo.Sub(at)/day)),
			Explain: []string{"parties: " + strings.Join(a.Parties, ", ")}})
	}

	// RFIs past their deadline, unanswered.
	for _, rf := range m.rfis {
		if rf.Status != liaison.RFIOpen || len(rf.Answers) > 0 || !rf.Deadline.Before(at) || rf.FromOrg != org && rf.ToOrg != org {
			continue
		}
		partner, msg := rf.ToOrg, fmt.Sprintf("%s has not answered %s's RFI on %s, due %s", rf.ToOrg, org, rf.Topic, rf.Deadline.Format(time.DateOnly))
		if rf.ToOrg == org {
			partner, msg = rf.FromOrg, fmt.Sprintf("%s's RFI to %s on %s was due %s and is unanswered", rf.FromOrg, org, rf.Topic, rf.Deadline.Format(time.DateOnly))
		}
		sev := SeverityMedium
		if rf.Priority == liaison.PriorityHigh || rf.Priority == liaison.PriorityCritical {
			sev = SeverityHigh
		}
		warn(Warning{Code: WarnRFIOverdue, Severity: sev, Partner: partner, Subject: rf.ID, At: rf.Deadline, Message: msg,
			Explain: []string{fmt.Sprintf("%s priority, asked %s: %s", rf.Priority, rf.CreatedAt.Format(time.DateOnly), rf.Question)}})
	}

	slices.SortStableFunc(r.Warnings, func(x, y Warning) int {
		return cmp.Or(cmp.Compare(severityOrder[x.Severity], severityOrder[y.Severity]), y.At.Compare(x.At), cmp.Compare(x.Code, y.Code))
	})
	return r, nil
}
