package demo

import (
	"slices"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/policy"
)

// Dates of pattern (c) and (d).
var (
	// yearTwo is when the AIVD–VSSE relationship turns relational.
	yearTwo = date(2025, 11, 1)
	// breachAt is when AISI passed an AIVD ORCON report on; breachRecorded
	// is when AIVD recorded it.
	breachAt       = time.Date(2025, 10, 14, 9, 30, 0, 0, time.UTC)
	breachRecorded = time.Date(2025, 10, 21, 10, 5, 0, 0, time.UTC)
)

// plan lays out the whole timeline before the loop. The order of the
// calls is part of the scenario: it fixes the order of the random draws.
func (s *sim) plan() {
	s.planINTCEN()
	s.planCTG()
	s.planGermany()
	s.planFrance()
	s.planBelgium()
	s.planItaly()
	s.planNorway()
	s.planOthers()
	s.planInternal()
	s.planThreat()
}

// without returns xs without the elements of drop.
func without(xs []string, drop ...string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if !slices.Contains(drop, x) {
			out = append(out, x)
		}
	}
	return out
}

// value draws a feedback value from vals with the given weights.
func (s *sim) value(vals []int, weights []int) int { return weighted(s.rng, vals, weights) }

// chance reports true with probability pct percent.
func (s *sim) chance(pct int) bool { return s.rng.IntN(100) < pct }

// releasable plans a product of org written at t for a release request:
// ORCON and nothing else that stops it, in the scope of both the
// agreement it reaches its holder under and the one it would be
// forwarded under, and given to the holder two hours later.
func (s *sim) releasable(t time.Time, org, holder string, given, fwd *agreementSpec) *prod {
	var scope []string
	for _, tp := range given.topics {
		if slices.Contains(fwd.topics, tp) {
			scope = append(scope, tp)
		}
	}
	p := s.product(t, org, prodOpts{scope: scope, rankMax: min(given.rank, fwd.rank), schemes: []scheme{schemeNational, schemeEU},
		fixed: &caveatSet{orcon: true}})
	s.give(t.Add(2*hour), p, holder, given)
	if s.chance(60) {
		s.read(t.Add(5*hour), p, holder)
	}
	return p
}

