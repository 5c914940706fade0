package api

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/assess"
	"github.com/liaison-dev/liaison/ledger"
	"github.com/liaison-dev/liaison/threat"
	"github.com/liaison-dev/liaison/trust"
)

// The fake's answers to assess.Service. The figures are made up, but
// every report fills every kind of field (pointers set and nil, times,
// nested lists) so that the tests see a report travel whole; the desk's
// rules of who may ask are kept (the home organisation's administrators
// and liaison officers ask anything, its analysts who-can and alignment,
// no one else anything; an unknown organisation is invalid). The question
// as the service received it is kept in fakeNode.asked.

var _ assess.Service = (*fakeService)(nil)

// withoutAssess hides the assess.Service methods of a service: a node
// whose desk predates package assess.
type withoutAssess struct{ liaison.Service }

// mayAssess checks that the caller may ask: analysts only the questions
// open to them.
func (s *fakeService) mayAssess(what string, openToAnalysts bool) error {
	home := s.me.OrgID == s.n.node.HomeOrg
	switch {
	case home && (s.me.Role == liaison.RoleAdmin || s.me.Role == liaison.RoleLiaison):
		return nil
	case home && openToAnalysts && s.me.Role == liaison.RoleAnalyst:
		return nil
	}
	return liaison.Errorf(liaison.EFORBIDDEN, "%s is for the liaison desk of %s; %s is %s of %s", what, s.n.node.HomeOrg, s.me.ID, s.me.Role, s.me.OrgID)
}

// orgOr returns id, or the home organisation when it is empty; an id the
// node does not know is invalid.
func (s *fakeService) orgOr(field, id string) (string, error) {
	if id == "" {
		return s.n.node.HomeOrg, nil
	}
	if s.n.orgs[id] == nil {
		return "", liaison.Errorf(liaison.EINVALID, "%s: no organisation %s", field, id)
	}
	return id, nil
}

