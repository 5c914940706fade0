package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
)

// T0 is the time the fixtures start from: it has nanoseconds, so that a
// store that rounds is caught.
var T0 = time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.UTC)

// At returns T0 plus n minutes.
func At(n int) time.Time { return T0.Add(time.Duration(n) * time.Minute) }

// ptr returns a pointer to a copy of t.
func ptr(t time.Time) *time.Time { return &t }

// Update runs fn in an Update of s and fails the test if it returns an
// error.
func Update(t testing.TB, s liaison.Store, fn func(liaison.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), fn); err != nil {
		t.Fatalf("update: %v", err)
	}
}

// View runs fn in a View of s and fails the test if it returns an error.
func View(t testing.TB, s liaison.Store, fn func(liaison.Tx) error) {
	t.Helper()
	if err := s.View(t.Context(), fn); err != nil {
		t.Fatalf("view: %v", err)
	}
}

// Get returns what fn reads in a View of s, failing the test on an error.
func Get[T any](t testing.TB, s liaison.Store, fn func(liaison.Tx) (T, error)) T {
	t.Helper()
	var v T
	View(t, s, func(tx liaison.Tx) error {
		var err error
		v, err = fn(tx)
		return err
	})
	return v
}

// Do returns what fn returns in an Update of s, failing the test on an error.
func Do[T any](t testing.TB, s liaison.Store, fn func(liaison.Tx) (T, error)) T {
	t.Helper()
	var v T
	Update(t, s, func(tx liaison.Tx) error {
		var err error
		v, err = fn(tx)
		return err
	})
	return v
}

// WantCode fails the test unless err carries the domain error code.
func WantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := liaison.ErrorCode(err); got != code {
		t.Fatalf("error code %q, want %q (error: %v)", got, code, err)
	}
}

// WantUpdateCode runs fn in an Update of s and fails the test unless it
// fails with the domain error code.
func WantUpdateCode(t testing.TB, s liaison.Store, code string, fn func(liaison.Tx) error) {
	t.Helper()
	WantCode(t, s.Update(t.Context(), fn), code)
}

// WantViewCode runs fn in a View of s and fails the test unless it fails
// with the domain error code.
func WantViewCode(t testing.TB, s liaison.Store, code string, fn func(liaison.Tx) error) {
	t.Helper()
	WantCode(t, s.View(t.Context(), fn), code)
}

// Diff fails the test when got differs from want, showing the difference.
func Diff(t testing.TB, what string, want, got any) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

// Fixtures. Each returns a new, complete record, every field set, so that
// a round trip that drops a field shows.

// Org returns an organisation with id.
func Org(id string) *liaison.Organisation {
	return &liaison.Organisation{
		ID: id, Name: "Service " + id, Kind: liaison.OrgNationalService, Country: "DE",
		Memberships: []string{"EU", "NATO"}, NodeID: "node-1", CreatedAt: At(0),
	}
}

// Officer returns an officer of org cleared to SECRET for two topics.
func Officer(id, org string) *liaison.Officer {
	return &liaison.Officer{
		ID: id, OrgID: org, Name: "Officer " + id, Role: liaison.RoleLiaison,
		Clearance:  marking.Classification{Scheme: "EU", Level: "SECRET UE"},
		NeedToKnow: []string{"counter-terrorism", "cyber"}, Active: true, CreatedAt: At(1),
	}
}

// Agreement returns an active agreement between parties, without an id.
func Agreement(title string, parties ...string) *liaison.Agreement {
	return &liaison.Agreement{
		Title: title, Parties: parties, Topics: []string{"counter-terrorism"},
		Ceiling:        marking.Classification{Scheme: "EU", Level: "SECRET UE"},
		DefaultCaveats: "ORCON", Duties: []liaison.Duty{{Party: parties[0], Text: "protect the source"}},
		ValidFrom: At(-60), ValidTo: ptr(At(60 * 24 * 365)), Status: liaison.AgreementActive, CreatedAt: At(2),
	}
}

// Product returns a product of org on topics (counter-terrorism when
// none are given), without an id.
func Product(org, title string, topics ...string) *liaison.Product {
	if len(topics) == 0 {
		topics = []string{"counter-terrorism"}
	}
	return &liaison.Product{
		Title: title, Body: "Body of " + title + "\nwith a second line ✓", Topics: topics,
		Marking: marking.Marking{
			Classification:    marking.Classification{Scheme: "EU", Level: "CONFIDENTIEL UE"},
			OriginatorControl: true, ReleasableTo: []string{"DE", "FR"}, Handling: marking.H2,
			Expires: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		},
		OriginatorOrg: org, OriginatorOfficer: org + ".analyst", Reliability: "B", Credibility: "2",
		Origins: []string{}, OriginNode: "node-1", CreatedAt: At(10),
	}
}

// Dissemination returns a dissemination of a product version from one
// organisation to another, at At(minute).
func Dissemination(p *liaison.Product, from, to string, minute int) *liaison.Dissemination {
	return &liaison.Dissemination{
		ProductID: p.ID, ProductVersion: p.Version, FromOrg: from, ToOrg: to,
		AgreementID: "agreement-1", OfficerID: from + ".liaison", Action: liaison.ActionDisseminate,
		Decision: liaison.Decision{Allowed: true, Reasons: []liaison.Reason{
			{Code: "agreement_in_force", Message: "agreement-1 is in force"},
		}},
		ReleaseIDs: []string{"release-1"}, CreatedAt: At(minute),
	}
}

// Release returns a release request: requester asks originator to let
// product go to toOrg.
func Release(productID, requester, originator, toOrg string, status liaison.ReleaseStatus) *liaison.ReleaseRequest {
	return &liaison.ReleaseRequest{
		ProductID: productID, ProductVersion: 1, RequesterOrg: requester, RequesterOfficer: requester + ".liaison",
		OriginatorOrg: originator, ToOrg: toOrg, Justification: "joint investigation", Status: status,
		CreatedAt: At(20),
	}
}

// CreateOrgs stores an organisation for each id.
func CreateOrgs(t testing.TB, s liaison.Store, ids ...string) {
	t.Helper()
	Update(t, s, func(tx liaison.Tx) error {
		for _, id := range ids {
			if err := tx.CreateOrganisation(t.Context(), Org(id)); err != nil {
				return err
			}
		}
		return nil
	})
}

// CreateProduct stores p at rank and returns it, its ID, Version and
// Origins set.
func CreateProduct(t testing.TB, s liaison.Store, p *liaison.Product, rank int) *liaison.Product {
	t.Helper()
	Update(t, s, func(tx liaison.Tx) error { return tx.CreateProduct(t.Context(), p, rank) })
	return p
}

// Disseminate stores d and returns it, its ID set.
func Disseminate(t testing.TB, s liaison.Store, d *liaison.Dissemination) *liaison.Dissemination {
	t.Helper()
	Update(t, s, func(tx liaison.Tx) error { return tx.CreateDissemination(t.Context(), d) })
	return d
}

// ids returns the "id/version" of each product, for compact diffs.
func ids(ps []*liaison.Product) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s/%d", p.Title, p.Version))
	}
	return out
}
