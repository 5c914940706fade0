package main

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"
)

// The output formats of -o.
const (
	formatTable = "table" // aligned columns for people
	formatJSON  = "json"  // the result as indented JSON
	formatID    = "id"    // only the result's id(s), one per line
)

// printer writes a command's result in the chosen format.
type printer struct {
	format string
	w      io.Writer
}

// emit prints v: as JSON, as ids (one per line), or by calling table with
// a tabwriter that is flushed afterwards. A nil slice prints as [] in JSON.
func (p *printer) emit(v any, ids []string, table func(w io.Writer)) error {
	switch p.format {
	case formatJSON:
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.IsNil() {
			v = []struct{}{}
		}
		enc := json.NewEncoder(p.w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("write json: %w", err)
		}
		return nil
	case formatID:
		for _, id := range ids {
			if _, err := fmt.Fprintln(p.w, id); err != nil {
				return fmt.Errorf("write ids: %w", err)
			}
		}
		return nil
	default:
		tw := tabwriter.NewWriter(p.w, 0, 4, 2, ' ', 0)
		table(tw)
		if err := tw.Flush(); err != nil {
			return fmt.Errorf("write table: %w", err)
		}
		return nil
	}
}

// row writes one tab-separated row.
func row(w io.Writer, cells ...string) {
	fmt.Fprintln(w, strings.Join(cells, "\t"))
}

// field writes one "Key:  value" line of a record shown vertically; empty
// values are left out.
func field(w io.Writer, key, value string) {
	if value == "" {
		return
	}
	fmt.Fprintf(w, "%s:\t%s\n", key, value)
}

// day formats t as YYYY-MM-DD, or "-" for the zero time.
func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.DateOnly)
}

// dayPtr formats *t as YYYY-MM-DD, or "" for nil.
func dayPtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return day(*t)
}

// stamp formats t as an RFC 3339 time in UTC, to the second.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// trunc shortens s to at most n runes, marking a cut with "…", and
// flattens line breaks and tabs so that a cell stays on one line.
func trunc(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// list joins items with ", ", or "-" when there are none.
func list(items []string) string {
	if len(items) == 0 {
		return "-"
	}
	return strings.Join(items, ", ")
}

// orDash returns s, or "-" when it is empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// yesNo renders a boolean for a table.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// idsOf returns the ids of records.
func idsOf[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

// parseDay reads a date given on the command line: YYYY-MM-DD (midnight
// UTC) or an RFC 3339 time.
func parseDay(flag, s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, invalidf("--%s %q: use a date YYYY-MM-DD or a time such as 2026-01-31T09:00:00Z", flag, s)
}

// splitList splits comma-separated values (possibly from repeated flags)
// into trimmed, non-empty items.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}