// planINTCEN is pattern (a), the relational multilateral relationship:
// every member contributes to the hub, contributions are shared across
// the group, the hub returns fused assessments to all, and the group
// meets often.
func (s *sim) planINTCEN() {
	ag := s.ags[agINTCEN]
	for _, m := range euServices {
		rate := 0.25
		switch m {
		case home:
			rate = 0.9
		case "de-bfv", "fr-dgsi":
			rate = 0.45
		}
		for _, t := range s.days(timelineStart.Add(2*day), streamsEnd, rate) {
			p := s.product(t, m, prodOpts{scope: ag.topics, schemes: []scheme{schemeEU, schemeEU, schemeEU, schemeNational},
				orcon: 0.4, relTo: []string{membEU}, relToP: 0.3, extras: true})
			sent := s.after(t, 30*time.Minute, 5*hour)
			s.give(sent, p, hub, ag)
			if s.chance(50) {
				s.rate(s.after(sent, 2*day, 10*day), p, hub, s.value([]int{3, 4, 5}, []int{3, 5, 2}))
			}
			if s.chance(25) {
				s.read(s.after(sent, 10*time.Minute, 2*day), p, hub)
			}
			if s.chance(35) {
				others := without(euServices, m)
				if m == home && t.After(breachAt) {
					others = without(others, breacher)
				}
				cc := sample(s.rng, others, 1+s.rng.IntN(3))
				if m != home && !slices.Contains(cc, home) && s.chance(60) {
					cc = append(cc, home)
				}
				for _, to := range cc {
					ct := s.after(sent, 4*hour, 2*day)
					s.give(ct, p, to, ag)
					if s.chance(40) {
						s.rate(s.after(ct, day, 8*day), p, to, s.value([]int{3, 4, 5}, []int{3, 5, 2}))
					}
				}
			}
			if s.chance(5) {
				s.reviseAndResend(s.after(t, 5*day, 20*day), p, ag)
			}
		}
	}

	// The hub's fused assessments, returned to every member.
	for _, t := range s.days(timelineStart.Add(5*day), streamsEnd, 2.0) {
		p := s.product(t, hub, prodOpts{kinds: intcenKinds, scope: ag.topics, schemes: []scheme{schemeEU},
			orcon: 0.15, relTo: []string{membEU}, relToP: 0.6})
		for i, m := range euServices {
			st := t.Add(time.Duration(90+7*i) * time.Minute)
			s.give(st, p, m, ag)
			pct := 25
			if m == home {
				pct = 60
			}
			if s.chance(pct) {
				s.rate(s.after(st, day, 6*day), p, m, s.value([]int{3, 4, 5}, []int{2, 5, 3}))
			}
			if s.chance(20) {
				s.read(s.after(st, 10*time.Minute, day), p, m)
			}
		}
		if s.chance(6) {
			s.reviseAndResend(s.after(t, 7*day, 20*day), p, ag)
		}
	}

	// The hub asks home for consent to pass two contributions on.
	for i, target := range []time.Time{date(2025, 5, 6), date(2026, 3, 3)} {
		to := []string{"se-sapo", "dk-pet"}[i]
		p := s.releasable(s.workTime(target), home, hub, ag, ag)
		s.release(s.after(p.at, 6*day, 12*day), releasePlan{p: p, requester: hub, to: to, a: ag, approve: true,
			conditions: "For inclusion in INTCEN's assessment for " + s.orgs[to].short + "; attribute to 'a Member State service'.",
			expires:    90 * day, decideIn: s.between(day, 3*day), feedback: 4})
	}

	// Home writes sanitised tear-lines of two national reports for the hub.
	for _, target := range []time.Time{date(2025, 6, 2), date(2026, 4, 6)} {
		t := s.workTime(target)
		parent := s.product(t, home, prodOpts{scope: ag.topics, want: []string{tHY, tCI}, rankMin: 3, rankMax: 3,
			fixed: &caveatSet{orcon: true}})
		tl := s.tearLine(t.Add(26*hour), parent, "CONFIDENTIEL UE", caveatSet{relTo: []string{membEU}})
		s.give(t.Add(28*hour), tl, hub, ag)
		s.rate(t.Add(4*day), tl, hub, 4)
	}

	// RFIs between the members and the hub.
	for _, r := range []struct {
		t        time.Time
		from, to string
		topic    string
		answer   time.Duration
	}{
		{s.day(2025, 1, 14), home, hub, tHY, 6 * day},
		{s.day(2025, 5, 20), "de-bfv", hub, tCT, 4 * day},
		{s.day(2025, 9, 9), "se-sapo", hub, tHY, 9 * day},
		{s.day(2026, 2, 3), home, hub, tCT, 3 * day},
		{s.day(2026, 6, 23), "at-dsn", hub, tCI, 16 * day}, // late
		{s.day(2025, 3, 4), hub, home, tCT, 5 * day},
		{s.day(2025, 11, 25), hub, "es-cni", tCT, 8 * day},
		{s.day(2026, 9, 21), hub, "pl-abw", tHY, 0}, // overdue at the end
	} {
		s.rfi(r.t, rfiPlan{from: r.from, to: r.to, a: ag, topic: r.topic, priority: liaison.PriorityMedium, deadline: 14 * day, answer: r.answer})
	}

	// The group meets often: monthly liaison meetings, quarterly
	// conferences, a yearly exercise, and calls.
	for m := date(2024, 11, 1); m.Before(streamsEnd); m = m.AddDate(0, 1, 0) {
		members := sample(s.rng, without(euServices, home), 4+s.rng.IntN(6))
		s.meet(s.workTime(m.AddDate(0, 0, 10+s.rng.IntN(5))), "meeting", append([]string{hub, home}, members...),
			150+15*s.rng.IntN(7), s.value([]int{0, 1, 2}, []int{1, 6, 4}),
			"Monthly INTCEN liaison meeting: threat picture and collection priorities for the month ahead.")
		callees := sample(s.rng, euServices, 2+s.rng.IntN(3))
		s.meet(s.workTime(m.AddDate(0, 0, 18+s.rng.IntN(6))), "call", append([]string{hub}, callees...),
			45+15*s.rng.IntN(3), s.value([]int{1, 2}, []int{7, 3}), "Secure video call on a fast-moving case.")
		if mo := m.Month(); mo == time.February || mo == time.May || mo == time.September || mo == time.November {
			s.meet(s.workTime(m.AddDate(0, 0, 20)), "conference", append([]string{hub}, euServices...),
				480, s.value([]int{1, 2}, []int{5, 5}), "INTCEN conference of the Member States' heads of analysis.")
		}
		if m.Month() == time.April {
			s.meet(s.workTime(m.AddDate(0, 0, 14)), "exercise", append([]string{hub}, sample(s.rng, euServices, 7+s.rng.IntN(4))...),
				960, 1, "EU integrated crisis exercise on a hybrid campaign against critical infrastructure.")
		}
	}
}

// reviseAndResend plans a new version of p at t and its dissemination to
// every organisation p was planned to reach.
func (s *sim) reviseAndResend(t time.Time, p *prod, a *agreementSpec) {
	var cv *caveatSet
	class := ""
	if p.mark.orcon && s.chance(40) {
		c := p.mark
		c.orcon = false
		cv, class = &c, bannerClass(p.draft.Marking)
	}
	s.revise(t, p, cv, class, pick(s.rng, []string{
		"new reporting corroborates the main judgement.", "the network's financing is now better understood.",
		"one of the persons involved has been arrested.", "the originator lifts originator control for this version.",
		"attribution is now assessed with high confidence."}))
	for i, to := range a.parties {
		if to != p.org.id && p.planned[to] {
			s.send(t.Add(time.Duration(60+5*i)*time.Minute), p, s.mainLiaison(p.org.id), to, a, "")
		}
	}
}

// bannerClass returns the classification part of a banner.
func bannerClass(banner string) string {
	for i := 0; i+1 < len(banner); i++ {
		if banner[i] == '/' && banner[i+1] == '/' {
			return banner[:i]
		}
	}
	return banner
}

