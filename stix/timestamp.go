package stix

import (
	"fmt"
	"time"
)

// TimestampFormat is how liaison writes STIX timestamps: RFC 3339 in UTC
// with millisecond precision, as STIX asks of created and modified.
const TimestampFormat = "2006-01-02T15:04:05.000Z"

// FormatTimestamp renders t as a STIX timestamp: in UTC, truncated to the
// millisecond. Every timestamp liaison emits goes through it, so the same
// instant always reads the same.
func FormatTimestamp(t time.Time) string { return t.UTC().Format(TimestampFormat) }

// ParseTimestamp reads a STIX timestamp: RFC 3339 in UTC with an upper-case
// "T" and "Z", YYYY-MM-DDTHH:MM:SS, then optionally "." and one or more
// digits of a fraction (read to the nanosecond), then "Z". A leap second
// (:60) is accepted, as RFC 3339 allows, and read as the first instant of
// the next minute. The error says what is wrong, without naming the
// property; Parse adds that.
func ParseTimestamp(s string) (time.Time, error) {
	t, why := parseTimestamp(s)
	if why != "" {
		return time.Time{}, fmt.Errorf("%q is not a STIX timestamp: %s (want RFC 3339 in UTC, e.g. 2016-05-12T08:17:27.000Z)", s, why)
	}
	return t, nil
}

// parseTimestamp parses s, or says why it cannot.
func parseTimestamp(s string) (time.Time, string) {
	digits := func(i, n int) (int, bool) {
		v := 0
		for k := i; k < i+n; k++ {
			if k >= len(s) || s[k] < '0' || s[k] > '9' {
				return 0, false
			}
			v = v*10 + int(s[k]-'0')
		}
		return v, true
	}
	year, ok1 := digits(0, 4)
	month, ok2 := digits(5, 2)
	day, ok3 := digits(8, 2)
	if !ok1 || !ok2 || !ok3 || len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, "the date is not YYYY-MM-DD"
	}
	if len(s) < 11 || s[10] != 'T' {
		return time.Time{}, `the date is not followed by "T" and a time`
	}
	hour, ok1 := digits(11, 2)
	minute, ok2 := digits(14, 2)
	sec, ok3 := digits(17, 2)
	if !ok1 || !ok2 || !ok3 || s[13] != ':' || s[16] != ':' {
		return time.Time{}, "the time is not HH:MM:SS"
	}
	i, nsec := 19, 0
	if i < len(s) && s[i] == '.' {
		i++
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if i-start < 9 {
				nsec = nsec*10 + int(s[i]-'0')
			}
			i++
		}
		if i == start {
			return time.Time{}, `"." is not followed by digits`
		}
		for k := min(i-start, 9); k < 9; k++ {
			nsec *= 10
		}
	}
	switch {
	case i >= len(s) || s[i] != 'Z':
		return time.Time{}, `it does not end in "Z" (UTC)`
	case i != len(s)-1:
		return time.Time{}, `there is more after the "Z"`
	case month < 1 || month > 12:
		return time.Time{}, fmt.Sprintf("month %02d does not exist", month)
	case day < 1 || day > daysIn(year, month):
		return time.Time{}, fmt.Sprintf("day %04d-%02d-%02d does not exist", year, month, day)
	case hour > 23 || minute > 59 || sec > 60:
		return time.Time{}, fmt.Sprintf("time %02d:%02d:%02d does not exist", hour, minute, sec)
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC), ""
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
