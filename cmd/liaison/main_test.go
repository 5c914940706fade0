package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/liaison-dev/liaison"
)

// result is what one invocation of run produced.
type result struct {
	stdout, stderr string
	err            error
}

// code is the exit status main would use.
func (r result) code() int {
	if r.err == nil {
		return 0
	}
	return exitCode(r.err)
}

// cli runs the command line with an environment and stdin.
type cli struct {
	t     testing.TB
	env   map[string]string
	stdin string
}

// run calls run with args and returns what it printed.
func (c cli) run(args ...string) result {
	c.t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return c.env[k] }
	err := run(context.Background(), args, getenv, strings.NewReader(c.stdin), &stdout, &stderr)
	return result{stdout: stdout.String(), stderr: stderr.String(), err: err}
}

// must runs args and fails the test unless they succeed.
func (c cli) must(args ...string) string {
	c.t.Helper()
	r := c.run(args...)
	if r.err != nil {
		c.t.Fatalf("liaison %s: %v\nstderr:\n%s", strings.Join(args, " "), r.err, r.stderr)
	}
	return r.stdout
}

// mustJSON runs args with -o json and decodes the output into v.
func (c cli) mustJSON(v any, args ...string) {
	c.t.Helper()
	out := c.must(append(args, "-o", "json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		c.t.Fatalf("liaison %s -o json: %v\noutput:\n%s", strings.Join(args, " "), err, out)
	}
}

// mustInitNode initialises a node in a new temporary directory and returns
// a cli working on it through LIAISON_DATA, and the admin's token.
func mustInitNode(t *testing.T) (cli, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "node")
	c := cli{t: t, env: map[string]string{"LIAISON_DATA": dir}}
	tok := strings.TrimSpace(c.must("init", "-o", "id"))
	if tok == "" {
		t.Fatal("init -o id printed no token")
	}
	return c, tok
}

// mustSetUp adds a partner organisation, an agreement with it and a
// product, and returns the product's id.
func mustSetUp(t *testing.T, c cli) string {
	t.Helper()
	c.must("org", "create", "--id", "fr-dgsi", "--name", "DGSI", "--country", "FR", "--member", "EU")
	c.must("org", "create", "--id", "de-bfv", "--name", "BfV", "--country", "DE", "--member", "EU,NATO")
	c.must("agreement", "create", "--title", "BE-FR CT", "--party", "home", "--party", "fr-dgsi",
		"--topics", "terrorism", "--ceiling", "SECRET UE", "--from", "2020-01-01")
	return strings.TrimSpace(c.must("product", "create", "--title", "Courier network", "--body", "A courier.",
		"--topics", "terrorism", "--marking", "SECRET UE//ORCON", "--reliability", "B", "--credibility", "2", "-o", "id"))
}

func TestInit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "node")
	c := cli{t: t, env: map[string]string{}}

	r := c.run("init", "--data", dir)
	if r.err != nil {
		t.Fatalf("init: %v\n%s", r.err, r.stderr)
	}
	var tok string
	for _, line := range strings.Split(r.stdout, "\n") {
		if v, ok := strings.CutPrefix(line, "Admin token: "); ok {
			tok = v
		}
	}
	if tok == "" || !strings.Contains(r.stdout, "shown only this once") {
		t.Fatalf("init did not print a token and a warning:\n%s", r.stdout)
	}

	r = c.run("init", "--data", dir)
	if r.code() != 1 || !strings.Contains(r.stderr, "already initialised") || !strings.Contains(r.stderr, "(conflict)") {
		t.Errorf("second init: exit %d, stderr %q; want exit 1 and a conflict saying it is already initialised", r.code(), r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("second init printed %q", r.stdout)
	}

	// The first token still works: the node was not touched.
	var me liaison.Officer
	c.mustJSON(&me, "whoami", "--data", dir)
	if me.ID != "admin" || me.OrgID != "home" || me.Role != liaison.RoleAdmin {
		t.Errorf("whoami = %+v, want the home admin", me)
	}
}

