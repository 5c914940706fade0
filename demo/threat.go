package demo

import (
	"fmt"
	"time"

	"github.com/liaison-dev/liaison"
)

// When the scenario's organisations record their threat priorities and
// coverage, and when the home organisation revises its priorities after
// its annual threat assessment.
var (
	threatSetAt     = time.Date(2024, 11, 4, 9, 0, 0, 0, time.UTC)
	homeRevisionAt  = time.Date(2026, 1, 19, 10, 0, 0, 0, time.UTC)
	homeRevisedNote = "the annual threat assessment 2026 raises hybrid threats and China"
)

// The patterns of threat perception the scenario carries, for tests and
// tours: home and the CNI diverge (organised crime and the Sahel first for
// the one, terrorism, hybrid threats and Russia for the other), and home
// and the ABW share hybrid threats and Russia at the top of their lists
// while they exchange little on them since their cyber pilot expired.
const (
	divergentPartner   = "es-cni"
	opportunityPartner = "pl-abw"
)

// opportunityTopics are the topics home and the opportunity partner both
// rank in their top three.
var opportunityTopics = []string{tHY, rRU}

// priority is a ranked topic and an optional note.
type priority struct {
	topic, note string
}

// cover is one coverage entry: topic, discipline, capability 0-3, note.
type cover struct {
	topic      string
	discipline liaison.Discipline
	capability int
	note       string
}

// threatSpec is what an organisation records: its priorities in rank
// order and its coverage, set by its main liaison officer unless setBy
// names another officer (the home administrator records what a partner
// without its own officers on the node told it).
type threatSpec struct {
	org        string
	setBy      string
	priorities []priority
	coverage   []cover
}

func p(topics ...string) []priority {
	out := make([]priority, len(topics))
	for i, t := range topics {
		out[i] = priority{topic: t}
	}
	return out
}

// withNote returns ps with a note on topic.
func withNote(ps []priority, topic, note string) []priority {
	for i := range ps {
		if ps[i].topic == topic {
			ps[i].note = note
		}
	}
	return ps
}

// Capabilities, for reading the tables below.
const (
	limited  = liaison.CapabilityLimited
	moderate = liaison.CapabilityModerate
	strong   = liaison.CapabilityStrong
)

// homeRevised is home's priorities after its 2026 threat assessment.
var homeRevised = withNote(p(tCT, tHY, rRU, tCY, rCN, tCI, tVE, tPR, tOC, rME), tHY, homeRevisedNote)

