package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/audit"
	"github.com/liaison-dev/liaison/marking"
)

// Event returns an audit event at At(minute), not yet appended.
func Event(action string, minute int) *liaison.AuditEvent {
	return &liaison.AuditEvent{
		At: At(minute), Actor: "de-bfv.liaison", ActorOrg: "de-bfv", Action: action,
		Object: "product-1", Target: "fr-dgsi", Allowed: minute%2 == 0,
		Reasons: []liaison.Reason{
			{Code: "originator_control", Message: `needs the originator's "consent"`},
			{Code: "agreement_in_force", Message: "agreement <1> & annex ✓"},
		},
		Detail: fmt.Sprintf("event at minute %d", minute),
	}
}

// Append appends events, each in its own Update, and returns them sealed.
func Append(t testing.TB, s liaison.Store, events ...*liaison.AuditEvent) []*liaison.AuditEvent {
	t.Helper()
	for _, e := range events {
		Update(t, s, func(tx liaison.Tx) error { return tx.AppendAudit(t.Context(), e) })
	}
	return events
}

// Verify walks the store's chain with ScanAudit and audit.Verifier.
func Verify(t testing.TB, s liaison.Store) audit.Report {
	t.Helper()
	var v audit.Verifier
	View(t, s, func(tx liaison.Tx) error {
		return tx.ScanAudit(t.Context(), 0, 0, func(e *liaison.AuditEvent) error {
			v.Next(e)
			return nil
		})
	})
	return v.Report()
}

func testTransactions(t *testing.T, open func(*testing.T) liaison.Store) {
	t.Run("an update whose function fails leaves no record and no audit event", func(t *testing.T) {
		s := open(t)
		boom := errors.New("boom")
		var productID string
		err := s.Update(t.Context(), func(tx liaison.Tx) error {
			if err := tx.CreateOrganisation(t.Context(), Org("de-bfv")); err != nil {
				return err
			}
			p := Product("de-bfv", "report")
			if err := tx.CreateProduct(t.Context(), p, marking.RankSecret); err != nil {
				return err
			}
			productID = p.ID
			if err := tx.AppendAudit(t.Context(), Event("product.create", 0)); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("update returned %v, want the function's error", err)
		}
		WantViewCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error {
			_, err := tx.Organisation(t.Context(), "de-bfv")
			return err
		})
		WantViewCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error {
			_, err := tx.Product(t.Context(), productID, 0)
			return err
		})
		WantViewCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error {
			_, err := tx.Holding(t.Context(), "de-bfv", productID, 0)
			return err
		})
		visible := Get(t, s, func(tx liaison.Tx) ([]*liaison.Product, error) {
			return tx.VisibleProducts(t.Context(), liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 4, Topics: []string{"*"}})
		})
		Diff(t, "visible products", []string{}, ids(visible))
		events := Get(t, s, func(tx liaison.Tx) ([]*liaison.AuditEvent, error) { return tx.AuditEvents(t.Context(), 0, 0) })
		if len(events) != 0 {
			t.Errorf("%d audit events after a rolled back update, want 0", len(events))
		}
	})
	t.Run("the chain goes on from the last committed event after a rollback", func(t *testing.T) {
		s := open(t)
		Append(t, s, Event("one", 0))
		_ = s.Update(t.Context(), func(tx liaison.Tx) error {
			if err := tx.AppendAudit(t.Context(), Event("rolled back", 1)); err != nil {
				return err
			}
			return errors.New("boom")
		})
		two := Append(t, s, Event("two", 2))[0]
		if two.Seq != 2 {
			t.Errorf("seq after a rollback is %d, want 2", two.Seq)
		}
		if r := Verify(t, s); !r.OK() || r.Events != 2 {
			t.Errorf("verify: %+v, want 2 intact events", r)
		}
	})
	t.Run("an update returns the function's domain error as it is", func(t *testing.T) {
		s := open(t)
		err := s.Update(t.Context(), func(tx liaison.Tx) error {
			return &liaison.Error{Code: liaison.EDENIED, Message: "denied", Reasons: []liaison.Reason{{Code: "x", Message: "y"}}}
		})
		WantCode(t, err, liaison.EDENIED)
		Diff(t, "reasons", []liaison.Reason{{Code: "x", Message: "y"}}, liaison.ErrorReasons(err))
	})
	t.Run("a view sees what was committed before it", func(t *testing.T) {
		s := open(t)
		CreateOrgs(t, s, "de-bfv")
		View(t, s, func(tx liaison.Tx) error {
			_, err := tx.Organisation(t.Context(), "de-bfv")
			return err
		})
	})
	t.Run("an update whose create conflicts and returns the conflict commits nothing", func(t *testing.T) {
		s := open(t)
		CreateOrgs(t, s, "de-bfv")
		err := s.Update(t.Context(), func(tx liaison.Tx) error {
			if err := tx.CreateOrganisation(t.Context(), Org("fr-dgsi")); err != nil {
				return err
			}
			return tx.CreateOrganisation(t.Context(), Org("de-bfv"))
		})
		WantCode(t, err, liaison.ECONFLICT)
		WantViewCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error {
			_, err := tx.Organisation(t.Context(), "fr-dgsi")
			return err
		})
	})
}

