package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liaison-dev/liaison/assess"
	"github.com/liaison-dev/liaison/demo"
	"github.com/liaison-dev/liaison/ledger"
	"github.com/liaison-dev/liaison/sqlite"
	"github.com/liaison-dev/liaison/threat"
	"github.com/liaison-dev/liaison/trust"
)

// The demo scenario's end, and a month after its one breach: the desk
// answers as of now by default, so the tests ask as of these dates to
// stay true whatever the clock says.
const (
	demoEnd          = "2026-11-01"
	monthAfterBreach = "2025-11-13"
)

// mustDemo builds the demo scenario into a new data directory (about two
// seconds) and returns a cli on it, acting as its home administrator, the
// directory and the scenario.
func mustDemo(t *testing.T) (cli, string, *demo.Scenario) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, dbFile)
	if err := createPrivate(path); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sc, err := demo.Build(t.Context(), db, demo.Options{Seed: 1})
	if err != nil {
		t.Fatalf("building the demo: %v", err)
	}
	return cli{t: t, env: map[string]string{"LIAISON_DATA": dir}}, dir, sc
}

func TestDeskQuestionsOnTheDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo scenario; skipped in -short mode")
	}
	c, dir, sc := mustDemo(t)

	t.Run("typology names the relationship that turned relational", func(t *testing.T) {
		var r assess.TypologyReport
		c.mustJSON(&r, "typology", "be-vsse", "--at", demoEnd)
		if len(r.Relationships) != 1 || r.Relationships[0].B != "be-vsse" || r.Relationships[0].Class != ledger.RelationalBilateral {
			t.Fatalf("typology be-vsse = %+v, want relational_bilateral", r.Relationships)
		}
		out := c.must("typology", "--history", "be-vsse", "--at", demoEnd)
		for _, want := range []string{"PARTNER", "CLASS", "CHANGED", "be-vsse", "transactional_bilateral → relational_bilateral", "PERIOD", "← changed: "} {
			if !strings.Contains(out, want) {
				t.Errorf("typology --history lacks %q:\n%s", want, out)
			}
		}
		out = c.must("typology", "be-vsse", "--at", demoEnd, "--explain")
		if !strings.Contains(out, "contact_density") {
			t.Errorf("typology --explain does not show the indicators:\n%s", out)
		}
		all := c.must("typology", "--all", "--at", demoEnd, "-o", "id")
		if !strings.Contains(all, "eu-intcen/nl-aivd\n") && !strings.Contains(all, "nl-aivd/eu-intcen\n") {
			t.Errorf("typology --all -o id lacks the hub's relationship with home:\n%s", all)
		}
	})

	t.Run("trust in the partner that broke a caveat names the breach", func(t *testing.T) {
		out := c.must("trust", "it-aisi", "--explain", "--at", demoEnd)
		for _, want := range []string{"TRUST", "BELIEF", "TREND 90D", "INTEGRITY", "it-aisi", "breach"} {
			if !strings.Contains(out, want) {
				t.Errorf("trust it-aisi --explain lacks %q:\n%s", want, out)
			}
		}
		var r assess.TrustReport
		c.mustJSON(&r, "trust", "--at", demoEnd)
		i := slices.IndexFunc(r.Assessments, func(a assess.TrustAssessment) bool { return a.Trustee == "it-aisi" })
		if r.Truster != sc.HomeOrg || i < 0 || len(r.Assessments) < 5 {
			t.Fatalf("trust = %s with %d assessments", r.Truster, len(r.Assessments))
		}
		if integrity, _ := r.Assessments[i].Direct.Dimension(trust.Integrity); integrity.Projected >= r.Assessments[0].Projected {
			t.Errorf("it-aisi's integrity %.2f is not below the most trusted partner's trust %.2f", integrity.Projected, r.Assessments[0].Projected)
		}
		ids := strings.Fields(c.must("trust", "--at", demoEnd, "-o", "id"))
		if len(ids) != len(r.Assessments) || ids[0] != r.Assessments[0].Trustee {
			t.Errorf("trust -o id = %v", ids)
		}
	})

	t.Run("who can help on Russia", func(t *testing.T) {
		out := c.must("whocan", "russia", "--at", demoEnd)
		for _, want := range []string{"RANK", "COVERAGE", "SCOPE", "WHY", "pl-abw"} {
			if !strings.Contains(out, want) {
				t.Errorf("whocan russia lacks %q:\n%s", want, out)
			}
		}
		var r assess.WhoCanReport
		c.mustJSON(&r, "whocan", "russia", "--at", demoEnd)
		if r.Topic != "russia" || !slices.ContainsFunc(r.Partners, func(p threat.Ranked) bool { return p.OrgID == "pl-abw" }) {
			t.Errorf("whocan russia = %+v, want pl-abw among the partners", r)
		}
		explained := c.must("whocan", "russia", "--at", demoEnd, "--explain")
		if strings.Contains(explained, "WHY") || !strings.Contains(explained, "\n    coverage") {
			t.Errorf("whocan --explain should put every reason under its partner:\n%s", explained)
		}
	})

	t.Run("warnings name the breach while it is recent", func(t *testing.T) {
		var r assess.WarningReport
		c.mustJSON(&r, "warnings", "--at", monthAfterBreach)
		if !slices.ContainsFunc(r.Warnings, func(w assess.Warning) bool {
			return w.Code == assess.WarnBreach && w.Partner == sc.BreachOrg && w.Severity == assess.SeverityHigh
		}) {
			t.Errorf("warnings a month after the breach = %+v, want a high breach warning for %s", r.Warnings, sc.BreachOrg)
		}
		out := c.must("warnings", "--at", monthAfterBreach, "--explain")
		if !strings.Contains(out, "SEVERITY") || !strings.Contains(out, "breach") || !strings.Contains(out, sc.BreachOrg) {
			t.Errorf("the warnings table:\n%s", out)
		}
		if ids := c.must("warnings", "--at", monthAfterBreach, "-o", "id"); !strings.Contains(ids, "breach/"+sc.BreachOrg+"\n") {
			t.Errorf("warnings -o id = %q", ids)
		}
		// A lower threshold finds more lopsided ledgers.
		count := func(args ...string) int {
			var r assess.WarningReport
			c.mustJSON(&r, append([]string{"warnings", "--at", demoEnd}, args...)...)
			n := 0
			for _, w := range r.Warnings {
				if w.Code == assess.WarnLopsided {
					n++
				}
			}
			return n
		}
		if def, low := count(), count("--lopsided-ratio", "1.2"); low <= def {
			t.Errorf("lopsided ledgers: %d at the default threshold, %d at 1.2", def, low)
		}
	})

	t.Run("the ledger, by month and in the network", func(t *testing.T) {
		out := c.must("ledger", "be-vsse", "--months", "--network", "--until", "2026-10-31")
		for _, want := range []string{"GIVEN", "RECEIVED", "BALANCE", "RECIPROCITY", "MEDIAN LAG", "MONTH", "CUMULATIVE", "until 2026-10-31", "The exchange network", "PAGERANK"} {
			if !strings.Contains(out, want) {
				t.Errorf("ledger be-vsse --months --network lacks %q:\n%s", want, out)
			}
		}
		var r assess.LedgerReport
		c.mustJSON(&r, "ledger", "--since", "2025-01-01", "--until", "2025-12-31")
		if want := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); !r.Window.To.Equal(want) || len(r.Pairs) == 0 || r.Network != nil {
			t.Errorf("ledger over 2025: window %+v, %d pairs, network %v", r.Window, len(r.Pairs), r.Network)
		}
	})

	t.Run("alignment finds the divergence and the opportunity", func(t *testing.T) {
		out := c.must("alignment", "--at", demoEnd)
		for _, want := range []string{"ALIGNMENT", "SHARED", "es-cni", "Divergences:", "Opportunities:", "pl-abw"} {
			if !strings.Contains(out, want) {
				t.Errorf("alignment lacks %q:\n%s", want, out)
			}
		}
	})

	t.Run("a partner's officer is refused", func(t *testing.T) {
		for _, args := range [][]string{{"trust"}, {"ledger"}, {"typology"}, {"whocan", "russia"}, {"alignment"}, {"warnings"}} {
			r := c.run(append([]string{"--as", sc.PartnerOfficerID}, args...)...)
			if r.code() != 1 || !strings.Contains(r.stderr, "(forbidden)") || r.stdout != "" {
				t.Errorf("%s as %s: exit %d, stderr %q, stdout %q; want a refusal", args[0], sc.PartnerOfficerID, r.code(), r.stderr, r.stdout)
			}
		}
	})

	t.Run("a home analyst may ask who can help but not for trust", func(t *testing.T) {
		if r := c.run("--as", "nl-aivd.visser", "whocan", "russia", "-o", "id"); r.err != nil || !strings.Contains(r.stdout, "pl-abw") {
			t.Errorf("whocan as an analyst: %v %s", r.err, r.stderr)
		}
		if r := c.run("--as", "nl-aivd.visser", "trust"); r.code() != 1 || !strings.Contains(r.stderr, "(forbidden)") {
			t.Errorf("trust as an analyst: exit %d, stderr %q", r.code(), r.stderr)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		tests := []struct {
			args     []string
			wantCode int
			wantErr  string
		}{
			{[]string{"trust", "xx-none"}, 1, "(invalid)"},
			{[]string{"trust", "--at", "yesterday"}, 1, "--at"},
			{[]string{"ledger", "--since", "2026-02-01", "--until", "2026-01-01"}, 1, "not after"},
			{[]string{"ledger", "--until", "31/12/2025"}, 1, "--until"},
			{[]string{"typology", "--all", "be-vsse"}, 2, "--all"},
			{[]string{"typology", "a", "b"}, 2, "accepts at most 1 arg"},
			{[]string{"whocan"}, 2, "TOPIC"},
			{[]string{"warnings", "--lopsided-ratio", "0.5"}, 1, "above 1"},
			{[]string{"warnings", "--lopsided-ratio", "lots"}, 2, "lopsided-ratio"},
			{[]string{"warnings", "it-aisi"}, 2, "unexpected argument"},
		}
		for _, tt := range tests {
			r := c.run(tt.args...)
			if r.code() != tt.wantCode || !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", tt.args, r.code(), r.stderr, tt.wantCode, tt.wantErr)
			}
		}
	})

	t.Run("over the REST API the answers are the same", func(t *testing.T) {
		url := mustServe(t, dir)
		remote := cli{t: t, env: map[string]string{"LIAISON_SERVER": url, "LIAISON_TOKEN": sc.AdminToken}}
		for _, args := range [][]string{
			{"typology", "--history", "be-vsse", "--at", demoEnd},
			{"trust", "it-aisi", "--explain", "--at", demoEnd},
			{"whocan", "russia", "--at", demoEnd},
			{"warnings", "--at", monthAfterBreach, "--explain"},
			{"ledger", "--months", "--network", "--until", "2026-10-31"},
			{"alignment", "--at", demoEnd, "-o", "json"},
		} {
			if local, over := c.must(args...), remote.must(args...); local != over {
				t.Errorf("%v on the data directory and over the API differ:\n%s\n---\n%s", args, local, over)
			}
		}
		partner := cli{t: t, env: map[string]string{"LIAISON_SERVER": url, "LIAISON_TOKEN": sc.PartnerToken}}
		if r := partner.run("warnings"); r.code() != 1 || !strings.Contains(r.stderr, "(forbidden)") {
			t.Errorf("warnings as the partner over the API: exit %d, stderr %q", r.code(), r.stderr)
		}
		if r := remote.run("trust", "--at", "2026-13-01"); r.code() != 1 || !strings.Contains(r.stderr, "--at") {
			t.Errorf("a bad date over the API: exit %d, stderr %q", r.code(), r.stderr)
		}
	})
}

