// Package storetest is the conformance suite of liaison.Store. Every
// implementation runs it from its own tests, so that all of them keep the
// contract the rest of liaison relies on:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) liaison.Store { return MustOpenDB(t) })
//	}
//
// The suite pins what the Store and Tx doc comments state, and where they
// leave a choice, the choice the API depends on: records round-trip
// exactly (times in UTC to the nanosecond); an empty list comes back as a
// non-nil empty slice, except in a field whose JSON is omitempty, where it
// comes back nil, so that the API's JSON is the same whichever store
// served it; records created without an id are given one (organisations
// and officers excepted: their ids are chosen by people).
package storetest

import (
	"testing"

	"github.com/liaison-dev/liaison"
)

// Run runs the conformance suite. open returns a new, empty store for
// the test it is given, and arranges with t.Cleanup for it to be closed.
func Run(t *testing.T, open func(t *testing.T) liaison.Store) {
	t.Helper()
	groups := []struct {
		name string
		run  func(*testing.T, func(*testing.T) liaison.Store)
	}{
		{"Node", testNode},
		{"Organisations", testOrganisations},
		{"Officers", testOfficers},
		{"Tokens", testTokens},
		{"Agreements", testAgreements},
		{"Products", testProducts},
		{"Lineage", testLineage},
		{"Holdings", testHoldings},
		{"VisibleProducts", testVisibleProducts},
		{"Disseminations", testDisseminations},
		{"Consents", testConsents},
		{"ReleaseRequests", testReleaseRequests},
		{"RFIs", testRFIs},
		{"Feedback", testFeedback},
		{"Interactions", testInteractions},
		{"Breaches", testBreaches},
		{"ThreatPriorities", testThreatPriorities},
		{"Coverage", testCoverage},
		{"Transactions", testTransactions},
		{"Audit", testAudit},
		{"Lists", testLists},
		{"Times", testTimes},
		{"Objects", testObjects},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { g.run(t, open) })
	}
}

// RunObjects runs the part of the suite on STIX objects and their
// collections alone, for a store set up to test how it finds objects.
func RunObjects(t *testing.T, open func(t *testing.T) liaison.Store) {
	t.Helper()
	t.Run("Objects", func(t *testing.T) { testObjects(t, open) })
}
