package trust

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
	"time"
)

// Pair is an ordered pair of organisations: how far Truster can rely on
// Trustee. Trust is not symmetric; (a, b) and (b, a) are two pairs.
type Pair struct {
	Truster string `json:"truster"`
	Trustee string `json:"trustee"`
}

// DimensionAssessment is one dimension of an Assessment: the opinion, its
// projected probability, the decayed evidence behind it and the weight
// the dimension has in the overall opinion.
type DimensionAssessment struct {
	Dimension Dimension `json:"dimension"`
	Opinion   Opinion   `json:"opinion"`
	Projected float64   `json:"projected"`
	// Positive and Negative are the decayed units of evidence r and s the
	// opinion is made of (relational structure included, for benevolence).
	Positive float64 `json:"positive"`
	Negative float64 `json:"negative"`
	// Items is how many evidence items on the dimension are dated at or
	// before the assessment.
	Items int `json:"items"`
	// Weight is the dimension's weight in the overall opinion.
	Weight float64 `json:"weight"`
}

// Assessment is the trust of Truster in Trustee at time At, with its
// working: one opinion per dimension, the overall opinion, the base rate
// and why, and the evidence items that weigh most in it now.
type Assessment struct {
	Truster string    `json:"truster"`
	Trustee string    `json:"trustee"`
	At      time.Time `json:"at"`
	// Overall combines the dimensions: its evidence is the sum of the
	// dimensions' evidence, each times its weight.
	Overall   Opinion `json:"overall"`
	Projected float64 `json:"projected"`
	// Dimensions are ability, integrity and benevolence, in that order.
	Dimensions []DimensionAssessment `json:"dimensions"`
	// BaseRate is the prior of every opinion of the assessment, set by
	// the shared memberships alone; BaseRateReasons says how.
	BaseRate          float64  `json:"base_rate"`
	BaseRateReasons   []string `json:"base_rate_reasons"`
	SharedMemberships []string `json:"shared_memberships"`
	// Items is how many evidence items are dated at or before At. With
	// none, every opinion is vacuous (uncertainty 1) and projects the
	// base rate.
	Items int `json:"items"`
	// Top are the items that weigh most in the overall opinion now, by
	// Influence, largest first: at most Config.TopK supporting and TopK
	// undermining ones.
	Top []Contribution `json:"top"`
}

// Dimension returns the assessment of dimension d, and false if d is not
// a dimension.
func (a *Assessment) Dimension(d Dimension) (DimensionAssessment, bool) {
	i, ok := d.index()
	if !ok || i >= len(a.Dimensions) {
		return DimensionAssessment{}, false
	}
	return a.Dimensions[i], true
}

// Contribution is one evidence item in an explanation: what it was, which
// way it pushed (Sign +1 for positive units, −1 for negative; an item
// with both appears once for each), its decayed weight in its dimension
// now, and its Influence: that weight times the dimension's weight, the
// units of overall evidence it provides now.
type Contribution struct {
	Evidence  Evidence `json:"evidence"`
	Sign      int      `json:"sign"`
	Weight    float64  `json:"weight"`
	Influence float64  `json:"influence"`
}

// Trend compares the overall trust of a pair at two times: Before at
// From, After at To. Change is After's projected probability minus
// Before's. With no new evidence, trust drifts towards the base rate as
// evidence decays; a fall beyond that drift is news.
type Trend struct {
	Truster string    `json:"truster"`
	Trustee string    `json:"trustee"`
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	Before  Opinion   `json:"before"`
	After   Opinion   `json:"after"`
	Change  float64   `json:"change"`
}

// DefaultTrendWindow is the window the wiring uses for Engine.Trend: trust
// now against trust 90 days ago.
const DefaultTrendWindow = 90 * 24 * time.Hour

// epochUnix is the reference epoch of the engine's time axis,
// 2000-01-01T00:00:00Z. Only differences of times matter; the epoch keeps
// the numbers small.
const epochUnix = 946684800

// yearSeconds is the length of a year for the age of a relationship.
const yearSeconds = 365.25 * 24 * 3600

