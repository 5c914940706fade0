package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/liaison-dev/liaison"
)

func TestPrioritiesAndCoverage(t *testing.T) {
	c, _ := mustInitNode(t)
	c.must("org", "create", "--id", "pl-abw", "--name", "ABW", "--country", "PL", "--member", "EU")

	var ps []liaison.ThreatPriority
	c.mustJSON(&ps, "priorities", "set", "home", "counter-terrorism", "Russia", "hybrid-threats",
		"--note", "russia=state actors and their proxies")
	if len(ps) != 3 || ps[1].Topic != "russia" || ps[1].Rank != 2 || ps[1].Note != "state actors and their proxies" || ps[0].SetBy != "admin" {
		t.Fatalf("priorities set = %+v", ps)
	}
	if got := c.must("priorities", "show", "home", "-o", "id"); got != "counter-terrorism\nrussia\nhybrid-threats\n" {
		t.Errorf("priorities show -o id = %q", got)
	}
	table := c.must("priorities", "show", "home")
	for _, want := range []string{"RANK", "TOPIC", "counter-terrorism", "state actors and their proxies"} {
		if !strings.Contains(table, want) {
			t.Errorf("the table lacks %q:\n%s", want, table)
		}
	}

	// What show -o json prints, set --file takes back: here edited to
	// swap the first two ranks, read from stdin.
	ps[0].Rank, ps[1].Rank = 2, 1
	c.stdin = mustMarshal(t, ps)
	c.mustJSON(&ps, "priorities", "set", "home", "--file", "-")
	c.stdin = ""
	if got := topicsOf(ps); !slices.Equal(got, []string{"russia", "counter-terrorism", "hybrid-threats"}) {
		t.Errorf("after set --file: %v", got)
	}

	var cs []liaison.Coverage
	c.mustJSON(&cs, "coverage", "set", "pl-abw", "--cover", "russia:humint:strong", "--cover", "russia:OSINT:3",
		"--cover", "cyber:CYBINT:2:state-sponsored intrusion sets: APT28, APT29")
	if len(cs) != 3 || cs[0].Topic != "cyber" || cs[0].Note != "state-sponsored intrusion sets: APT28, APT29" || cs[1].Discipline != liaison.HUMINT || cs[1].Capability != 3 {
		t.Fatalf("coverage set = %+v", cs)
	}
	if got := c.must("coverage", "show", "-o", "id"); got != "cyber:CYBINT:2\nrussia:HUMINT:3\nrussia:OSINT:3\n" {
		t.Errorf("coverage show -o id = %q", got)
	}
	if table := c.must("coverage", "show", "pl-abw"); !strings.Contains(table, "3 strong") || !strings.Contains(table, "DISCIPLINE") {
		t.Errorf("coverage table:\n%s", table)
	}
	// Both organisations in one listing: ids name the organisation.
	c.must("coverage", "set", "home", "--cover", "russia:SIGINT:3")
	if got := c.must("coverage", "show", "-o", "id"); !strings.Contains(got, "home/russia:SIGINT:3\n") || !strings.Contains(got, "pl-abw/cyber:CYBINT:2\n") {
		t.Errorf("coverage of all, -o id = %q", got)
	}

	// A file as the API answers it, {"items": …}.
	file := writeFile(t, "coverage.json", `{"items":[{"topic":"sahel","discipline":"HUMINT","capability":1}]}`)
	c.mustJSON(&cs, "coverage", "set", "pl-abw", "--file", file)
	if len(cs) != 1 || cs[0].Topic != "sahel" {
		t.Errorf("coverage set --file = %+v", cs)
	}

	c.mustJSON(&ps, "priorities", "set", "home", "--clear")
	if len(ps) != 0 {
		t.Errorf("after --clear: %+v", ps)
	}
	if got := c.must("priorities", "show", "home", "-o", "json"); strings.TrimSpace(got) != "[]" {
		t.Errorf("no priorities print as %q, want []", got)
	}

	// Every set is in the audit chain.
	var events []liaison.AuditEvent
	c.mustJSON(&events, "audit", "log", "--limit", "1000")
	n := 0
	for _, e := range events {
		if e.Action == "priorities.set" || e.Action == "coverage.set" {
			n++
		}
	}
	if n != 6 {
		t.Errorf("%d sets in the audit chain, want 6", n)
	}
}

