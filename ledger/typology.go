package ledger

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Class is a relationship's form of cooperation: the typology's two axes,
// how many parties (bilateral, multilateral) and the quality of
// reciprocity (transactional, relational).
type Class string

// The four classes, and the answer when the window holds too few
// exchanges to judge.
const (
	TransactionalBilateral    Class = "transactional_bilateral"
	RelationalBilateral       Class = "relational_bilateral"
	TransactionalMultilateral Class = "transactional_multilateral"
	RelationalMultilateral    Class = "relational_multilateral"
	InsufficientData          Class = "insufficient_data"
)

// classOf returns the class of the two axes.
func classOf(multilateral, relational bool) Class {
	switch {
	case multilateral && relational:
		return RelationalMultilateral
	case multilateral:
		return TransactionalMultilateral
	case relational:
		return RelationalBilateral
	}
	return TransactionalBilateral
}

// Scale turns an indicator's value into points toward the relational end
// of the reciprocity axis: 0 at or beyond Transactional, 1 at or beyond
// Relational, linear in between (in the logarithm of the value when Log
// is set). Transactional may be above Relational, for indicators that
// fall as relationships become relational. Weight is the indicator's
// weight in the relational score.
type Scale struct {
	Weight        float64 `json:"weight"`
	Transactional float64 `json:"transactional"`
	Relational    float64 `json:"relational"`
	Log           bool    `json:"log,omitempty"`
}

// Points returns v's points, 0 to 1.
func (s Scale) Points(v float64) float64 {
	t, r := s.Transactional, s.Relational
	if s.Log {
		v, t, r = math.Log(max(v, 1e-12)), math.Log(t), math.Log(r)
	}
	return min(max((v-t)/(r-t), 0), 1)
}

// Threshold returns the value worth half a point: where the indicator
// turns from transactional to relational.
func (s Scale) Threshold() float64 {
	if s.Log {
		return math.Sqrt(s.Transactional * s.Relational)
	}
	return (s.Transactional + s.Relational) / 2
}

// TypologyConfig tunes Classify and History. The package doc explains
// every indicator and default.
type TypologyConfig struct {
	// WindowMonths is the trailing window Classify judges a
	// relationship on.
	WindowMonths int `json:"window_months"`
	// StepMonths is the length of History's periods (3: quarters).
	StepMonths int `json:"step_months"`
	// MinExchanges is the fewest exchanges in the window for a class;
	// below it the class is InsufficientData.
	MinExchanges int `json:"min_exchanges"`
	// MultilateralShare is the share of the pair's exchange value under
	// multilateral agreements from which the relationship is
	// multilateral.
	MultilateralShare float64 `json:"multilateral_share"`
	// RelationalScore is the score from which it is relational.
	RelationalScore float64 `json:"relational_score"`
	// DeepKinds are the interaction kinds that count as deep contact.
	DeepKinds []string `json:"deep_kinds"`

	ReturnLag          Scale `json:"return_lag"`
	AnsweredShare      Scale `json:"answered_share"`
	MonthlyBalance     Scale `json:"monthly_balance"`
	LongImbalance      Scale `json:"long_imbalance"`
	GeneralisedReturns Scale `json:"generalised_returns"`
	ContactDensity     Scale `json:"contact_density"`
	DeepContact        Scale `json:"deep_contact"`
	OfficerTies        Scale `json:"officer_ties"`
	Tone               Scale `json:"tone"`
}

// DefaultTypologyConfig returns the default typology configuration.
func DefaultTypologyConfig() TypologyConfig {
	return TypologyConfig{
		WindowMonths:       6,
		StepMonths:         3,
		MinExchanges:       6,
		MultilateralShare:  0.5,
		RelationalScore:    0.5,
		DeepKinds:          []string{"exercise", "joint_training", "secondment", "visit"},
		ReturnLag:          Scale{Weight: 0.20, Transactional: 5, Relational: 20, Log: true},
		AnsweredShare:      Scale{Weight: 0.10, Transactional: 0.9, Relational: 0.5},
		MonthlyBalance:     Scale{Weight: 0.15, Transactional: 0.2, Relational: 0.5},
		LongImbalance:      Scale{Weight: 0.10, Transactional: 0.1, Relational: 0.3},
		GeneralisedReturns: Scale{Weight: 0.10, Transactional: 0.2, Relational: 0.8},
		ContactDensity:     Scale{Weight: 0.15, Transactional: 0.25, Relational: 1},
		DeepContact:        Scale{Weight: 0.10, Transactional: 0, Relational: 2},
		OfficerTies:        Scale{Weight: 0.05, Transactional: 2, Relational: 4},
		Tone:               Scale{Weight: 0.05, Transactional: 0, Relational: 1.5},
	}
}