// planCTG is the counter-terrorism group: members share CT reporting with
// several others at once.
func (s *sim) planCTG() {
	ag := s.ags[agCTG]
	for _, m := range euServices {
		rate := 0.18
		if m == home {
			rate = 0.3
		}
		for _, t := range s.days(timelineStart.Add(3*day), streamsEnd, rate) {
			var kinds []string
			if s.chance(50) {
				kinds = ctgKinds
			}
			p := s.product(t, m, prodOpts{kinds: kinds, scope: ag.topics, schemes: []scheme{schemeEU, schemeEU, schemeNational},
				orcon: 0.5, relTo: []string{clubBerne}, relToP: 0.2, extras: true})
			others := without(euServices, m)
			if m == home && t.After(breachAt) {
				others = without(others, breacher)
			}
			rec := sample(s.rng, others, 3+s.rng.IntN(7))
			if m != home && !slices.Contains(rec, home) && s.chance(50) {
				rec = append(rec, home)
			}
			for i, to := range rec {
				st := t.Add(time.Duration(40+5*i) * time.Minute)
				s.give(st, p, to, ag)
				if s.chance(30) {
					s.rate(s.after(st, day, 7*day), p, to, s.value([]int{2, 3, 4, 5}, []int{1, 4, 4, 2}))
				}
				if s.chance(15) {
					s.read(s.after(st, 10*time.Minute, day), p, to)
				}
			}
		}
	}
	for _, d := range []time.Time{date(2024, 11, 26), date(2025, 5, 20), date(2025, 11, 18), date(2026, 5, 19)} {
		s.meet(s.workTime(d), "conference", euServices, 960, 1, "Counter Terrorist Group plenary: joint threat assessment and the group's work programme.")
	}
	for q := date(2025, 1, 1); q.Before(streamsEnd); q = q.AddDate(0, 3, 0) {
		members := sample(s.rng, euServices, 4+s.rng.IntN(3))
		s.meet(s.workTime(q.AddDate(0, 0, 14+s.rng.IntN(10))), "meeting", members, 180, 1,
			"CTG working group on online radicalisation and minors.")
	}
}

// bilateral plans routine exchange in both directions under a: each side
// writes at its rate, the other reads and rates, within [from, to).
type bilateral struct {
	a              *agreementSpec
	from, to       time.Time
	homeRate       float64
	partnerRate    float64
	partner        string
	homeValues     []int // values home gives the partner's products
	homeWeights    []int
	partnerValues  []int
	partnerWeights []int
	ratePct        int
	schemes        []scheme
	relTo          []string
}

// exchange plans a bilateral stream and returns the products each side wrote.
func (s *sim) exchange(b bilateral) (homeProds, partnerProds []*prod) {
	if b.ratePct == 0 {
		b.ratePct = 55
	}
	schemes := b.schemes
	if schemes == nil {
		schemes = []scheme{schemeNational, schemeNational, schemeEU, schemeNATO}
	}
	for _, side := range []struct {
		org, other string
		rate       float64
		vals, w    []int
	}{
		{home, b.partner, b.homeRate, b.partnerValues, b.partnerWeights},
		{b.partner, home, b.partnerRate, b.homeValues, b.homeWeights},
	} {
		for _, t := range s.days(b.from, b.to, side.rate) {
			p := s.product(t, side.org, prodOpts{scope: b.a.topics, schemes: schemes, orcon: 0.6, relTo: b.relTo, relToP: 0.25, extras: true})
			st := s.after(t, hour, 6*hour)
			s.give(st, p, side.other, b.a)
			if s.chance(b.ratePct) {
				s.rate(s.after(st, day, 7*day), p, side.other, s.value(side.vals, side.w))
			}
			if s.chance(40) {
				s.read(s.after(st, 10*time.Minute, 2*day), p, side.other)
			}
			if side.org == home {
				homeProds = append(homeProds, p)
			} else {
				partnerProds = append(partnerProds, p)
			}
		}
	}
	return homeProds, partnerProds
}

// The loop's pending release concerns this product, given to the loop's
// partner shortly before the loop.
const pendingTitle = "Russian intelligence interest in Dutch and German drone manufacturers"