func TestNodeSelection(t *testing.T) {
	c, _ := mustInitNode(t)
	dir := c.env["LIAISON_DATA"]
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"no node at all is a usage error", map[string]string{}, []string{"org", "list"}, 2, "--data DIR"},
		{"both flags are a usage error", map[string]string{}, []string{"org", "list", "--data", dir, "--server", "http://127.0.0.1:1"}, 2, "not both"},
		{"both variables are a usage error", map[string]string{"LIAISON_DATA": dir, "LIAISON_SERVER": "http://127.0.0.1:1"}, []string{"org", "list"}, 2, "LIAISON_DATA and LIAISON_SERVER"},
		{"a flag wins over the other variable", map[string]string{"LIAISON_SERVER": "http://127.0.0.1:1"}, []string{"org", "list", "--data", dir}, 0, ""},
		{"the data variable is enough", map[string]string{"LIAISON_DATA": dir}, []string{"org", "list"}, 0, ""},
		{"a server needs a token", map[string]string{}, []string{"org", "list", "--server", "http://127.0.0.1:1"}, 2, "--token"},
		{"--as needs --data", map[string]string{}, []string{"org", "list", "--server", "http://127.0.0.1:1", "--token", "x", "--as", "admin"}, 2, "--as"},
		{"an uninitialised directory", map[string]string{}, []string{"org", "list", "--data", t.TempDir()}, 1, "liaison init"},
		{"an unknown officer for --as", map[string]string{"LIAISON_DATA": dir}, []string{"org", "list", "--as", "nobody"}, 1, "(not_found)"},
		{"an unknown output format", map[string]string{"LIAISON_DATA": dir}, []string{"org", "list", "-o", "yaml"}, 2, "--output"},
		{"an unknown command", map[string]string{}, []string{"bogus"}, 2, "unknown command"},
		{"an unknown subcommand", map[string]string{}, []string{"org", "bogus"}, 2, "unknown command"},
		{"an unknown flag", map[string]string{"LIAISON_DATA": dir}, []string{"org", "list", "--bogus"}, 2, "unknown flag"},
		{"a missing argument", map[string]string{"LIAISON_DATA": dir}, []string{"org", "show"}, 2, "ORG_ID"},
		{"a missing required flag", map[string]string{"LIAISON_DATA": dir}, []string{"org", "create", "--id", "x"}, 2, "--name"},
		{"init needs a directory", map[string]string{}, []string{"init"}, 2, "--data"},
		{"serve refuses --server", map[string]string{}, []string{"serve", "--server", "http://127.0.0.1:1"}, 2, "--data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cli{t: t, env: tt.env}.run(tt.args...)
			if r.code() != tt.wantCode {
				t.Fatalf("exit %d, want %d (err %v)\nstderr:\n%s", r.code(), tt.wantCode, r.err, r.stderr)
			}
			if tt.wantErr != "" && !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("stderr %q does not mention %q", r.stderr, tt.wantErr)
			}
			if tt.wantCode != 0 && !strings.HasPrefix(r.stderr, "error: ") {
				t.Errorf("stderr %q does not start with \"error: \"", r.stderr)
			}
		})
	}
}