// scales lists the indicator scales with their names, in evidence order.
func (c *TypologyConfig) scales() []struct {
	name string
	s    Scale
} {
	return []struct {
		name string
		s    Scale
	}{
		{IndicatorReturnLag, c.ReturnLag}, {IndicatorAnsweredShare, c.AnsweredShare},
		{IndicatorMonthlyBalance, c.MonthlyBalance}, {IndicatorLongImbalance, c.LongImbalance},
		{IndicatorGeneralisedReturns, c.GeneralisedReturns}, {IndicatorContactDensity, c.ContactDensity},
		{IndicatorDeepContact, c.DeepContact}, {IndicatorOfficerTies, c.OfficerTies}, {IndicatorTone, c.Tone},
	}
}

// Validate reports the first problem with c as an error wrapping
// ErrInvalid.
func (c TypologyConfig) Validate() error {
	switch {
	case c.WindowMonths < 1 || c.WindowMonths > 120:
		return fmt.Errorf("%w: typology: window_months %d is not 1–120", ErrInvalid, c.WindowMonths)
	case c.StepMonths < 1 || c.StepMonths > 12:
		return fmt.Errorf("%w: typology: step_months %d is not 1–12", ErrInvalid, c.StepMonths)
	case c.MinExchanges < 0:
		return fmt.Errorf("%w: typology: min_exchanges %d is negative", ErrInvalid, c.MinExchanges)
	case !(c.MultilateralShare > 0 && c.MultilateralShare <= 1):
		return fmt.Errorf("%w: typology: multilateral_share %v is not in (0, 1]", ErrInvalid, c.MultilateralShare)
	case !(c.RelationalScore > 0 && c.RelationalScore < 1):
		return fmt.Errorf("%w: typology: relational_score %v is not in (0, 1)", ErrInvalid, c.RelationalScore)
	}
	var total float64
	for _, sc := range c.scales() {
		s := sc.s
		switch {
		case !(s.Weight >= 0) || math.IsInf(s.Weight, 0):
			return fmt.Errorf("%w: typology: %s weight %v is not finite and non-negative", ErrInvalid, sc.name, s.Weight)
		case math.IsNaN(s.Transactional) || math.IsNaN(s.Relational) || math.IsInf(s.Transactional, 0) || math.IsInf(s.Relational, 0):
			return fmt.Errorf("%w: typology: %s anchors must be finite", ErrInvalid, sc.name)
		case s.Transactional == s.Relational:
			return fmt.Errorf("%w: typology: %s anchors are equal", ErrInvalid, sc.name)
		case s.Log && (s.Transactional <= 0 || s.Relational <= 0):
			return fmt.Errorf("%w: typology: %s is logarithmic, its anchors must be positive", ErrInvalid, sc.name)
		}
		total += s.Weight
	}
	if total <= 0 {
		return fmt.Errorf("%w: typology: the indicator weights sum to 0", ErrInvalid)
	}
	return nil
}

// The indicators' names.
const (
	// The parties axis.
	IndicatorMultilateralShare = "multilateral_share"
	IndicatorHubParty          = "hub_party"
	// The reciprocity axis.
	IndicatorReturnLag          = "return_lag"
	IndicatorAnsweredShare      = "answered_share"
	IndicatorMonthlyBalance     = "monthly_balance"
	IndicatorLongImbalance      = "long_imbalance"
	IndicatorGeneralisedReturns = "generalised_returns"
	IndicatorContactDensity     = "contact_density"
	IndicatorDeepContact        = "deep_contact"
	IndicatorOfficerTies        = "officer_ties"
	IndicatorTone               = "tone"
)

// The axes an indicator belongs to.
const (
	AxisParties     = "parties"
	AxisReciprocity = "reciprocity"
)

// Indicator is one piece of evidence behind a class. On the reciprocity
// axis, Points (0–1) measure how far Value lies toward relational on the
// indicator's Scale (anchored at Transactional and Relational, Threshold
// worth half a point) and count with Weight in the score. On the parties
// axis Points is 1 when the indicator makes the relationship
// multilateral, else 0. Value is absent when the indicator cannot be
// measured in the window; it then has no Points and no weight in the
// score, and Toward is "unmeasured".
type Indicator struct {
	Name          string   `json:"name"`
	Axis          string   `json:"axis"`
	Value         *float64 `json:"value,omitempty"`
	Unit          string   `json:"unit"`
	Threshold     float64  `json:"threshold"`
	Transactional *float64 `json:"transactional,omitempty"`
	Relational    *float64 `json:"relational,omitempty"`
	Weight        float64  `json:"weight"`
	Points        float64  `json:"points"`
	// Toward is "transactional" or "relational" (points below or from
	// one half), "bilateral" or "multilateral", or "unmeasured".
	Toward string `json:"toward"`
	Note   string `json:"note"`
}