// planGermany is the steady relational bilateral relationship with the
// BfV, the loop's partner B, and its partner the DGSI.
func (s *sim) planGermany() {
	ag := s.ags[agNLDE]
	homeProds, _ := s.exchange(bilateral{a: ag, from: timelineStart.Add(day), to: streamsEnd, homeRate: 1.1, partnerRate: 0.9, partner: loopB,
		homeValues: []int{3, 4, 5}, homeWeights: []int{2, 5, 3}, partnerValues: []int{3, 4, 5}, partnerWeights: []int{2, 5, 3},
		relTo: []string{"DE", "NL"}})
	for _, p := range homeProds {
		if s.chance(5) {
			s.reviseAndResend(s.after(p.at, 5*day, 20*day), p, ag)
		}
	}

	// The BfV asks to pass AIVD reports to the DGSI.
	fr := s.ags[agDEFR]
	for i, r := range []struct {
		target   time.Time
		tryFirst bool
		approve  bool
		cond     string
	}{
		{date(2025, 2, 3), true, true, "For DGSI's own analysis only; no further dissemination."},
		{date(2025, 6, 16), false, true, "Attribute to 'a European partner service'."},
		{date(2026, 1, 12), false, false, "The source is too sensitive for further release; AIVD will brief DGSI directly."},
		{date(2026, 6, 1), true, true, "For DGSI's use in its own investigation only; not for use as evidence."},
	} {
		p := s.releasable(s.workTime(r.target), home, loopB, ag, fr)
		var exp time.Duration
		if i%2 == 0 {
			exp = 180 * day
		}
		s.release(s.after(p.at, 8*day, 15*day), releasePlan{p: p, requester: loopB, to: loopC, a: fr, tryFirst: r.tryFirst,
			approve: r.approve, conditions: r.cond, expires: exp, decideIn: time.Duration(1+i%3) * day, feedback: 4})
	}

	// Home asks the BfV to let a report go to the VSSE.
	be := s.ags[agNLBE]
	p := s.releasable(s.day(2025, 12, 2), loopB, home, ag, be)
	s.release(s.after(p.at, 5*day, 10*day), releasePlan{p: p, requester: home, to: evolving, a: be, approve: true,
		conditions: "VSSE may use it for its own analysis only.", decideIn: 2 * day, feedback: 5})

	// A report with an expiry: after it lapses the BfV may not pass it on.
	t := s.day(2025, 4, 2)
	exp := s.product(t, home, prodOpts{scope: ag.topics, want: []string{tHY}, rankMin: 2, rankMax: 2,
		fixed: &caveatSet{orcon: true, expires: date(2025, 7, 1)}})
	s.give(t.Add(2*hour), exp, loopB, ag)
	s.read(t.Add(5*hour), exp, loopB)
	exp.planned[loopC] = true // never reaches it: the attempt below is refused
	s.send(s.day(2025, 8, 5), exp, partnerLO, loopC, fr, policy.CodeExpired)

	// The product the loop's second release request will concern.
	pt := time.Date(2026, 10, 14, 10, 20, 0, 0, time.UTC)
	pend := s.product(pt, home, prodOpts{sub: &subject{discipline: tCI, region: rRU, actor: "the GRU",
		activity: "approaches to employees of drone manufacturers", judgement: "the targeting of the drone industry will intensify as production for Ukraine grows",
		indicator: "unsolicited investment offers and job approaches to engineers"},
		title: pendingTitle, rankMin: 3, rankMax: 3, schemes: []scheme{schemeEU}, fixed: &caveatSet{orcon: true}, place: "the Netherlands and Germany"})
	s.give(pt.Add(90*time.Minute), pend, loopB, ag)
	s.read(pt.Add(5*hour), pend, loopB)
	s.pending = pend

	// Interactions: monthly contact, yearly visits, a joint course.
	for m := date(2024, 11, 1); m.Before(streamsEnd); m = m.AddDate(0, 1, 0) {
		kind, minutes := "meeting", 120
		if m.Month()%2 == 0 {
			kind, minutes = "call", 45
		}
		s.meet(s.workTime(m.AddDate(0, 0, 3+s.rng.IntN(20))), kind, []string{home, loopB}, minutes, s.value([]int{0, 1, 2}, []int{1, 5, 4}),
			"Bilateral liaison contact: current cases and requests.")
	}
	s.meet(s.day(2025, 3, 18), "visit", []string{home, loopB}, 480, 2, "AIVD delegation at the BfV in Cologne.")
	s.meet(s.day(2025, 10, 7), "joint_training", []string{home, loopB}, 1440, 2, "Joint course on countering Russian sabotage proxies.")
	s.meet(s.day(2026, 4, 14), "visit", []string{home, loopB}, 480, 2, "BfV delegation at the AIVD in Zoetermeer.")

	s.scriptedRFIs(ag, []scriptedRFI{
		{s.day(2024, 12, 9), home, loopB, tCI, 14 * day, 5 * day},
		{s.day(2025, 4, 22), home, loopB, tHY, 7 * day, 10 * day}, // late
		{s.day(2025, 10, 28), home, loopB, tCT, 14 * day, 6 * day},
		{s.day(2026, 7, 7), home, loopB, tCY, 14 * day, 4 * day},
		{s.day(2025, 1, 28), loopB, home, tCT, 14 * day, 4 * day},
		{s.day(2025, 8, 19), loopB, home, tCI, 10 * day, 8 * day},
		{s.day(2026, 3, 10), loopB, home, tHY, 14 * day, 2 * day},
		{s.day(2026, 10, 19), loopB, home, tCI, 28 * day, 0}, // open, not yet due
	}, liaison.PriorityHigh, 0)

	// BfV and DGSI exchange between themselves too.
	for _, side := range [][2]string{{loopB, loopC}, {loopC, loopB}} {
		for _, t := range s.days(timelineStart.Add(day), streamsEnd, 0.5) {
			p := s.product(t, side[0], prodOpts{scope: fr.topics, schemes: []scheme{schemeNational, schemeEU}, orcon: 0.5,
				relTo: []string{"DE", "FR"}, relToP: 0.25, extras: true})
			st := s.after(t, hour, 5*hour)
			s.give(st, p, side[1], fr)
			if s.chance(40) {
				s.rate(s.after(st, day, 6*day), p, side[1], s.value([]int{3, 4, 5}, []int{3, 5, 2}))
			}
		}
	}
	s.meet(s.day(2025, 1, 22), "meeting", []string{loopB, loopC}, 120, 1, "BfV–DGSI annual liaison review.")
	s.meet(s.day(2025, 9, 10), "meeting", []string{loopB, loopC}, 120, 1, "BfV–DGSI meeting on Russian sabotage proxies.")
	s.meet(s.day(2026, 3, 25), "call", []string{loopB, loopC}, 45, 1, "BfV–DGSI call on a shared target.")
}

