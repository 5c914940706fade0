package ledger

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// Ledger holds exchanges, interactions and agreements and answers the
// queries of this package. Build it with New and feed it with Add (or
// AddAll for a batch), Update, Remove, AddInteraction, SetAgreements and
// SetHubs; each update costs O(1) amortised when records arrive in time
// order for their pair (O(size of the pair) otherwise). Its state depends
// only on the records it holds, not on the order in which they came.
// A Ledger is safe for concurrent use.
type Ledger struct {
	mu  sync.RWMutex
	cfg Config
	// horizon is Config.AnswerWithinDays in microseconds.
	horizon int64
	deep    map[string]bool

	orgs   []string
	orgIdx map[string]int32
	agrs   []string
	agrIdx map[string]int32
	offIdx map[string]int32

	pairs   []*pair
	pairIdx map[uint64]int32
	// byOrg lists the pairs each organisation exchanged in, orgCells
	// aggregates its exchanges by month, agreement and channel, and
	// orgLast is the time of its latest exchange (MinInt64: none).
	byOrg    [][]int32
	orgCells [][]orgCell
	orgLast  []int64

	ids map[string]int32 // exchange ID -> pair
	n   int              // exchanges held

	// participants counts, per agreement, the exchanges each
	// organisation took part in: the observed parties.
	participants map[int32]map[int32]int
	agreements   map[int32]Agreement // declared, by agreement index
	hubs         map[int32]bool

	// latestEx and latestContact are the times of the latest exchange
	// and interaction (MinInt64: none).
	latestEx      int64
	latestContact int64
}

// orgCell aggregates an organisation's exchanges of one month under one
// multilateral agreement, or (agr -1) under all bilateral ones: value and
// count given (out) and received (in).
type orgCell struct {
	month, agr         int32
	multi              bool
	out, in, outN, inN int64
}

// pair is an unordered pair of organisations, lo < hi by id. Its events
// are sorted by (time, id, giver); its cells aggregate them by month,
// agreement and channel.
type pair struct {
	lo, hi   int32
	events   []event
	cells    []cell
	contacts []contact
	// queues hold the gives awaiting a return, per channel.
	queues [2]claimQueue
	// dirty marks a pair touched by the AddAll under way.
	dirty    bool
	exchange bool // listed in byOrg
}

// event flags.
const (
	fMulti       = 1 << iota // under a multilateral agreement
	fReturn                  // settled an earlier give of the other side
	fAnswered                // was settled by a later give of the other side
	fRated                   // the recipient rated it
	fRFI                     // answered an RFI
	fDeadline                // that RFI had a deadline
	fOnTime                  // answered by the deadline
	fUnsolicited             // an unsolicited warning
)

// event is one exchange as a pair holds it. dir is 0 when lo gave to hi.
type event struct {
	at       int64 // µs since the Unix epoch
	answered int64 // µs, when fAnswered
	value    int64 // millionths
	id       string
	fb       int32 // feedback, millionths
	agr      int32
	month    int32
	flags    uint16
	dir      uint8
}

func (e *event) channel() int {
	if e.flags&fMulti != 0 {
		return 1
	}
	return 0
}

// acc accumulates exchanges in one direction.
type acc struct {
	count, value, rated, fb, rfi, onTime, late, unsolicited int64
}

func (a *acc) add(e *event, sign int64) {
	a.count += sign
	a.value += sign * e.value
	if e.flags&fRated != 0 {
		a.rated += sign
		a.fb += sign * int64(e.fb)
	}
	if e.flags&fRFI != 0 {
		a.rfi += sign
		if e.flags&fDeadline != 0 {
			if e.flags&fOnTime != 0 {
				a.onTime += sign
			} else {
				a.late += sign
			}
		}
	}
	if e.flags&fUnsolicited != 0 {
		a.unsolicited += sign
	}
}

func (a *acc) plus(b *acc) {
	a.count += b.count
	a.value += b.value
	a.rated += b.rated
	a.fb += b.fb
	a.rfi += b.rfi
	a.onTime += b.onTime
	a.late += b.late
	a.unsolicited += b.unsolicited
}

