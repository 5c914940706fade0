package api

import (
	"context"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/assess"
)

// The routes of assess.Service: a head of liaison desk's questions about
// the node's relationships, each a GET whose query parameters are the
// fields of the question (named as in its JSON), answered with the
// report as it is.

func handleTrust() endpoint {
	return assessment(assess.Service.Trust, func(p *queryReader) assess.TrustQuery {
		return assess.TrustQuery{
			Truster: p.string("truster"),
			Trustee: p.string("trustee"),
			At:      p.time("at"),
			Explain: p.bool("explain"),
		}
	}, "truster", "trustee", "at", "explain")
}

func handleLedger() endpoint {
	return assessment(assess.Service.Ledger, func(p *queryReader) assess.LedgerQuery {
		return assess.LedgerQuery{
			A:       p.string("a"),
			B:       p.string("b"),
			From:    p.time("from"),
			To:      p.time("to"),
			Months:  p.bool("months"),
			Network: p.bool("network"),
			Explain: p.bool("explain"),
		}
	}, "a", "b", "from", "to", "months", "network", "explain")
}

func handleTypology() endpoint {
	return assessment(assess.Service.Typology, func(p *queryReader) assess.TypologyQuery {
		return assess.TypologyQuery{
			A:       p.string("a"),
			B:       p.string("b"),
			All:     p.bool("all"),
			At:      p.time("at"),
			History: p.bool("history"),
			Explain: p.bool("explain"),
		}
	}, "a", "b", "all", "at", "history", "explain")
}

func handleWhoCan() endpoint {
	return assessment(assess.Service.WhoCan, func(p *queryReader) assess.WhoCanQuery {
		return assess.WhoCanQuery{
			Topic:   p.required("topic"),
			Asker:   p.string("asker"),
			At:      p.time("at"),
			Explain: p.bool("explain"),
		}
	}, "topic", "asker", "at", "explain")
}

func handleAlignment() endpoint {
	return assessment(assess.Service.Alignment, func(p *queryReader) assess.AlignmentQuery {
		return assess.AlignmentQuery{
			A:       p.string("a"),
			B:       p.string("b"),
			At:      p.time("at"),
			Explain: p.bool("explain"),
		}
	}, "a", "b", "at", "explain")
}

func handleWarnings() endpoint {
	return assessment(assess.Service.Warnings, func(p *queryReader) assess.WarningQuery {
		return assess.WarningQuery{
			Org:           p.string("org"),
			At:            p.time("at"),
			LopsidedRatio: p.float("lopsided_ratio"),
			Explain:       p.bool("explain"),
		}
	}, "org", "at", "lopsided_ratio", "explain")
}

// assessment makes the endpoint of one question of assess.Service: read
// builds the question from the query parameters, which must be among
// names, and ask puts it to the caller's service. A service that does
// not answer assessments (a Backend older than package assess) is
// not_implemented, 501, rather than a fault.
func assessment[Q, R any](ask func(assess.Service, context.Context, Q) (R, error), read func(*queryReader) Q, names ...string) endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		as, ok := svc.(assess.Service)
		if !ok {
			return 0, nil, liaison.Errorf(ENOTIMPLEMENTED, "this node does not answer assessments (trust, ledger, typology, who-can, alignment, warnings)")
		}
		p := readQuery(r.URL.Query(), names)
		q := read(p)
		if p.err != nil {
			return 0, nil, p.err
		}
		return found(ask(as, r.Context(), q))
	}
}

// queryReader reads typed query parameters, keeping the first error so
// that a handler reads every parameter and checks once. It refuses a
// parameter the route does not take and one given twice: a mistyped
// "explian" or "at" would otherwise silently ask another question (the
// assessment now instead of at the date meant).
type queryReader struct {
	q   url.Values
	err error
}

// readQuery returns a reader of q for a route that takes the parameters
// names.
func readQuery(q url.Values, names []string) *queryReader {
	p := &queryReader{q: q}
	for _, name := range slices.Sorted(maps.Keys(q)) {
		switch {
		case !slices.Contains(names, name):
			p.fail("query parameter %q is not one this route takes (%s)", name, strings.Join(names, ", "))
		case len(q[name]) > 1:
			p.fail("query parameter %s is given %d times; give it once", name, len(q[name]))
		}
	}
	return p
}

// fail keeps the first error.
func (p *queryReader) fail(format string, args ...any) {
	if p.err == nil {
		p.err = liaison.Errorf(liaison.EINVALID, format, args...)
	}
}

// string returns the parameter name, or "" when absent.
func (p *queryReader) string(name string) string { return p.q.Get(name) }

// required returns the parameter name, which must be given.
func (p *queryReader) required(name string) string {
	s := p.q.Get(name)
	if strings.TrimSpace(s) == "" {
		p.fail("query parameter %s is required", name)
	}
	return s
}

// bool returns the boolean parameter name: true or false (or 1, 0, as
// strconv reads them); false when absent. A bare "?explain" is refused
// rather than guessed.
func (p *queryReader) bool(name string) bool {
	if !p.q.Has(name) {
		return false
	}
	s := p.q.Get(name)
	b, err := strconv.ParseBool(s)
	if err != nil {
		p.fail("query parameter %s: %q is not true or false", name, s)
	}
	return b
}

// time returns the RFC 3339 time parameter name, or the zero time when
// absent.
func (p *queryReader) time(name string) time.Time {
	s := p.q.Get(name)
	if s == "" {
		return time.Time{}
	}
	t, err := parseQueryTime(name, s)
	if err != nil && p.err == nil {
		p.err = err
	}
	return t
}

// float returns the parameter name as a finite number at least 0, or 0
// when absent.
func (p *queryReader) float(name string) float64 {
	s := p.q.Get(name)
	if s == "" {
		return 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		p.fail("query parameter %s: %q is not a number of at least 0", name, s)
		return 0
	}
	return f
}