// planFrance is the steady bilateral relationship with the DGSI.
func (s *sim) planFrance() {
	ag := s.ags[agNLFR]
	s.exchange(bilateral{a: ag, from: timelineStart.Add(day), to: streamsEnd, homeRate: 0.7, partnerRate: 0.6, partner: loopC,
		homeValues: []int{3, 4, 5}, homeWeights: []int{5, 4, 1}, partnerValues: []int{3, 4, 5}, partnerWeights: []int{5, 4, 1},
		ratePct: 50, relTo: []string{"FR", "NL"}})
	for m := date(2024, 11, 1); m.Before(streamsEnd); m = m.AddDate(0, 2, 0) {
		kind, minutes := "meeting", 120
		if s.chance(50) {
			kind, minutes = "call", 45
		}
		s.meet(s.workTime(m.AddDate(0, 0, 5+s.rng.IntN(15))), kind, []string{home, loopC}, minutes, s.value([]int{0, 1}, []int{3, 7}),
			"AIVD–DGSI liaison contact.")
	}
	for _, r := range []struct {
		t        time.Time
		from, to string
		topic    string
		answ     time.Duration
	}{
		{s.day(2025, 2, 18), home, loopC, tCT, 7 * day},
		{s.day(2025, 12, 2), home, loopC, tHY, 9 * day},
		{s.day(2026, 8, 25), home, loopC, tCT, 0}, // overdue at the end
		{s.day(2025, 6, 10), loopC, home, tVE, 5 * day},
		{s.day(2026, 4, 21), loopC, home, tCI, 6 * day},
	} {
		s.rfi(r.t, rfiPlan{from: r.from, to: r.to, a: ag, topic: r.topic, priority: liaison.PriorityMedium, deadline: 14 * day, answer: r.answ})
	}

	// A DGSI report home would like to pass to the PST: the DGSI says no.
	t := s.day(2025, 11, 5)
	p := s.product(t, loopC, prodOpts{scope: []string{tCT, tVE}, want: []string{tCT}, rankMin: 2, rankMax: 2, schemes: []scheme{schemeEU},
		fixed: &caveatSet{orcon: true}})
	s.give(t.Add(2*hour), p, home, ag)
	s.release(t.Add(3*day), releasePlan{p: p, requester: home, to: nonEU, a: s.ags[agNLNO], tryFirst: true, approve: false,
		conditions: "DGSI does not release this reporting outside the EU.", decideIn: 2 * day})
}

// planBelgium is pattern (c): strict quid pro quo and little contact in
// the first year; training, a secondment, frequent contact and a
// tolerated imbalance in the second.
func (s *sim) planBelgium() {
	ag := s.ags[agNLBE]
	for _, t := range s.days(timelineStart.Add(3*day), yearTwo, 0.6) {
		first, second := home, evolving
		if s.chance(50) {
			first, second = evolving, home
		}
		p := s.product(t, first, prodOpts{scope: ag.topics, schemes: []scheme{schemeNational, schemeEU}, orcon: 0.7})
		st := s.after(t, hour, 5*hour)
		s.give(st, p, second, ag)
		s.rate(s.after(st, 2*day, 5*day), p, second, s.value([]int{2, 3, 4}, []int{2, 6, 2}))
		rt := s.after(st, 3*day, 8*day)
		q := s.product(rt, second, prodOpts{scope: ag.topics, want: []string{p.sub.discipline}, rankMin: max(1, p.rank), rankMax: max(1, p.rank),
			schemes: []scheme{schemeNational, schemeEU}, orcon: 0.7})
		qt := s.after(rt, hour, 4*hour)
		s.give(qt, q, first, ag)
		s.rate(s.after(qt, 2*day, 5*day), q, first, s.value([]int{2, 3, 4}, []int{2, 6, 2}))
	}
	s.exchange(bilateral{a: ag, from: yearTwo, to: streamsEnd, homeRate: 2.0, partnerRate: 1.0, partner: evolving,
		homeValues: []int{4, 5}, homeWeights: []int{5, 5}, partnerValues: []int{4, 5}, partnerWeights: []int{5, 5}, ratePct: 70,
		schemes: []scheme{schemeNational, schemeEU}})

	s.meet(s.day(2024, 12, 10), "call", []string{home, evolving}, 30, 0, "Introductory call under the new memorandum of understanding.")
	s.meet(s.day(2025, 4, 8), "meeting", []string{home, evolving}, 90, 0, "Review of the first exchanges: each side to match the other's contributions.")
	s.meet(s.day(2025, 9, 23), "call", []string{home, evolving}, 30, 1, "Call on a shared counter-terrorism case.")
	s.meet(s.day(2025, 11, 18), "meeting", []string{home, evolving}, 180, 1, "Agreement on a joint training programme and a secondment.")
	s.meet(s.day(2026, 1, 19), "joint_training", []string{home, evolving}, 1440, 2, "Joint counter-terrorism analysis course in Brussels.")
	s.meetWith(s.day(2026, 3, 2), "secondment", []string{home, evolving}, []string{"be-vsse.dupont", "nl-aivd.jansen"}, 26*5*8*60, 2,
		"A VSSE analyst is seconded to the AIVD's counter-terrorism team for six months.")
	s.meet(s.day(2026, 6, 9), "exercise", []string{home, evolving}, 960, 2, "Joint crisis exercise on a cross-border attack scenario.")
	for m := date(2025, 12, 1); m.Before(streamsEnd); m = m.AddDate(0, 1, 0) {
		kinds := []string{"meeting", "visit", "call"}
		minutes := []int{120, 480, 30}
		i := s.rng.IntN(3)
		s.meet(s.workTime(m.AddDate(0, 0, 2+s.rng.IntN(20))), kinds[i], []string{home, evolving}, minutes[i], s.value([]int{1, 2}, []int{4, 6}),
			"AIVD–VSSE working contact.")
		if s.chance(50) {
			s.meet(s.workTime(m.AddDate(0, 0, 22+s.rng.IntN(5))), "call", []string{home, evolving}, 30, 2, "Quick call between the desks.")
		}
	}
	s.scriptedRFIs(ag, []scriptedRFI{
		{s.day(2025, 2, 11), home, evolving, tOC, 14 * day, 13 * day},
		{s.day(2025, 6, 17), home, evolving, tCT, 10 * day, 16 * day}, // late
		{s.day(2025, 3, 25), evolving, home, tCT, 14 * day, 12 * day},
		{s.day(2025, 8, 26), evolving, home, tVE, 14 * day, 13 * day},
		{s.day(2025, 12, 9), home, evolving, tCT, 14 * day, 2 * day},
		{s.day(2026, 2, 24), home, evolving, tOC, 14 * day, 3 * day},
		{s.day(2026, 6, 30), home, evolving, tCI, 14 * day, 1 * day},
		{s.day(2026, 1, 13), evolving, home, tCT, 14 * day, 2 * day},
		{s.day(2026, 5, 5), evolving, home, tHY, 14 * day, 4 * day},
		{s.day(2026, 9, 8), evolving, home, tCT, 14 * day, 1 * day},
	}, liaison.PriorityMedium, 0)
}

