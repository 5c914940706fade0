// Package taxii holds the TAXII 2.1 resources as they travel on the wire,
// the protocol's media types and timestamp format, and a client that reads
// from and writes to any TAXII 2.1 server. The server is in package api.
package taxii

import (
	"encoding/json"
	"fmt"
	"time"
)

// Media types of TAXII 2.1 and of the STIX 2.1 content it carries.
const (
	MediaType     = "application/taxii+json;version=2.1"
	STIXMediaType = "application/stix+json;version=2.1"
)

// TimestampFormat is TAXII's timestamp: RFC 3339 in UTC with exactly six
// fractional digits and a "Z".
const TimestampFormat = "2006-01-02T15:04:05.000000Z"

// FormatTimestamp renders t as a TAXII timestamp.
func FormatTimestamp(t time.Time) string { return t.UTC().Format(TimestampFormat) }

// ParseTimestamp reads an RFC 3339 timestamp in UTC ("Z"), with any number
// of fractional digits (STIX timestamps have from none to nine; TAXII
// ones six; digits past the ninth are dropped). The form is exactly
// YYYY-MM-DDTHH:MM:SS[.s+]Z, upper-case T and Z, with a valid date and
// time. Anything else is an error that says what was expected.
func ParseTimestamp(s string) (time.Time, error) {
	// time.Parse alone is too lenient: it takes one-digit hours and a
	// comma before the fraction.
	if !timestampShape(s) {
		return time.Time{}, fmt.Errorf("timestamp %q: want RFC 3339 in UTC ending in Z, e.g. 2025-01-02T03:04:05.123456Z", s)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("timestamp %q: want RFC 3339 in UTC ending in Z, e.g. 2025-01-02T03:04:05.123456Z: %w", s, err)
	}
	return t.UTC(), nil
}

// timestampShape reports whether s is YYYY-MM-DDTHH:MM:SS[.d+]Z.
func timestampShape(s string) bool {
	const shape = "dddd-dd-ddTdd:dd:dd"
	if len(s) < len(shape)+1 || s[len(s)-1] != 'Z' {
		return false
	}
	for i := 0; i < len(shape); i++ {
		if shape[i] == 'd' && (s[i] < '0' || s[i] > '9') || shape[i] != 'd' && s[i] != shape[i] {
			return false
		}
	}
	frac := s[len(shape) : len(s)-1]
	if frac == "" {
		return true
	}
	if frac[0] != '.' || len(frac) < 2 {
		return false
	}
	for i := 1; i < len(frac); i++ {
		if frac[i] < '0' || frac[i] > '9' {
			return false
		}
	}
	return true
}

// Discovery is the server's discovery resource (GET /taxii2/).
type Discovery struct {
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Contact     string   `json:"contact,omitempty"`
	Default     string   `json:"default,omitempty"`
	APIRoots    []string `json:"api_roots,omitempty"`
}

// APIRoot is an API root's information resource.
type APIRoot struct {
	Title            string   `json:"title"`
	Description      string   `json:"description,omitempty"`
	Versions         []string `json:"versions"`
	MaxContentLength int64    `json:"max_content_length"`
}

// Collections lists the collections of an API root.
type Collections struct {
	Collections []Collection `json:"collections,omitempty"`
}

// Collection is a collection resource.
type Collection struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Alias       string   `json:"alias,omitempty"`
	CanRead     bool     `json:"can_read"`
	CanWrite    bool     `json:"can_write"`
	MediaTypes  []string `json:"media_types,omitempty"`
}

// Envelope carries STIX objects, one page at a time.
type Envelope struct {
	More    bool              `json:"more,omitempty"`
	Next    string            `json:"next,omitempty"`
	Objects []json.RawMessage `json:"objects,omitempty"`
}

// ManifestRecord describes one object version of a collection.
type ManifestRecord struct {
	ID        string `json:"id"`
	DateAdded string `json:"date_added"`
	Version   string `json:"version"`
	MediaType string `json:"media_type,omitempty"`
}

// Manifest is one page of a collection's manifest.
type Manifest struct {
	More    bool             `json:"more,omitempty"`
	Next    string           `json:"next,omitempty"`
	Objects []ManifestRecord `json:"objects,omitempty"`
}

// Versions lists the versions of one object.
type Versions struct {
	More     bool     `json:"more,omitempty"`
	Next     string   `json:"next,omitempty"`
	Versions []string `json:"versions,omitempty"`
}

// StatusDetail is the outcome for one object of an add request.
type StatusDetail struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Message string `json:"message,omitempty"`
}

// Status is the status resource of an add request.
type Status struct {
	ID               string         `json:"id"`
	Status           string         `json:"status"`
	RequestTimestamp string         `json:"request_timestamp,omitempty"`
	TotalCount       int            `json:"total_count"`
	SuccessCount     int            `json:"success_count"`
	Successes        []StatusDetail `json:"successes,omitempty"`
	FailureCount     int            `json:"failure_count"`
	Failures         []StatusDetail `json:"failures,omitempty"`
	PendingCount     int            `json:"pending_count"`
	Pendings         []StatusDetail `json:"pendings,omitempty"`
}

// Error is TAXII's error message.
type Error struct {
	Title           string         `json:"title"`
	Description     string         `json:"description,omitempty"`
	ErrorID         string         `json:"error_id,omitempty"`
	ErrorCode       string         `json:"error_code,omitempty"`
	HTTPStatus      string         `json:"http_status,omitempty"`
	ExternalDetails string         `json:"external_details,omitempty"`
	Details         map[string]any `json:"details,omitempty"`
}

// Error implements error, so that a client can return a server's answer.
func (e *Error) Error() string {
	s := "taxii: " + e.Title
	if e.HTTPStatus != "" {
		s += " (" + e.HTTPStatus + ")"
	}
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// Headers of TAXII responses that page.
const (
	HeaderDateAddedFirst = "X-TAXII-Date-Added-First"
	HeaderDateAddedLast  = "X-TAXII-Date-Added-Last"
)
