package api

import (
	"time"

	"github.com/liaison-dev/liaison"
)

// The bodies the server sends and the Client reads, beside the domain
// types that travel as they are.

// list is the envelope of every list response. NextBefore, for products,
// is the value of the before parameter that fetches the next page; it is
// set only when the page is full.
type list[T any] struct {
	Items      []T       `json:"items"`
	NextBefore time.Time `json:"next_before,omitzero"`
}

// listOf wraps items in the list envelope, as [] rather than null when
// there are none.
func listOf[T any](items []T) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items}
}

// productOut prepares p to be sent: with its banner line, which people
// and scripts read more easily than the structured marking. The service
// sets it; a product without one gets it here, on a copy.
func productOut(p *liaison.Product) *liaison.Product {
	if p == nil || p.Banner != "" {
		return p
	}
	cp := *p
	cp.Banner = cp.Marking.String()
	return &cp
}

// productsOut prepares ps to be sent.
func productsOut(ps []*liaison.Product) []*liaison.Product {
	out := make([]*liaison.Product, len(ps))
	for i, p := range ps {
		out[i] = productOut(p)
	}
	return out
}

// health is the body of GET /healthz.
type health struct {
	Status string `json:"status"`
}

// officerCreated answers POST /api/v1/officers: the officer and their
// first token, shown this once.
type officerCreated struct {
	Officer *liaison.Officer `json:"officer"`
	Token   string           `json:"token"`
}

// tokenIssued answers POST /api/v1/officers/{id}/tokens.
type tokenIssued struct {
	Token string `json:"token"`
}

// statusChange is the body of POST /api/v1/agreements/{id}/status.
type statusChange struct {
	Status liaison.AgreementStatus `json:"status"`
}

// rfiAnswer is the body of POST /api/v1/rfis/{id}/answers.
type rfiAnswer struct {
	ProductID string `json:"product_id"`
}

// prioritySet is the body of PUT /api/v1/organisations/{id}/priorities:
// the whole list, which replaces the organisation's threat priorities.
// It has the shape of the list the GET answers, so that one can be edited
// and put back.
type prioritySet struct {
	Items []liaison.ThreatPriority `json:"items"`
}

// coverageSet is the body of PUT /api/v1/organisations/{id}/coverage: the
// whole coverage, which replaces the organisation's.
type coverageSet struct {
	Items []liaison.Coverage `json:"items"`
}