func TestCreateAndListAsJSON(t *testing.T) {
	c, _ := mustInitNode(t)
	var createdOrg liaison.Organisation
	c.mustJSON(&createdOrg, "org", "create", "--id", "fr-dgsi", "--name", "DGSI", "--country", "fr", "--member", "nato,eu")
	if createdOrg.ID != "fr-dgsi" || createdOrg.Country != "FR" || strings.Join(createdOrg.Memberships, ",") != "EU,NATO" {
		t.Errorf("org create = %+v", createdOrg)
	}

	var created officerCreated
	c.mustJSON(&created, "officer", "create", "--id", "home.lo", "--org", "home", "--name", "Claire Dupont",
		"--role", "liaison_officer", "--clearance", "secret ue", "--topics", "terrorism,proliferation")
	if created.Token == "" || created.Officer == nil || created.Officer.Clearance.Level != "SECRET UE" {
		t.Errorf("officer create = %+v", created)
	}

	var ag liaison.Agreement
	c.mustJSON(&ag, "agreement", "create", "--title", "BE-FR CT", "--party", "home,fr-dgsi",
		"--topics", "terrorism", "--ceiling", "SECRET UE", "--caveats", "ORCON", "--from", "2026-01-01", "--to", "2029-01-01",
		"--duty", "home=answer RFIs within ten days")
	if !liaison.ValidID(ag.ID) || len(ag.Parties) != 2 || len(ag.Duties) != 1 || ag.ValidTo == nil {
		t.Errorf("agreement create = %+v", ag)
	}

	c.stdin = "Line one.\nLine two.\n"
	var p liaison.Product
	c.mustJSON(&p, "product", "create", "--title", "Courier network", "--body-file", "-",
		"--topics", "terrorism", "--marking", "SECRET UE//ORCON", "--reliability", "b", "--credibility", "2")
	c.stdin = ""
	if !liaison.ValidID(p.ID) || p.Version != 1 || p.Body != "Line one.\nLine two.\n" || p.Marking.String() != "SECRET UE//ORCON" || p.Grading() != "B2" {
		t.Errorf("product create = %+v", p)
	}

	lists := []struct {
		name string
		args []string
		want []string // ids expected, in any order
		id   func(json.RawMessage) string
	}{
		{"organisations", []string{"org", "list"}, []string{"fr-dgsi", "home"}, nil},
		{"officers", []string{"officer", "list"}, []string{"admin", "home.lo"}, nil},
		{"agreements", []string{"agreement", "list"}, []string{ag.ID}, nil},
		{"products", []string{"product", "list"}, []string{p.ID}, nil},
	}
	for _, tt := range lists {
		t.Run(tt.name, func(t *testing.T) {
			var got []struct {
				ID string `json:"id"`
			}
			c.mustJSON(&got, tt.args...)
			ids := map[string]bool{}
			for _, g := range got {
				ids[g.ID] = true
			}
			for _, w := range tt.want {
				if !ids[w] {
					t.Errorf("%v -o json lacks %s: %+v", tt.args, w, got)
				}
			}
			// -o id prints the same ids, one per line.
			lines := strings.Fields(c.must(append(tt.args, "-o", "id")...))
			if len(lines) != len(got) {
				t.Errorf("%v -o id printed %d ids, -o json %d records", tt.args, len(lines), len(got))
			}
			// The table has a header and a row per record.
			table := strings.Split(strings.TrimSpace(c.must(tt.args...)), "\n")
			if len(table) != len(got)+1 || !strings.HasPrefix(table[0], "ID") {
				t.Errorf("%v table:\n%s", tt.args, strings.Join(table, "\n"))
			}
		})
	}

	var shown liaison.Product
	c.mustJSON(&shown, "product", "show", p.ID)
	if shown.ID != p.ID || shown.Title != p.Title {
		t.Errorf("product show = %+v", shown)
	}
	table := c.must("product", "show", p.ID)
	if !strings.HasPrefix(table, "SECRET UE//ORCON\n") || !strings.HasSuffix(table, "\nSECRET UE//ORCON\n") || !strings.Contains(table, "Line two.") {
		t.Errorf("product show is not framed by its banner with its body:\n%s", table)
	}

	// A new version, then the list of versions.
	c.must("product", "create", "--id", p.ID, "--title", "Courier network (update)", "--body", "More.",
		"--topics", "terrorism", "--marking", "SECRET UE//ORCON")
	if got := strings.Fields(c.must("product", "versions", p.ID, "-o", "id")); strings.Join(got, ",") != "1,2" {
		t.Errorf("product versions -o id = %v, want 1 and 2", got)
	}

	// The new officer's token works with --as too: whoami as them.
	var me liaison.Officer
	c.mustJSON(&me, "whoami", "--as", "home.lo")
	if me.ID != "home.lo" {
		t.Errorf("whoami --as home.lo = %s", me.ID)
	}
}