// threatSpecs are every organisation's priorities and coverage, as
// recorded in November 2024.
var threatSpecs = []threatSpec{
	{org: home,
		priorities: withNote(p(tCT, rRU, tHY, tCY, tCI, rCN, tVE, tPR, tOC, rME), rRU,
			"state actors: espionage, sabotage and influence against the Netherlands"),
		coverage: []cover{
			{tCT, liaison.HUMINT, strong, "agent networks in the jihadist milieu"}, {tCT, liaison.OSINT, strong, ""}, {tCT, liaison.SIGINT, moderate, ""},
			{rRU, liaison.SIGINT, strong, "joint SIGINT cyber unit"}, {rRU, liaison.CYBINT, strong, ""}, {rRU, liaison.HUMINT, moderate, ""},
			{tHY, liaison.OSINT, strong, ""}, {tHY, liaison.HUMINT, moderate, ""},
			{tCY, liaison.CYBINT, strong, ""}, {tCY, liaison.SIGINT, strong, ""},
			{tCI, liaison.HUMINT, strong, ""}, {rCN, liaison.CYBINT, moderate, ""}, {rCN, liaison.OSINT, moderate, ""},
			{tVE, liaison.OSINT, strong, ""}, {tVE, liaison.HUMINT, moderate, ""},
			{tPR, liaison.TECHINT, moderate, "export-control cases"}, {tPR, liaison.FININT, limited, ""},
			{tOC, liaison.FININT, limited, ""},
		}},
	{org: "de-bfv",
		priorities: p(tCT, tVE, rRU, tCI, tHY, tCY, rCN, tPR, rME),
		coverage: []cover{
			{tCT, liaison.HUMINT, strong, ""}, {tCT, liaison.OSINT, strong, ""}, {tCT, liaison.SIGINT, moderate, ""},
			{tVE, liaison.OSINT, strong, "right-wing and Islamist extremism online"}, {tVE, liaison.HUMINT, strong, ""},
			{rRU, liaison.HUMINT, moderate, ""}, {rRU, liaison.CYBINT, moderate, ""}, {tCI, liaison.HUMINT, strong, ""},
			{tHY, liaison.OSINT, moderate, ""}, {tCY, liaison.CYBINT, strong, ""}, {rCN, liaison.CYBINT, moderate, ""},
			{tPR, liaison.TECHINT, moderate, ""}, {tPR, liaison.FININT, moderate, ""},
		}},
	{org: "fr-dgsi",
		priorities: p(tCT, tVE, rME, rSA, rRU, tCI, tCY, tHY),
		coverage: []cover{
			{tCT, liaison.HUMINT, strong, ""}, {tCT, liaison.SIGINT, strong, ""}, {tVE, liaison.HUMINT, strong, ""}, {tVE, liaison.OSINT, strong, ""},
			{rME, liaison.HUMINT, moderate, ""}, {rSA, liaison.HUMINT, moderate, ""}, {rSA, liaison.SIGINT, moderate, ""},
			{rRU, liaison.HUMINT, limited, ""}, {tCI, liaison.HUMINT, strong, ""}, {tCY, liaison.CYBINT, moderate, ""},
		}},
	{org: evolving,
		priorities: p(tCT, tVE, tCI, tOC, rRU, tHY, rME),
		coverage: []cover{
			{tCT, liaison.HUMINT, moderate, ""}, {tCT, liaison.OSINT, moderate, ""}, {tVE, liaison.OSINT, strong, ""}, {tVE, liaison.HUMINT, moderate, ""},
			{tCI, liaison.HUMINT, moderate, ""}, {tOC, liaison.FININT, moderate, "the port of Antwerp"}, {tOC, liaison.HUMINT, moderate, ""},
			{rRU, liaison.OSINT, limited, ""},
		}},
	{org: divergentPartner,
		priorities: withNote(withNote(p(tOC, rSA, tCT, rME, tVE, tCY), tOC,
			"drug trafficking through Algeciras and the corruption of officials it buys"), rSA,
			"jihadist groups and the migration routes towards the western Mediterranean"),
		coverage: []cover{
			{tOC, liaison.HUMINT, strong, ""}, {tOC, liaison.FININT, strong, ""}, {tOC, liaison.SIGINT, moderate, ""},
			{rSA, liaison.HUMINT, strong, "stations in Bamako and Niamey"}, {rSA, liaison.SIGINT, moderate, ""}, {rSA, liaison.IMINT, limited, ""},
			{tCT, liaison.HUMINT, moderate, ""}, {tCT, liaison.SIGINT, moderate, ""}, {rME, liaison.HUMINT, moderate, ""},
			{tVE, liaison.OSINT, moderate, ""}, {tCY, liaison.CYBINT, limited, ""},
		}},
	{org: breacher,
		priorities: p(tCT, tOC, rME, tVE, rSA, rRU, tHY),
		coverage: []cover{
			{tCT, liaison.HUMINT, moderate, ""}, {tCT, liaison.OSINT, moderate, ""}, {tOC, liaison.HUMINT, strong, ""}, {tOC, liaison.FININT, strong, ""},
			{rME, liaison.HUMINT, moderate, ""}, {tVE, liaison.OSINT, moderate, ""}, {rSA, liaison.HUMINT, limited, ""}, {rRU, liaison.OSINT, limited, ""},
		}},
	{org: opportunityPartner,
		priorities: withNote(p(rRU, tHY, tCY, tCI, tCT), tHY, "instrumentalised migration and sabotage on the Belarusian border"),
		coverage: []cover{
			{rRU, liaison.HUMINT, strong, ""}, {rRU, liaison.OSINT, strong, ""}, {rRU, liaison.SIGINT, moderate, ""},
			{tHY, liaison.HUMINT, strong, ""}, {tHY, liaison.OSINT, strong, ""}, {tCY, liaison.CYBINT, moderate, ""},
			{tCI, liaison.HUMINT, strong, ""}, {tCT, liaison.HUMINT, limited, ""},
		}},
	{org: "se-sapo",
		priorities: p(rRU, tCI, tCT, tHY, tVE, tCY),
		coverage: []cover{
			{rRU, liaison.HUMINT, moderate, ""}, {rRU, liaison.OSINT, moderate, ""}, {rRU, liaison.SIGINT, moderate, ""},
			{tCI, liaison.HUMINT, strong, ""}, {tCT, liaison.HUMINT, moderate, ""}, {tHY, liaison.OSINT, moderate, ""},
			{tVE, liaison.OSINT, moderate, ""}, {tCY, liaison.CYBINT, limited, ""},
		}},
	{org: "at-dsn",
		priorities: p(tCT, tVE, tCI, rRU, tHY, tOC),
		coverage: []cover{
			{tCT, liaison.HUMINT, moderate, ""}, {tVE, liaison.OSINT, moderate, ""}, {tCI, liaison.HUMINT, moderate, ""},
			{rRU, liaison.HUMINT, limited, ""}, {rRU, liaison.OSINT, moderate, ""}, {tHY, liaison.OSINT, limited, ""}, {tOC, liaison.FININT, limited, ""},
		}},
	{org: "dk-pet",
		priorities: p(tCT, tVE, tCI, tHY, rRU, tCY),
		coverage: []cover{
			{tCT, liaison.HUMINT, moderate, ""}, {tCT, liaison.SIGINT, moderate, ""}, {tHY, liaison.OSINT, moderate, ""},
			{rRU, liaison.OSINT, moderate, ""}, {rRU, liaison.SIGINT, limited, ""}, {tVE, liaison.OSINT, moderate, ""},
			{tCI, liaison.HUMINT, moderate, ""}, {tCY, liaison.CYBINT, moderate, ""},
		}},
	{org: hub,
		priorities: p(tHY, tCT, rRU, tCY, rME, rSA, rCN, tPR, tVE, tCI),
		coverage: []cover{
			{tHY, liaison.OSINT, strong, "the hybrid fusion cell"}, {tHY, liaison.GEOINT, moderate, ""}, {tCT, liaison.OSINT, moderate, ""},
			{rRU, liaison.OSINT, strong, ""}, {rRU, liaison.GEOINT, moderate, "SatCen imagery"}, {tCY, liaison.OSINT, moderate, ""},
			{rME, liaison.OSINT, moderate, ""}, {rME, liaison.GEOINT, moderate, ""}, {rSA, liaison.GEOINT, strong, "SatCen imagery"},
			{rSA, liaison.OSINT, moderate, ""}, {rCN, liaison.OSINT, moderate, ""}, {tPR, liaison.OSINT, moderate, ""},
			{tPR, liaison.GEOINT, moderate, ""}, {tVE, liaison.OSINT, moderate, ""}, {tCI, liaison.OSINT, limited, ""},
		}},
	{org: nonEU, setBy: adminID,
		priorities: withNote(p(tCT, tVE, rRU, tCI, tHY), tCT, "as PST presented its priorities at the Club of Berne"),
		coverage: []cover{
			{tCT, liaison.HUMINT, moderate, ""}, {tCT, liaison.OSINT, moderate, ""}, {tVE, liaison.OSINT, moderate, ""},
			{rRU, liaison.HUMINT, moderate, "the High North"}, {rRU, liaison.SIGINT, limited, ""}, {tCI, liaison.HUMINT, moderate, ""},
			{tHY, liaison.OSINT, limited, ""},
		}},
}