// cell aggregates a pair's exchanges of one month under one agreement
// and channel, per direction.
type cell struct {
	month int32
	agr   int32
	multi bool
	f     [2]acc
}

func cellLess(m, a int32, multi bool, c *cell) int {
	if x := cmp.Compare(c.month, m); x != 0 {
		return x
	}
	if x := cmp.Compare(c.agr, a); x != 0 {
		return x
	}
	return cmp.Compare(b2i(c.multi), b2i(multi))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// contact is an interaction as a pair holds it.
type contact struct {
	at       int64
	n        int32 // organisations that took part
	tone     int8
	deep     bool
	officers []int32 // only for contacts of the pair alone
}

// claimQueue is a FIFO of event indexes, all gives in direction dir.
type claimQueue struct {
	idx  []int32
	head int
	dir  uint8
}

func (q *claimQueue) len() int { return len(q.idx) - q.head }

func (q *claimQueue) push(i int32, dir uint8) {
	if q.len() == 0 {
		q.idx, q.head = q.idx[:0], 0
		q.dir = dir
	}
	q.idx = append(q.idx, i)
}

func (q *claimQueue) pop() int32 {
	i := q.idx[q.head]
	q.head++
	if q.head > 64 && q.head*2 > len(q.idx) {
		n := copy(q.idx, q.idx[q.head:])
		q.idx, q.head = q.idx[:n], 0
	}
	return i
}

// New returns an empty ledger with configuration cfg, or an error
// wrapping ErrInvalid when cfg fails Validate.
func New(cfg Config) (*Ledger, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.Typology.DeepKinds = slices.Clone(cfg.Typology.DeepKinds)
	l := &Ledger{
		cfg:           cfg,
		horizon:       int64(cfg.AnswerWithinDays * float64(24*time.Hour/time.Microsecond)),
		deep:          map[string]bool{},
		orgIdx:        map[string]int32{},
		agrIdx:        map[string]int32{},
		offIdx:        map[string]int32{},
		pairIdx:       map[uint64]int32{},
		ids:           map[string]int32{},
		participants:  map[int32]map[int32]int{},
		agreements:    map[int32]Agreement{},
		hubs:          map[int32]bool{},
		latestEx:      math.MinInt64,
		latestContact: math.MinInt64,
	}
	for _, k := range cfg.Typology.DeepKinds {
		l.deep[k] = true
	}
	return l, nil
}

// Config returns the ledger's configuration.
func (l *Ledger) Config() Config {
	c := l.cfg
	c.Typology.DeepKinds = slices.Clone(c.Typology.DeepKinds)
	return c
}

// Len returns the number of exchanges held.
func (l *Ledger) Len() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.n
}

func (l *Ledger) org(id string) int32 {
	if i, ok := l.orgIdx[id]; ok {
		return i
	}
	i := int32(len(l.orgs))
	l.orgs = append(l.orgs, id)
	l.orgIdx[id] = i
	l.byOrg = append(l.byOrg, nil)
	l.orgCells = append(l.orgCells, nil)
	l.orgLast = append(l.orgLast, math.MinInt64)
	return i
}

func (l *Ledger) agreement(id string) int32 {
	if i, ok := l.agrIdx[id]; ok {
		return i
	}
	i := int32(len(l.agrs))
	l.agrs = append(l.agrs, id)
	l.agrIdx[id] = i
	return i
}

func (l *Ledger) officer(id string) int32 {
	if i, ok := l.offIdx[id]; ok {
		return i
	}
	i := int32(len(l.offIdx))
	l.offIdx[id] = i
	return i
}

// pairOf returns the pair of organisations a and b (interned), creating
// it when create is set, and whether a is its lo side.
func (l *Ledger) pairOf(a, b int32, create bool) (*pair, int32, bool) {
	lo, hi := a, b
	if l.orgs[hi] < l.orgs[lo] {
		lo, hi = hi, lo
	}
	key := uint64(uint32(lo))<<32 | uint64(uint32(hi))
	if i, ok := l.pairIdx[key]; ok {
		return l.pairs[i], i, a == lo
	}
	if !create {
		return nil, -1, a == lo
	}
	i := int32(len(l.pairs))
	p := &pair{lo: lo, hi: hi}
	l.pairs = append(l.pairs, p)
	l.pairIdx[key] = i
	return p, i, a == lo
}