func TestDisseminate(t *testing.T) {
	c, _ := mustInitNode(t)
	p := mustSetUp(t, c)

	t.Run("allowed under the agreement", func(t *testing.T) {
		var d liaison.Dissemination
		c.mustJSON(&d, "disseminate", p, "--to", "fr-dgsi")
		if d.ToOrg != "fr-dgsi" || d.ProductID != p || !d.Decision.Allowed {
			t.Errorf("disseminate = %+v", d)
		}
		if ids := strings.Fields(c.must("dissemination", "list", "-o", "id")); len(ids) != 1 || ids[0] != d.ID {
			t.Errorf("dissemination list -o id = %v, want [%s]", ids, d.ID)
		}
	})

	t.Run("refused without an agreement, with every reason", func(t *testing.T) {
		r := c.run("disseminate", p, "--to", "de-bfv")
		if r.code() != 1 {
			t.Fatalf("exit %d, want 1 (err %v)", r.code(), r.err)
		}
		if liaison.ErrorCode(r.err) != liaison.EDENIED {
			t.Errorf("error %v, want %s", r.err, liaison.EDENIED)
		}
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if !strings.HasPrefix(lines[0], "error: ") || !strings.HasSuffix(lines[0], "(policy_denied)") {
			t.Errorf("first line %q", lines[0])
		}
		reasons := liaison.ErrorReasons(r.err)
		if len(reasons) == 0 || len(lines) != 1+len(reasons) {
			t.Fatalf("want one line per reason, got:\n%s", r.stderr)
		}
		for i, reason := range reasons {
			if want := "  - " + reason.Code + ": " + reason.Message; lines[1+i] != want {
				t.Errorf("line %d = %q, want %q", 1+i, lines[1+i], want)
			}
		}
	})

	t.Run("decide explains without acting", func(t *testing.T) {
		var d liaison.Decision
		c.mustJSON(&d, "product", "decide", p, "--action", "forward", "--to", "de-bfv")
		if d.Allowed || len(d.Reasons) == 0 {
			t.Errorf("decide = %+v, want denied with reasons", d)
		}
		if got := strings.TrimSpace(c.must("product", "decide", p, "--action", "disseminate", "--to", "fr-dgsi", "-o", "id")); got != "allowed" {
			t.Errorf("decide -o id = %q, want allowed", got)
		}
		table := c.must("product", "decide", p, "--action", "forward", "--to", "de-bfv")
		if !strings.HasPrefix(table, "DENIED") || !strings.Contains(table, d.Reasons[0].Code) {
			t.Errorf("decide table:\n%s", table)
		}
	})
}

func TestAuditVerify(t *testing.T) {
	c, _ := mustInitNode(t)
	r := c.run("audit", "verify")
	if r.code() != 0 || !strings.Contains(r.stdout, "intact") {
		t.Fatalf("audit verify on a fresh node: exit %d\nstdout:\n%s\nstderr:\n%s", r.code(), r.stdout, r.stderr)
	}
	mustSetUp(t, c)
	var rep liaison.AuditReport
	c.mustJSON(&rep, "audit", "verify")
	if !rep.OK() || rep.Events < 5 {
		t.Errorf("audit verify = %+v", rep)
	}
	var events []liaison.AuditEvent
	c.mustJSON(&events, "audit", "log", "--limit", "3")
	if len(events) != 3 || events[0].Seq != 1 || events[0].Action != "node.init" {
		t.Errorf("audit log --limit 3 = %+v", events)
	}
}

