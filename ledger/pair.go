package ledger

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"time"
)

// Flow is what went one way between two organisations in a window.
type Flow struct {
	// Count is the number of exchanges, Value the sum of their values.
	Count int     `json:"count"`
	Value float64 `json:"value"`
	// MultilateralValue is the part of Value given under multilateral
	// agreements.
	MultilateralValue float64 `json:"multilateral_value"`
	// Rated is how many the recipient rated, MeanFeedback the mean
	// rating (absent when none was rated).
	Rated        int      `json:"rated"`
	MeanFeedback *float64 `json:"mean_feedback,omitempty"`
	// RFIAnswers is how many answered an RFI, RFIOnTime and RFILate
	// how many of those had a deadline and met it or missed it.
	RFIAnswers  int `json:"rfi_answers"`
	RFIOnTime   int `json:"rfi_on_time"`
	RFILate     int `json:"rfi_late"`
	Unsolicited int `json:"unsolicited"`
	// Lag says how the gives of this flow were returned.
	Lag Lag `json:"lag"`
}

// Lag says how gives were returned: each exchange is either a return
// (it settled an earlier give of the other side) or a give awaiting a
// return, which is then answered, unanswered (no return within the
// horizon, Config.AnswerWithinDays) or open (still within it at the end
// of the window). Answered + Unanswered + Open + Returns is the flow's
// Count. See the package doc for the matching rule.
type Lag struct {
	Answered   int `json:"answered"`
	Unanswered int `json:"unanswered"`
	Open       int `json:"open"`
	Returns    int `json:"returns"`
	// AnsweredShare is Answered / (Answered + Unanswered), absent when
	// no give has been answered or has expired.
	AnsweredShare *float64 `json:"answered_share,omitempty"`
	// MedianDays and MeanDays are the time from a give to its return,
	// in days, over the answered gives; absent when none was answered.
	MedianDays *float64 `json:"median_days,omitempty"`
	MeanDays   *float64 `json:"mean_days,omitempty"`
}

// Reciprocity measures how much of a pair's flows is reciprocated. With
// w_ab the value A gave B and s_a the value A gave anyone in the window
// (A's out-strength):
//
//	Reciprocated = min(w_ab, w_ba)          (Squartini et al. 2013)
//	Ratio        = min(w_ab, w_ba) / max(w_ab, w_ba)
//	GivenShare   = p_ab = w_ab / s_a
//	ReceivedShare = p_ba = w_ba / s_b
//	LogRatio     = |ln p_ab − ln p_ba|      (Wang et al. 2013)
//
// A measure that is undefined (a zero denominator, the logarithm of 0)
// is absent, never NaN or infinite.
type Reciprocity struct {
	Reciprocated  float64  `json:"reciprocated"`
	Ratio         *float64 `json:"ratio,omitempty"`
	GivenShare    *float64 `json:"given_share,omitempty"`
	ReceivedShare *float64 `json:"received_share,omitempty"`
	LogRatio      *float64 `json:"log_ratio,omitempty"`
}

// AgreementFlow is a pair's exchange under one agreement.
type AgreementFlow struct {
	AgreementID  string  `json:"agreement_id"`
	Multilateral bool    `json:"multilateral"`
	Given        Flow    `json:"given"`
	Received     Flow    `json:"received"`
	Balance      float64 `json:"balance"`
}

// PairSummary is the ledger of an ordered pair of organisations (A, B)
// over a window: what A gave B, what B gave A, the balance and the
// reciprocity measures, and the same per agreement.
type PairSummary struct {
	A      string `json:"a"`
	B      string `json:"b"`
	Window Window `json:"window"`
	// Given is A→B, Received is B→A.
	Given    Flow `json:"given"`
	Received Flow `json:"received"`
	// Balance is Given.Value − Received.Value: positive when A gave more.
	Balance     float64         `json:"balance"`
	Reciprocity Reciprocity     `json:"reciprocity"`
	ByAgreement []AgreementFlow `json:"by_agreement"`
}

// MonthSummary is a pair's ledger for one calendar month (UTC) of a
// window. CumulativeBalance is the balance from the window's start to the
// end of the month.
type MonthSummary struct {
	Month             string   `json:"month"` // "2026-03"
	Given             Flow     `json:"given"`
	Received          Flow     `json:"received"`
	Balance           float64  `json:"balance"`
	CumulativeBalance float64  `json:"cumulative_balance"`
	Reciprocated      float64  `json:"reciprocated"`
	Ratio             *float64 `json:"ratio,omitempty"`
}

