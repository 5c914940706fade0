package sqlite

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
)

// Times are stored as INTEGER nanoseconds since the Unix epoch, NULL for
// the zero time. That keeps them exact and ordered, but bounds them to the
// years 1677–2262; a time outside is refused rather than stored wrong.
var (
	minTime = time.Unix(0, math.MinInt64).UTC()
	maxTime = time.Unix(0, math.MaxInt64).UTC()
)

// checkTimes returns EINVALID when one of ts cannot be stored.
func checkTimes(what string, ts ...time.Time) error {
	for _, t := range ts {
		if !t.IsZero() && (t.Before(minTime) || t.After(maxTime)) {
			return liaison.Errorf(liaison.EINVALID, "%s: time %s is outside the years 1678 to 2261 that the store keeps",
				what, t.Format(time.RFC3339))
		}
	}
	return nil
}

// deref returns *t, or the zero time for nil.
func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// ns encodes t for a time column.
func ns(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// nsPtr encodes an optional time; nil and the zero time are both NULL.
func nsPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ns(*t)
}

// timeOf decodes a time column.
func timeOf(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

// timePtrOf decodes an optional time column.
func timePtrOf(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := timeOf(n)
	return &t
}

// Lists are JSON arrays. A list comes back as a non-nil empty slice when
// it is empty, except for the fields whose JSON is omitempty, which come
// back nil: the API's JSON is then the same whichever store served it.

// jsonOf encodes v as JSON text.
func jsonOf(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("sqlite: encode: %w", err)
	}
	return string(b), nil
}

// listJSON encodes a list; nil is stored as [].
func listJSON[T any](v []T) (string, error) {
	if len(v) == 0 {
		return "[]", nil
	}
	if ss, ok := any(v).([]string); ok {
		return encodeStrings(ss), nil
	}
	return jsonOf(v)
}

// list decodes a JSON array, to a non-nil slice.
func list[T any](s string) ([]T, error) {
	out := []T{}
	if s == "" || s == "[]" {
		return out, nil
	}
	if _, ok := any(out).([]string); ok {
		if ss, ok := decodeStrings(s); ok {
			return any(ss).([]T), nil
		}
	}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("sqlite: decode %q: %w", s, err)
	}
	return out, nil
}

// optional returns nil for an empty list.
func optional[T any](v []T) []T {
	if len(v) == 0 {
		return nil
	}
	return v
}

// optionalList decodes a JSON array, to nil when it is empty.
func optionalList[T any](s string) ([]T, error) {
	v, err := list[T](s)
	return optional(v), err
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// newID returns id, or a new id when it is empty.
func newID(id string) string {
	if id == "" {
		return liaison.NewID()
	}
	return id
}

// nullString encodes "" as NULL.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullInt encodes 0 as NULL.
func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// decodeMarking decodes a marking stored as JSON.
func decodeMarking(s string, m *marking.Marking) error {
	if err := json.Unmarshal([]byte(s), m); err != nil {
		return fmt.Errorf("sqlite: decode marking %q: %w", s, err)
	}
	return nil
}

// jsonUnmarshal decodes JSON text stored by jsonOf.
func jsonUnmarshal(s string, v any) error {
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("sqlite: decode: %w", err)
	}
	return nil
}