func TestBadInputWritesNothing(t *testing.T) {
	c, _ := mustInitNode(t)
	p := mustSetUp(t, c)
	tests := []struct {
		name     string
		args     []string
		wantCode string // the error code printed
		wantMsg  string
	}{
		{"an unknown product marking", []string{"product", "create", "--title", "x", "--body", "y", "--topics", "terrorism", "--marking", "ULTRA SECRET"}, liaison.EMARKING, "ULTRA SECRET"},
		{"an ambiguous product marking", []string{"product", "create", "--title", "x", "--body", "y", "--topics", "terrorism", "--marking", "TOP SECRET"}, liaison.EMARKING, "ambiguous"},
		{"a contradictory product marking", []string{"product", "create", "--title", "x", "--body", "y", "--topics", "terrorism", "--marking", "SECRET UE//NOFORN//REL TO DE"}, liaison.EMARKING, ""},
		{"an agreement ending before it starts", []string{"agreement", "create", "--title", "x", "--party", "home,fr-dgsi", "--topics", "a", "--ceiling", "SECRET UE", "--from", "2026-05-01", "--to", "2026-01-01"}, liaison.EPERIOD, "before it starts"},
		{"an agreement with one party", []string{"agreement", "create", "--title", "x", "--party", "home", "--topics", "a", "--ceiling", "SECRET UE"}, liaison.EPARTIES, "two distinct parties"},
		{"an agreement with a party twice", []string{"agreement", "create", "--title", "x", "--party", "home,home", "--topics", "a", "--ceiling", "SECRET UE"}, liaison.EPARTIES, "twice"},
		{"an agreement with an unknown ceiling", []string{"agreement", "create", "--title", "x", "--party", "home,fr-dgsi", "--topics", "a", "--ceiling", "MEGA SECRET"}, liaison.EMARKING, "--ceiling"},
		{"an agreement with a bad caveat", []string{"agreement", "create", "--title", "x", "--party", "home,fr-dgsi", "--topics", "a", "--ceiling", "SECRET UE", "--caveats", "BOGUS"}, liaison.EMARKING, "--caveats"},
		{"an agreement with a bad date", []string{"agreement", "create", "--title", "x", "--party", "home,fr-dgsi", "--topics", "a", "--ceiling", "SECRET UE", "--from", "01/02/2026"}, liaison.EINVALID, "--from"},
		{"an agreement with a duty of a non-party", []string{"agreement", "create", "--title", "x", "--party", "home,fr-dgsi", "--topics", "a", "--ceiling", "SECRET UE", "--duty", "de-bfv=pay"}, liaison.EINVALID, "de-bfv"},
		{"an officer with an unknown clearance", []string{"officer", "create", "--id", "x", "--org", "home", "--name", "X", "--clearance", "SUPER", "--topics", "*"}, liaison.EMARKING, "--clearance"},
		{"an officer with an unknown role", []string{"officer", "create", "--id", "x", "--org", "home", "--name", "X", "--role", "spy", "--clearance", "SECRET UE", "--topics", "*"}, liaison.EINVALID, "role"},
		{"an organisation with a bad country", []string{"org", "create", "--id", "x", "--name", "X", "--country", "FRA"}, liaison.EINVALID, "ISO 3166"},
		{"a national service without a country", []string{"org", "create", "--id", "x", "--name", "X"}, liaison.EINVALID, "country"},
		{"feedback out of range", []string{"feedback", "give", p, "--value", "9"}, liaison.EINVALID, "between 0 and 5"},
		{"an unknown feedback flag", []string{"feedback", "give", p, "--value", "3", "--flag", "great"}, liaison.EINVALID, "great"},
		{"an interaction with one organisation", []string{"interaction", "record", "--kind", "meeting", "--orgs", "home"}, liaison.EINVALID, "two organisations"},
		{"a body file that does not exist", []string{"product", "create", "--title", "x", "--body-file", filepath.Join(t.TempDir(), "none"), "--topics", "terrorism", "--marking", "SECRET UE"}, liaison.EINVALID, "--body-file"},
	}
	// lists prints what the node holds; events counts the audit chain
	// (reading products is itself audited, so it is counted after the
	// lists and compared at the end).
	lists := func() string {
		t.Helper()
		var b strings.Builder
		for _, args := range [][]string{{"org", "list"}, {"officer", "list"}, {"agreement", "list"}, {"product", "list"}, {"feedback", "list"}, {"interaction", "list"}} {
			b.WriteString(c.must(append(args, "-o", "json")...))
		}
		return b.String()
	}
	events := func() int64 {
		t.Helper()
		var rep liaison.AuditReport
		c.mustJSON(&rep, "audit", "verify")
		return rep.Events
	}
	before := lists()
	eventsBefore := events()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.run(tt.args...)
			if r.code() != 1 {
				t.Fatalf("exit %d, want 1 (err %v)\nstderr:\n%s", r.code(), r.err, r.stderr)
			}
			if !strings.HasPrefix(r.stderr, "error: ") || !strings.Contains(r.stderr, "("+tt.wantCode+")") {
				t.Errorf("stderr %q, want an error with code %s", r.stderr, tt.wantCode)
			}
			if !strings.Contains(r.stderr, tt.wantMsg) {
				t.Errorf("stderr %q does not mention %q", r.stderr, tt.wantMsg)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
		})
	}
	if n := events(); n != eventsBefore {
		t.Errorf("bad input added %d audit events", n-eventsBefore)
	}
	if after := lists(); after != before {
		t.Errorf("bad input changed the node:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestThirdPartyRule(t *testing.T) {
	c, _ := mustInitNode(t)
	p := mustSetUp(t, c)
	c.must("agreement", "create", "--title", "FR-DE CT", "--party", "fr-dgsi,de-bfv",
		"--topics", "terrorism", "--ceiling", "SECRET UE", "--from", "2020-01-01")
	c.must("disseminate", p, "--to", "fr-dgsi")
	c.must("officer", "create", "--id", "fr.lo", "--org", "fr-dgsi", "--name", "Martin",
		"--role", "liaison_officer", "--clearance", "SECRET UE", "--topics", "terrorism")
	fr := cli{t: t, env: map[string]string{"LIAISON_DATA": c.env["LIAISON_DATA"], "LIAISON_AS": "fr.lo"}}

	// The recipient rates what it received.
	fb := strings.TrimSpace(fr.must("feedback", "give", p, "--value", "4", "--flag", "actionable,timely", "-o", "id"))
	if !liaison.ValidID(fb) || !strings.Contains(fr.must("feedback", "list", "-o", "id"), fb) {
		t.Errorf("feedback %q is not listed for its giver", fb)
	}
	if !strings.Contains(c.must("feedback", "list", "--product", p, "-o", "id"), fb) {
		t.Errorf("feedback %q is not listed for the originator", fb)
	}

	// Forwarding to a third party needs the originator's consent.
	var d liaison.Decision
	fr.mustJSON(&d, "product", "decide", p, "--action", "forward", "--to", "de-bfv")
	if d.Allowed {
		t.Fatalf("forward without consent allowed: %+v", d)
	}
	if r := fr.run("disseminate", p, "--to", "de-bfv"); liaison.ErrorCode(r.err) != liaison.EDENIED || !strings.Contains(r.stderr, "\n  - ") {
		t.Fatalf("forward without consent: %v\n%s", r.err, r.stderr)
	}

	var rs []liaison.ReleaseRequest
	fr.mustJSON(&rs, "release", "request", p, "--to", "de-bfv", "--why", "The suspect travelled to Germany")
	if len(rs) != 1 || rs[0].OriginatorOrg != "home" || rs[0].Status != liaison.ReleasePending {
		t.Fatalf("release request = %+v", rs)
	}
	if ids := c.must("release", "list", "--status", "pending", "-o", "id"); !strings.Contains(ids, rs[0].ID) {
		t.Errorf("release list --status pending lacks %s:\n%s", rs[0].ID, ids)
	}
	if r := fr.run("release", "approve", rs[0].ID); r.err == nil {
		t.Errorf("the requester approved its own request")
	}
	var rr liaison.ReleaseRequest
	c.mustJSON(&rr, "release", "approve", rs[0].ID, "--conditions", "Lead only", "--expires", "2099-01-01")
	if rr.Status != liaison.ReleaseApproved || rr.ExpiresAt == nil || day(*rr.ExpiresAt) != "2099-01-01" {
		t.Errorf("release approve = %+v", rr)
	}

	var fwd liaison.Dissemination
	fr.mustJSON(&fwd, "disseminate", p, "--to", "de-bfv")
	if fwd.Action != liaison.ActionForward || fwd.FromOrg != "fr-dgsi" || len(fwd.ReleaseIDs) != 1 {
		t.Errorf("forward after consent = %+v", fwd)
	}

	// A request for information, answered with the product.
	rfi := strings.TrimSpace(fr.must("rfi", "create", "--to", "home", "--topic", "terrorism",
		"--question", "Known associates of the courier?", "--deadline", "2099-01-01", "--priority", "high", "-o", "id"))
	var answered liaison.RFI
	c.mustJSON(&answered, "rfi", "answer", rfi, "--product", p)
	if answered.Status != liaison.RFIAnswered || len(answered.Answers) != 1 {
		t.Errorf("rfi answer = %+v", answered)
	}
	if ids := fr.must("rfi", "list", "-o", "id"); !strings.Contains(ids, rfi) {
		t.Errorf("rfi list lacks %s", rfi)
	}

	tests := []struct {
		name   string
		create []string
		list   []string
	}{
		{"an interaction", []string{"interaction", "record", "--kind", "meeting", "--orgs", "home,fr-dgsi", "--date", "2026-02-10", "--minutes", "90", "--tone", "1"}, []string{"interaction", "list"}},
		{"a breach", []string{"breach", "record", "--org", "de-bfv", "--product", p, "--caveat", "ORCON", "--description", "Passed on", "--at", "2026-02-01"}, []string{"breach", "list"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := strings.TrimSpace(c.must(append(tt.create, "-o", "id")...))
			if !liaison.ValidID(id) {
				t.Fatalf("%v -o id = %q, want an id", tt.create, id)
			}
			if ids := c.must(append(tt.list, "-o", "id")...); !strings.Contains(ids, id) {
				t.Errorf("%v -o id = %q, lacks %s", tt.list, ids, id)
			}
		})
	}

	t.Run("a suspended agreement allows nothing", func(t *testing.T) {
		a := strings.Fields(c.must("agreement", "list", "-o", "id"))[0]
		var g liaison.Agreement
		c.mustJSON(&g, "agreement", "suspend", a)
		if g.Status != liaison.AgreementSuspended {
			t.Errorf("suspend: status %s", g.Status)
		}
		if r := c.run("disseminate", p, "--to", "fr-dgsi"); liaison.ErrorCode(r.err) != liaison.EDENIED {
			t.Errorf("disseminate under a suspended agreement: %v, want %s", r.err, liaison.EDENIED)
		}
		c.mustJSON(&g, "agreement", "activate", a)
		if g.Status != liaison.AgreementActive {
			t.Errorf("activate: status %s", g.Status)
		}
	})

	if r := c.run("audit", "verify"); r.code() != 0 {
		t.Errorf("audit verify after the scenario: exit %d\n%s", r.code(), r.stderr)
	}
}

func TestEveryCommandIsDocumented(t *testing.T) {
	a := &app{getenv: func(string) string { return "" }}
	var walk func(*cobra.Command)
	walk = func(cmd *cobra.Command) {
		if cmd.Name() != "help" {
			if cmd.Short == "" || cmd.Long == "" || cmd.Example == "" {
				t.Errorf("%s lacks a Short, Long or Example", cmd.CommandPath())
			}
			if cmd.HasParent() && !cmd.HasSubCommands() && cmd.RunE == nil {
				t.Errorf("%s does nothing", cmd.CommandPath())
			}
		}
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	root := a.rootCommand()
	walk(root)

	r := cli{t: t, env: map[string]string{}}.run("product", "decide", "--help")
	if r.err != nil || !strings.Contains(r.stdout, "Examples:") || !strings.Contains(r.stdout, "--new-marking") {
		t.Errorf("product decide --help: %v\n%s", r.err, r.stdout)
	}
}

// TestDemo runs `liaison demo` with LIAISON_ADMIN_TOKEN set, as scripts
// do, and checks that the loop is printed and that the admin's token is
// the one given and sees the home service's holdings.
func TestDemo(t *testing.T) {
	const token = "demo-admin-token-0123456789"
	ctx, cancel := context.WithCancel(context.Background())
	stdout := &urlWatcher{ready: make(chan string, 1)}
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	env := map[string]string{"LIAISON_ADMIN_TOKEN": token}
	go func() {
		done <- run(ctx, []string{"demo", "--addr", "127.0.0.1:0", "--data", t.TempDir()},
			func(k string) string { return env[k] }, strings.NewReader(""), stdout, stderr)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("demo returned %v\nstderr:\n%s", err, stderr.String())
		}
	}()
	var url string
	select {
	case url = <-stdout.ready:
	case err := <-done:
		t.Fatalf("demo exited early: %v\nstderr:\n%s", err, stderr.String())
	case <-time.After(90 * time.Second):
		t.Fatalf("demo printed no URL\nstdout:\n%s", stdout.String())
	}
	waitHealthy(t, url)
	out := stdout.String()
	for _, want := range []string{"Forward refused", "originator_control", "Release approved", "Audit verified", "token: " + token} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	req, _ := http.NewRequest("GET", url+"/api/v1/products?limit=5", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Items []liaison.Product `json:"items"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET products with the demo admin token: %d %v", resp.StatusCode, err)
	}
	if len(page.Items) != 5 {
		t.Fatalf("the demo admin sees %d products, want 5", len(page.Items))
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// urlWatcher collects output and sends the URL from the first "serving
// on URL" line on ready.
type urlWatcher struct {
	syncBuffer
	ready chan string
	once  sync.Once
}

func (w *urlWatcher) Write(p []byte) (int, error) {
	n, err := w.syncBuffer.Write(p)
	s := w.String()
	if _, rest, ok := strings.Cut(s, "serving on "); ok {
		if url, _, ok := strings.Cut(rest, "\n"); ok {
			w.once.Do(func() { w.ready <- url })
		}
	}
	return n, err
}

// mustServe starts serve on a free loopback port of the node in dir and
// returns its URL; the server stops when the test ends.
func mustServe(t *testing.T, dir string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout := &urlWatcher{ready: make(chan string, 1)}
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0"},
			func(string) string { return "" }, strings.NewReader(""), stdout, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v\nstderr:\n%s", err, stderr.String())
			}
		case <-time.After(15 * time.Second):
			t.Errorf("serve did not stop")
		}
	})
	var url string
	select {
	case url = <-stdout.ready:
	case err := <-done:
		t.Fatalf("serve exited early: %v\nstderr:\n%s", err, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatalf("serve printed no URL\nstderr:\n%s", stderr.String())
	}
	waitHealthy(t, url)
	return url
}

// waitHealthy polls url/healthz until it answers 200.
func waitHealthy(t *testing.T, url string) {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := client.Get(url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/healthz did not answer 200: %v", url, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServe(t *testing.T) {
	local, tok := mustInitNode(t)
	p := mustSetUp(t, local)
	url := mustServe(t, local.env["LIAISON_DATA"])

	c := cli{t: t, env: map[string]string{"LIAISON_SERVER": url, "LIAISON_TOKEN": tok}}

	var me liaison.Officer
	c.mustJSON(&me, "whoami")
	if me.ID != "admin" {
		t.Errorf("whoami over the API = %s, want admin", me.ID)
	}
	c.must("org", "create", "--id", "eu-intcen", "--name", "EU INTCEN", "--kind", "eu_body", "--member", "EU")
	if ids := c.must("org", "list", "-o", "id"); !strings.Contains(ids, "eu-intcen") {
		t.Errorf("org list over the API lacks eu-intcen:\n%s", ids)
	}
	var created officerCreated
	c.mustJSON(&created, "officer", "create", "--id", "home.analyst", "--org", "home", "--name", "Ana",
		"--role", "analyst", "--clearance", "SECRET UE", "--topics", "terrorism")

	// The new officer's token works, and they see the product.
	as := cli{t: t, env: map[string]string{}}
	as.mustJSON(&me, "whoami", "--server", url, "--token", created.Token)
	if me.ID != "home.analyst" {
		t.Errorf("whoami with the new token = %s", me.ID)
	}
	if ids := as.must("product", "list", "--server", url, "--token", created.Token, "-o", "id"); !strings.Contains(ids, p) {
		t.Errorf("the analyst does not see %s:\n%s", p, ids)
	}

	r := c.run("disseminate", p, "--to", "de-bfv")
	if r.code() != 1 || !strings.Contains(r.stderr, "(policy_denied)") || !strings.Contains(r.stderr, "\n  - ") {
		t.Errorf("a refused dissemination over the API: exit %d\n%s", r.code(), r.stderr)
	}
	if r := c.run("audit", "verify"); r.code() != 0 {
		t.Errorf("audit verify over the API: exit %d\n%s", r.code(), r.stderr)
	}

	bad := cli{t: t, env: map[string]string{"LIAISON_SERVER": url, "LIAISON_TOKEN": "lsn_not-a-token"}}
	r = bad.run("whoami")
	if r.code() != 1 || !strings.Contains(r.stderr, "(unauthorized)") {
		t.Errorf("a bad token: exit %d\n%s", r.code(), r.stderr)
	}
	if strings.Contains(r.stderr, "lsn_not-a-token") {
		t.Errorf("the token was printed: %s", r.stderr)
	}
}

func TestServerUnreachable(t *testing.T) {
	r := cli{t: t, env: map[string]string{}}.run("org", "list", "--server", "http://127.0.0.1:1", "--token", "x")
	if r.code() != 1 || !strings.HasPrefix(r.stderr, "error: ") {
		t.Errorf("exit %d, stderr %q", r.code(), r.stderr)
	}
	var u *usageError
	if errors.As(r.err, &u) {
		t.Errorf("an unreachable server is not a usage error")
	}
}

// TestInitKeepsSecretsPrivate checks that init writes the node's key and
// database readable by their owner only.
func TestInitKeepsSecretsPrivate(t *testing.T) {
	c, _ := mustInitNode(t)
	dir := c.env["LIAISON_DATA"]
	for _, name := range []string{"liaison.db", "node.key"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s has mode %o, want 600", name, mode)
		}
	}
	key, err := os.ReadFile(filepath.Join(dir, "node.key"))
	if err != nil || !strings.HasPrefix(string(key), "-----BEGIN PRIVATE KEY-----") {
		t.Fatalf("node.key is not a PEM private key: %v", err)
	}
}