// span is a window in µs: events with from <= at < to, judged as of
// asOf. The whole months inside it are [m0, m1), starting at s0 and s1
// (MinInt32/MinInt64 and MaxInt32/MaxInt64 when unbounded).
type span struct {
	from, to, asOf int64
	m0, m1         int32
	s0, s1         int64
}

// newSpan returns the span [from, to) as of asOf (MinInt64 and MaxInt64
// when unbounded).
func newSpan(from, to, asOf int64) span {
	s := span{from: from, to: to, asOf: asOf, m0: math.MinInt32, m1: math.MaxInt32, s0: math.MinInt64, s1: math.MaxInt64}
	if from != math.MinInt64 {
		s.m0 = monthOf(time.UnixMicro(from))
		if s.s0 = monthStart(s.m0); s.s0 < from {
			s.m0++
			s.s0 = monthStart(s.m0)
		}
	}
	if to != math.MaxInt64 {
		s.m1 = monthOf(time.UnixMicro(to))
		s.s1 = monthStart(s.m1)
	}
	return s
}

func (l *Ledger) span(w Window) span {
	from, to := int64(math.MinInt64), int64(math.MaxInt64)
	if !w.From.IsZero() {
		from = w.From.UnixMicro()
	}
	asOf := l.latest()
	if asOf != math.MinInt64 {
		asOf++
	}
	if !w.To.IsZero() {
		to = w.To.UnixMicro()
		asOf = to
	}
	return newSpan(from, to, asOf)
}

// index returns the index of p's first event at or after t.
func (p *pair) index(t int64) int {
	return sort.Search(len(p.events), func(i int) bool { return p.events[i].at >= t })
}

// window returns the indexes [i, j) of p's events in s.
func (p *pair) window(s span) (int, int) {
	if s.from >= s.to {
		return 0, 0
	}
	i, j := 0, len(p.events)
	if s.from != math.MinInt64 {
		i = p.index(s.from)
	}
	if s.to != math.MaxInt64 {
		j = p.index(s.to)
	}
	return i, max(i, j)
}

// sum calls fn for the exchanges of p in s, aggregated: one call per cell
// for the whole months inside s, one per event at its edges. dir is 0
// for lo→hi.
func (p *pair) sum(s span, fn func(month int32, agr int32, multi bool, dir uint8, a *acc)) {
	if s.from >= s.to || len(p.events) == 0 {
		return
	}
	m0, m1 := s.m0, s.m1
	events := func(from, to int64) {
		var a acc
		for i, j := p.window(span{from: from, to: to}); i < j; i++ {
			e := &p.events[i]
			a = acc{}
			a.add(e, 1)
			fn(e.month, e.agr, e.flags&fMulti != 0, e.dir, &a)
		}
	}
	if m0 >= m1 {
		events(s.from, s.to)
		return
	}
	if m0 != math.MinInt32 && s.from < s.s0 {
		events(s.from, s.s0)
	}
	k := sort.Search(len(p.cells), func(i int) bool { return p.cells[i].month >= m0 })
	for ; k < len(p.cells) && p.cells[k].month < m1; k++ {
		c := &p.cells[k]
		for d := range c.f {
			if c.f[d].count != 0 {
				fn(c.month, c.agr, c.multi, uint8(d), &c.f[d])
			}
		}
	}
	if m1 != math.MaxInt32 && s.s1 < s.to {
		if last := p.events[len(p.events)-1].at; last < s.to {
			// Nothing of the month is left out: take its cells whole.
			for ; k < len(p.cells) && p.cells[k].month == m1; k++ {
				c := &p.cells[k]
				for d := range c.f {
					if c.f[d].count != 0 {
						fn(c.month, c.agr, c.multi, uint8(d), &c.f[d])
					}
				}
			}
			return
		}
		events(s.s1, s.to)
	}
}

// totals returns the value and count p carried each way in s.
func (p *pair) totals(s span) (value, count [2]int64) {
	p.sum(s, func(_, _ int32, _ bool, d uint8, a *acc) {
		value[d] += a.value
		count[d] += a.count
	})
	return
}