// Typology is the class of a relationship over a window and the evidence
// for it.
type Typology struct {
	A      string `json:"a"`
	B      string `json:"b"`
	Window Window `json:"window"`
	Class  Class  `json:"class"`
	// Multilateral and Relational are the two axes; Score is the
	// relational score (0–1), the weighted mean of the measured
	// reciprocity indicators' points; Relational is Score >=
	// TypologyConfig.RelationalScore.
	Multilateral bool    `json:"multilateral"`
	Relational   bool    `json:"relational"`
	Score        float64 `json:"score"`
	// Exchanges counts the pair's exchanges in the window; Channel
	// names the channel the reciprocity indicators were measured on
	// ("bilateral" or "multilateral": the one carrying most value).
	Exchanges int         `json:"exchanges"`
	Channel   string      `json:"channel"`
	Evidence  []Indicator `json:"evidence"`
}

// Classify returns the class of the relationship between a and b as of
// at (zero: just after the latest record held), judged on a trailing
// window of TypologyConfig.WindowMonths calendar months (UTC): the month
// holding at, up to at, and the months before it. The class is symmetric
// in a and b. With fewer than MinExchanges exchanges in the window the
// class is InsufficientData, with the evidence still shown. Its cost is
// that of the pair's exchanges and contacts in the window.
func (l *Ledger) Classify(a, b string, at time.Time) Typology {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var to int64
	if at.IsZero() {
		to = l.latest()
		if to == math.MinInt64 {
			return Typology{A: a, B: b, Class: InsufficientData, Evidence: []Indicator{}}
		}
		to++
	} else {
		to = at.UnixMicro()
	}
	return l.classify(a, b, to)
}

