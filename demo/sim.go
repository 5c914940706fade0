package demo

import (
	"container/heap"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/desk"
	"github.com/liaison-dev/liaison/marking"
	"github.com/liaison-dev/liaison/policy"
)

// simClock is the simulated clock the generator advances: every act of
// the scenario happens at the time the generator sets. It is safe for
// concurrent use.
type simClock struct {
	mu  sync.Mutex
	now time.Time
}

// Now implements liaison.Clock.
func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// set moves the clock to t.
func (c *simClock) set(t time.Time) {
	c.mu.Lock()
	c.now = t.UTC()
	c.mu.Unlock()
}

var _ liaison.Clock = (*simClock)(nil)

// event is one act at one time. Events run in order of time, then of
// planning, so that the same plan always runs the same way.
type event struct {
	at   time.Time
	seq  int
	what string
	fn   func() error
}

type queue []*event

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(*event)) }
func (q *queue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// prod is a product the generator plans: its draft, and, once created,
// its id and who holds which version.
type prod struct {
	org     *orgSpec
	author  string
	draft   liaison.ProductDraft
	mark    caveatSet
	rank    int
	at      time.Time
	parent  *prod
	sub     subject
	planned map[string]bool // organisations it is planned to reach
	// Set when the plan runs.
	id      string
	version int
	held    map[string]int // organisation -> newest version it holds
}

// sim is the generator: the plan, the desk it acts through and the tally.
type sim struct {
	ctx      context.Context
	desk     *desk.Desk
	clock    *simClock
	marks    *marking.Registry
	rng      *rand.Rand
	q        queue
	seq      int
	orgs     map[string]*orgSpec
	officers map[string]*liaison.Officer
	ranks    map[string]int // officer -> clearance rank
	svcs     map[string]liaison.Service
	ags      map[string]*agreementSpec
	sc       *Scenario
	planErr  error
	// unplanned records refusals the plan did not expect and expected
	// refusals that did not happen: a plan that disagrees with the policy.
	unplanned []string
	// withheld are home products never disseminated.
	withheld []*prod
	// pending is the product of the loop's pending release request.
	pending *prod
}

// fail records the first planning error.
func (s *sim) fail(format string, args ...any) {
	if s.planErr == nil {
		s.planErr = fmt.Errorf("demo: plan: "+format, args...)
	}
}

// at plans fn at t. Events outside the timeline (before the start, or at or
// after the liaison loop) are dropped, the same way every time.
func (s *sim) at(t time.Time, what string, fn func() error) {
	if t.Before(timelineStart) || !t.Before(loopStart) {
		return
	}
	s.seq++
	heap.Push(&s.q, &event{at: t, seq: s.seq, what: what, fn: fn})
}

// run carries out the plan in order.
func (s *sim) run() error {
	for s.q.Len() > 0 {
		if err := s.ctx.Err(); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		e := heap.Pop(&s.q).(*event)
		s.clock.set(e.at)
		if err := e.fn(); err != nil {
			return fmt.Errorf("demo: %s on %s: %w", e.what, e.at.Format(time.DateTime), err)
		}
	}
	return nil
}

// as is the desk as one officer.
func (s *sim) as(officerID string) liaison.Service {
	if svc, ok := s.svcs[officerID]; ok {
		return svc
	}
	o := s.officers[officerID]
	if o == nil {
		panic("demo: unknown officer " + officerID)
	}
	svc := s.desk.As(o)
	s.svcs[officerID] = svc
	return svc
}

// orgOf returns an officer's organisation id.
func (s *sim) orgOf(officerID string) string { return s.officers[officerID].OrgID }

// liaisonOf picks a liaison officer of org.
func (s *sim) liaisonOf(org string) string {
	var ids []string
	for _, o := range s.orgs[org].officers {
		if o.role == liaison.RoleLiaison {
			ids = append(ids, o.id)
		}
	}
	return pick(s.rng, ids)
}

// mainLiaison is an organisation's first liaison officer.
func (s *sim) mainLiaison(org string) string {
	for _, o := range s.orgs[org].officers {
		if o.role == liaison.RoleLiaison {
			return o.id
		}
	}
	panic("demo: no liaison officer in " + org)
}

// authorFor picks an analyst of org who may write on topics at rank, or a
// liaison officer when none may.
func (s *sim) authorFor(org string, topics []string, rank int) string {
	var ids []string
	for _, o := range s.orgs[org].officers {
		if o.role == liaison.RoleAnalyst && liaison.SharesTopic(o.ntk, topics) && s.ranks[o.id] >= rank {
			ids = append(ids, o.id)
		}
	}
	if len(ids) == 0 {
		return s.liaisonOf(org)
	}
	return pick(s.rng, ids)
}

// readerFor picks an officer of org who may read p: an analyst with the
// need-to-know, or a liaison officer.
func (s *sim) readerFor(org string, p *prod) string {
	var ids []string
	for _, o := range s.orgs[org].officers {
		if (o.role == liaison.RoleAnalyst || o.role == liaison.RoleLiaison) && liaison.SharesTopic(o.ntk, p.draft.Topics) && s.ranks[o.id] >= p.rank {
			ids = append(ids, o.id)
		}
	}
	if len(ids) == 0 {
		return s.mainLiaison(org)
	}
	return pick(s.rng, ids)
}

// prodOpts shapes a product the generator writes.
type prodOpts struct {
	kinds            []string // kinds of product; national kinds when nil
	scope            []string // topics the subject is drawn in
	want             []string // disciplines wanted; any in scope when nil
	sub              *subject // a fixed subject
	title            string   // a fixed title
	rankMin, rankMax int
	schemes          []scheme // drawn from, evenly; national when nil
	orcon            float64  // probability of ORCON
	relTo            []string // the REL TO list to apply with probability relToP
	relToP           float64
	noforn           bool
	extras           bool // may carry LEAD ONLY, INFO ONLY, NO ONWARD, H-codes, EXPIRES
	fixed            *caveatSet
	place            string
}

// rankWeights weights the ranks 0..3 of the products written.
var rankWeights = []int{8, 30, 40, 30}

// product plans a product of org written at t.
func (s *sim) product(t time.Time, org string, o prodOpts) *prod {
	spec := s.orgs[org]
	var sub subject
	if o.sub != nil {
		sub = *o.sub
	} else {
		sub = s.drawSubject(o.scope, o.want...)
	}
	rmin, rmax := o.rankMin, o.rankMax
	if rmax == 0 {
		rmax = 3
	}
	if rmin == 0 && rmax > 0 {
		rmin = 1
	}
	ranks, weights := []int{}, []int{}
	for r := rmin; r <= rmax; r++ {
		ranks, weights = append(ranks, r), append(weights, rankWeights[r])
	}
	rank := weighted(s.rng, ranks, weights)
	sc := schemeNational
	if len(o.schemes) > 0 {
		sc = pick(s.rng, o.schemes)
	}
	if sub.discipline == tCY && rank <= 2 && spec.kind == liaison.OrgNationalService && s.rng.IntN(10) < 4 {
		sc = schemeTLP
	}
	class := classification(spec, sc, rank)
	var cv caveatSet
	if o.fixed != nil {
		cv = *o.fixed
	} else {
		cv.orcon = s.rng.Float64() < o.orcon
		cv.noforn = o.noforn
		if len(o.relTo) > 0 && !o.noforn && s.rng.Float64() < o.relToP {
			cv.relTo = o.relTo
		}
		if o.extras {
			switch n := s.rng.IntN(100); {
			case n < 10:
				cv.leadOnly = true
			case n < 17:
				cv.infoOnly = true
			case n < 22:
				cv.noOnward = true
			}
			switch {
			case sub.discipline == tOC && s.rng.IntN(10) < 6:
				cv.handling = weighted(s.rng, []string{"H1", "H2", "H3"}, []int{3, 5, 2})
			case s.rng.IntN(100) < 3:
				cv.handling = "H3"
			}
			if s.rng.IntN(100) < 4 {
				cv.expires = date(t.Year(), t.Month(), t.Day()).AddDate(0, 0, 90+s.rng.IntN(210))
			}
		}
	}
	banner := cv.banner(class)
	m, err := s.marks.Parse(banner)
	if err != nil {
		s.fail("marking %q: %w", banner, err)
		return &prod{org: spec, planned: map[string]bool{}, held: map[string]int{}}
	}
	if rank, err = s.marks.Rank(m.Classification); err != nil {
		s.fail("marking %q: %w", banner, err)
	}
	rel, cred := s.grading()
	kinds := o.kinds
	if kinds == nil {
		kinds = nationalKinds
	}
	kind := pick(s.rng, kinds)
	place := o.place
	if place == "" {
		place = pick(s.rng, spec.places)
	}
	title := o.title
	if title == "" {
		title = s.title(kind, sub, place)
	}
	topics := sub.topics()
	p := &prod{org: spec, author: s.authorFor(org, topics, rank), mark: cv, rank: rank, at: t, sub: sub,
		planned: map[string]bool{org: true}, held: map[string]int{},
		draft: liaison.ProductDraft{Title: title, Body: s.body(spec, kind, sub, place, rel, cred, banner), Topics: topics,
			Marking: banner, Reliability: rel, Credibility: cred}}
	s.create(p)
	return p
}

// tearLine plans a sanitised tear-line of parent, written by its
// originator's liaison officer at t with a lower marking.
func (s *sim) tearLine(t time.Time, parent *prod, class string, cv caveatSet) *prod {
	banner := cv.banner(class)
	m, err := s.marks.Parse(banner)
	if err != nil {
		s.fail("tear-line marking %q: %w", banner, err)
	}
	rank, _ := s.marks.Rank(m.Classification)
	p := &prod{org: parent.org, author: s.mainLiaison(parent.org.id), mark: cv, rank: rank, at: t, sub: parent.sub, parent: parent,
		planned: map[string]bool{parent.org.id: true}, held: map[string]int{},
		draft: liaison.ProductDraft{Title: "Tear-line: " + parent.draft.Title,
			Body: fmt.Sprintf("Sanitised tear-line of a %s report, releasable at %s. Sources and methods removed.\n\n%s",
				parent.org.short, class, firstParagraphs(parent.draft.Body)),
			Topics: parent.sub.topics(), Marking: banner, Reliability: parent.draft.Reliability, Credibility: parent.draft.Credibility}}
	s.create(p)
	return p
}

// firstParagraphs keeps the title line and summary of a body.
func firstParagraphs(body string) string {
	parts := strings.SplitN(body, "\n\n", 3)
	if len(parts) > 2 {
		parts = parts[:2]
	}
	return strings.Join(parts, "\n\n")
}

// create plans the creation of p.
func (s *sim) create(p *prod) {
	s.at(p.at, "write "+p.draft.Title, func() error {
		d := p.draft
		if p.parent != nil {
			if p.parent.id == "" {
				return fmt.Errorf("tear-line %q: parent not written", d.Title)
			}
			d.ParentID, d.ParentVersion = p.parent.id, p.parent.version
		}
		out, err := s.as(p.author).CreateProduct(s.ctx, d)
		if err != nil {
			return fmt.Errorf("write %q as %s: %w", d.Title, p.author, err)
		}
		p.id, p.version = out.ID, out.Version
		p.held[p.org.id] = out.Version
		s.sc.Products++
		s.sc.Versions++
		return nil
	})
}

// revise plans a new version of p at t, optionally with a new marking.
func (s *sim) revise(t time.Time, p *prod, cv *caveatSet, class string, note string) {
	banner := p.draft.Marking
	if cv != nil {
		banner = cv.banner(class)
		if _, err := s.marks.Parse(banner); err != nil {
			s.fail("revised marking %q: %w", banner, err)
		}
	}
	s.at(t, "revise "+p.draft.Title, func() error {
		if p.id == "" {
			return fmt.Errorf("revise %q: not written", p.draft.Title)
		}
		d := p.draft
		d.ID, d.Marking = p.id, banner
		d.Body = p.draft.Body + "\n\nUpdate (v" + fmt.Sprint(p.version+1) + "): " + note
		out, err := s.as(p.author).CreateProduct(s.ctx, d)
		if err != nil {
			return fmt.Errorf("revise %q: %w", d.Title, err)
		}
		p.version = out.Version
		p.held[p.org.id] = out.Version
		s.sc.Versions++
		return nil
	})
}

// inForce reports whether the agreement allows exchange at t.
func (a *agreementSpec) inForce(t time.Time) bool {
	if a.status != liaison.AgreementActive || t.Before(a.from) || (a.to != nil && !t.Before(*a.to)) {
		return false
	}
	return a.suspendAt.IsZero() || t.Before(a.suspendAt)
}

// check reports why the plan expects the policy to refuse sending p from
// org to `to` under a at t: "" when it expects it to allow it.
func (s *sim) check(t time.Time, p *prod, from, to string, a *agreementSpec) string {
	var why []string
	if !slices.Contains(a.parties, from) || !slices.Contains(a.parties, to) {
		why = append(why, policy.CodeAgreementParty)
	}
	if !a.inForce(t) {
		why = append(why, policy.CodeAgreementStatus)
	}
	if !liaison.CoversTopics(a.topics, p.draft.Topics) {
		why = append(why, policy.CodeAgreementScope)
	}
	if p.rank > a.rank {
		why = append(why, policy.CodeCeiling)
	}
	if from != p.org.id || (p.parent != nil && p.parent.org.id != from) {
		why = append(why, policy.CodeOriginator)
	}
	target := s.orgs[to]
	if p.mark.noforn && target.country != p.org.country {
		why = append(why, policy.CodeNoForeign)
	}
	if len(p.mark.relTo) > 0 && !slices.ContainsFunc(p.mark.relTo, func(tok string) bool {
		return tok == target.country || slices.Contains(target.memberships, tok)
	}) {
		why = append(why, policy.CodeReleasability)
	}
	if !p.mark.expires.IsZero() && !t.Before(p.mark.expires) {
		why = append(why, policy.CodeExpired)
	}
	return strings.Join(why, ",")
}

// give plans the originator's dissemination of p to `to` under a at t,
// which the plan expects the policy to allow.
func (s *sim) give(t time.Time, p *prod, to string, a *agreementSpec) {
	if why := s.check(t, p, p.org.id, to, a); why != "" {
		s.fail("%s may not give %q to %s under %q on %s: %s", p.org.id, p.draft.Title, to, a.title, t.Format(time.DateOnly), why)
		return
	}
	if p.planned[to] {
		return
	}
	p.planned[to] = true
	s.send(t, p, s.liaisonOf(p.org.id), to, a, "")
}

// send plans a dissemination (or forward) of p by officer to `to` under a
// (nil: the best agreement the desk finds) at t. expect names a reason code the policy is expected to give for
// refusing it, or "" when it is expected to allow it; ok, when not nil,
// runs after an allowed dissemination.
func (s *sim) send(t time.Time, p *prod, officer, to string, a *agreementSpec, expect string, ok ...func(*liaison.Dissemination)) {
	s.at(t, "send "+p.draft.Title+" to "+to, func() error {
		from := s.orgOf(officer)
		v := p.held[from]
		if p.id == "" || v == 0 {
			return fmt.Errorf("send %q: %s does not hold it", p.draft.Title, from)
		}
		order := liaison.DisseminationOrder{ProductID: p.id, Version: v, To: to}
		if a != nil {
			order.AgreementID = a.id
		}
		d, err := s.as(officer).Disseminate(s.ctx, order)
		if liaison.ErrorCode(err) == liaison.EDENIED {
			s.sc.Refusals++
			if expect == "" || !hasReason(liaison.ErrorReasons(err), expect) {
				s.unplanned = append(s.unplanned, fmt.Sprintf("%s → %s %q refused: %v", from, to, p.draft.Title, codes(liaison.ErrorReasons(err))))
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("send %q to %s: %w", p.draft.Title, to, err)
		}
		if expect != "" {
			s.unplanned = append(s.unplanned, fmt.Sprintf("%s → %s %q allowed, expected %s", from, to, p.draft.Title, expect))
		}
		p.held[to] = max(p.held[to], v)
		s.sc.Disseminations++
		if d.Action == liaison.ActionForward {
			s.sc.Forwards++
		}
		for _, f := range ok {
			f(d)
		}
		return nil
	})
}

// hasReason reports whether reasons hold code.
func hasReason(reasons []liaison.Reason, code string) bool {
	return slices.ContainsFunc(reasons, func(r liaison.Reason) bool { return r.Code == code })
}

// codes lists the codes of reasons.
func codes(reasons []liaison.Reason) []string {
	out := make([]string, len(reasons))
	for i, r := range reasons {
		out[i] = r.Code
	}
	return out
}

// read plans a read of p by an officer of org at t.
func (s *sim) read(t time.Time, p *prod, org string) {
	officer := s.readerFor(org, p)
	s.at(t, "read "+p.draft.Title, func() error {
		if p.held[org] == 0 {
			return nil
		}
		if _, err := s.as(officer).Product(s.ctx, p.id, 0); err != nil {
			return fmt.Errorf("%s reads %q: %w", officer, p.draft.Title, err)
		}
		s.sc.Reads++
		return nil
	})
}

// Feedback comments by value.
var feedbackComments = [6][]string{
	{"The reporting proved wrong; we ask the originator to review the source."},
	{"Of little relevance to our priorities.", "Sourcing too thin to act on.", "Arrived after the event; of no use to us."},
	{"Largely duplicates what we already hold.", "Arrived late for our assessment.", "Partly overlaps with open sources."},
	{"Useful background; consistent with our holdings.", "Corroborates part of our own reporting.", "Noted; no action on our side."},
	{"Timely and well sourced.", "Filled a gap in our coverage.", "Corroborates our own reporting; passed to the operational team."},
	{"Actionable: led to an operational measure.", "Exceptional: decisive for our threat assessment.", "Actionable and timely; thanks to the drafting team."},
}

var feedbackFlags = [6][][]string{
	{{"wrong"}},
	{{"irrelevant"}, {"late"}, {"irrelevant", "late"}},
	{{"duplicate"}, {"late"}, nil},
	{nil, {"corroborated"}, nil},
	{{"timely"}, {"corroborated"}, {"timely", "corroborated"}},
	{{"actionable"}, {"actionable", "timely"}, {"actionable", "corroborated"}},
}

// rate plans feedback of value on p by a liaison officer of org at t.
func (s *sim) rate(t time.Time, p *prod, org string, value int) {
	value = min(5, max(0, value))
	i := s.rng.IntN(len(feedbackComments[value]))
	comment := feedbackComments[value][i]
	flags := feedbackFlags[value][s.rng.IntN(len(feedbackFlags[value]))]
	officer := s.readerFor(org, p)
	s.at(t, "feedback on "+p.draft.Title, func() error {
		if p.held[org] == 0 {
			return nil
		}
		f := &liaison.Feedback{ProductID: p.id, Value: value, Flags: slices.Clone(flags), Comment: comment}
		if err := s.as(officer).CreateFeedback(s.ctx, f); err != nil {
			return fmt.Errorf("%s rates %q: %w", officer, p.draft.Title, err)
		}
		s.sc.Feedback++
		return nil
	})
}

// meet plans an interaction between orgs at t, attended by their main
// liaison officers.
func (s *sim) meet(t time.Time, kind string, orgs []string, minutes, tone int, notes string) {
	var officers []string
	for _, o := range orgs {
		officers = append(officers, s.mainLiaison(o))
	}
	s.meetWith(t, kind, orgs, officers, minutes, tone, notes)
}

// meetWith plans an interaction between orgs at t with the given
// officers, recorded by a liaison officer of the first of home, the hub
// or orgs[0] that took part.
func (s *sim) meetWith(t time.Time, kind string, orgs, officers []string, minutes, tone int, notes string) {
	recorder := ""
	for _, o := range []string{home, hub, orgs[0]} {
		if slices.Contains(orgs, o) {
			recorder = s.liaisonOf(o)
			break
		}
	}
	orgs, officers = slices.Clone(orgs), slices.Clone(officers)
	s.at(t, kind+" "+strings.Join(orgs, ","), func() error {
		i := &liaison.Interaction{Kind: kind, Orgs: orgs, Officers: officers, Date: t, DurationMinutes: minutes, Tone: tone, Notes: notes}
		if err := s.as(recorder).CreateInteraction(s.ctx, i); err != nil {
			return fmt.Errorf("record %s: %w", kind, err)
		}
		s.sc.Interactions++
		return nil
	})
}

// rfiPlan is a request for information and how it is answered.
type rfiPlan struct {
	from, to string
	a        *agreementSpec
	topic    string // a discipline in the agreement's scope
	priority liaison.RFIPriority
	deadline time.Duration
	// answer is how long after the request the answer comes; 0: never.
	answer time.Duration
	rank   int
}

// rfi plans a request for information at t and, when it is answered, the
// answering product, its dissemination to the requester and the answer.
func (s *sim) rfi(t time.Time, r rfiPlan) {
	sub := s.drawSubject(r.a.topics, r.topic)
	place := pick(s.rng, s.orgs[r.from].places)
	var question string
	switch s.rng.IntN(4) {
	case 0:
		question = fmt.Sprintf("What do you hold on %s and %s in %s?", sub.actor, sub.activity, place)
	case 1:
		question = fmt.Sprintf("Please share any reporting on %s linked to %s in %s.", sub.activity, sub.actor, place)
	case 2:
		question = fmt.Sprintf("Can you confirm the involvement of %s in %s affecting %s?", sub.actor, sub.activity, place)
	default:
		question = fmt.Sprintf("Request for your assessment of %s and %s with regard to %s.", sub.actor, sub.activity, place)
	}
	requester := s.liaisonOf(r.from)
	var id string
	s.at(t, "rfi "+r.from+"→"+r.to, func() error {
		x := &liaison.RFI{ToOrg: r.to, Topic: r.topic, Question: question, Priority: r.priority, Deadline: t.Add(r.deadline)}
		if err := s.as(requester).CreateRFI(s.ctx, x); err != nil {
			return fmt.Errorf("rfi to %s: %w", r.to, err)
		}
		id = x.ID
		s.sc.RFIs++
		return nil
	})
	if r.answer == 0 {
		return
	}
	answerAt := s.snap(t.Add(r.answer))
	rank := r.rank
	if rank == 0 {
		rank = min(2, r.a.rank)
	}
	p := s.product(answerAt.Add(-90*time.Minute), r.to, prodOpts{sub: &sub, rankMin: rank, rankMax: rank, schemes: []scheme{schemeNational, schemeEU},
		orcon: 0.6, title: "Response to RFI: " + strings.TrimRight(question, "?."), place: place})
	if p.rank > r.a.rank {
		s.fail("rfi answer %q above the ceiling", p.draft.Title)
	}
	s.give(answerAt.Add(-30*time.Minute), p, r.from, r.a)
	answerer := s.liaisonOf(r.to)
	s.at(answerAt, "answer rfi "+r.from+"→"+r.to, func() error {
		if id == "" || p.id == "" {
			return fmt.Errorf("answer rfi: request or product missing")
		}
		if _, err := s.as(answerer).AnswerRFI(s.ctx, id, p.id); err != nil {
			return fmt.Errorf("answer rfi %s: %w", id, err)
		}
		s.sc.RFIsAnswered++
		return nil
	})
}

// releasePlan is a holder's request that an originator consent to a
// product reaching a third party, and what follows.
type releasePlan struct {
	p          *prod
	requester  string // organisation that holds p
	to         string
	a          *agreementSpec // the agreement the forward travels under
	tryFirst   bool           // forward first and be refused
	approve    bool
	conditions string
	expires    time.Duration // of the approval; 0: none
	decideIn   time.Duration
	feedback   int // the third party's feedback value, -1 for none
}

// release plans a release request at t and its outcome.
func (s *sim) release(t time.Time, r releasePlan) {
	p := r.p
	if !p.planned[r.requester] || p.planned[r.to] || p.mark.noOnward {
		s.fail("release of %q by %s to %s: not held, already there, or NO ONWARD", p.draft.Title, r.requester, r.to)
		return
	}
	if why := strings.ReplaceAll(s.check(t, p, r.requester, r.to, r.a), policy.CodeOriginator, ""); strings.Trim(why, ",") != "" {
		s.fail("forward of %q by %s to %s under %q: %s", p.draft.Title, r.requester, r.to, r.a.title, why)
		return
	}
	requester := s.mainLiaison(r.requester)
	if r.tryFirst {
		s.send(t, p, requester, r.to, r.a, policy.CodeOriginator)
		t = t.Add(25 * time.Minute)
	}
	var id string
	just := pick(s.rng, []string{
		"%s is investigating the same network and needs the reporting to open a case.",
		"The reporting bears directly on an ongoing %s investigation; we ask to share it for analysis only.",
		"%s has asked for our holdings on this subject; we would pass this report as the core of our answer.",
		"A joint assessment with %s is being drafted; this report would be attributed to its originator.",
	})
	just = fmt.Sprintf(just, s.orgs[r.to].short)
	s.at(t, "release request "+r.requester+"→"+r.to, func() error {
		rs, err := s.as(requester).RequestRelease(s.ctx, liaison.ReleaseDraft{ProductID: p.id, To: r.to, Justification: just})
		if err != nil {
			return fmt.Errorf("request release of %q to %s: %w", p.draft.Title, r.to, err)
		}
		if len(rs) != 1 {
			return fmt.Errorf("request release of %q to %s: %d requests, want 1", p.draft.Title, r.to, len(rs))
		}
		id = rs[0].ID
		s.sc.ReleaseRequests++
		return nil
	})
	decided := s.snap(t.Add(r.decideIn))
	decider := s.mainLiaison(p.org.id)
	s.at(decided, "decide release "+r.requester+"→"+r.to, func() error {
		dec := liaison.ReleaseDecision{Approve: r.approve, Conditions: r.conditions}
		if r.expires > 0 {
			e := decided.Add(r.expires)
			dec.ExpiresAt = &e
		}
		if _, err := s.as(decider).DecideRelease(s.ctx, id, dec); err != nil {
			return fmt.Errorf("decide release %s: %w", id, err)
		}
		if r.approve {
			s.sc.ReleasesApproved++
		} else {
			s.sc.ReleasesDenied++
		}
		return nil
	})
	if !r.approve {
		return
	}
	fwd := decided.Add(time.Duration(60+s.rng.IntN(180)) * time.Minute)
	p.planned[r.to] = true
	s.send(fwd, p, requester, r.to, r.a, "")
	if r.feedback >= 0 {
		s.rate(fwd.Add(time.Duration(2+s.rng.IntN(6))*24*time.Hour), p, r.to, r.feedback)
	}
}

// decideOnly plans a policy question an officer asks without acting: the
// decision is recorded in the audit chain, allowed or not.
func (s *sim) decideOnly(t time.Time, p *prod, officer, to string, action liaison.Action, expectAllowed bool) {
	s.at(t, "decide "+string(action)+" "+p.draft.Title, func() error {
		d, err := s.as(officer).Decide(s.ctx, liaison.DecisionQuery{ProductID: p.id, Action: action, To: to})
		if err != nil {
			return fmt.Errorf("decide %s of %q: %w", action, p.draft.Title, err)
		}
		s.sc.Decisions++
		if d.Allowed != expectAllowed {
			s.unplanned = append(s.unplanned, fmt.Sprintf("decision %s of %q to %s: allowed=%v %v", action, p.draft.Title, to, d.Allowed, codes(d.Reasons)))
		}
		return nil
	})
}

// Random helpers. Every draw comes from the sim's seeded generator.

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func weighted[T any](r *rand.Rand, xs []T, weights []int) T {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return xs[i]
		}
		n -= w
	}
	return xs[len(xs)-1]
}