// planItaly is pattern (d): a good record, the breach, and then fewer
// disseminations to AISI and lower ratings of what it sends.
func (s *sim) planItaly() {
	ag := s.ags[agNLIT]
	homeBefore, _ := s.exchange(bilateral{a: ag, from: timelineStart.Add(2 * day), to: date(2025, 10, 1), homeRate: 1.2, partnerRate: 1.0, partner: breacher,
		homeValues: []int{3, 4, 5}, homeWeights: []int{4, 5, 1}, partnerValues: []int{3, 4, 5}, partnerWeights: []int{2, 5, 3},
		relTo: []string{"IT", "NL"}})

	// The report AISI will pass on.
	t := time.Date(2025, 9, 8, 10, 15, 0, 0, time.UTC)
	p := s.product(t, home, prodOpts{sub: &subject{discipline: tCT, region: rME, actor: "ISKP-linked facilitators",
		activity: "financing through hawala and crypto-assets", judgement: "the network finances travel and attack preparations across the EU",
		indicator: "transfers through unregistered money service businesses"},
		title:   "Intelligence report: ISKP-linked facilitators — financing through hawala and crypto-assets in Lombardy",
		rankMin: 3, rankMax: 3, fixed: &caveatSet{orcon: true, leadOnly: true}, place: "Lombardy"})
	s.give(t.Add(230*time.Minute), p, breacher, ag)
	s.read(time.Date(2025, 9, 9, 8, 40, 0, 0, time.UTC), p, breacher)
	s.rate(time.Date(2025, 9, 12, 11, 0, 0, 0, time.UTC), p, breacher, 5)
	s.at(breachRecorded, "record breach", func() error {
		b := &liaison.Breach{ProductID: p.id, OrgID: breacher, Caveat: "ORCON", At: breachAt,
			Description: "AISI passed this AIVD report to the Milan public prosecutor without AIVD's consent; it surfaced in a case file " +
				"disclosed to defence counsel in a terrorism-financing trial. The LEAD ONLY caveat was broken too."}
		if err := s.as(homeLO).RecordBreach(s.ctx, b); err != nil {
			return err
		}
		s.sc.BreachID = b.ID
		s.sc.Breaches++
		return nil
	})

	// After the breach: AIVD gives rarely and little; AISI keeps sending
	// and AIVD rates it low.
	for _, d := range []time.Time{date(2026, 2, 10), date(2026, 6, 16), date(2026, 9, 22)} {
		t := s.workTime(d)
		q := s.product(t, home, prodOpts{scope: ag.topics, want: []string{tCT, tVE}, rankMin: 1, rankMax: 1, schemes: []scheme{schemeNational, schemeEU},
			fixed: &caveatSet{orcon: true, noOnward: true}})
		s.give(t.Add(3*hour), q, breacher, ag)
		s.rate(s.after(t, 2*day, 5*day), q, breacher, 3)
	}
	for _, t := range s.days(date(2025, 10, 15), streamsEnd, 0.9) {
		q := s.product(t, breacher, prodOpts{scope: ag.topics, schemes: []scheme{schemeNational, schemeEU}, orcon: 0.6, extras: true})
		st := s.after(t, hour, 6*hour)
		s.give(st, q, home, ag)
		if s.chance(80) {
			s.rate(s.after(st, 2*day, 9*day), q, home, s.value([]int{1, 2, 3}, []int{4, 5, 1}))
		}
	}

	for _, d := range []time.Time{date(2024, 12, 12), date(2025, 3, 13), date(2025, 6, 12), date(2025, 9, 18)} {
		s.meet(s.workTime(d), "meeting", []string{home, breacher}, 120, 1, "AIVD–AISI quarterly liaison meeting.")
	}
	for _, d := range []time.Time{date(2025, 2, 5), date(2025, 5, 7), date(2025, 8, 6)} {
		s.meet(s.workTime(d), "call", []string{home, breacher}, 30, 1, "AIVD–AISI call on current cases.")
	}
	s.meet(s.day(2025, 10, 23), "meeting", []string{home, breacher}, 90, -2,
		"Démarche by the AIVD on the ORCON breach: AIVD reporting handed to the Milan prosecutor without consent.")
	s.meet(s.day(2026, 1, 20), "call", []string{home, breacher}, 30, -1, "Follow-up on AISI's internal inquiry; its explanation is judged insufficient.")
	s.meet(s.day(2026, 6, 11), "meeting", []string{home, breacher}, 90, 0, "Review of AISI's handling procedures; exchange continues at a reduced level.")

	s.scriptedRFIs(ag, []scriptedRFI{
		{s.day(2025, 1, 21), home, breacher, tOC, 14 * day, 4 * day},
		{s.day(2025, 7, 1), home, breacher, tCT, 14 * day, 6 * day},
		{s.day(2025, 3, 18), breacher, home, tCT, 14 * day, 3 * day},
		{s.day(2025, 8, 12), breacher, home, tVE, 14 * day, 5 * day},
		{s.day(2026, 3, 3), home, breacher, tCT, 10 * day, 13 * day}, // late
		{s.day(2026, 9, 15), home, breacher, tOC, 21 * day, 0},       // overdue at the end
		{s.day(2025, 12, 2), breacher, home, tCT, 7 * day, 12 * day}, // late
		{s.day(2026, 5, 19), breacher, home, tOC, 7 * day, 15 * day}, // late
	}, liaison.PriorityMedium, 1)

	// Before the breach, an AISI officer asks whether it may pass an
	// AIVD report to the CNI: the policy says no, and the audit chain
	// keeps the denied decision.
	for _, q := range homeBefore {
		if q.at.After(date(2025, 3, 1)) {
			s.decideOnly(s.day(2025, 6, 5), q, "it-aisi.conti", "es-cni", liaison.ActionForward, false)
			break
		}
	}
}