// classify is Classify on the window ending at to (µs).
func (l *Ledger) classify(a, b string, to int64) Typology {
	tc := &l.cfg.Typology
	end := time.UnixMicro(to).UTC()
	s0 := monthStart(monthOf(time.UnixMicro(to-1)) - int32(tc.WindowMonths) + 1)
	start := time.UnixMicro(s0).UTC()
	s := newSpan(s0, to, to)
	t := Typology{A: a, B: b, Window: Window{From: start, To: end}}
	months := float64(s.to-s.from) / dayMicro / (365.25 / 12)

	p, aLo := l.lookup(a, b)
	if p == nil {
		p = &pair{}
		aLo = true
	}
	ai, aok := l.orgIdx[a]
	bi, bok := l.orgIdx[b]
	// side returns 0 when direction d runs from a to b, else 1.
	side := func(d uint8) int {
		if (d == 0) == aLo {
			return 0
		}
		return 1
	}

	// Values and counts per channel and side, and per channel, month
	// and side.
	var val, cnt [2][2]int64
	type chMonth struct {
		ch    int
		month int32
	}
	byMonth := map[chMonth]*[2]int64{}
	p.sum(s, func(month, _ int32, multi bool, d uint8, x *acc) {
		ch := b2i(multi)
		k := side(d)
		val[ch][k] += x.value
		cnt[ch][k] += x.count
		m := byMonth[chMonth{ch, month}]
		if m == nil {
			m = new([2]int64)
			byMonth[chMonth{ch, month}] = m
		}
		m[k] += x.value
	})
	t.Exchanges = int(cnt[0][0] + cnt[0][1] + cnt[1][0] + cnt[1][1])

	// The parties axis.
	totalVal := val[0][0] + val[0][1] + val[1][0] + val[1][1]
	var share float64
	switch {
	case totalVal > 0:
		share = float64(val[1][0]+val[1][1]) / float64(totalVal)
	case t.Exchanges > 0:
		share = float64(cnt[1][0]+cnt[1][1]) / float64(t.Exchanges)
	}
	hub := (aok && l.hubs[ai]) || (bok && l.hubs[bi])
	multiByShare := t.Exchanges > 0 && share >= tc.MultilateralShare
	t.Multilateral = multiByShare || hub
	ch := b2i(multiByShare)
	t.Channel = [2]string{"bilateral", "multilateral"}[ch]
	{
		ind := Indicator{Name: IndicatorMultilateralShare, Axis: AxisParties, Unit: "share of value",
			Threshold: tc.MultilateralShare, Toward: "bilateral",
			Note: fmt.Sprintf("%.0f%% of the value the pair exchanged went under multilateral agreements", 100*share)}
		if t.Exchanges > 0 {
			ind.Value = ptr(share)
		} else {
			ind.Toward, ind.Note = "unmeasured", "no exchange in the window"
		}
		if multiByShare {
			ind.Points, ind.Toward = 1, "multilateral"
		}
		t.Evidence = append(t.Evidence, ind)
		hv := 0.0
		ind = Indicator{Name: IndicatorHubParty, Axis: AxisParties, Unit: "yes/no", Threshold: 1, Toward: "bilateral",
			Note: "neither party is a hub"}
		if hub {
			hv, ind.Points, ind.Toward = 1, 1, "multilateral"
			var hs []string
			for _, o := range []string{a, b} {
				if i, ok := l.orgIdx[o]; ok && l.hubs[i] {
					hs = append(hs, o)
				}
			}
			ind.Note = strings.Join(hs, " and ") + " is a hub through which many parties exchange"
		}
		ind.Value = ptr(hv)
		t.Evidence = append(t.Evidence, ind)
	}

	// The reciprocity axis, on the channel that carries most value.
	type measured struct {
		v    *float64
		note string
	}
	var ms [9]measured

	// Return lag and answered share.
	var lags []int64
	var answered, unanswered int
	for i, j := p.window(s); i < j; i++ {
		e := &p.events[i]
		if e.channel() != ch || e.flags&fReturn != 0 {
			continue
		}
		switch {
		case e.flags&fAnswered != 0 && e.answered < s.asOf:
			answered++
			lags = append(lags, e.answered-e.at)
		case s.asOf-e.at > l.horizon:
			unanswered++
		}
	}
	switch {
	case len(lags) > 0:
		med := median(lags) / dayMicro
		ms[0] = measured{ptr(med), fmt.Sprintf("median %s days from a give to its return in the %s channel (%d gives returned)",
			num(med), t.Channel, len(lags))}
	case unanswered > 0:
		ms[0] = measured{ptr(l.cfg.AnswerWithinDays), fmt.Sprintf("none of %d gives in the %s channel was returned within %s days",
			unanswered, t.Channel, num(l.cfg.AnswerWithinDays))}
	default:
		ms[0] = measured{nil, "no give in the " + t.Channel + " channel has been returned or has expired"}
	}
	if n := answered + unanswered; n > 0 {
		v := float64(answered) / float64(n)
		ms[1] = measured{ptr(v), fmt.Sprintf("%d of %d gives in the %s channel returned within %s days", answered, n, t.Channel,
			num(l.cfg.AnswerWithinDays))}
	} else {
		ms[1] = measured{nil, "no give in the " + t.Channel + " channel has been returned or has expired"}
	}

	// Balance, month by month and over the window.
	var absDiff, vol int64
	nm := 0
	for k, m := range byMonth {
		if k.ch != ch {
			continue
		}
		nm++
		absDiff += abs(m[0] - m[1])
		vol += m[0] + m[1]
	}
	if vol > 0 {
		v := float64(absDiff) / float64(vol)
		ms[2] = measured{ptr(v), fmt.Sprintf("month by month, %.0f%% of the value exchanged in the %s channel was unbalanced (%d months)",
			100*v, t.Channel, nm)}
	} else {
		ms[2] = measured{nil, "no value exchanged in the " + t.Channel + " channel"}
	}
	if g, r := val[ch][0], val[ch][1]; g+r > 0 {
		v := float64(abs(g-r)) / float64(g+r)
		ms[3] = measured{ptr(v), fmt.Sprintf("over the window %s gave %s and %s gave %s in the %s channel",
			a, num(fromMicro(g)), b, num(fromMicro(r)), t.Channel)}
	} else {
		ms[3] = measured{nil, "no value exchanged in the " + t.Channel + " channel"}
	}

	// Generalised returns: what each side received through the groups
	// it shares with the other, against what it received directly.
	var group, direct int64
	if aok && bok && ai != bi {
		shared := map[int32]bool{}
		isShared := func(g int32) bool {
			v, ok := shared[g]
			if !ok {
				v = l.party(g, ai, s) && l.party(g, bi, s)
				shared[g] = v
			}
			return v
		}
		for _, x := range []int32{ai, bi} {
			if l.orgSum(x, s, func(c *orgCell) {
				if c.multi && isShared(c.agr) {
					group += c.in
				}
			}) {
				continue
			}
			for _, pi := range l.byOrg[x] {
				q := l.pairs[pi]
				toward := uint8(0) // the direction that ends at x
				if q.lo == x {
					toward = 1
				}
				q.sum(s, func(_, agr int32, multi bool, d uint8, y *acc) {
					if multi && d == toward && isShared(agr) {
						group += y.value
					}
				})
			}
		}
		direct = val[0][0] + val[0][1]
	}
	if group+direct > 0 {
		v := float64(group) / float64(group+direct)
		ms[4] = measured{ptr(v), fmt.Sprintf("%.0f%% of what the two received from each other or from the groups they share came through the groups (%s through groups, %s directly)",
			100*v, num(fromMicro(group)), num(fromMicro(direct)))}
	} else {
		ms[4] = measured{nil, "neither received anything from the other or from a group they share"}
	}

	// Contact.
	var density, deep, toneSum float64
	var contacts int
	officers := map[int32]bool{}
	k := sort.Search(len(p.contacts), func(i int) bool { return p.contacts[i].at >= s.from })
	for _, c := range p.contacts[k:] {
		if c.at >= s.to {
			break
		}
		w := 1.0
		if c.n > 2 && !t.Multilateral {
			w = 1 / float64(c.n-1)
		}
		contacts++
		density += w
		toneSum += w * float64(c.tone)
		if c.deep {
			deep += w
		}
		for _, o := range c.officers {
			officers[o] = true
		}
	}
	weighting := "contacts of the two alone count 1, group contacts 1/(n−1)"
	if t.Multilateral {
		weighting = "every contact both attended counts 1"
	}
	ms[5] = measured{ptr(density / months), fmt.Sprintf("%s contacts a month (%d contacts in %s months; %s)",
		num(density/months), contacts, num(months), weighting)}
	ms[6] = measured{ptr(deep * 12 / months), fmt.Sprintf("%s deep contacts (%s) a year", num(deep*12/months), strings.Join(tc.DeepKinds, ", "))}
	ms[7] = measured{ptr(float64(len(officers))), fmt.Sprintf("%d distinct officers met in contacts of the two alone", len(officers))}
	if density > 0 {
		v := toneSum / density
		ms[8] = measured{ptr(v), fmt.Sprintf("mean tone %s on −2..+2", num(v))}
	} else {
		ms[8] = measured{nil, "no contact in the window"}
	}

	units := [9]string{"days", "share of gives", "share of value", "share of value", "share of value", "contacts a month",
		"a year", "officers", "tone"}
	var wsum, psum float64
	for k, sc := range tc.scales() {
		ind := Indicator{Name: sc.name, Axis: AxisReciprocity, Value: ms[k].v, Unit: units[k], Threshold: sc.s.Threshold(),
			Transactional: ptr(sc.s.Transactional), Relational: ptr(sc.s.Relational), Weight: sc.s.Weight, Note: ms[k].note}
		if ind.Value == nil {
			ind.Toward = "unmeasured"
		} else {
			ind.Points = sc.s.Points(*ind.Value)
			ind.Toward = "transactional"
			if ind.Points >= 0.5 {
				ind.Toward = "relational"
			}
			wsum += sc.s.Weight
			psum += sc.s.Weight * ind.Points
		}
		t.Evidence = append(t.Evidence, ind)
	}
	if wsum > 0 {
		t.Score = psum / wsum
	}
	t.Relational = t.Score >= tc.RelationalScore
	t.Class = classOf(t.Multilateral, t.Relational)
	if t.Exchanges < tc.MinExchanges || t.Exchanges == 0 {
		t.Class = InsufficientData
	}
	return t
}

// party reports whether org is a party to agreement g during s: it took
// part in one of its exchanges, or the agreement names it and overlaps s.
func (l *Ledger) party(g, org int32, s span) bool {
	if l.participants[g][org] > 0 {
		return true
	}
	ag, ok := l.agreements[g]
	if !ok || len(ag.Parties) <= 2 {
		return false
	}
	if (!ag.From.IsZero() && ag.From.UnixMicro() >= s.to) || (!ag.To.IsZero() && ag.To.UnixMicro() <= s.from) {
		return false
	}
	_, found := slices.BinarySearch(ag.Parties, l.orgs[org])
	return found
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// num formats v briefly for notes.
func num(v float64) string {
	switch {
	case v == math.Trunc(v) && math.Abs(v) < 1e9:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case math.Abs(v) >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}