// sample draws k distinct elements of xs, in xs's order.
func sample[T any](r *rand.Rand, xs []T, k int) []T {
	idx := r.Perm(len(xs))[:min(k, len(xs))]
	slices.Sort(idx)
	out := make([]T, len(idx))
	for i, j := range idx {
		out[i] = xs[j]
	}
	return out
}

// workTime is a time during the working day d (07:30–17:30 UTC).
func (s *sim) workTime(d time.Time) time.Time {
	return date(d.Year(), d.Month(), d.Day()).Add(7*time.Hour + 30*time.Minute + time.Duration(s.rng.IntN(600))*time.Minute)
}

// between is a duration between lo and hi, in whole minutes.
func (s *sim) between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(s.rng.Int64N(int64(hi-lo)/int64(time.Minute)))*time.Minute
}

// after is t plus between lo and hi; when that is a day or more, a
// working time on the working day it falls on or after.
func (s *sim) after(t time.Time, lo, hi time.Duration) time.Time {
	u := t.Add(s.between(lo, hi))
	if lo >= day {
		return s.snap(u)
	}
	return u
}

// snap is a working time on u's day, or on the Monday after when u falls
// on a weekend.
func (s *sim) snap(u time.Time) time.Time {
	switch u.Weekday() {
	case time.Saturday:
		u = u.AddDate(0, 0, 2)
	case time.Sunday:
		u = u.AddDate(0, 0, 1)
	}
	return s.workTime(u)
}

// days returns the working days in [from, to) on which something with
// the given rate per month happens, at a working time.
func (s *sim) days(from, to time.Time, perMonth float64) []time.Time {
	p := perMonth / 21.7
	var out []time.Time
	for d := date(from.Year(), from.Month(), from.Day()); d.Before(to); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		if s.rng.Float64() < p {
			out = append(out, s.workTime(d))
		}
	}
	return out
}

// day is a working time on the given date.
func (s *sim) day(y int, m time.Month, d int) time.Time { return s.workTime(date(y, m, d)) }

const (
	hour = time.Hour
	day  = 24 * time.Hour
)