func testAudit(t *testing.T, open func(*testing.T) liaison.Store) {
	t.Run("appending numbers events from 1 and links each to the one before", func(t *testing.T) {
		s := open(t)
		events := Append(t, s, Event("a", 0), Event("b", 1), Event("c", 2))
		prev := audit.Genesis
		for i, e := range events {
			if e.Seq != int64(i+1) {
				t.Errorf("event %d has seq %d", i+1, e.Seq)
			}
			if !bytes.Equal(e.PrevHash, prev) {
				t.Errorf("event %d: prev hash %x, want %x", e.Seq, e.PrevHash, prev)
			}
			if len(e.Hash) != audit.HashSize {
				t.Errorf("event %d: hash %x is not %d bytes", e.Seq, e.Hash, audit.HashSize)
			}
			prev = e.Hash
		}
	})
	t.Run("several events in one update are chained in order", func(t *testing.T) {
		s := open(t)
		events := []*liaison.AuditEvent{Event("a", 0), Event("b", 1), Event("c", 2)}
		Update(t, s, func(tx liaison.Tx) error {
			for _, e := range events {
				if err := tx.AppendAudit(t.Context(), e); err != nil {
					return err
				}
			}
			return nil
		})
		got := Get(t, s, func(tx liaison.Tx) ([]*liaison.AuditEvent, error) { return tx.AuditEvents(t.Context(), 0, 0) })
		Diff(t, "events", events, got)
		if r := Verify(t, s); !r.OK() || r.Events != 3 {
			t.Errorf("verify: %+v, want 3 intact events", r)
		}
	})
	t.Run("events read back as appended, after a seq, up to a limit", func(t *testing.T) {
		s := open(t)
		events := Append(t, s, Event("a", 0), Event("b", 1), Event("c", 2), Event("d", 3))
		tests := []struct {
			after int64
			limit int
			want  []*liaison.AuditEvent
		}{
			{0, 0, events},
			{0, 2, events[:2]},
			{2, 0, events[2:]},
			{1, 1, events[1:2]},
			{4, 0, []*liaison.AuditEvent{}},
		}
		for _, tt := range tests {
			got := Get(t, s, func(tx liaison.Tx) ([]*liaison.AuditEvent, error) {
				return tx.AuditEvents(t.Context(), tt.after, tt.limit)
			})
			Diff(t, fmt.Sprintf("events after %d, limit %d", tt.after, tt.limit), tt.want, got)
		}
	})
	t.Run("a scan visits every event in order and the verifier accepts the chain", func(t *testing.T) {
		s := open(t)
		var events []*liaison.AuditEvent
		for i := range 25 {
			e := Event(fmt.Sprintf("action.%d", i), i)
			if i%5 == 0 {
				e.Reasons = nil // no reasons
			}
			if i%7 == 0 {
				e.Detail = "tab\t quote\" slash\\ \x01 é"
			}
			events = append(events, e)
		}
		Append(t, s, events...)
		var got []*liaison.AuditEvent
		View(t, s, func(tx liaison.Tx) error {
			return tx.ScanAudit(t.Context(), 0, 0, func(e *liaison.AuditEvent) error {
				c := *e // the store may reuse e
				c.Reasons = append([]liaison.Reason{}, e.Reasons...)
				c.PrevHash, c.Hash = bytes.Clone(e.PrevHash), bytes.Clone(e.Hash)
				got = append(got, &c)
				return nil
			})
		})
		for _, e := range events {
			if e.Reasons == nil {
				e.Reasons = []liaison.Reason{}
			}
		}
		Diff(t, "scanned events", events, got)
		r := Verify(t, s)
		if !r.OK() || r.Events != 25 || r.LastSeq != 25 {
			t.Errorf("verify: %+v, want 25 intact events", r)
		}
	})
	t.Run("a scan stops at the function's first error", func(t *testing.T) {
		s := open(t)
		Append(t, s, Event("a", 0), Event("b", 1), Event("c", 2))
		stop := errors.New("stop")
		var seen []int64
		err := s.View(t.Context(), func(tx liaison.Tx) error {
			return tx.ScanAudit(t.Context(), 0, 0, func(e *liaison.AuditEvent) error {
				seen = append(seen, e.Seq)
				if e.Seq == 2 {
					return stop
				}
				return nil
			})
		})
		if !errors.Is(err, stop) {
			t.Errorf("scan returned %v, want the function's error", err)
		}
		Diff(t, "seen", []int64{1, 2}, seen)
	})
	t.Run("a scan of a range visits exactly that range, and the head is the last event", func(t *testing.T) {
		s := open(t)
		View(t, s, func(tx liaison.Tx) error {
			seq, hash, err := tx.AuditHead(t.Context())
			if err != nil || seq != 0 || hash != nil {
				t.Errorf("head of an empty chain: %d %x %v", seq, hash, err)
			}
			return nil
		})
		events := Append(t, s, Event("a", 1), Event("b", 2), Event("c", 3), Event("d", 4), Event("e", 5))
		var seen []int64
		View(t, s, func(tx liaison.Tx) error {
			seq, hash, err := tx.AuditHead(t.Context())
			if err != nil || seq != 5 || !bytes.Equal(hash, events[4].Hash) {
				t.Errorf("head: %d %x %v, want 5 %x", seq, hash, err, events[4].Hash)
			}
			return tx.ScanAudit(t.Context(), 1, 4, func(e *liaison.AuditEvent) error {
				seen = append(seen, e.Seq)
				return nil
			})
		})
		Diff(t, "scanned range (1, 4]", []int64{2, 3, 4}, seen)
	})
	t.Run("an empty chain verifies", func(t *testing.T) {
		s := open(t)
		if r := Verify(t, s); !r.OK() || r.Events != 0 {
			t.Errorf("verify: %+v, want an empty intact chain", r)
		}
	})
}