// orgSum calls fn for org's cells in s and returns true, or returns
// false when its cells cannot answer exactly (s starts within a month,
// or ends within one before org's latest exchange).
func (l *Ledger) orgSum(org int32, s span, fn func(c *orgCell)) bool {
	if s.from >= s.to {
		return true
	}
	if s.from != math.MinInt64 && s.from != s.s0 {
		return false
	}
	last := s.m1 // the last month taken, exclusive
	if s.to != math.MaxInt64 && s.s1 < s.to {
		if l.orgLast[org] >= s.to {
			return false
		}
		last++
	}
	cs := l.orgCells[org]
	k := 0
	if s.m0 != math.MinInt32 {
		k = sort.Search(len(cs), func(i int) bool { return cs[i].month >= s.m0 })
	}
	for ; k < len(cs) && cs[k].month < last; k++ {
		fn(&cs[k])
	}
	return true
}

// strength returns the value org gave (out) and received (in) in s.
func (l *Ledger) strength(org int32, s span) (out, in int64) {
	if l.orgSum(org, s, func(c *orgCell) { out, in = out+c.out, in+c.in }) {
		return out, in
	}
	for _, pi := range l.byOrg[org] {
		p := l.pairs[pi]
		v, _ := p.totals(s)
		if p.lo == org {
			out, in = out+v[0], in+v[1]
		} else {
			out, in = out+v[1], in+v[0]
		}
	}
	return out, in
}

// lagBuilder accumulates how gives were returned.
type lagBuilder struct {
	lags                                []int64
	answered, unanswered, open, returns int
}

func (b *lagBuilder) add(e *event, asOf, horizon int64) {
	switch {
	case e.flags&fReturn != 0:
		b.returns++
	case e.flags&fAnswered != 0 && e.answered < asOf:
		b.answered++
		b.lags = append(b.lags, e.answered-e.at)
	case asOf-e.at > horizon:
		b.unanswered++
	default:
		b.open++
	}
}

func (b *lagBuilder) lag() Lag { return lagOf(b.lags, b.answered, b.unanswered, b.open, b.returns) }

// flowBuilder accumulates a Flow from events.
type flowBuilder struct {
	a     acc
	multi int64
	lagBuilder
}

func (b *flowBuilder) add(e *event, asOf, horizon int64) {
	b.a.add(e, 1)
	if e.flags&fMulti != 0 {
		b.multi += e.value
	}
	b.lagBuilder.add(e, asOf, horizon)
}

func (b *flowBuilder) flow() Flow { return flowOf(&b.a, b.multi, b.lag()) }

// flowOf makes a Flow of its sums and lags.
func flowOf(a *acc, multi int64, lag Lag) Flow {
	f := Flow{
		Count:             int(a.count),
		Value:             fromMicro(a.value),
		MultilateralValue: fromMicro(multi),
		Rated:             int(a.rated),
		RFIAnswers:        int(a.rfi),
		RFIOnTime:         int(a.onTime),
		RFILate:           int(a.late),
		Unsolicited:       int(a.unsolicited),
		Lag:               lag,
	}
	if a.rated > 0 {
		f.MeanFeedback = ptr(fromMicro(a.fb) / float64(a.rated))
	}
	return f
}

const dayMicro = float64(24 * time.Hour / time.Microsecond)

// lagOf summarises lags (µs, sorted in place).
func lagOf(lags []int64, answered, unanswered, open, returns int) Lag {
	g := Lag{Answered: answered, Unanswered: unanswered, Open: open, Returns: returns}
	if n := answered + unanswered; n > 0 {
		g.AnsweredShare = ptr(float64(answered) / float64(n))
	}
	if len(lags) > 0 {
		g.MedianDays = ptr(median(lags) / dayMicro)
		var sum int64
		for _, x := range lags {
			sum += x
		}
		g.MeanDays = ptr(float64(sum) / float64(len(lags)) / dayMicro)
	}
	return g
}

// median returns the median of xs (not empty), reordering it in place:
// O(len(xs)) by quickselect.
func median(xs []int64) float64 {
	n := len(xs)
	hi := nth(xs, n/2)
	if n%2 == 1 {
		return float64(hi)
	}
	// The lower middle is the largest of the elements before n/2.
	return (float64(slices.Max(xs[:n/2])) + float64(hi)) / 2
}