// planThreat plans the recording of every organisation's threat
// priorities and coverage early in the timeline, each by its main
// liaison officer (or the home administrator), and home's revision after
// its 2026 threat assessment. It draws nothing from the random
// generator, so the rest of the scenario is the same with or without it.
func (s *sim) planThreat() {
	for i, spec := range threatSpecs {
		officer := spec.setBy
		if officer == "" {
			officer = s.mainLiaison(spec.org)
		}
		t := threatSetAt.Add(time.Duration(i) * 10 * time.Minute)
		s.at(t, "priorities of "+spec.org, func() error { return s.setPriorities(officer, spec.org, spec.priorities) })
		s.at(t.Add(time.Hour), "coverage of "+spec.org, func() error { return s.setCoverage(officer, spec.org, spec.coverage) })
	}
	s.at(homeRevisionAt, "priorities of "+home+" revised", func() error { return s.setPriorities(homeLO, home, homeRevised) })
}

func (s *sim) setPriorities(officer, org string, ps []priority) error {
	in := make([]liaison.ThreatPriority, len(ps))
	for i, pr := range ps {
		in[i] = liaison.ThreatPriority{Topic: pr.topic, Note: pr.note}
	}
	if _, err := s.as(officer).SetThreatPriorities(s.ctx, org, in); err != nil {
		return fmt.Errorf("set the threat priorities of %s as %s: %w", org, officer, err)
	}
	s.sc.PrioritySets++
	return nil
}

func (s *sim) setCoverage(officer, org string, cs []cover) error {
	in := make([]liaison.Coverage, len(cs))
	for i, c := range cs {
		in[i] = liaison.Coverage{Topic: c.topic, Discipline: c.discipline, Capability: c.capability, Note: c.note}
	}
	if _, err := s.as(officer).SetCoverage(s.ctx, org, in); err != nil {
		return fmt.Errorf("set the coverage of %s as %s: %w", org, officer, err)
	}
	s.sc.CoverageSets++
	return nil
}