func testLists(t *testing.T, open func(*testing.T) liaison.Store) {
	t.Run("an empty list comes back empty, or nil in an omitempty field", func(t *testing.T) {
		s := open(t)
		o := Org("de-bfv")
		o.Memberships = []string{} // omitempty: comes back nil
		off := Officer("de-bfv.mueller", "de-bfv")
		off.NeedToKnow = nil // comes back empty
		a := Agreement("bare", "de-bfv", "fr-dgsi")
		a.Topics, a.Duties = nil, []liaison.Duty{}
		p := Product("de-bfv", "bare")
		p.Topics, p.Marking.ReleasableTo = nil, []string{}
		var d *liaison.Dissemination
		r := RFI("de-bfv", "fr-dgsi", 0)
		r.Answers = nil
		f := &liaison.Feedback{ProductID: "p", ProductVersion: 1, OrgID: "de-bfv", Flags: []string{}, CreatedAt: At(0)}
		i := &liaison.Interaction{Kind: "call", Date: At(0), Officers: []string{}, CreatedAt: At(0)}
		e := Event("bare", 0)
		e.Reasons = nil
		Update(t, s, func(tx liaison.Tx) error {
			ctx := t.Context()
			for _, err := range []error{
				tx.CreateOrganisation(ctx, o), tx.CreateOfficer(ctx, off), tx.CreateAgreement(ctx, a),
				tx.CreateProduct(ctx, p, 0), tx.CreateRFI(ctx, r), tx.CreateFeedback(ctx, f),
				tx.CreateInteraction(ctx, i), tx.AppendAudit(ctx, e),
			} {
				if err != nil {
					return err
				}
			}
			d = Dissemination(p, "de-bfv", "fr-dgsi", 20)
			d.Decision.Reasons, d.ReleaseIDs = nil, []string{}
			return tx.CreateDissemination(ctx, d)
		})
		View(t, s, func(tx liaison.Tx) error {
			ctx := t.Context()
			gotOrg, err := tx.Organisation(ctx, o.ID)
			if err != nil {
				return err
			}
			gotOff, err := tx.Officer(ctx, off.ID)
			if err != nil {
				return err
			}
			gotA, err := tx.Agreement(ctx, a.ID)
			if err != nil {
				return err
			}
			gotP, err := tx.Product(ctx, p.ID, 0)
			if err != nil {
				return err
			}
			gotR, err := tx.RFI(ctx, r.ID)
			if err != nil {
				return err
			}
			gotF, err := tx.Feedback(ctx, liaison.ListFilter{})
			if err != nil {
				return err
			}
			gotI, err := tx.Interactions(ctx, liaison.ListFilter{})
			if err != nil {
				return err
			}
			gotD, err := tx.Disseminations(ctx, liaison.ListFilter{})
			if err != nil {
				return err
			}
			gotE, err := tx.AuditEvents(ctx, 0, 0)
			if err != nil {
				return err
			}
			checks := []struct {
				name  string
				empty bool // true: non-nil and empty; false: nil
				got   int  // -1 for nil, else the length
			}{
				{"organisation memberships", false, length(gotOrg.Memberships)},
				{"officer need to know", true, length(gotOff.NeedToKnow)},
				{"agreement topics", true, length(gotA.Topics)},
				{"agreement duties", false, length(gotA.Duties)},
				{"product topics", true, length(gotP.Topics)},
				{"product marking releasable to", false, length(gotP.Marking.ReleasableTo)},
				{"rfi answers", true, length(gotR.Answers)},
				{"feedback flags", false, length(gotF[0].Flags)},
				{"interaction orgs", true, length(gotI[0].Orgs)},
				{"interaction officers", false, length(gotI[0].Officers)},
				{"dissemination decision reasons", true, length(gotD[0].Decision.Reasons)},
				{"dissemination release ids", false, length(gotD[0].ReleaseIDs)},
				{"audit reasons", true, length(gotE[0].Reasons)},
			}
			for _, c := range checks {
				switch {
				case c.empty && c.got != 0:
					t.Errorf("%s: got %s, want an empty non-nil slice", c.name, describe(c.got))
				case !c.empty && c.got != -1:
					t.Errorf("%s: got %s, want nil", c.name, describe(c.got))
				}
			}
			return nil
		})
	})
	t.Run("a list of nothing is empty, not nil", func(t *testing.T) {
		s := open(t)
		View(t, s, func(tx liaison.Tx) error {
			ctx := t.Context()
			orgs, _ := tx.Organisations(ctx)
			officers, _ := tx.Officers(ctx, "")
			agreements, _ := tx.Agreements(ctx, "")
			holders, _ := tx.Holders(ctx, "p")
			visible, _ := tx.VisibleProducts(ctx, liaison.ProductFilter{OrgID: "de-bfv", MaxRank: 4, Topics: []string{"*"}})
			dissem, _ := tx.Disseminations(ctx, liaison.ListFilter{})
			consents, _ := tx.Consents(ctx, []string{"p"}, "de-bfv", At(0))
			releases, _ := tx.ReleaseRequests(ctx, liaison.ReleaseFilter{})
			rfis, _ := tx.RFIs(ctx, liaison.ListFilter{})
			feedback, _ := tx.Feedback(ctx, liaison.ListFilter{})
			interactions, _ := tx.Interactions(ctx, liaison.ListFilter{})
			breaches, _ := tx.Breaches(ctx, liaison.ListFilter{})
			events, _ := tx.AuditEvents(ctx, 0, 0)
			for name, n := range map[string]int{
				"Organisations": length(orgs), "Officers": length(officers), "Agreements": length(agreements),
				"Holders": length(holders), "VisibleProducts": length(visible), "Disseminations": length(dissem),
				"Consents": length(consents), "ReleaseRequests": length(releases), "RFIs": length(rfis),
				"Feedback": length(feedback), "Interactions": length(interactions), "Breaches": length(breaches),
				"AuditEvents": length(events),
			} {
				if n != 0 {
					t.Errorf("%s of an empty store: got %s, want an empty non-nil slice", name, describe(n))
				}
			}
			return nil
		})
	})
}