// Engine computes trust from evidence, incrementally. It keeps, for each
// pair and dimension, the evidence items in time order with running sums
// of w·2^(t/h) in log space (h the half-life): adding an item in time
// order costs O(1), an item older than the pair's latest costs a copy of
// the later ones, and an assessment at any time costs O(log n) — the sums
// decay at query time by 2^(−now/h), so no stored number depends on when
// it is read. For each pair it also keeps the TopK items of each sign
// with the largest w_dim·w·2^(t/h) (w_dim the dimension's weight): the
// items of largest influence at any later time, since all decay alike.
//
// An Engine is safe for concurrent use; its methods are serialised by a
// mutex (an assessment may bring cached sums up to date, so reads lock
// too). Evidence cannot be removed: to retract an item, build a new
// Engine from the remaining evidence.
type Engine struct {
	mu      sync.Mutex
	cfg     Config
	hl      float64 // half-life in seconds
	pairs   map[Pair]*pairState
	members map[string][]string // organisation → its memberships, normalised
	items   int
}

// pairState is what the engine keeps for one ordered pair.
type pairState struct {
	dims      [numDims]dimLog
	ties      map[string]float64 // officer tie → time of its first item
	tieTimes  []float64          // the values of ties, sorted; valid when !tiesDirty
	tiesDirty bool
	support   topHeap // the TopK items of largest positive influence
	undermine topHeap // the TopK items of largest negative influence
}

// entry is one evidence item on one dimension of a pair.
type entry struct {
	x        float64 // time in half-lives since the epoch
	pos, neg float64 // units of evidence
	lp, ln   float64 // log2 Σ pos·2^x and log2 Σ neg·2^x over the entries up to this one
}

// dimLog is the evidence of a pair on one dimension, sorted by time.
type dimLog struct {
	entries []entry
	clean   int // the running sums of entries[:clean] are up to date
}

// NewEngine returns an empty Engine with configuration cfg, or an error
// wrapping ErrInvalid if cfg is not valid.
func NewEngine(cfg Config) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("trust: new engine: %w", err)
	}
	return &Engine{
		cfg:     cfg,
		hl:      cfg.HalfLife.Seconds(),
		pairs:   make(map[Pair]*pairState),
		members: make(map[string][]string),
	}, nil
}

// Config returns the engine's configuration.
func (e *Engine) Config() Config { return e.cfg }

// x maps a time to the engine's time axis: half-lives since the epoch.
func (e *Engine) x(t time.Time) float64 {
	return (float64(t.Unix()-epochUnix) + float64(t.Nanosecond())/1e9) / e.hl
}

// Len returns how many evidence items the engine holds.
func (e *Engine) Len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.items
}

// Pairs returns the pairs with evidence, sorted by truster then trustee.
func (e *Engine) Pairs() []Pair {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.sortedPairs()
}

func (e *Engine) sortedPairs() []Pair {
	ps := make([]Pair, 0, len(e.pairs))
	for p := range e.pairs {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, comparePairs)
	return ps
}

func comparePairs(a, b Pair) int {
	return cmp.Or(cmp.Compare(a.Truster, b.Truster), cmp.Compare(a.Trustee, b.Trustee))
}

// SetMemberships sets the memberships of an organisation (EU, NATO,
// CLUB_OF_BERNE ...), replacing any it had; nil or empty clears them. The
// memberships two organisations share set the base rate of their pairs
// (Config.BaseRate) at every time, past assessments included.
func (e *Engine) SetMemberships(org string, memberships []string) error {
	if org == "" {
		return fmt.Errorf("%w: memberships: organisation is empty", ErrInvalid)
	}
	ms := normalise(memberships)
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(ms) == 0 {
		delete(e.members, org)
		return nil
	}
	e.members[org] = ms
	return nil
}

// Shared returns the memberships two organisations share, sorted.
func (e *Engine) Shared(a, b string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.shared(a, b)
}

func (e *Engine) shared(a, b string) []string {
	out := []string{}
	e.eachShared(a, b, func(m string) { out = append(out, m) })
	return out
}

// sharedCount returns how many memberships a and b share.
func (e *Engine) sharedCount(a, b string) int {
	n := 0
	e.eachShared(a, b, func(string) { n++ })
	return n
}

// eachShared calls f with each membership a and b share, in order.
func (e *Engine) eachShared(a, b string, f func(string)) {
	ma, mb := e.members[a], e.members[b]
	for i, j := 0, 0; i < len(ma) && j < len(mb); {
		switch c := cmp.Compare(ma[i], mb[j]); {
		case c == 0:
			f(ma[i])
			i++
			j++
		case c < 0:
			i++
		default:
			j++
		}
	}
}

