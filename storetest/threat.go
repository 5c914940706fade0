package storetest

import (
	"testing"
	"time"

	"github.com/liaison-dev/liaison"
)

// Priorities returns the threat priorities of org, topics in rank order,
// set by org's liaison officer, each with a note.
func Priorities(org string, topics ...string) []*liaison.ThreatPriority {
	out := make([]*liaison.ThreatPriority, len(topics))
	for i, t := range topics {
		out[i] = &liaison.ThreatPriority{OrgID: org, Topic: t, Rank: i + 1, Note: "assessed " + t, SetBy: org + ".liaison"}
	}
	return out
}

// Cover returns one coverage entry of org, set by org's liaison officer.
func Cover(org, topic string, d liaison.Discipline, capability int) *liaison.Coverage {
	return &liaison.Coverage{OrgID: org, Topic: topic, Discipline: d, Capability: capability, Note: "seen " + topic,
		SetBy: org + ".liaison"}
}

// SetPriorities sets org's threat priorities at minute, failing the test
// on an error, and returns them as set.
func SetPriorities(t testing.TB, s liaison.Store, org string, minute int, ps ...*liaison.ThreatPriority) []*liaison.ThreatPriority {
	t.Helper()
	Update(t, s, func(tx liaison.Tx) error { return tx.SetThreatPriorities(t.Context(), org, ps, At(minute)) })
	return ps
}

// SetCoverage sets org's coverage at minute, failing the test on an
// error, and returns it as set.
func SetCoverage(t testing.TB, s liaison.Store, org string, minute int, cs ...*liaison.Coverage) []*liaison.Coverage {
	t.Helper()
	Update(t, s, func(tx liaison.Tx) error { return tx.SetCoverage(t.Context(), org, cs, At(minute)) })
	return cs
}