// nth reorders xs so that xs[k] is the element that would be there were
// xs sorted, with no greater element before it and no smaller after, and
// returns it.
func nth(xs []int64, k int) int64 {
	lo, hi := 0, len(xs)-1
	for hi > lo {
		if hi-lo < 16 {
			slices.Sort(xs[lo : hi+1])
			break
		}
		// Median of three as the pivot, then a three-way partition.
		mid := lo + (hi-lo)/2
		a, b, c := xs[lo], xs[mid], xs[hi]
		pivot := max(min(a, b), min(max(a, b), c))
		lt, i, gt := lo, lo, hi
		for i <= gt {
			switch {
			case xs[i] < pivot:
				xs[lt], xs[i] = xs[i], xs[lt]
				lt++
				i++
			case xs[i] > pivot:
				xs[i], xs[gt] = xs[gt], xs[i]
				gt--
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt - 1
		case k > gt:
			lo = gt + 1
		default:
			return xs[k]
		}
	}
	return xs[k]
}

func ptr(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// reciprocity computes the measures of a pair from the value each side
// gave the other (wab, wba) and each side's out-strength (sa, sb).
func reciprocity(wab, wba, sa, sb int64) Reciprocity {
	r := Reciprocity{Reciprocated: fromMicro(min(wab, wba))}
	if hi := max(wab, wba); hi > 0 {
		r.Ratio = ptr(float64(min(wab, wba)) / float64(hi))
	}
	if sa > 0 {
		r.GivenShare = ptr(float64(wab) / float64(sa))
	}
	if sb > 0 {
		r.ReceivedShare = ptr(float64(wba) / float64(sb))
	}
	if r.GivenShare != nil && r.ReceivedShare != nil && wab > 0 && wba > 0 {
		r.LogRatio = ptr(math.Abs(math.Log(*r.GivenShare) - math.Log(*r.ReceivedShare)))
	}
	return r
}

// Pair returns the ledger of a and b over w, oriented from a: Given is
// a→b. Unknown organisations, a == b, or an empty or inverted window give
// a summary with zero flows.
func (l *Ledger) Pair(a, b string, w Window) PairSummary {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := PairSummary{A: a, B: b, Window: w, ByAgreement: []AgreementFlow{}}
	p, aLo := l.lookup(a, b)
	if p == nil {
		out.Reciprocity = reciprocity(0, 0, 0, 0)
		return out
	}
	s := l.span(w)
	// Sums from the cells, lags from the events.
	type agrFlows struct {
		agr   int32
		a     [2]acc
		multi [2]int64
		lag   [2]lagBuilder
		isMul bool
	}
	var byAgr []*agrFlows
	find := func(agr int32) *agrFlows {
		for _, x := range byAgr {
			if x.agr == agr {
				return x
			}
		}
		x := &agrFlows{agr: agr}
		byAgr = append(byAgr, x)
		return x
	}
	side := func(d uint8) int {
		if (d == 0) == aLo {
			return 0
		}
		return 1
	}
	var sums [2]acc
	var multi [2]int64
	p.sum(s, func(_, agr int32, mul bool, d uint8, x *acc) {
		k := side(d)
		sums[k].plus(x)
		af := find(agr)
		af.a[k].plus(x)
		if mul {
			multi[k] += x.value
			af.multi[k] += x.value
			af.isMul = true
		}
	})
	var lags [2]lagBuilder
	i, j := p.window(s)
	lags[0].lags = make([]int64, 0, (j-i)/2+1)
	lags[1].lags = make([]int64, 0, (j-i)/2+1)
	var af *agrFlows
	for ; i < j; i++ {
		e := &p.events[i]
		k := side(e.dir)
		lags[k].add(e, s.asOf, l.horizon)
		if af == nil || af.agr != e.agr {
			af = find(e.agr)
		}
		af.lag[k].add(e, s.asOf, l.horizon)
	}
	out.Given, out.Received = flowOf(&sums[0], multi[0], lags[0].lag()), flowOf(&sums[1], multi[1], lags[1].lag())
	out.Balance = fromMicro(sums[0].value - sums[1].value)
	ai, bi := l.orgIdx[a], l.orgIdx[b]
	sa, _ := l.strength(ai, s)
	sb, _ := l.strength(bi, s)
	out.Reciprocity = reciprocity(sums[0].value, sums[1].value, sa, sb)
	for _, af := range byAgr {
		out.ByAgreement = append(out.ByAgreement, AgreementFlow{
			AgreementID: l.agrs[af.agr], Multilateral: af.isMul,
			Given: flowOf(&af.a[0], af.multi[0], af.lag[0].lag()), Received: flowOf(&af.a[1], af.multi[1], af.lag[1].lag()),
			Balance: fromMicro(af.a[0].value - af.a[1].value),
		})
	}
	slices.SortFunc(out.ByAgreement, func(x, y AgreementFlow) int { return cmp.Compare(x.AgreementID, y.AgreementID) })
	return out
}

// Months returns the ledger of a and b for each calendar month (UTC) of
// w in which they exchanged, oldest first, oriented from a. A month cut
// by the window counts only its part inside. Lags are those of the gives
// made in the month, as of the end of the window.
func (l *Ledger) Months(a, b string, w Window) []MonthSummary {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := []MonthSummary{}
	p, aLo := l.lookup(a, b)
	if p == nil {
		return out
	}
	s := l.span(w)
	var f [2]flowBuilder
	month := int32(math.MinInt32)
	var cum int64
	flush := func() {
		if month == math.MinInt32 {
			return
		}
		bal := f[0].a.value - f[1].a.value
		cum += bal
		m := MonthSummary{Month: monthKey(month), Given: f[0].flow(), Received: f[1].flow(),
			Balance: fromMicro(bal), CumulativeBalance: fromMicro(cum), Reciprocated: fromMicro(min(f[0].a.value, f[1].a.value))}
		if hi := max(f[0].a.value, f[1].a.value); hi > 0 {
			m.Ratio = ptr(float64(min(f[0].a.value, f[1].a.value)) / float64(hi))
		}
		out = append(out, m)
		f = [2]flowBuilder{}
	}
	for i, j := p.window(s); i < j; i++ {
		e := &p.events[i]
		if e.month != month {
			flush()
			month = e.month
		}
		k := 0
		if (e.dir == 0) != aLo {
			k = 1
		}
		f[k].add(e, s.asOf, l.horizon)
	}
	flush()
	return out
}

// NetworkSummary is the reciprocity of the whole exchange network over a
// window: organisations are nodes, and i→j is a link when i gave j
// anything (binary) and weighs the value i gave j (weighted).
type NetworkSummary struct {
	Window Window `json:"window"`
	// Orgs counts the organisations that gave or received in the window.
	Orgs int `json:"orgs"`
	// Links is L, the directed links; ReciprocalLinks is L↔, those
	// whose reverse link exists too.
	Links           int `json:"links"`
	ReciprocalLinks int `json:"reciprocal_links"`
	// Reciprocity is r = L↔/L; Rho is ρ = (r − ā)/(1 − ā) with the
	// density ā = L / (N(N−1)) (Garlaschelli & Loffredo 2004): above 0
	// the network reciprocates more than chance, below 0 less.
	Reciprocity *float64 `json:"reciprocity,omitempty"`
	Rho         *float64 `json:"rho,omitempty"`
	// Value is W = Σ w_ij; ReciprocatedValue is W↔ = Σ min(w_ij, w_ji)
	// over ordered pairs; WeightedReciprocity is r^w = W↔/W (Squartini
	// et al. 2013).
	Value               float64  `json:"value"`
	ReciprocatedValue   float64  `json:"reciprocated_value"`
	WeightedReciprocity *float64 `json:"weighted_reciprocity,omitempty"`
}

// Network returns the network-wide reciprocity over w.
func (l *Ledger) Network(w Window) NetworkSummary {
	l.mu.RLock()
	defer l.mu.RUnlock()
	s := l.span(w)
	out := NetworkSummary{Window: w}
	active := map[int32]bool{}
	var links, recip int
	var total, recipVal int64
	for _, p := range l.pairs {
		v, c := p.totals(s)
		if c[0] == 0 && c[1] == 0 {
			continue
		}
		active[p.lo], active[p.hi] = true, true
		for d := range 2 {
			if c[d] > 0 {
				links++
				if c[1-d] > 0 {
					recip++
				}
			}
		}
		total += v[0] + v[1]
		recipVal += 2 * min(v[0], v[1])
	}
	out.Orgs, out.Links, out.ReciprocalLinks = len(active), links, recip
	out.Value, out.ReciprocatedValue = fromMicro(total), fromMicro(recipVal)
	if links > 0 {
		r := float64(recip) / float64(links)
		out.Reciprocity = ptr(r)
		n := float64(len(active))
		if density := float64(links) / (n * (n - 1)); density < 1 {
			out.Rho = ptr((r - density) / (1 - density))
		}
	}
	if total > 0 {
		out.WeightedReciprocity = ptr(float64(recipVal) / float64(total))
	}
	return out
}