// Add adds one evidence item. It returns an error wrapping ErrInvalid,
// and adds nothing, if ev is not valid. Add is not idempotent: the same
// item added twice counts twice.
func (e *Engine) Add(ev Evidence) error {
	if err := ev.Validate(); err != nil {
		return fmt.Errorf("trust: add: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.add(&ev)
	return nil
}

// AddAll adds evidence items. It validates them all first and adds none,
// returning an error wrapping ErrInvalid that names the first invalid
// one, if any is not valid. Items in time order are added fastest.
func (e *Engine) AddAll(evs []Evidence) error {
	for i := range evs {
		if err := evs[i].Validate(); err != nil {
			return fmt.Errorf("trust: add item %d: %w", i, err)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range evs {
		e.add(&evs[i])
	}
	return nil
}

// add adds a valid item.
func (e *Engine) add(ev *Evidence) {
	key := Pair{ev.Truster, ev.Trustee}
	p := e.pairs[key]
	if p == nil {
		p = &pairState{}
		e.pairs[key] = p
	}
	x := e.x(ev.At)
	di, _ := ev.Dimension.index()
	p.dims[di].insert(entry{x: x, pos: ev.Positive, neg: ev.Negative})
	for _, t := range ev.Ties {
		if p.ties == nil {
			p.ties = make(map[string]float64)
		}
		if old, ok := p.ties[t]; !ok || x < old {
			p.ties[t] = x
			p.tiesDirty = true
		}
	}
	if k := e.cfg.TopK; k > 0 {
		w := e.cfg.DimensionWeight(ev.Dimension)
		if ev.Positive > 0 {
			p.support.offer(math.Log2(ev.Positive*w)+x, x, ev.Positive, ev, k)
		}
		if ev.Negative > 0 {
			p.undermine.offer(math.Log2(ev.Negative*w)+x, x, ev.Negative, ev, k)
		}
	}
	e.items++
}

// insert adds an entry in time order, after any of the same time. The
// running sums are brought up to date at once for an entry that goes
// last, lazily (at the next read) otherwise.
func (l *dimLog) insert(en entry) {
	n := len(l.entries)
	if n == 0 || en.x >= l.entries[n-1].x {
		if l.clean == n {
			prevP, prevN := math.Inf(-1), math.Inf(-1)
			if n > 0 {
				prevP, prevN = l.entries[n-1].lp, l.entries[n-1].ln
			}
			en.lp = logAdd(prevP, log2w(en.pos)+en.x)
			en.ln = logAdd(prevN, log2w(en.neg)+en.x)
			l.clean = n + 1
		}
		l.entries = append(l.entries, en)
		return
	}
	i := sort.Search(n, func(i int) bool { return l.entries[i].x > en.x })
	l.entries = slices.Insert(l.entries, i, en)
	l.clean = min(l.clean, i)
}

// refresh brings the running sums up to date.
func (l *dimLog) refresh() {
	for i := l.clean; i < len(l.entries); i++ {
		prevP, prevN := math.Inf(-1), math.Inf(-1)
		if i > 0 {
			prevP, prevN = l.entries[i-1].lp, l.entries[i-1].ln
		}
		en := &l.entries[i]
		en.lp = logAdd(prevP, log2w(en.pos)+en.x)
		en.ln = logAdd(prevN, log2w(en.neg)+en.x)
	}
	l.clean = len(l.entries)
}

// upTo returns the index of the last entry dated at or before x, or −1.
func (l *dimLog) upTo(x float64) int {
	n := len(l.entries)
	if n > 0 && l.entries[n-1].x <= x {
		return n - 1
	}
	return sort.Search(n, func(i int) bool { return l.entries[i].x > x }) - 1
}

// log2w is log2 of a weight, −Inf for 0.
func log2w(w float64) float64 {
	if w <= 0 {
		return math.Inf(-1)
	}
	return math.Log2(w)
}

// logAdd returns log2(2^a + 2^b).
func logAdd(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log1p(math.Exp2(b-a))/math.Ln2
}

// tiesUpTo returns how many distinct officer ties the pair had at x.
func (p *pairState) tiesUpTo(x float64) int {
	if len(p.ties) == 0 {
		return 0
	}
	if p.tiesDirty {
		p.tieTimes = p.tieTimes[:0]
		for _, t := range p.ties {
			p.tieTimes = append(p.tieTimes, t)
		}
		slices.Sort(p.tieTimes)
		p.tiesDirty = false
	}
	return sort.Search(len(p.tieTimes), func(i int) bool { return p.tieTimes[i] > x })
}

// Assess returns the trust of truster in trustee at now, with its
// working. Only evidence dated at or before now counts. A pair without
// evidence gets vacuous opinions that project its base rate. The error
// wraps ErrInvalid if a name is empty, both are the same or now is the
// zero time.
func (e *Engine) Assess(truster, trustee string, now time.Time) (Assessment, error) {
	if err := checkPair(truster, trustee); err != nil {
		return Assessment{}, fmt.Errorf("trust: assess: %w", err)
	}
	if now.IsZero() {
		return Assessment{}, fmt.Errorf("%w: trust: assess: the time is missing", ErrInvalid)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.assess(Pair{truster, trustee}, now, true), nil
}

// Assessments returns the assessment of every pair with evidence at now,
// sorted by truster then trustee.
func (e *Engine) Assessments(now time.Time) []Assessment {
	e.mu.Lock()
	defer e.mu.Unlock()
	ps := e.sortedPairs()
	out := make([]Assessment, len(ps))
	for i, p := range ps {
		out[i] = e.assess(p, now, true)
	}
	return out
}

func checkPair(truster, trustee string) error {
	switch {
	case truster == "" || trustee == "":
		return fmt.Errorf("%w: truster and trustee are required", ErrInvalid)
	case truster == trustee:
		return fmt.Errorf("%w: an organisation's trust in itself is not modelled", ErrInvalid)
	}
	return nil
}

// sums is the decayed evidence of a pair at a time, before the base rate.
type sums struct {
	r, s        [numDims]float64
	items       [numDims]int
	n           int
	latest      float64 // x of the latest item at or before the time
	ageUnits    float64 // undecayed units of relationship age
	tieUnits    float64 // undecayed units of officer ties
	ties        int
	years       float64
	relDecay    float64 // 2^(latest − x): the decay of the relational structure
	relUnitsNow float64 // (ageUnits + tieUnits)·relDecay, included in r[benevolence]
}

// sumsAt computes the decayed evidence of p at x.
func (e *Engine) sumsAt(p *pairState, x float64) sums {
	var s sums
	first, latest := math.Inf(1), math.Inf(-1)
	for d := range p.dims {
		l := &p.dims[d]
		l.refresh()
		i := l.upTo(x)
		if i < 0 {
			continue
		}
		en := l.entries[i]
		s.r[d] = math.Exp2(en.lp - x)
		s.s[d] = math.Exp2(en.ln - x)
		s.items[d] = i + 1
		s.n += i + 1
		first = min(first, l.entries[0].x)
		latest = max(latest, en.x)
	}
	if s.n == 0 {
		return s
	}
	s.latest = latest
	s.years = (latest - first) * e.hl / yearSeconds
	s.ageUnits = e.cfg.AgeWeight * math.Log2(1+s.years)
	s.ties = p.tiesUpTo(x)
	s.tieUnits = e.cfg.TieWeight * math.Log2(1+float64(s.ties))
	s.relDecay = math.Exp2(latest - x)
	s.relUnitsNow = (s.ageUnits + s.tieUnits) * s.relDecay
	s.r[2] += s.relUnitsNow
	return s
}

// overall returns the overall evidence of s: the dimensions' evidence,
// weighted.
func (e *Engine) overall(s *sums) (r, neg float64) {
	for d, dim := range Dimensions() {
		w := e.cfg.DimensionWeight(dim)
		r += w * s.r[d]
		neg += w * s.s[d]
	}
	return r, neg
}

// assess computes the assessment of a pair at now; top says whether to
// explain it.
func (e *Engine) assess(key Pair, now time.Time, top bool) Assessment {
	shared := e.shared(key.Truster, key.Trustee)
	a, reasons := e.cfg.BaseRate(shared)
	as := Assessment{
		Truster: key.Truster, Trustee: key.Trustee, At: now,
		BaseRate: a, BaseRateReasons: reasons, SharedMemberships: shared,
		Dimensions: make([]DimensionAssessment, numDims),
		Top:        []Contribution{},
	}
	var s sums
	x := e.x(now)
	p := e.pairs[key]
	if p != nil {
		s = e.sumsAt(p, x)
	}
	for d, dim := range Dimensions() {
		op := fromEvidence(s.r[d], s.s[d], a)
		as.Dimensions[d] = DimensionAssessment{
			Dimension: dim, Opinion: op, Projected: op.Projected(),
			Positive: s.r[d], Negative: s.s[d], Items: s.items[d],
			Weight: e.cfg.DimensionWeight(dim),
		}
	}
	r, neg := e.overall(&s)
	as.Overall = fromEvidence(r, neg, a)
	as.Projected = as.Overall.Projected()
	as.Items = s.n
	if top && p != nil && s.n > 0 && e.cfg.TopK > 0 {
		as.Top = e.explain(key, p, x, &s)
	}
	return as
}

// opinionAt returns the overall opinion of a pair at x and its overall
// evidence, without explanation.
func (e *Engine) opinionAt(key Pair, p *pairState, x float64) (Opinion, float64, float64, int) {
	a := e.cfg.baseRate(e.sharedCount(key.Truster, key.Trustee))
	s := e.sumsAt(p, x)
	r, neg := e.overall(&s)
	return fromEvidence(r, neg, a), r, neg, s.n
}

// Trend returns the overall trust of truster in trustee at now and at
// now − window, e.g. DefaultTrendWindow. The error wraps ErrInvalid if a
// name is empty, both are the same, now is the zero time or window is
// not positive.
func (e *Engine) Trend(truster, trustee string, now time.Time, window time.Duration) (Trend, error) {
	if err := checkPair(truster, trustee); err != nil {
		return Trend{}, fmt.Errorf("trust: trend: %w", err)
	}
	if window <= 0 {
		return Trend{}, fmt.Errorf("%w: trust: trend: window %v is not positive", ErrInvalid, window)
	}
	if now.IsZero() {
		return Trend{}, fmt.Errorf("%w: trust: trend: the time is missing", ErrInvalid)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	key := Pair{truster, trustee}
	from := now.Add(-window)
	before := e.assess(key, from, false)
	after := e.assess(key, now, false)
	return Trend{
		Truster: truster, Trustee: trustee, From: from, To: now,
		Before: before.Overall, After: after.Overall,
		Change: after.Projected - before.Projected,
	}, nil
}

// Graph returns the overall opinion of every pair with evidence dated at
// or before now, for Transitive.
func (e *Engine) Graph(now time.Time) Graph {
	e.mu.Lock()
	defer e.mu.Unlock()
	x := e.x(now)
	g := make(Graph)
	for key, p := range e.pairs {
		op, _, _, n := e.opinionAt(key, p, x)
		if n == 0 {
			continue
		}
		if g[key.Truster] == nil {
			g[key.Truster] = make(map[string]Opinion)
		}
		g[key.Truster][key.Trustee] = op
	}
	return g
}

// LocalTrust returns, for every pair with evidence dated at or before
// now, its overall positive minus negative decayed evidence r − s: the
// analogue of EigenTrust's sat(i, j) − unsat(i, j), for Global.
func (e *Engine) LocalTrust(now time.Time) map[Pair]float64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	x := e.x(now)
	out := make(map[Pair]float64, len(e.pairs))
	for key, p := range e.pairs {
		_, r, neg, n := e.opinionAt(key, p, x)
		if n > 0 {
			out[key] = r - neg
		}
	}
	return out
}

// Transitive returns the trust from derives in to at now through the
// network of direct opinions (see the function Transitive), with the
// base rate of the pair (from, to) set by the memberships they share.
// The error wraps ErrInvalid as the function's does, or if now is the
// zero time.
func (e *Engine) Transitive(from, to string, now time.Time, maxDepth int) (Inference, error) {
	if now.IsZero() {
		return Inference{}, fmt.Errorf("%w: trust: transitive: the time is missing", ErrInvalid)
	}
	g := e.Graph(now)
	inf, err := Transitive(g, from, to, maxDepth)
	if err != nil {
		return Inference{}, err
	}
	e.mu.Lock()
	a := e.cfg.baseRate(e.sharedCount(from, to))
	e.mu.Unlock()
	inf.Opinion.BaseRate = a
	inf.Projected = inf.Opinion.Projected()
	return inf, nil
}

// Global returns the EigenTrust global trust of every organisation at now
// (see the function Global), from LocalTrust, seeded by the pre-trusted
// organisations (the wiring passes treaty partners), with α = alpha,
// ε = DefaultEpsilon and at most DefaultMaxIterations iterations.
func (e *Engine) Global(now time.Time, pretrusted []string, alpha float64) (GlobalTrust, error) {
	return Global(e.LocalTrust(now), pretrusted, alpha, DefaultEpsilon, DefaultMaxIterations)
}