func testThreatPriorities(t *testing.T, open func(*testing.T) liaison.Store) {
	get := func(t *testing.T, s liaison.Store, org string) []*liaison.ThreatPriority {
		t.Helper()
		return Get(t, s, func(tx liaison.Tx) ([]*liaison.ThreatPriority, error) { return tx.ThreatPriorities(t.Context(), org) })
	}
	t.Run("priorities read back as set, by rank, with the organisation and time set", func(t *testing.T) {
		s := open(t)
		ps := Priorities("", "counter-terrorism", "russia", "cyber")
		ps[0], ps[2] = ps[2], ps[0] // given out of order: read back by rank
		SetPriorities(t, s, "nl-aivd", 5, ps...)
		want := Priorities("nl-aivd", "counter-terrorism", "russia", "cyber")
		for _, p := range want {
			p.SetBy, p.SetAt = ".liaison", At(5)
		}
		Diff(t, "priorities", want, get(t, s, "nl-aivd"))
	})
	t.Run("a new list replaces the current one", func(t *testing.T) {
		s := open(t)
		SetPriorities(t, s, "nl-aivd", 1, Priorities("nl-aivd", "counter-terrorism", "russia", "cyber")...)
		second := SetPriorities(t, s, "nl-aivd", 2, Priorities("nl-aivd", "russia", "hybrid-threats")...)
		Diff(t, "priorities after the second list", second, get(t, s, "nl-aivd"))
	})
	t.Run("an empty list clears them", func(t *testing.T) {
		s := open(t)
		SetPriorities(t, s, "nl-aivd", 1, Priorities("nl-aivd", "counter-terrorism")...)
		SetPriorities(t, s, "nl-aivd", 2)
		Diff(t, "priorities after clearing", []*liaison.ThreatPriority{}, get(t, s, "nl-aivd"))
	})
	t.Run("every organisation's current priorities, by organisation and rank", func(t *testing.T) {
		s := open(t)
		SetPriorities(t, s, "nl-aivd", 1, Priorities("nl-aivd", "old")...)
		es := SetPriorities(t, s, "es-cni", 2, Priorities("es-cni", "organised-crime", "sahel")...)
		nl := SetPriorities(t, s, "nl-aivd", 3, Priorities("nl-aivd", "counter-terrorism", "russia")...)
		de := SetPriorities(t, s, "de-bfv", 4, Priorities("de-bfv", "counter-terrorism")...)
		want := append(append(append([]*liaison.ThreatPriority{}, de...), es...), nl...)
		Diff(t, "all priorities", want, get(t, s, ""))
		Diff(t, "one organisation's", es, get(t, s, "es-cni"))
		Diff(t, "an organisation without any", []*liaison.ThreatPriority{}, get(t, s, "fr-dgsi"))
	})
	t.Run("an invalid list is refused and nothing is written", func(t *testing.T) {
		tests := []struct {
			name string
			ps   []*liaison.ThreatPriority
		}{
			{"a rank below 1", []*liaison.ThreatPriority{{Topic: "cyber", Rank: 0}}},
			{"a topic twice", []*liaison.ThreatPriority{{Topic: "cyber", Rank: 1}, {Topic: "cyber", Rank: 2}}},
			{"a rank twice", []*liaison.ThreatPriority{{Topic: "cyber", Rank: 1}, {Topic: "russia", Rank: 1}}},
			{"a gap in the ranks", []*liaison.ThreatPriority{{Topic: "cyber", Rank: 1}, {Topic: "russia", Rank: 3}}},
			{"a topic that is not a slug", []*liaison.ThreatPriority{{Topic: "Russia and Belarus!", Rank: 1}}},
			{"every topic", []*liaison.ThreatPriority{{Topic: liaison.AllTopics, Rank: 1}}},
		}
		s := open(t)
		current := SetPriorities(t, s, "nl-aivd", 1, Priorities("nl-aivd", "counter-terrorism")...)
		for _, tt := range tests {
			WantUpdateCode(t, s, liaison.EINVALID, func(tx liaison.Tx) error {
				return tx.SetThreatPriorities(t.Context(), "nl-aivd", tt.ps, At(2))
			})
			Diff(t, tt.name+": priorities after", current, get(t, s, "nl-aivd"))
		}
	})
	t.Run("a list dated before the current one is a conflict", func(t *testing.T) {
		s := open(t)
		current := SetPriorities(t, s, "nl-aivd", 10, Priorities("nl-aivd", "counter-terrorism")...)
		WantUpdateCode(t, s, liaison.ECONFLICT, func(tx liaison.Tx) error {
			return tx.SetThreatPriorities(t.Context(), "nl-aivd", Priorities("nl-aivd", "russia"), At(9))
		})
		Diff(t, "priorities after", current, get(t, s, "nl-aivd"))
		// A clearing list counts too; the same time is allowed.
		SetPriorities(t, s, "nl-aivd", 11)
		WantUpdateCode(t, s, liaison.ECONFLICT, func(tx liaison.Tx) error {
			return tx.SetThreatPriorities(t.Context(), "nl-aivd", Priorities("nl-aivd", "russia"), At(10))
		})
		again := SetPriorities(t, s, "nl-aivd", 11, Priorities("nl-aivd", "russia")...)
		Diff(t, "priorities set at the same time", again, get(t, s, "nl-aivd"))
		// Another organisation's time is its own.
		SetPriorities(t, s, "es-cni", 1, Priorities("es-cni", "sahel")...)
	})
	t.Run("a list without a time is refused", func(t *testing.T) {
		s := open(t)
		WantUpdateCode(t, s, liaison.EINVALID, func(tx liaison.Tx) error {
			return tx.SetThreatPriorities(t.Context(), "nl-aivd", Priorities("nl-aivd", "russia"), time.Time{})
		})
	})
	t.Run("a list is written in its transaction or not at all", func(t *testing.T) {
		s := open(t)
		current := SetPriorities(t, s, "nl-aivd", 1, Priorities("nl-aivd", "counter-terrorism")...)
		err := s.Update(t.Context(), func(tx liaison.Tx) error {
			if err := tx.SetThreatPriorities(t.Context(), "nl-aivd", Priorities("nl-aivd", "russia"), At(2)); err != nil {
				return err
			}
			return liaison.Errorf(liaison.ECONFLICT, "rolled back")
		})
		WantCode(t, err, liaison.ECONFLICT)
		Diff(t, "priorities after a rollback", current, get(t, s, "nl-aivd"))
		// The rolled-back time did not count.
		SetPriorities(t, s, "nl-aivd", 1, Priorities("nl-aivd", "russia")...)
	})
}

