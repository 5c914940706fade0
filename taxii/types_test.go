package taxii

import (
	"testing"
	"time"
)

func TestParseTimestamp(t *testing.T) {
	valid := []struct {
		s    string
		want time.Time
	}{
		{"2025-01-02T03:04:05Z", time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)},
		{"2025-01-02T03:04:05.1Z", time.Date(2025, 1, 2, 3, 4, 5, 100000000, time.UTC)},
		{"2016-01-01T01:01:01.000Z", time.Date(2016, 1, 1, 1, 1, 1, 0, time.UTC)},
		{"2025-01-02T03:04:05.123456Z", time.Date(2025, 1, 2, 3, 4, 5, 123456000, time.UTC)},
		{"2025-01-02T03:04:05.123456789Z", time.Date(2025, 1, 2, 3, 4, 5, 123456789, time.UTC)},
		{"2025-01-02T03:04:05.1234567891Z", time.Date(2025, 1, 2, 3, 4, 5, 123456789, time.UTC)}, // STIX allows any precision
		{"2024-02-29T23:59:59.999999Z", time.Date(2024, 2, 29, 23, 59, 59, 999999000, time.UTC)},
		{"0001-01-01T00:00:00.000000Z", time.Time{}},
	}
	for _, tt := range valid {
		got, err := ParseTimestamp(tt.s)
		if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseTimestamp(%q) = %v, %v; want %v", tt.s, got, err, tt.want)
		}
	}
	invalid := []string{
		"",
		"2022-101-27T00:00:00Z", // the OASIS TLP example's typo
		"2025-01-02T03:04:05",   // no Z
		"2025-01-02T03:04:05.123456",
		"2025-01-02T03:04:05+00:00", // an offset, even zero
		"2025-01-02T03:04:05.123-05:00",
		"2025-01-02T03:04:05.123+01:00Z",
		"2025-01-02T03:04:05z", // lower case
		"2025-01-02t03:04:05Z",
		"2025-01-02 03:04:05Z",     // space for T
		"2025-01-02T3:04:05.1Z",    // one-digit hour
		"2025-1-02T03:04:05Z",      // one-digit month
		"2025-01-02T03:04:05,123Z", // comma for the point
		"2025-01-02T03:04:05.Z",    // point without digits
		"2025-01-02T03:04:05.12a4Z",
		"2025-02-30T00:00:00Z", // no such day
		"2025-13-01T00:00:00Z",
		"2025-01-02T24:00:00Z",
		"2025-01-02T23:60:00Z",
		"2025-01-02T23:59:60Z", // leap second: Go has none
		"2025-01-02",
		"20250102T030405Z",
		" 2025-01-02T03:04:05Z",
		"2025-01-02T03:04:05Z ",
		"+2025-01-02T03:04:05Z",
	}
	for _, s := range invalid {
		if got, err := ParseTimestamp(s); err == nil {
			t.Errorf("ParseTimestamp(%q) = %v, want an error", s, got)
		}
	}
}

func TestFormatTimestamp(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), "2025-01-02T03:04:05.000000Z"},
		{time.Date(2025, 1, 2, 3, 4, 5, 123456000, time.UTC), "2025-01-02T03:04:05.123456Z"},
		{time.Date(2025, 1, 2, 3, 4, 5, 123456789, time.UTC), "2025-01-02T03:04:05.123456Z"}, // truncated, not rounded
		{time.Date(2025, 1, 2, 3, 4, 5, 999999999, time.UTC), "2025-01-02T03:04:05.999999Z"},
		{time.Date(2025, 1, 2, 4, 4, 5, 1000, time.FixedZone("CET", 3600)), "2025-01-02T03:04:05.000001Z"},
		{time.Date(2025, 1, 1, 0, 30, 0, 0, time.FixedZone("", 3600)), "2024-12-31T23:30:00.000000Z"},
		{time.Time{}, "0001-01-01T00:00:00.000000Z"},
	}
	for _, tt := range tests {
		got := FormatTimestamp(tt.t)
		if got != tt.want {
			t.Errorf("FormatTimestamp(%v) = %q, want %q", tt.t, got, tt.want)
		}
		back, err := ParseTimestamp(got)
		if err != nil || !back.Equal(tt.t.Truncate(time.Microsecond)) {
			t.Errorf("ParseTimestamp(FormatTimestamp(%v)) = %v, %v", tt.t, back, err)
		}
	}
}
