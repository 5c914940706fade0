package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/storetest"
)

// TestThreatHistory checks that replaced threat priorities and coverage
// stay in the file, superseded when the next set was made.
func TestThreatHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "liaison.db")
	db := MustOpenPath(t, path)
	storetest.SetPriorities(t, db, "nl-aivd", 1, storetest.Priorities("nl-aivd", "counter-terrorism", "russia")...)
	storetest.SetPriorities(t, db, "nl-aivd", 2, storetest.Priorities("nl-aivd", "russia")...)
	storetest.SetPriorities(t, db, "nl-aivd", 3)
	storetest.SetCoverage(t, db, "nl-aivd", 1, storetest.Cover("nl-aivd", "russia", liaison.SIGINT, 3))
	storetest.SetCoverage(t, db, "nl-aivd", 2, storetest.Cover("nl-aivd", "russia", liaison.SIGINT, 2))

	raw := rawDB(t, path)
	t0 := storetest.At(1).UnixNano()
	minute := func(ns sql.NullInt64) string {
		if !ns.Valid {
			return "now"
		}
		return strconv.FormatInt((ns.Int64-t0)/int64(time.Minute), 10)
	}
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"priorities", `SELECT topic, set_at, superseded_at FROM threat_priorities ORDER BY seq`,
			"counter-terrorism@0-1 russia@0-1 russia@1-2"},
		{"coverage", `SELECT topic || ':' || capability, set_at, superseded_at FROM coverage ORDER BY seq`,
			"russia:3@0-1 russia:2@1-now"},
	}
	for _, tt := range tests {
		rows, err := raw.Query(tt.query)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var got []string
		for rows.Next() {
			var what string
			var set, superseded sql.NullInt64
			if err := rows.Scan(&what, &set, &superseded); err != nil {
				t.Fatal(err)
			}
			got = append(got, what+"@"+minute(set)+"-"+minute(superseded))
		}
		rows.Close()
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("%s history: got %q, want %q (topic@set-superseded, in minutes after the first set)", tt.name, g, tt.want)
		}
	}
}

// TestThreatLookupsUseIndexes checks that reading the current threat
// priorities and coverage is an indexed lookup, not a scan of their
// history.
func TestThreatLookupsUseIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "liaison.db")
	MustOpenPath(t, path)
	raw := rawDB(t, path)
	tests := []struct{ query, index string }{
		{`SELECT topic FROM threat_priorities WHERE org_id = 'x' AND superseded_at IS NULL ORDER BY rank`, "threat_priorities_current"},
		{`SELECT topic FROM threat_priorities WHERE superseded_at IS NULL ORDER BY org_id, rank`, "threat_priorities_current"},
		{`SELECT topic FROM coverage WHERE org_id = 'x' AND superseded_at IS NULL ORDER BY topic, discipline`, "coverage_current"},
		{`SELECT topic FROM coverage WHERE superseded_at IS NULL ORDER BY org_id, topic, discipline`, "coverage_current"},
		{`UPDATE threat_priorities SET superseded_at = 1 WHERE org_id = 'x' AND superseded_at IS NULL`, "threat_priorities_current"},
		{`UPDATE coverage SET superseded_at = 1 WHERE org_id = 'x' AND superseded_at IS NULL`, "coverage_current"},
	}
	for _, tt := range tests {
		rows, err := raw.Query(`EXPLAIN QUERY PLAN ` + tt.query)
		if err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notUsed int
			var detail string
			if err := rows.Scan(&id, &parent, &notUsed, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		p := strings.Join(plan, "; ")
		if !strings.Contains(p, "USING INDEX "+tt.index) || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("%s\nplan: %s\nwant a lookup by %s, sorted by it", tt.query, p, tt.index)
		}
	}
}