func testCoverage(t *testing.T, open func(*testing.T) liaison.Store) {
	get := func(t *testing.T, s liaison.Store, org string) []*liaison.Coverage {
		t.Helper()
		return Get(t, s, func(tx liaison.Tx) ([]*liaison.Coverage, error) { return tx.Coverage(t.Context(), org) })
	}
	t.Run("coverage reads back as set, by topic and discipline, with the organisation and time set", func(t *testing.T) {
		s := open(t)
		c1 := Cover("", "russia", liaison.SIGINT, 3)
		c2 := Cover("", "cyber", liaison.CYBINT, 2)
		c3 := Cover("", "russia", liaison.HUMINT, 0)
		SetCoverage(t, s, "nl-aivd", 5, c1, c2, c3)
		want := []*liaison.Coverage{Cover("nl-aivd", "cyber", liaison.CYBINT, 2), Cover("nl-aivd", "russia", liaison.HUMINT, 0),
			Cover("nl-aivd", "russia", liaison.SIGINT, 3)}
		for _, c := range want {
			c.SetBy, c.SetAt = ".liaison", At(5)
		}
		Diff(t, "coverage", want, get(t, s, "nl-aivd"))
	})
	t.Run("a new set replaces the current one, and an empty set clears it", func(t *testing.T) {
		s := open(t)
		SetCoverage(t, s, "nl-aivd", 1, Cover("nl-aivd", "russia", liaison.SIGINT, 3), Cover("nl-aivd", "cyber", liaison.CYBINT, 2))
		second := SetCoverage(t, s, "nl-aivd", 2, Cover("nl-aivd", "russia", liaison.SIGINT, 2))
		Diff(t, "coverage after the second set", second, get(t, s, "nl-aivd"))
		SetCoverage(t, s, "nl-aivd", 3)
		Diff(t, "coverage after clearing", []*liaison.Coverage{}, get(t, s, "nl-aivd"))
	})
	t.Run("every organisation's current coverage, by organisation, topic and discipline", func(t *testing.T) {
		s := open(t)
		SetCoverage(t, s, "nl-aivd", 1, Cover("nl-aivd", "old", liaison.OSINT, 1))
		es := SetCoverage(t, s, "es-cni", 2, Cover("es-cni", "organised-crime", liaison.FININT, 3), Cover("es-cni", "sahel", liaison.HUMINT, 3))
		nl := SetCoverage(t, s, "nl-aivd", 3, Cover("nl-aivd", "russia", liaison.SIGINT, 3))
		want := append(append([]*liaison.Coverage{}, es...), nl...)
		Diff(t, "all coverage", want, get(t, s, ""))
		Diff(t, "an organisation without any", []*liaison.Coverage{}, get(t, s, "fr-dgsi"))
	})
	t.Run("an invalid set is refused and nothing is written", func(t *testing.T) {
		tests := []struct {
			name string
			cs   []*liaison.Coverage
		}{
			{"an unknown discipline", []*liaison.Coverage{{Topic: "cyber", Discipline: "ESPINT", Capability: 1}}},
			{"a capability above 3", []*liaison.Coverage{{Topic: "cyber", Discipline: liaison.SIGINT, Capability: 4}}},
			{"a negative capability", []*liaison.Coverage{{Topic: "cyber", Discipline: liaison.SIGINT, Capability: -1}}},
			{"a topic and discipline twice", []*liaison.Coverage{{Topic: "cyber", Discipline: liaison.SIGINT, Capability: 1},
				{Topic: "cyber", Discipline: "sigint", Capability: 2}}},
			{"a topic that is not a slug", []*liaison.Coverage{{Topic: "", Discipline: liaison.SIGINT, Capability: 1}}},
		}
		s := open(t)
		current := SetCoverage(t, s, "nl-aivd", 1, Cover("nl-aivd", "russia", liaison.SIGINT, 3))
		for _, tt := range tests {
			WantUpdateCode(t, s, liaison.EINVALID, func(tx liaison.Tx) error {
				return tx.SetCoverage(t.Context(), "nl-aivd", tt.cs, At(2))
			})
			Diff(t, tt.name+": coverage after", current, get(t, s, "nl-aivd"))
		}
	})
	t.Run("a set dated before the current one is a conflict; priorities keep their own time", func(t *testing.T) {
		s := open(t)
		current := SetCoverage(t, s, "nl-aivd", 10, Cover("nl-aivd", "russia", liaison.SIGINT, 3))
		WantUpdateCode(t, s, liaison.ECONFLICT, func(tx liaison.Tx) error {
			return tx.SetCoverage(t.Context(), "nl-aivd", []*liaison.Coverage{Cover("nl-aivd", "cyber", liaison.SIGINT, 1)}, At(9))
		})
		Diff(t, "coverage after", current, get(t, s, "nl-aivd"))
		SetPriorities(t, s, "nl-aivd", 1, Priorities("nl-aivd", "russia")...)
	})
}