// lookup returns the pair of a and b by id, or nil.
func (l *Ledger) lookup(a, b string) (*pair, bool) {
	ai, ok := l.orgIdx[a]
	if !ok {
		return nil, false
	}
	bi, ok := l.orgIdx[b]
	if !ok || ai == bi {
		return nil, false
	}
	p, _, aLo := l.pairOf(ai, bi, false)
	return p, aLo
}

// monthOf returns the month index (year*12 + month-1) of t in UTC.
func monthOf(t time.Time) int32 {
	y, m, _ := t.UTC().Date()
	return int32(y*12 + int(m) - 1)
}

// monthStart returns the first microsecond of month index m.
func monthStart(m int32) int64 {
	y, mo := int(m)/12, int(m)%12
	if mo < 0 {
		y, mo = y-1, mo+12
	}
	return time.Date(y, time.Month(mo+1), 1, 0, 0, 0, 0, time.UTC).UnixMicro()
}

// monthKey formats month index m as "2026-03".
func monthKey(m int32) string {
	return time.UnixMicro(monthStart(m)).UTC().Format("2006-01")
}

// toEvent converts a validated exchange.
func (l *Ledger) toEvent(e Exchange, from, to int32) event {
	v := factors(&e, &l.cfg, nil)
	ev := event{at: e.At.UnixMicro(), value: toMicro(v), id: e.ID, month: monthOf(e.At), agr: l.agreement(e.AgreementID)}
	if l.orgs[from] > l.orgs[to] {
		ev.dir = 1
	}
	if e.Multilateral {
		ev.flags |= fMulti
	}
	if e.Feedback != nil {
		ev.flags |= fRated
		ev.fb = int32(math.Round(*e.Feedback * micro))
	}
	if e.AnswersRFI {
		ev.flags |= fRFI
		if !e.RFIDeadline.IsZero() {
			ev.flags |= fDeadline
			if !e.At.After(e.RFIDeadline) {
				ev.flags |= fOnTime
			}
		}
	}
	if e.Unsolicited {
		ev.flags |= fUnsolicited
	}
	return ev
}

// eventCmp orders a pair's events: by time, then id, then giver (dir is
// fixed by the ids' order), then by every other field the queries can
// see, so that the order, and so the matching of gives to returns, does
// not depend on the order of insertion. Events equal on all of these are
// interchangeable.
func (l *Ledger) eventCmp(a, b *event) int {
	if x := cmp.Compare(a.at, b.at); x != 0 {
		return x
	}
	if x := cmp.Compare(a.id, b.id); x != 0 {
		return x
	}
	if x := cmp.Compare(a.dir, b.dir); x != 0 {
		return x
	}
	const matching = fReturn | fAnswered
	if x := cmp.Compare(a.flags&^matching, b.flags&^matching); x != 0 {
		return x
	}
	if x := cmp.Compare(a.value, b.value); x != 0 {
		return x
	}
	if x := cmp.Compare(a.fb, b.fb); x != 0 {
		return x
	}
	if a.agr == b.agr {
		return 0
	}
	return cmp.Compare(l.agrs[a.agr], l.agrs[b.agr])
}