// planNorway is pattern (b), the transactional bilateral relationship with
// the non-EU partner: every give answered in kind within days, a narrow
// scope and a low ceiling, and little contact.
func (s *sim) planNorway() {
	ag := s.ags[agNLNO]
	for _, t := range s.days(timelineStart.Add(4*day), streamsEnd, 0.9) {
		first, second := home, nonEU
		if s.chance(45) {
			first, second = nonEU, home
		}
		opts := prodOpts{scope: ag.topics, rankMax: 2, schemes: []scheme{schemeNATO, schemeNATO, schemeNATO, schemeNational, schemeNational},
			orcon: 0.7, relTo: []string{"NL", "NO"}, relToP: 0.3}
		p := s.product(t, first, opts)
		st := s.after(t, hour, 4*hour)
		s.give(st, p, second, ag)
		s.rate(s.after(st, 4*hour, 2*day), p, second, s.value([]int{3, 4}, []int{8, 2}))
		rt := s.after(st, day, 4*day)
		opts.want, opts.rankMin, opts.rankMax = []string{p.sub.discipline}, max(1, p.rank), max(1, p.rank)
		q := s.product(rt, second, opts)
		qt := s.after(rt, hour, 3*hour)
		s.give(qt, q, first, ag)
		s.rate(s.after(qt, 4*hour, 2*day), q, first, s.value([]int{3, 4}, []int{8, 2}))
	}

	// Too high for the agreement: refused at the ceiling, then sent as a
	// sanitised tear-line, and answered in kind.
	for _, d := range []time.Time{date(2025, 3, 11), date(2026, 2, 17)} {
		t := s.workTime(d)
		parent := s.product(t, home, prodOpts{scope: ag.topics, want: []string{tCT}, rankMin: 3, rankMax: 3, fixed: &caveatSet{orcon: true}})
		s.send(t.Add(hour), parent, homeLO, nonEU, ag, policy.CodeCeiling)
		tl := s.tearLine(t.Add(2*hour), parent, "NATO CONFIDENTIAL", caveatSet{orcon: true, relTo: []string{"NL", "NO"}})
		s.give(t.Add(3*hour), tl, nonEU, ag)
		s.rate(t.Add(day), tl, nonEU, 4)
		rt := s.after(t, day, 2*day)
		q := s.product(rt, nonEU, prodOpts{scope: ag.topics, want: []string{tCT}, rankMin: 2, rankMax: 2, schemes: []scheme{schemeNATO}, orcon: 1})
		s.give(rt.Add(2*hour), q, home, ag)
		s.rate(rt.Add(day), q, home, 3)
	}

	// Out of scope: a proliferation report for the BfV may not go to the PST.
	t := s.day(2025, 7, 8)
	pr := s.product(t, home, prodOpts{scope: s.ags[agNLDE].topics, want: []string{tPR}, rankMax: 2, schemes: []scheme{schemeNATO}, orcon: 1})
	s.give(t.Add(hour), pr, loopB, s.ags[agNLDE])
	s.send(t.Add(2*hour), pr, homeLO, nonEU, ag, policy.CodeAgreementScope)

	// Home asks the PST to let one of its reports go to the BfV.
	p := s.releasable(s.day(2025, 6, 4), nonEU, home, ag, s.ags[agNLDE])
	s.release(s.after(p.at, 5*day, 9*day), releasePlan{p: p, requester: home, to: loopB, a: s.ags[agNLDE], approve: true,
		conditions: "Attribute to 'a partner service'; no further release.", expires: 60 * day, decideIn: day, feedback: 3})

	s.meet(s.day(2024, 12, 5), "call", []string{home, nonEU}, 30, 0, "Exchange mechanics: each contribution answered in kind within days.")
	s.meet(s.day(2025, 9, 16), "meeting", []string{home, nonEU}, 90, 0, "Annual review: the exchange is balanced; no extension of scope.")
	s.meet(s.day(2026, 5, 12), "call", []string{home, nonEU}, 30, 0, "Call on a returning foreign fighter.")

	for i, d := range []time.Time{date(2025, 1, 15), date(2025, 4, 16), date(2025, 8, 20), date(2025, 12, 10), date(2026, 3, 18),
		date(2024, 11, 27), date(2025, 5, 28), date(2025, 10, 8), date(2026, 1, 28), date(2026, 7, 15)} {
		from, to := home, nonEU
		if i >= 5 {
			from, to = nonEU, home
		}
		s.rfi(s.workTime(d), rfiPlan{from: from, to: to, a: ag, topic: pick(s.rng, []string{tCT, tCT, tVE}), priority: liaison.PriorityHigh,
			deadline: time.Duration(5+s.rng.IntN(3)) * day, answer: s.between(day, 2*day), rank: 2})
	}
}