func TestDeskTablesShowUndefinedFiguresAsDashes(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var buf strings.Builder
	trustTable(&buf, &assess.TrustReport{Truster: "nl-aivd", At: at, Assessments: []assess.TrustAssessment{
		{Trustee: "xx-new", Projected: 0.5, Basis: "prior", Direct: trust.Assessment{Overall: trust.Vacuous(0.5)}},
	}})
	lines := strings.Split(buf.String(), "\n")
	if len(lines) < 4 || strings.Join(strings.Fields(lines[3]), " ") != "xx-new 0.50 0.00 0.00 1.00 prior - - - -" {
		t.Errorf("a partner without evidence:\n%s", buf.String())
	}

	buf.Reset()
	ledgerTable(&buf, &assess.LedgerReport{A: "nl-aivd", Pairs: []assess.PairLedger{{PairSummary: ledger.PairSummary{B: "xx-new",
		Given: ledger.Flow{Count: 2, Value: 3.25}}}}})
	if !strings.Contains(buf.String(), "all time") || !strings.Contains(strings.Join(strings.Fields(buf.String()), " "), "xx-new 2 / 3.2 0 / 0.0 0.0 - -") {
		t.Errorf("a one-way ledger without returns:\n%s", buf.String())
	}
}

func TestBlocksPutTheWorkingUnderItsRow(t *testing.T) {
	var buf strings.Builder
	blocks(&buf, []string{"NAME", "SCORE"}, []block{
		{cells: []string{"a-long-name", "0.50"}, under: []string{"first reason", "second\nreason"}},
		{cells: []string{"b", "0.25"}},
		{cells: []string{"c", "0.10"}, under: []string{"why c"}},
	})
	want := `NAME         SCORE
a-long-name  0.50
    first reason
    second
    reason

b            0.25
c            0.10
    why c
`
	if buf.String() != want {
		t.Errorf("blocks:\n%s\nwant:\n%s", buf.String(), want)
	}
}