// others returns b when set (checked), else every organisation but a, by id.
func (s *fakeService) others(field, a, b string) ([]string, error) {
	if b != "" {
		if _, err := s.orgOr(field, b); err != nil {
			return nil, err
		}
		return []string{b}, nil
	}
	var out []string
	for id := range s.n.orgs {
		if id != a {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, nil
}

// atOr returns t, or the fake's now for the zero time.
func (s *fakeService) atOr(t time.Time) time.Time {
	if t.IsZero() {
		return s.n.now
	}
	return t.UTC()
}

// explained returns lines when explain is set.
func explained(explain bool, lines ...string) []string {
	if !explain {
		return nil
	}
	return lines
}

func ptr(f float64) *float64 { return &f }

func (s *fakeService) Trust(ctx context.Context, q assess.TrustQuery) (*assess.TrustReport, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	if err := s.mayAssess("trust", false); err != nil {
		return nil, err
	}
	s.n.asked = q
	truster, err := s.orgOr("truster", q.Truster)
	if err != nil {
		return nil, err
	}
	trustees, err := s.others("trustee", truster, q.Trustee)
	if err != nil {
		return nil, err
	}
	at := s.atOr(q.At)
	r := &assess.TrustReport{Truster: truster, At: at, Pretrusted: []string{truster}}
	for i, b := range trustees {
		op := trust.Opinion{Belief: 0.6 - 0.1*float64(i), Disbelief: 0.1, Uncertainty: 0.3 + 0.1*float64(i), BaseRate: 0.5}
		a := assess.TrustAssessment{
			Trustee:   b,
			Projected: op.Belief + op.BaseRate*op.Uncertainty,
			Basis:     "evidence",
			Direct: trust.Assessment{
				Truster: truster, Trustee: b, At: at, Overall: op, Projected: op.Belief + op.BaseRate*op.Uncertainty,
				BaseRate: 0.5, BaseRateReasons: []string{"no shared membership"}, SharedMemberships: []string{}, Items: 3,
				Top: []trust.Contribution{{Evidence: trust.Evidence{Truster: truster, Trustee: b, Dimension: trust.Integrity,
					Kind: trust.KindBreach, At: at.AddDate(0, -1, 0), Negative: 4, Ref: "breach-1", Note: "ORCON broken"}, Sign: -1, Weight: 4, Influence: 0.21}},
			},
			Explain: explained(q.Explain, fmt.Sprintf("%s trusts %s at %.2f", truster, b, op.Belief+op.BaseRate*op.Uncertainty), "a breach of ORCON weighs most"),
		}
		for _, d := range trust.Dimensions() {
			a.Direct.Dimensions = append(a.Direct.Dimensions, trust.DimensionAssessment{Dimension: d, Opinion: op, Projected: a.Projected, Positive: 2.5, Negative: 0.25, Items: 1, Weight: 1.0 / 3})
		}
		if i == 0 {
			a.Trend = &trust.Trend{Truster: truster, Trustee: b, From: at.AddDate(0, 0, -90), To: at, Before: op, After: op, Change: -0.125}
		} else {
			a.Basis = "inferred"
			a.Inferred = &trust.Inference{From: truster, To: b, Opinion: op, Projected: 0.55,
				Paths: []trust.Path{{Nodes: []string{truster, trustees[0], b}, Opinion: op, Projected: 0.55}}}
		}
		r.Assessments = append(r.Assessments, a)
		r.Global = append(r.Global, assess.Score{OrgID: b, Score: 1 / float64(len(trustees))})
	}
	return r, nil
}

func (s *fakeService) Ledger(ctx context.Context, q assess.LedgerQuery) (*assess.LedgerReport, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	if err := s.mayAssess("the ledger", false); err != nil {
		return nil, err
	}
	s.n.asked = q
	a, err := s.orgOr("a", q.A)
	if err != nil {
		return nil, err
	}
	bs, err := s.others("b", a, q.B)
	if err != nil {
		return nil, err
	}
	w := ledger.Window{From: q.From, To: q.To}
	if !w.From.IsZero() && !w.To.IsZero() && !w.To.After(w.From) {
		return nil, liaison.Errorf(liaison.EINVALID, "the window ends before it starts")
	}
	r := &assess.LedgerReport{A: a, Window: w}
	if q.Network {
		r.Network = &ledger.NetworkSummary{Window: w, Orgs: len(bs) + 1, Links: 2 * len(bs), ReciprocalLinks: 2 * len(bs), Reciprocity: ptr(1), Value: 12.5, ReciprocatedValue: 10}
	}
	for i, b := range bs {
		given := ledger.Flow{Count: 4 + i, Value: 7.25, Rated: 2, MeanFeedback: ptr(3.5), RFIAnswers: 1, RFIOnTime: 1,
			Lag: ledger.Lag{Answered: 2, Unanswered: 1, Returns: 1, AnsweredShare: ptr(2.0 / 3), MedianDays: ptr(6.5), MeanDays: ptr(7.125)}}
		received := ledger.Flow{Count: 2, Value: 5.25, Lag: ledger.Lag{Returns: 2}}
		p := assess.PairLedger{
			PairSummary: ledger.PairSummary{A: a, B: b, Window: w, Given: given, Received: received, Balance: given.Value - received.Value,
				Reciprocity: ledger.Reciprocity{Reciprocated: 5.25, Ratio: ptr(5.25 / 7.25), GivenShare: ptr(0.5)},
				ByAgreement: []ledger.AgreementFlow{{AgreementID: "00000000-0000-4000-8000-000000000001", Given: given, Received: received, Balance: 2}}},
			Explain: explained(q.Explain, fmt.Sprintf("%s gave %s more than it received", a, b)),
		}
		if q.Months {
			p.Months = []ledger.MonthSummary{{Month: "2026-02", Given: given, Received: received, Balance: 2, CumulativeBalance: 2, Reciprocated: 5.25, Ratio: ptr(0.72)}}
		}
		if q.Explain {
			p.Top = []assess.ValuedExchange{{ID: "d-1", ProductID: "p-1", From: a, To: b, At: s.n.now.AddDate(0, -1, 0), Value: 2.5,
				Factors: []ledger.Factor{{Name: ledger.FactorBase, Multiplier: 1, Note: "one product"}, {Name: ledger.FactorClassification, Multiplier: 2.5, Note: "SECRET"}}}}
		}
		r.Pairs = append(r.Pairs, p)
		if q.Network {
			r.Centrality = append(r.Centrality, ledger.OrgCentrality{Org: b, OutStrength: 5.25, InStrength: 7.25, OutDegree: 1, InDegree: 1, PageRank: 0.25, SourceRank: 0.25})
		}
	}
	return r, nil
}

func (s *fakeService) Typology(ctx context.Context, q assess.TypologyQuery) (*assess.TypologyReport, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	if err := s.mayAssess("the typology", false); err != nil {
		return nil, err
	}
	s.n.asked = q
	a, err := s.orgOr("a", q.A)
	if err != nil {
		return nil, err
	}
	var pairs [][2]string
	if q.All {
		var ids []string
		for id := range s.n.orgs {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for i, x := range ids {
			for _, y := range ids[i+1:] {
				pairs = append(pairs, [2]string{x, y})
			}
		}
	} else {
		bs, err := s.others("b", a, q.B)
		if err != nil {
			return nil, err
		}
		for _, b := range bs {
			pairs = append(pairs, [2]string{a, b})
		}
	}
	at := s.atOr(q.At)
	r := &assess.TypologyReport{At: at}
	for _, p := range pairs {
		ty := ledger.Typology{A: p[0], B: p[1], Window: ledger.Window{From: at.AddDate(-1, 0, 0), To: at}, Class: ledger.RelationalBilateral,
			Relational: true, Score: 0.625, Exchanges: 40, Channel: "bilateral",
			Evidence: []ledger.Indicator{
				{Name: "contact_density", Axis: ledger.AxisReciprocity, Value: ptr(1.8), Unit: "contacts a month", Threshold: 1, Transactional: ptr(0.25), Relational: ptr(2), Weight: 1, Points: 0.8, Toward: "relational", Note: "frequent contact"},
				{Name: "tone", Axis: ledger.AxisReciprocity, Unit: "mean tone", Toward: "unmeasured", Note: "no contact rated"},
			}}
		rel := assess.Relationship{Typology: ty, Explain: explained(q.Explain, "contact is frequent and returns are generalised")}
		if q.History {
			before := ty
			before.Class, before.Relational, before.Score = ledger.TransactionalBilateral, false, 0.25
			change := ledger.ClassChange{From: ledger.TransactionalBilateral, To: ledger.RelationalBilateral, Period: "2026-Q1",
				Because: []string{"contact_density rose from 0.30 to 1.8 contacts a month"},
				Summary: "from transactional_bilateral to relational_bilateral in 2026-Q1 because contact_density rose"}
			rel.History = []ledger.ClassPeriod{{Period: "2025-Q4", Typology: before}, {Period: "2026-Q1", Typology: ty, Change: &change}}
			rel.Changes = []ledger.ClassChange{change}
		}
		r.Relationships = append(r.Relationships, rel)
	}
	return r, nil
}

func (s *fakeService) WhoCan(ctx context.Context, q assess.WhoCanQuery) (*assess.WhoCanReport, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	if err := s.mayAssess("who-can", true); err != nil {
		return nil, err
	}
	s.n.asked = q
	if q.Topic == "" {
		return nil, liaison.Errorf(liaison.EINVALID, "a topic is required")
	}
	asker, err := s.orgOr("asker", q.Asker)
	if err != nil {
		return nil, err
	}
	bs, _ := s.others("", asker, "")
	r := &assess.WhoCanReport{Topic: q.Topic, Asker: asker, At: s.atOr(q.At), Partners: []threat.Ranked{}}
	for i, b := range bs {
		rk := threat.Ranked{OrgID: b, Score: 0.5 / float64(i+1), Coverage: 1, Trust: 0.5, Scope: 1 / float64(i+1),
			Why: []string{fmt.Sprintf("%s covers %s by SIGINT (strong)", b, q.Topic), "trust 0.50"}}
		if i == 0 {
			rk.AgreementID = "00000000-0000-4000-8000-000000000001"
		}
		r.Partners = append(r.Partners, rk)
	}
	return r, nil
}

func (s *fakeService) Alignment(ctx context.Context, q assess.AlignmentQuery) (*assess.AlignmentReport, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	if err := s.mayAssess("alignment", true); err != nil {
		return nil, err
	}
	s.n.asked = q
	a, err := s.orgOr("a", q.A)
	if err != nil {
		return nil, err
	}
	bs, err := s.others("b", a, q.B)
	if err != nil {
		return nil, err
	}
	r := &assess.AlignmentReport{A: a, At: s.atOr(q.At), Divergences: []threat.Warning{}, Opportunities: []threat.Opportunity{}}
	for i, b := range bs {
		al := threat.Alignment{A: a, B: b, Score: 0.25 * float64(i+1), Comparable: true,
			Shared: []threat.SharedTopic{{Topic: "russia", RankA: 1, RankB: 2}},
			OnlyA:  []threat.TopicRank{{Topic: "cyber", Rank: 2}}, OnlyB: []threat.TopicRank{},
			Explain: []string{"both rank russia high"}}
		r.Alignments = append(r.Alignments, al)
		if i == 0 {
			r.Divergences = append(r.Divergences, threat.Warning{Code: threat.WarnLowAlignment, A: a, B: b, Message: "priorities diverge"})
			r.Opportunities = append(r.Opportunities, threat.Opportunity{A: a, B: b, Topic: "russia", RankA: 1, RankB: 2, Score: 0.9, Why: []string{"both rank it high", "nothing exchanged on it"}})
		}
	}
	return r, nil
}

func (s *fakeService) Warnings(ctx context.Context, q assess.WarningQuery) (*assess.WarningReport, error) {
	defer s.n.mu.Unlock()
	if err := s.begin(); err != nil {
		return nil, err
	}
	if err := s.mayAssess("warnings", false); err != nil {
		return nil, err
	}
	s.n.asked = q
	org, err := s.orgOr("org", q.Org)
	if err != nil {
		return nil, err
	}
	ratio := 3.0
	if q.LopsidedRatio > 1 {
		ratio = q.LopsidedRatio
	}
	at := s.atOr(q.At)
	return &assess.WarningReport{Org: org, At: at, Warnings: []assess.Warning{
		{Code: assess.WarnBreach, Severity: assess.SeverityHigh, Partner: "nl-aivd", Subject: "breach-1", At: at.AddDate(0, -1, 0),
			Message: "nl-aivd broke ORCON", Explain: explained(q.Explain, "passed a product to a court")},
		{Code: assess.WarnLopsided, Severity: assess.SeverityMedium, Partner: "fr-dgsi", At: at,
			Message: fmt.Sprintf("%s gave fr-dgsi more than %g times what it received", org, ratio)},
	}}, nil
}