// planOthers plans the short-lived and lapsed relationships and the
// attempts the policy refuses.
func (s *sim) planOthers() {
	// The ABW cyber pilot, which expires on 1 January 2025.
	pl := s.ags[agNLPL]
	for _, d := range []time.Time{date(2024, 11, 12), date(2024, 12, 3)} {
		t := s.workTime(d)
		p := s.product(t, home, prodOpts{scope: pl.topics, want: []string{tCY}, rankMax: 2, schemes: []scheme{schemeEU, schemeTLP}, orcon: 0.5})
		s.give(t.Add(2*hour), p, "pl-abw", pl)
		s.rate(t.Add(3*day), p, "pl-abw", 4)
	}
	for _, d := range []time.Time{date(2024, 11, 20), date(2024, 12, 16)} {
		t := s.workTime(d)
		p := s.product(t, "pl-abw", prodOpts{scope: pl.topics, want: []string{tCY}, rankMax: 2, schemes: []scheme{schemeNational, schemeTLP}, orcon: 0.5})
		s.give(t.Add(2*hour), p, home, pl)
		s.rate(t.Add(2*day), p, home, 4)
	}
	t := s.day(2025, 2, 11)
	late := s.product(t, home, prodOpts{scope: pl.topics, want: []string{tCY}, rankMax: 2, schemes: []scheme{schemeEU}, orcon: 0.5})
	s.send(t.Add(hour), late, homeLO, "pl-abw", pl, policy.CodeAgreementStatus)

	// The CNI arrangement, suspended in March 2025.
	es := s.ags[agNLES]
	for i, d := range []time.Time{date(2024, 11, 19), date(2025, 1, 22), date(2024, 12, 11), date(2025, 2, 25)} {
		org, to := home, "es-cni"
		if i >= 2 {
			org, to = "es-cni", home
		}
		t := s.workTime(d)
		p := s.product(t, org, prodOpts{scope: es.topics, rankMax: 2, schemes: []scheme{schemeEU, schemeNational},
			fixed: &caveatSet{orcon: true, handling: "H2"}})
		s.give(t.Add(2*hour), p, to, es)
		s.rate(t.Add(4*day), p, to, s.value([]int{3, 4}, []int{5, 5}))
	}
	t = s.day(2025, 5, 20)
	susp := s.product(t, home, prodOpts{scope: es.topics, rankMax: 2, schemes: []scheme{schemeEU}, fixed: &caveatSet{orcon: true, handling: "H2"}})
	s.send(t.Add(hour), susp, homeLO, "es-cni", es, policy.CodeAgreementStatus)

	// The ABW has no agreement with the PST.
	t = s.day(2025, 6, 3)
	ctg := s.ags[agCTG]
	abw := s.product(t, "pl-abw", prodOpts{scope: ctg.topics, want: []string{tCT}, rankMax: 2, schemes: []scheme{schemeNational}, orcon: 0.5})
	s.give(t.Add(hour), abw, home, ctg)
	s.send(t.Add(2*hour), abw, "pl-abw.wojcik", nonEU, nil, policy.CodeNoAgreement)
}

// planInternal plans home's national-only reporting: NOFORN, never
// disseminated.
func (s *sim) planInternal() {
	for _, d := range []time.Time{date(2024, 11, 7), date(2025, 1, 30), date(2025, 4, 24), date(2025, 7, 17), date(2025, 10, 2), date(2026, 1, 8), date(2026, 5, 21), date(2026, 9, 3)} {
		p := s.product(s.workTime(d), home, prodOpts{scope: allTopics, rankMin: 2, rankMax: 3, fixed: &caveatSet{noforn: true, orcon: s.chance(50)}})
		s.withheld = append(s.withheld, p)
	}
}

// scriptedRFI is one request for information of a scripted relationship:
// when, between whom, on what, its deadline and how long the answer took
// (0: never answered).
type scriptedRFI struct {
	t              time.Time
	from, to       string
	topic          string
	deadline, answ time.Duration
}

// scriptedRFIs plans each request under agreement ag.
func (s *sim) scriptedRFIs(ag *agreementSpec, rows []scriptedRFI, priority liaison.RFIPriority, rank int) {
	for _, r := range rows {
		s.rfi(r.t, rfiPlan{from: r.from, to: r.to, a: ag, topic: r.topic, priority: priority, deadline: r.deadline, answer: r.answ, rank: rank})
	}
}
