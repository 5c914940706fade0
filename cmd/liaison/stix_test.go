package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// attackBundle is MITRE ATT&CK for ICS, shared test data.
const attackBundle = "../../../shared/data/attack/ics-attack.json"

func needAttack(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(attackBundle); errors.Is(err, os.ErrNotExist) {
		t.Skipf("shared test data %s is absent", attackBundle)
	}
	return attackBundle
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodIndicator = `{"type":"indicator","spec_version":"2.1","id":"indicator--6b0e2a62-0000-4000-8000-000000000001",
 "created":"2026-01-02T03:04:05.000Z","modified":"2026-01-02T03:04:05.000Z","pattern":"[ipv4-addr:value = '198.51.100.1']",
 "pattern_type":"stix","valid_from":"2026-01-02T03:04:05Z","object_marking_refs":["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"]}`

func TestImportReportsEveryRejectionAndIsIdempotent(t *testing.T) {
	c, _ := mustInitNode(t)
	bundle := writeFile(t, "bundle.json", `{"type":"bundle","id":"bundle--6b0e2a62-0000-4000-8000-0000000000ff","objects":[`+
		goodIndicator+`,
		{"type":"indicator","spec_version":"2.1","created":"2026-01-02T03:04:05.000Z","modified":"2026-01-02T03:04:05.000Z"},
		{"type":"malware","id":"malware--6b0e2a62-0000-4000-8000-000000000002","created":"2026-01-02T03:04:05.000Z","modified":"2026-01-02T03:04:05.000Z","name":"x","is_family":true},
		{"type":"malware","spec_version":"2.1","id":"malware--6b0e2a62-0000-4000-8000-000000000003","created":"2022-101-27T00:00:00.000Z","modified":"2022-101-27T00:00:00.000Z","name":"x","is_family":true},
		{"type":"malware","spec_version":"2.1","id":"malware--6b0e2a62-0000-4000-8000-000000000004","created":"2026-01-02T03:04:05.000Z","modified":"2026-01-02T03:04:05.000Z","name":"x","is_family":true,"object_marking_refs":["marking-definition--6b0e2a62-0000-4000-8000-00000000dead"]},
		42
	]}`)
	r := c.run("import", bundle)
	if r.err != nil {
		t.Fatalf("import failed as a whole: %v\n%s", r.err, r.stderr)
	}
	if got, want := lastLine(r.stdout), "imported 1 objects (1 new, 0 held already), 5 rejected"; got != want {
		t.Errorf("last line %q, want %q\n%s", got, want, r.stdout)
	}
	for _, want := range []string{"id", "spec_version", "2022-101-27", "marking-definition--6b0e2a62-0000-4000-8000-00000000dead", "#5"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the rejections do not mention %q:\n%s", want, r.stdout)
		}
	}
	if n := strings.Count(r.stdout, "rejected #"); n != 5 {
		t.Errorf("%d rejections listed, want 5:\n%s", n, r.stdout)
	}

	// Again: the same version is held already.
	r = c.run("import", bundle)
	if got, want := lastLine(r.stdout), "imported 1 objects (0 new, 1 held already), 5 rejected"; got != want {
		t.Errorf("re-import: last line %q, want %q", got, want)
	}

	// A newer modified is a new version.
	newer := strings.ReplaceAll(goodIndicator, `"modified":"2026-01-02T03:04:05.000Z"`, `"modified":"2026-02-02T03:04:05.000Z"`)
	r = c.run("import", writeFile(t, "newer.json", newer))
	if got, want := lastLine(r.stdout), "imported 1 objects (1 new, 0 held already), 0 rejected"; got != want {
		t.Errorf("newer version: last line %q, want %q", got, want)
	}

	// A stream broken half-way keeps what came before it.
	r = c.run("import", writeFile(t, "broken.json", `[`+strings.ReplaceAll(goodIndicator, "000000000001", "000000000009")+`, {"type": "indic`))
	if got := lastLine(r.stdout); !strings.HasPrefix(got, "imported 1 objects (1 new") {
		t.Errorf("broken stream: last line %q\n%s", got, r.stdout)
	}
	if !strings.Contains(r.stdout, "malformed") {
		t.Errorf("the broken stream is not reported:\n%s", r.stdout)
	}

	// JSON output carries the same counts.
	var rep struct {
		Imported   int            `json:"imported"`
		Stored     int            `json:"stored"`
		Rejected   int            `json:"rejected"`
		ByType     map[string]int `json:"by_type"`
		Rejections []struct {
			Index  int    `json:"index"`
			Reason string `json:"reason"`
		} `json:"rejections"`
	}
	c.mustJSON(&rep, "import", bundle)
	if rep.Imported != 1 || rep.Rejected != 5 || len(rep.Rejections) != 5 {
		t.Errorf("JSON report %+v", rep)
	}
}