func TestPrioritiesBadInputWritesNothing(t *testing.T) {
	c, _ := mustInitNode(t)
	c.must("priorities", "set", "home", "counter-terrorism", "russia")
	c.must("coverage", "set", "home", "--cover", "russia:SIGINT:3")
	gap := writeFile(t, "gap.json", `[{"topic":"cyber","rank":1},{"topic":"russia","rank":3}]`)
	typo := writeFile(t, "typo.json", `[{"topic":"cyber","rnak":1}]`)
	tests := []struct {
		name     string
		args     []string
		wantExit int
		wantCode string
		wantMsg  string
	}{
		{"a topic twice", []string{"priorities", "set", "home", "cyber", "russia", "cyber"}, 1, liaison.EINVALID, "ranked twice"},
		{"a topic that is not a slug", []string{"priorities", "set", "home", "Russia & Belarus"}, 1, liaison.EINVALID, "russia & belarus"},
		{"a gap in a file's ranks", []string{"priorities", "set", "home", "--file", gap}, 1, liaison.EINVALID, "rank 2 is missing"},
		{"a misspelt field in a file", []string{"priorities", "set", "home", "--file", typo}, 1, liaison.EINVALID, "rnak"},
		{"a file that does not exist", []string{"priorities", "set", "home", "--file", filepath.Join(t.TempDir(), "none")}, 1, liaison.EINVALID, "--file"},
		{"a note on a topic not in the list", []string{"priorities", "set", "home", "cyber", "--note", "sahel=x"}, 1, liaison.EINVALID, "--note"},
		{"an unregistered organisation", []string{"priorities", "set", "xx-none", "cyber"}, 1, liaison.ENOTFOUND, "xx-none"},
		{"an unknown discipline", []string{"coverage", "set", "home", "--cover", "russia:PSYINT:3"}, 1, liaison.EINVALID, "PSYINT"},
		{"a capability off the scale", []string{"coverage", "set", "home", "--cover", "russia:SIGINT:5"}, 1, liaison.EINVALID, "0-3"},
		{"a cover without a capability", []string{"coverage", "set", "home", "--cover", "russia:SIGINT"}, 1, liaison.EINVALID, "TOPIC:DISCIPLINE:CAPABILITY"},
		{"a topic and discipline twice", []string{"coverage", "set", "home", "--cover", "russia:SIGINT:3", "--cover", "russia:sigint:1"}, 1, liaison.EINVALID, "given twice"},
		{"no topics", []string{"priorities", "set", "home"}, 2, liaison.EINVALID, "--clear"},
		{"topics and --clear", []string{"priorities", "set", "home", "cyber", "--clear"}, 2, liaison.EINVALID, "one of them"},
		{"no organisation", []string{"priorities", "set"}, 2, liaison.EINVALID, "ORG_ID"},
		{"no coverage", []string{"coverage", "set", "home"}, 2, liaison.EINVALID, "--cover"},
		{"two organisations to show", []string{"coverage", "show", "home", "pl-abw"}, 2, liaison.EINVALID, ""},
	}
	state := func() string {
		return c.must("priorities", "show", "-o", "json") + c.must("coverage", "show", "-o", "json")
	}
	events := func() int64 {
		var rep liaison.AuditReport
		c.mustJSON(&rep, "audit", "verify")
		return rep.Events
	}
	before, eventsBefore := state(), events()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.run(tt.args...)
			if r.code() != tt.wantExit {
				t.Fatalf("exit %d, want %d (err %v)\nstderr:\n%s", r.code(), tt.wantExit, r.err, r.stderr)
			}
			if !strings.HasPrefix(r.stderr, "error: ") || !strings.Contains(r.stderr, "("+tt.wantCode+")") || !strings.Contains(r.stderr, tt.wantMsg) {
				t.Errorf("stderr %q, want an error with code %s saying %q", r.stderr, tt.wantCode, tt.wantMsg)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
		})
	}
	if n := events(); n != eventsBefore {
		t.Errorf("bad input added %d audit events", n-eventsBefore)
	}
	if after := state(); after != before {
		t.Errorf("bad input changed the records:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestPrioritiesAsOfficersAndOverTheAPI(t *testing.T) {
	local, tok := mustInitNode(t)
	local.must("org", "create", "--id", "pl-abw", "--name", "ABW", "--country", "PL", "--member", "EU")
	local.must("officer", "create", "--id", "pl.lo", "--org", "pl-abw", "--name", "Tomasz", "--role", "liaison_officer",
		"--clearance", "SECRET UE", "--topics", "*")
	local.must("officer", "create", "--id", "home.lo", "--org", "home", "--name", "Joost", "--role", "liaison_officer",
		"--clearance", "SECRET UE", "--topics", "*")

	// On the data directory, as officers: each sets its own organisation's.
	local.must("priorities", "set", "pl-abw", "russia", "hybrid-threats", "--as", "pl.lo")
	local.must("priorities", "set", "home", "counter-terrorism", "russia", "--as", "home.lo")
	r := local.run("priorities", "set", "pl-abw", "cyber", "--as", "home.lo")
	if r.code() != 1 || !strings.Contains(r.stderr, "(forbidden)") {
		t.Errorf("a home officer setting a partner's: exit %d\n%s", r.code(), r.stderr)
	}
	r = local.run("priorities", "show", "home", "--as", "pl.lo")
	if r.code() != 1 || !strings.Contains(r.stderr, "(forbidden)") {
		t.Errorf("a partner reading home's: exit %d\n%s", r.code(), r.stderr)
	}
	if got := local.must("priorities", "show", "--as", "pl.lo", "-o", "id"); got != "russia\nhybrid-threats\n" {
		t.Errorf("a partner listing all reads its own: %q", got)
	}

	// Against the server, as the home admin.
	url := mustServe(t, local.env["LIAISON_DATA"])
	c := cli{t: t, env: map[string]string{"LIAISON_SERVER": url, "LIAISON_TOKEN": tok}}
	if got := c.must("priorities", "show", "-o", "id"); got != "home/counter-terrorism\nhome/russia\npl-abw/russia\npl-abw/hybrid-threats\n" {
		t.Errorf("all priorities over the API: %q", got)
	}
	var cs []liaison.Coverage
	c.mustJSON(&cs, "coverage", "set", "pl-abw", "--cover", "russia:HUMINT:3")
	if len(cs) != 1 || cs[0].SetBy != "admin" || cs[0].OrgID != "pl-abw" {
		t.Errorf("coverage set over the API: %+v", cs)
	}
	if got := c.must("coverage", "show", "pl-abw", "-o", "id"); got != "russia:HUMINT:3\n" {
		t.Errorf("coverage over the API: %q", got)
	}
	r = c.run("coverage", "set", "pl-abw", "--cover", "russia:HUMINT:9")
	if r.code() != 1 || !strings.Contains(r.stderr, "(invalid)") {
		t.Errorf("bad coverage over the API: exit %d\n%s", r.code(), r.stderr)
	}
	r = c.run("priorities", "show", "xx-none")
	if r.code() != 1 || !strings.Contains(r.stderr, "(not_found)") {
		t.Errorf("an unknown organisation over the API: exit %d\n%s", r.code(), r.stderr)
	}
}

// mustMarshal returns v as JSON.
func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func topicsOf(ps []liaison.ThreatPriority) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Topic
	}
	return out
}