// Add adds one exchange. It returns an error wrapping ErrInvalid when e
// fails Validate and ErrDuplicate when its ID is held already; the ledger
// is then unchanged.
func (l *Ledger) Add(e Exchange) error {
	if err := e.Validate(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if e.ID != "" {
		if _, ok := l.ids[e.ID]; ok {
			return fmt.Errorf("%w: %q", ErrDuplicate, e.ID)
		}
	}
	l.add(e)
	return nil
}

// AddAll adds a batch of exchanges in any order, as Add would one by one
// but faster: each pair touched is sorted, aggregated and matched once.
// Either every exchange is added or, on the first invalid or duplicate
// one, none.
func (l *Ledger) AddAll(es []Exchange) error {
	for i, e := range es {
		if err := e.Validate(); err != nil {
			return fmt.Errorf("exchange %d: %w", i, err)
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.ids) == 0 {
		l.ids = make(map[string]int32, len(es))
	}
	// Reserve the ids, undoing the reservation on a duplicate.
	for i, e := range es {
		if e.ID == "" {
			continue
		}
		if _, ok := l.ids[e.ID]; ok {
			for _, x := range es[:i] {
				if x.ID != "" && l.ids[x.ID] == -1 {
					delete(l.ids, x.ID)
				}
			}
			if slices.ContainsFunc(es[:i], func(x Exchange) bool { return x.ID == e.ID }) {
				return fmt.Errorf("exchange %d: %w: %q twice in the batch", i, ErrDuplicate, e.ID)
			}
			return fmt.Errorf("exchange %d: %w: %q", i, ErrDuplicate, e.ID)
		}
		l.ids[e.ID] = -1
	}
	var touched []*pair
	for _, e := range es {
		p, pi, ev := l.place(e)
		if e.ID != "" {
			l.ids[e.ID] = pi
		}
		p.events = append(p.events, ev)
		if !p.dirty {
			p.dirty = true
			touched = append(touched, p)
		}
	}
	orgs := map[int32]bool{}
	for _, p := range touched {
		p.dirty = false
		if !slices.IsSortedFunc(p.events, func(a, b event) int { return l.eventCmp(&a, &b) }) {
			slices.SortFunc(p.events, func(a, b event) int { return l.eventCmp(&a, &b) })
		}
		p.rebuildCells()
		l.rematch(p)
		orgs[p.lo], orgs[p.hi] = true, true
	}
	for o := range orgs {
		l.rebuildOrgCells(o)
	}
	return nil
}

// rebuildOrgCells aggregates org's cells again from its pairs' cells.
func (l *Ledger) rebuildOrgCells(org int32) {
	cs := l.orgCells[org][:0]
	for _, pi := range l.byOrg[org] {
		p := l.pairs[pi]
		for i := range p.cells {
			c := &p.cells[i]
			out := 0 // the direction in which org gives
			if p.hi == org {
				out = 1
			}
			agr := c.agr
			if !c.multi {
				agr = -1
			}
			cs = append(cs, orgCell{month: c.month, agr: agr, multi: c.multi,
				out: c.f[out].value, outN: c.f[out].count, in: c.f[1-out].value, inN: c.f[1-out].count})
		}
	}
	slices.SortFunc(cs, func(a, b orgCell) int { return orgCellCmp(&a, b.month, b.agr, b.multi) })
	merged := cs[:0]
	for _, c := range cs {
		if n := len(merged); n > 0 && orgCellCmp(&merged[n-1], c.month, c.agr, c.multi) == 0 {
			m := &merged[n-1]
			m.out, m.in, m.outN, m.inN = m.out+c.out, m.in+c.in, m.outN+c.outN, m.inN+c.inN
			continue
		}
		merged = append(merged, c)
	}
	l.orgCells[org] = merged
}

func orgCellCmp(c *orgCell, m, a int32, multi bool) int {
	if x := cmp.Compare(c.month, m); x != 0 {
		return x
	}
	if x := cmp.Compare(c.agr, a); x != 0 {
		return x
	}
	return cmp.Compare(b2i(c.multi), b2i(multi))
}

// orgCellAdd adds (sign 1) or removes (-1) e to org's cells; out is true
// when org gave it.
func (l *Ledger) orgCellAdd(org int32, e *event, out bool, sign int64) {
	cs := l.orgCells[org]
	multi := e.flags&fMulti != 0
	agr := e.agr
	if !multi {
		agr = -1
	}
	n := len(cs)
	i := n - 1
	if n == 0 || orgCellCmp(&cs[n-1], e.month, agr, multi) != 0 {
		var found bool
		i, found = slices.BinarySearchFunc(cs, e, func(c orgCell, e *event) int { return orgCellCmp(&c, e.month, agr, multi) })
		if !found {
			cs = slices.Insert(cs, i, orgCell{month: e.month, agr: agr, multi: multi})
		}
	}
	c := &cs[i]
	if out {
		c.out += sign * e.value
		c.outN += sign
	} else {
		c.in += sign * e.value
		c.inN += sign
	}
	if c.outN == 0 && c.inN == 0 {
		cs = slices.Delete(cs, i, i+1)
	}
	l.orgCells[org] = cs
}

// place interns e's parties and agreement, counts it, and returns its
// pair and its event (not yet in the pair).
func (l *Ledger) place(e Exchange) (*pair, int32, event) {
	from, to := l.org(e.From), l.org(e.To)
	p, pi, _ := l.pairOf(from, to, true)
	if !p.exchange {
		p.exchange = true
		l.byOrg[p.lo] = append(l.byOrg[p.lo], pi)
		l.byOrg[p.hi] = append(l.byOrg[p.hi], pi)
	}
	ev := l.toEvent(e, from, to)
	l.participate(ev.agr, from, to, 1)
	l.n++
	l.latestEx = max(l.latestEx, ev.at)
	l.orgLast[from] = max(l.orgLast[from], ev.at)
	l.orgLast[to] = max(l.orgLast[to], ev.at)
	return p, pi, ev
}

// add adds a validated exchange whose ID is not held.
func (l *Ledger) add(e Exchange) {
	p, pi, ev := l.place(e)
	if e.ID != "" {
		l.ids[e.ID] = pi
	}
	l.cellAdd(p, &ev, 1)
	n := len(p.events)
	if n == 0 || l.eventCmp(&p.events[n-1], &ev) <= 0 {
		p.events = append(p.events, ev)
		l.match(p, int32(n))
		return
	}
	i, _ := slices.BinarySearchFunc(p.events, ev, func(a, b event) int { return l.eventCmp(&a, &b) })
	p.events = slices.Insert(p.events, i, ev)
	l.rematch(p)
}

// rebuildCells aggregates p's sorted events into cells again.
func (p *pair) rebuildCells() {
	p.cells = p.cells[:0]
	first := 0 // the first cell of the current month
	for i := range p.events {
		e := &p.events[i]
		multi := e.flags&fMulti != 0
		if len(p.cells) == 0 || p.cells[len(p.cells)-1].month != e.month {
			first = len(p.cells)
		}
		k := -1
		for j := first; j < len(p.cells); j++ {
			if c := &p.cells[j]; c.agr == e.agr && c.multi == multi {
				k = j
				break
			}
		}
		if k < 0 {
			p.cells = append(p.cells, cell{month: e.month, agr: e.agr, multi: multi})
			k = len(p.cells) - 1
		}
		p.cells[k].f[e.dir].add(e, 1)
	}
	// Within a month, cells are in order of first appearance: sort them.
	for i := 0; i < len(p.cells); {
		j := i + 1
		for j < len(p.cells) && p.cells[j].month == p.cells[i].month {
			j++
		}
		slices.SortFunc(p.cells[i:j], func(a, b cell) int { return cellLess(b.month, b.agr, b.multi, &a) })
		i = j
	}
}

func (l *Ledger) participate(agr, from, to int32, sign int) {
	m := l.participants[agr]
	if m == nil {
		m = map[int32]int{}
		l.participants[agr] = m
	}
	for _, o := range []int32{from, to} {
		m[o] += sign
		if m[o] == 0 {
			delete(m, o)
		}
	}
}

func (l *Ledger) cellAdd(p *pair, e *event, sign int64) {
	multi := e.flags&fMulti != 0
	n := len(p.cells)
	i := n
	if n == 0 || cellLess(e.month, e.agr, multi, &p.cells[n-1]) != 0 {
		var found bool
		i, found = slices.BinarySearchFunc(p.cells, e, func(c cell, e *event) int { return cellLess(e.month, e.agr, multi, &c) })
		if !found {
			p.cells = slices.Insert(p.cells, i, cell{month: e.month, agr: e.agr, multi: multi})
		}
	} else {
		i = n - 1
	}
	c := &p.cells[i]
	c.f[e.dir].add(e, sign)
	if c.f[0].count == 0 && c.f[1].count == 0 {
		p.cells = slices.Delete(p.cells, i, i+1)
	}
	l.orgCellAdd(p.lo, e, e.dir == 0, sign)
	l.orgCellAdd(p.hi, e, e.dir == 1, sign)
}

// match matches event i, the last of its pair, against the gives
// awaiting a return in its channel (FIFO, within the horizon).
func (l *Ledger) match(p *pair, i int32) {
	e := &p.events[i]
	q := &p.queues[e.channel()]
	if q.len() > 0 && q.dir != e.dir {
		for q.len() > 0 && e.at-p.events[q.idx[q.head]].at > l.horizon {
			q.pop()
		}
		if q.len() > 0 {
			j := q.pop()
			c := &p.events[j]
			c.flags |= fAnswered
			c.answered = e.at
			e.flags |= fReturn
			return
		}
	}
	q.push(i, e.dir)
}

// rematch matches a pair's events again from the start.
func (l *Ledger) rematch(p *pair) {
	for c := range p.queues {
		p.queues[c] = claimQueue{idx: p.queues[c].idx[:0]}
	}
	for i := range p.events {
		p.events[i].flags &^= fReturn | fAnswered
		p.events[i].answered = 0
	}
	for i := range p.events {
		l.match(p, int32(i))
	}
}

// Update replaces the exchange with e's ID by e (its feedback came in, or
// any other field changed). It returns an error wrapping ErrInvalid when e
// fails Validate or has no ID, and ErrNotFound when no exchange has its
// ID; the ledger is then unchanged.
func (l *Ledger) Update(e Exchange) error {
	if e.ID == "" {
		return fmt.Errorf("%w: update: the exchange has no id", ErrInvalid)
	}
	if err := e.Validate(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.remove(e.ID); err != nil {
		return err
	}
	l.add(e)
	return nil
}

// Remove removes the exchange with that ID, or returns an error wrapping
// ErrNotFound.
func (l *Ledger) Remove(id string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.remove(id)
}

func (l *Ledger) remove(id string) error {
	pi, ok := l.ids[id]
	if !ok || id == "" {
		return fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	p := l.pairs[pi]
	i := slices.IndexFunc(p.events, func(e event) bool { return e.id == id })
	if i < 0 {
		return fmt.Errorf("%w: %q (index out of step)", ErrNotFound, id)
	}
	e := p.events[i]
	l.cellAdd(p, &e, -1)
	from, to := p.lo, p.hi
	if e.dir == 1 {
		from, to = to, from
	}
	l.participate(e.agr, from, to, -1)
	p.events = slices.Delete(p.events, i, i+1)
	delete(l.ids, id)
	l.n--
	l.rematch(p)
	if e.at == l.latestEx {
		l.latestEx = math.MinInt64
		for _, q := range l.pairs {
			if n := len(q.events); n > 0 {
				l.latestEx = max(l.latestEx, q.events[n-1].at)
			}
		}
	}
	for _, o := range []int32{p.lo, p.hi} {
		if e.at == l.orgLast[o] {
			l.orgLast[o] = math.MinInt64
			for _, pi := range l.byOrg[o] {
				if q := l.pairs[pi]; len(q.events) > 0 {
					l.orgLast[o] = max(l.orgLast[o], q.events[len(q.events)-1].at)
				}
			}
		}
	}
	return nil
}

// AddInteraction records contact between organisations. It returns an
// error wrapping ErrInvalid when i fails Validate.
func (l *Ledger) AddInteraction(i Interaction) error {
	if err := i.Validate(); err != nil {
		return err
	}
	orgs := slices.Clone(i.Orgs)
	slices.Sort(orgs)
	orgs = slices.Compact(orgs)
	l.mu.Lock()
	defer l.mu.Unlock()
	at := i.At.UnixMicro()
	l.latestContact = max(l.latestContact, at)
	var officers []int32
	if len(orgs) == 2 {
		seen := map[string]bool{}
		for _, o := range i.Officers {
			if o != "" && !seen[o] {
				seen[o] = true
				officers = append(officers, l.officer(o))
			}
		}
		slices.Sort(officers)
	}
	idx := make([]int32, len(orgs))
	for k, o := range orgs {
		idx[k] = l.org(o)
	}
	c := contact{at: at, n: int32(len(orgs)), tone: int8(i.Tone), deep: l.deep[i.Kind], officers: officers}
	for x := range idx {
		for y := x + 1; y < len(idx); y++ {
			p, _, _ := l.pairOf(idx[x], idx[y], true)
			k, _ := slices.BinarySearchFunc(p.contacts, &c, func(x contact, y *contact) int { return contactCmp(&x, y) })
			p.contacts = slices.Insert(p.contacts, k, c)
		}
	}
	return nil
}

// contactCmp orders a pair's contacts by time, then by every other
// field, so that their order (and the float sums over them) does not
// depend on the order in which interactions were added.
func contactCmp(a, b *contact) int {
	if x := cmp.Compare(a.at, b.at); x != 0 {
		return x
	}
	if x := cmp.Compare(a.n, b.n); x != 0 {
		return x
	}
	if x := cmp.Compare(a.tone, b.tone); x != 0 {
		return x
	}
	if x := cmp.Compare(b2i(a.deep), b2i(b.deep)); x != 0 {
		return x
	}
	return slices.Compare(a.officers, b.officers)
}

// SetAgreements replaces the agreements the ledger knows. They tell the
// typology which organisations share a group (a multilateral agreement).
// Agreements are not needed to add exchanges: an exchange's parties are
// taken as parties to its agreement in any case. It returns an error
// wrapping ErrInvalid, and changes nothing, when an agreement fails
// Validate or an id is given twice.
func (l *Ledger) SetAgreements(as []Agreement) error {
	seen := map[string]bool{}
	for _, a := range as {
		if err := a.Validate(); err != nil {
			return err
		}
		if seen[a.ID] {
			return fmt.Errorf("%w: agreement %s given twice", ErrInvalid, a.ID)
		}
		seen[a.ID] = true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.agreements = map[int32]Agreement{}
	for _, a := range as {
		a.Parties = slices.Clone(a.Parties)
		slices.Sort(a.Parties)
		a.Parties = slices.Compact(a.Parties)
		l.agreements[l.agreement(a.ID)] = a
	}
	return nil
}

// SetHubs replaces the set of hubs: multilateral bodies (such as EU
// INTCEN) through which many parties exchange. A relationship with a hub
// is multilateral whatever agreement carries it.
func (l *Ledger) SetHubs(orgs []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hubs = map[int32]bool{}
	for _, o := range orgs {
		if o != "" {
			l.hubs[l.org(o)] = true
		}
	}
}

// latest returns the time of the latest exchange or interaction in µs,
// or MinInt64 when the ledger is empty.
func (l *Ledger) latest() int64 { return max(l.latestEx, l.latestContact) }

// Latest returns the time of the latest exchange or interaction held, or
// the zero time when the ledger is empty.
func (l *Ledger) Latest() time.Time {
	l.mu.RLock()
	defer l.mu.RUnlock()
	t := l.latest()
	if t == math.MinInt64 {
		return time.Time{}
	}
	return time.UnixMicro(t).UTC()
}

// Orgs returns the organisations the ledger knows, sorted.
func (l *Ledger) Orgs() []string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := slices.Clone(l.orgs)
	slices.Sort(out)
	return out
}

// PairKey names an unordered pair of organisations, A < B.
type PairKey struct {
	A string `json:"a"`
	B string `json:"b"`
}

// Pairs returns the pairs that have exchanged at least once (among the
// exchanges held), sorted.
func (l *Ledger) Pairs() []PairKey {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var out []PairKey
	for _, p := range l.pairs {
		if len(p.events) > 0 {
			out = append(out, PairKey{l.orgs[p.lo], l.orgs[p.hi]})
		}
	}
	slices.SortFunc(out, func(x, y PairKey) int {
		if c := cmp.Compare(x.A, y.A); c != 0 {
			return c
		}
		return cmp.Compare(x.B, y.B)
	})
	return out
}
