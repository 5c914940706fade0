package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReadmeTour runs the README's tour, exactly as written, in bash: the
// tour is a promise to newcomers and must not rot.
func TestReadmeTour(t *testing.T) {
	if testing.Short() {
		t.Skip("the tour builds the binary; skipped in -short mode")
	}
	for _, tool := range []string{"bash", "curl", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the README tour needs %s on PATH", tool)
		}
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	script := tourScript(t, string(readme))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "LIAISON_DATA=", "LIAISON_SERVER=", "LIAISON_TOKEN=", "LIAISON_AS=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("the README tour failed: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"originator_control",     // the refused forward, with its reason
		"refused, as it must be", // ... which exits non-zero
		"Status:         approved",
		"Action:     forward",
		"Chain:     intact",
		"SIGINT      2 moderate", // the coverage a partner set
		`"allowed":true`,
		`{"error":{"code":"not_found"`,
		"imported 1 objects (1 new, 0 held already), 0 rejected",
		"imported 1 objects (0 new, 1 held already), 0 rejected",
		`"collections":[{"id":`,
		`"type":"report"`,
		"TREND 90D",                                      // liaison trust on the demo
		"transactional_bilateral → relational_bilateral", // be-vsse's history
		"pl-abw",   // who can help on Russia
		"SEVERITY", // the warnings
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the tour's output lacks %q\n%s", want, out.String())
		}
	}
}

// tourScript extracts the shell block between the tour markers.
func tourScript(t *testing.T, readme string) string {
	t.Helper()
	_, rest, ok := strings.Cut(readme, "<!-- tour:begin -->")
	if !ok {
		t.Fatal("README.md has no <!-- tour:begin --> marker")
	}
	block, _, ok := strings.Cut(rest, "<!-- tour:end -->")
	if !ok {
		t.Fatal("README.md has no <!-- tour:end --> marker")
	}
	block = strings.TrimSpace(block)
	block = strings.TrimPrefix(block, "```sh")
	block = strings.TrimSuffix(block, "```")
	return block
}