func TestImportAndExportATTACK(t *testing.T) {
	bundle := needAttack(t)
	c, _ := mustInitNode(t)
	out := c.must("import", bundle)
	if got, want := lastLine(out), "imported 1826 objects (1826 new, 0 held already), 0 rejected"; got != want {
		t.Fatalf("last line %q, want %q\n%s", got, want, out)
	}
	if !regexp.MustCompile(`(?m)^x-mitre-tactic\s+12$`).MatchString(out) {
		t.Errorf("counts by type lack x-mitre-tactic 12:\n%s", out)
	}
	exported := filepath.Join(t.TempDir(), "export.json")
	c.must("export", "--file", exported)
	var b struct {
		Type    string            `json:"type"`
		Objects []json.RawMessage `json:"objects"`
	}
	data, err := os.ReadFile(exported)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &b); err != nil || b.Type != "bundle" {
		t.Fatalf("export is not a bundle: %v", err)
	}
	if len(b.Objects) < 1826 {
		t.Errorf("export holds %d objects, want the 1826 imported and the node's own", len(b.Objects))
	}
	// Into another node: everything imports, nothing is rejected.
	d, _ := mustInitNode(t)
	out = d.must("import", exported)
	if !strings.HasSuffix(lastLine(out), ", 0 rejected") || !strings.HasPrefix(lastLine(out), "imported ") {
		t.Errorf("re-import of the export: %q", lastLine(out))
	}
	// A partner's export holds only what was disseminated to it: nothing yet.
	c.must("org", "create", "--id", "de-bfv", "--name", "BfV", "--country", "DE")
	forBfV := c.must("export", "--to", "de-bfv")
	b.Objects = nil
	if err := json.Unmarshal([]byte(forBfV), &b); err != nil {
		t.Fatal(err)
	}
	if len(b.Objects) != 0 {
		t.Errorf("the partner's export holds %d objects before any dissemination", len(b.Objects))
	}
}

func TestImportMISP(t *testing.T) {
	c, _ := mustInitNode(t)
	out := c.must("import", "../../misp/testdata/event.json", "../../misp/testdata/feed")
	last := lastLine(out)
	if !strings.HasPrefix(last, "imported ") {
		t.Fatalf("last line %q\n%s", last, out)
	}
	if !strings.Contains(out, "report") || !strings.Contains(out, "indicator") {
		t.Errorf("no reports or indicators imported from MISP:\n%s", out)
	}
	// The feed's broken event is a rejection, not a failure.
	if !strings.Contains(out, "rejected") {
		t.Errorf("the feed's broken event is not reported:\n%s", out)
	}
	var ps []struct {
		Title  string `json:"title"`
		Banner string `json:"banner"`
	}
	c.mustJSON(&ps, "product", "list")
	if len(ps) == 0 {
		t.Fatal("MISP events did not become products")
	}
	for _, p := range ps {
		if !strings.HasPrefix(p.Banner, "TLP:") {
			t.Errorf("product %q marked %q, want a TLP marking from MISP", p.Title, p.Banner)
		}
	}
}

func TestTAXIIPullResumes(t *testing.T) {
	bundle := needAttack(t)
	a, tok := mustInitNode(t)
	a.must("import", bundle)
	url := mustServe(t, a.env["LIAISON_DATA"])

	b, _ := mustInitNode(t)
	b.env["LIAISON_TAXII_TOKEN"] = tok
	out := b.must("taxii", "pull", url+"/taxii2/liaison/", "--collection", "home", "--limit", "500")
	last := lastLine(out)
	if !strings.HasPrefix(last, "imported ") || !strings.Contains(last, "0 rejected") {
		t.Fatalf("pull: %q\n%s", last, out)
	}
	var n int
	if _, err := fmtSscanf(last, "imported %d objects", &n); err != nil || n < 1826 {
		t.Errorf("pulled %d objects, want the 1826 of ATT&CK and the node's identity: %q", n, last)
	}
	if _, err := os.Stat(filepath.Join(b.env["LIAISON_DATA"], cursorsFile)); err != nil {
		t.Errorf("no cursor kept: %v", err)
	}
	// The next pull starts where this one stopped: nothing new.
	out = b.must("taxii", "pull", url+"/taxii2/liaison/", "--collection", "home")
	if got, want := lastLine(out), "imported 0 objects (0 new, 0 held already), 0 rejected"; got != want {
		t.Errorf("second pull: %q, want %q", got, want)
	}
	// Through discovery, from the start again: all held already.
	out = b.must("taxii", "pull", url+"/taxii2/", "--collection", "home", "--restart")
	if !strings.Contains(lastLine(out), "(0 new,") {
		t.Errorf("restarted pull: %q", lastLine(out))
	}
	// Bad credentials are an error that says so.
	b.env["LIAISON_TAXII_TOKEN"] = "lsn_wrong"
	r := b.run("taxii", "pull", url+"/taxii2/liaison/", "--collection", "home", "--restart")
	if r.err == nil || !strings.Contains(r.stderr, "401") {
		t.Errorf("a wrong token: %v\n%s", r.err, r.stderr)
	}
}

// fmtSscanf is fmt.Sscanf, named apart so the test reads plainly.
var fmtSscanf = fmt.Sscanf