// length returns len(s), or -1 for a nil slice.
func length[T any](s []T) int {
	if s == nil {
		return -1
	}
	return len(s)
}

func describe(n int) string {
	if n == -1 {
		return "nil"
	}
	return fmt.Sprintf("%d elements", n)
}

func testTimes(t *testing.T, open func(*testing.T) liaison.Store) {
	t.Run("times come back in UTC, to the nanosecond", func(t *testing.T) {
		s := open(t)
		paris := time.FixedZone("CET", 3600)
		at := time.Date(2026, 5, 6, 7, 8, 9, 987654321, paris)
		o := Org("de-bfv")
		o.CreatedAt = at
		Update(t, s, func(tx liaison.Tx) error { return tx.CreateOrganisation(t.Context(), o) })
		got := Get(t, s, func(tx liaison.Tx) (*liaison.Organisation, error) { return tx.Organisation(t.Context(), o.ID) })
		if !got.CreatedAt.Equal(at) || got.CreatedAt.Location() != time.UTC {
			t.Errorf("created at %v, want %v in UTC", got.CreatedAt, at.UTC())
		}
	})
	t.Run("a zero time and a missing time round-trip", func(t *testing.T) {
		s := open(t)
		r := Release("p", "nl-aivd", "de-bfv", "es-cni", liaison.ReleasePending)
		r.CreatedAt = time.Time{}
		Update(t, s, func(tx liaison.Tx) error { return tx.CreateReleaseRequest(t.Context(), r) })
		got := Get(t, s, func(tx liaison.Tx) (*liaison.ReleaseRequest, error) { return tx.ReleaseRequest(t.Context(), r.ID) })
		if !got.CreatedAt.IsZero() || got.DecidedAt != nil || got.ExpiresAt != nil {
			t.Errorf("created %v, decided %v, expires %v: want zero, nil, nil", got.CreatedAt, got.DecidedAt, got.ExpiresAt)
		}
	})
}
