package storetest

import (
	"errors"
	"testing"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
)

func testDisseminations(t *testing.T, open func(*testing.T) liaison.Store) {
	t.Run("a dissemination reads back as it was created, with a new id", func(t *testing.T) {
		s := open(t)
		p := CreateProduct(t, s, Product("de-bfv", "report"), marking.RankConfidential)
		d := Disseminate(t, s, Dissemination(p, "de-bfv", "fr-dgsi", 20))
		if !liaison.ValidID(d.ID) {
			t.Fatalf("dissemination id %q is not a new id", d.ID)
		}
		got := Get(t, s, func(tx liaison.Tx) ([]*liaison.Dissemination, error) {
			return tx.Disseminations(t.Context(), liaison.ListFilter{})
		})
		Diff(t, "disseminations", []*liaison.Dissemination{d}, got)
	})
	t.Run("the recipient holds the product by the dissemination", func(t *testing.T) {
		s := open(t)
		p := CreateProduct(t, s, Product("de-bfv", "report"), marking.RankConfidential)
		d := Disseminate(t, s, Dissemination(p, "de-bfv", "fr-dgsi", 20))
		got := Get(t, s, func(tx liaison.Tx) (*liaison.Holding, error) {
			return tx.Holding(t.Context(), "fr-dgsi", p.ID, p.Version)
		})
		want := &liaison.Holding{OrgID: "fr-dgsi", ProductID: p.ID, ProductVersion: 1, Via: d.ID, At: d.CreatedAt}
		Diff(t, "holding", want, got)
	})
	t.Run("exchanges join each dissemination to its product version, in time order", func(t *testing.T) {
		s := open(t)
		p := CreateProduct(t, s, Product("de-bfv", "p", "cyber", "russia"), marking.RankSecret)
		q := Product("de-bfv", "p2")
		q.ID, q.Reliability, q.Credibility = p.ID, "A", "1"
		q = CreateProduct(t, s, q, marking.RankRestricted)
		d2 := Disseminate(t, s, Dissemination(q, "de-bfv", "nl-aivd", 30))
		d1 := Disseminate(t, s, Dissemination(p, "de-bfv", "fr-dgsi", 10))
		fwd := Dissemination(p, "fr-dgsi", "es-cni", 40)
		fwd.Action = liaison.ActionForward
		d3 := Disseminate(t, s, fwd)
		var got []*liaison.Exchange
		View(t, s, func(tx liaison.Tx) error {
			return tx.ScanExchanges(t.Context(), "", func(e *liaison.Exchange) error {
				got = append(got, e)
				return nil
			})
		})
		want := []*liaison.Exchange{
			{ID: d1.ID, ProductID: p.ID, ProductVersion: 1, From: "de-bfv", To: "fr-dgsi", AgreementID: "agreement-1",
				Action: liaison.ActionDisseminate, At: At(10), Rank: marking.RankSecret, Reliability: "B", Credibility: "2",
				Title: "p", Topics: []string{"cyber", "russia"}, Originator: "de-bfv"},
			{ID: d2.ID, ProductID: p.ID, ProductVersion: 2, From: "de-bfv", To: "nl-aivd", AgreementID: "agreement-1",
				Action: liaison.ActionDisseminate, At: At(30), Rank: marking.RankRestricted, Reliability: "A", Credibility: "1",
				Title: "p2", Topics: []string{"counter-terrorism"}, Originator: "de-bfv"},
			{ID: d3.ID, ProductID: p.ID, ProductVersion: 1, From: "fr-dgsi", To: "es-cni", AgreementID: "agreement-1",
				Action: liaison.ActionForward, At: At(40), Rank: marking.RankSecret, Reliability: "B", Credibility: "2",
				Title: "p", Topics: []string{"cyber", "russia"}, Originator: "de-bfv"},
		}
		Diff(t, "exchanges", want, got)
		var ofP []string
		View(t, s, func(tx liaison.Tx) error {
			return tx.ScanExchanges(t.Context(), p.ID, func(e *liaison.Exchange) error {
				ofP = append(ofP, e.ID)
				return nil
			})
		})
		Diff(t, "exchanges of one product", []string{d1.ID, d2.ID, d3.ID}, ofP)
		other := CreateProduct(t, s, Product("fr-dgsi", "other"), marking.RankSecret)
		d4 := Disseminate(t, s, Dissemination(other, "fr-dgsi", "de-bfv", 50))
		ofP = nil
		View(t, s, func(tx liaison.Tx) error {
			return tx.ScanExchanges(t.Context(), other.ID, func(e *liaison.Exchange) error {
				ofP = append(ofP, e.ID)
				return nil
			})
		})
		Diff(t, "exchanges of another product", []string{d4.ID}, ofP)
		stop := errors.New("stop")
		n := 0
		err := s.View(t.Context(), func(tx liaison.Tx) error {
			return tx.ScanExchanges(t.Context(), "", func(*liaison.Exchange) error { n++; return stop })
		})
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("after fn's error: err %v after %d calls, want stop after 1", err, n)
		}
	})
	t.Run("disseminations are listed by time, filtered", func(t *testing.T) {
		s := open(t)
		p := CreateProduct(t, s, Product("de-bfv", "p"), marking.RankConfidential)
		q := CreateProduct(t, s, Product("fr-dgsi", "q"), marking.RankConfidential)
		d3 := Disseminate(t, s, Dissemination(p, "de-bfv", "nl-aivd", 30))
		d1 := Disseminate(t, s, Dissemination(p, "de-bfv", "fr-dgsi", 10))
		d2 := Disseminate(t, s, Dissemination(q, "fr-dgsi", "de-bfv", 20))
		d4 := Disseminate(t, s, Dissemination(q, "fr-dgsi", "es-cni", 40))
		tests := []struct {
			name string
			f    liaison.ListFilter
			want []*liaison.Dissemination
		}{
			{"all", liaison.ListFilter{}, []*liaison.Dissemination{d1, d2, d3, d4}},
			{"from or to an organisation", liaison.ListFilter{OrgID: "de-bfv"}, []*liaison.Dissemination{d1, d2, d3}},
			{"to an organisation", liaison.ListFilter{OrgID: "nl-aivd"}, []*liaison.Dissemination{d3}},
			{"of a product", liaison.ListFilter{ProductID: q.ID}, []*liaison.Dissemination{d2, d4}},
			{"of an organisation and a product", liaison.ListFilter{OrgID: "de-bfv", ProductID: q.ID},
				[]*liaison.Dissemination{d2}},
			{"limited", liaison.ListFilter{Limit: 2}, []*liaison.Dissemination{d1, d2}},
			{"of nobody", liaison.ListFilter{OrgID: "xx-none"}, []*liaison.Dissemination{}},
		}
		for _, tt := range tests {
			got := Get(t, s, func(tx liaison.Tx) ([]*liaison.Dissemination, error) {
				return tx.Disseminations(t.Context(), tt.f)
			})
			Diff(t, tt.name, tt.want, got)
		}
	})
	t.Run("a dissemination id is taken once", func(t *testing.T) {
		s := open(t)
		p := CreateProduct(t, s, Product("de-bfv", "report"), marking.RankConfidential)
		d := Disseminate(t, s, Dissemination(p, "de-bfv", "fr-dgsi", 20))
		again := Dissemination(p, "de-bfv", "nl-aivd", 21)
		again.ID = d.ID
		WantUpdateCode(t, s, liaison.ECONFLICT, func(tx liaison.Tx) error { return tx.CreateDissemination(t.Context(), again) })
		WantViewCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error {
			_, err := tx.Holding(t.Context(), "nl-aivd", p.ID, 0)
			return err
		})
	})
	t.Run("a dissemination of a version that does not exist is invalid", func(t *testing.T) {
		s := open(t)
		p := CreateProduct(t, s, Product("de-bfv", "report"), marking.RankConfidential)
		d := Dissemination(p, "de-bfv", "fr-dgsi", 20)
		d.ProductVersion = 2
		WantUpdateCode(t, s, liaison.EINVALID, func(tx liaison.Tx) error { return tx.CreateDissemination(t.Context(), d) })
	})
}

func testConsents(t *testing.T, open func(*testing.T) liaison.Store) {
	// Products p (de-bfv's) and q (fr-dgsi's). The question each case asks:
	// who consented to p reaching es-cni?
	type setup struct {
		name  string
		write func(t *testing.T, s liaison.Store, p, q *liaison.Product)
		want  []string
	}
	release := func(originator string, status liaison.ReleaseStatus, expires int) func(*testing.T, liaison.Store, *liaison.Product, *liaison.Product) {
		return func(t *testing.T, s liaison.Store, p, _ *liaison.Product) {
			r := Release(p.ID, "nl-aivd", originator, "es-cni", status)
			if expires != 0 {
				r.ExpiresAt = ptr(At(expires))
			}
			Update(t, s, func(tx liaison.Tx) error { return tx.CreateReleaseRequest(t.Context(), r) })
		}
	}
	now := At(100)
	tests := []setup{
		{"nobody, at first", func(*testing.T, liaison.Store, *liaison.Product, *liaison.Product) {}, []string{}},
		{"the sender of a dissemination to the third party", func(t *testing.T, s liaison.Store, p, _ *liaison.Product) {
			Disseminate(t, s, Dissemination(p, "de-bfv", "es-cni", 20))
		}, []string{"de-bfv"}},
		{"not the sender of a dissemination to someone else", func(t *testing.T, s liaison.Store, p, _ *liaison.Product) {
			Disseminate(t, s, Dissemination(p, "de-bfv", "fr-dgsi", 20))
		}, []string{}},
		{"not the sender of another product", func(t *testing.T, s liaison.Store, _, q *liaison.Product) {
			Disseminate(t, s, Dissemination(q, "fr-dgsi", "es-cni", 20))
		}, []string{}},
		{"not the sender of a recalled dissemination", func(t *testing.T, s liaison.Store, p, _ *liaison.Product) {
			d := Dissemination(p, "de-bfv", "es-cni", 20)
			d.RecalledAt = ptr(At(21))
			Disseminate(t, s, d)
		}, []string{}},
		{"the originator of an approved release", release("de-bfv", liaison.ReleaseApproved, 0), []string{"de-bfv"}},
		{"the originator of an approved release not yet expired", release("de-bfv", liaison.ReleaseApproved, 101), []string{"de-bfv"}},
		{"not the originator of an expired release", release("de-bfv", liaison.ReleaseApproved, 100), []string{}},
		{"not the originator of a pending release", release("de-bfv", liaison.ReleasePending, 0), []string{}},
		{"not the originator of a denied release", release("de-bfv", liaison.ReleaseDenied, 0), []string{}},
		{"not the originator of a release marked expired", release("de-bfv", liaison.ReleaseExpired, 0), []string{}},
		{"not the originator of a release to someone else", func(t *testing.T, s liaison.Store, p, _ *liaison.Product) {
			r := Release(p.ID, "nl-aivd", "de-bfv", "fr-dgsi", liaison.ReleaseApproved)
			Update(t, s, func(tx liaison.Tx) error { return tx.CreateReleaseRequest(t.Context(), r) })
		}, []string{}},
		{"not the originator of a release of another product", func(t *testing.T, s liaison.Store, _, q *liaison.Product) {
			r := Release(q.ID, "nl-aivd", "fr-dgsi", "es-cni", liaison.ReleaseApproved)
			Update(t, s, func(tx liaison.Tx) error { return tx.CreateReleaseRequest(t.Context(), r) })
		}, []string{}},
		{"everyone who consented, sorted, once each", func(t *testing.T, s liaison.Store, p, _ *liaison.Product) {
			Disseminate(t, s, Dissemination(p, "nl-aivd", "es-cni", 20))
			Disseminate(t, s, Dissemination(p, "de-bfv", "es-cni", 21))
			Disseminate(t, s, Dissemination(p, "de-bfv", "es-cni", 22))
			release("de-bfv", liaison.ReleaseApproved, 0)(t, s, p, nil)
			release("fr-dgsi", liaison.ReleaseApproved, 0)(t, s, p, nil)
		}, []string{"de-bfv", "fr-dgsi", "nl-aivd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			p := CreateProduct(t, s, Product("de-bfv", "p"), marking.RankConfidential)
			q := CreateProduct(t, s, Product("fr-dgsi", "q"), marking.RankConfidential)
			tt.write(t, s, p, q)
			got := Get(t, s, func(tx liaison.Tx) ([]string, error) {
				return tx.Consents(t.Context(), []string{p.ID, liaison.NewID()}, "es-cni", now)
			})
			Diff(t, "consents", tt.want, got)
		})
	}
	t.Run("consent to any of several products counts", func(t *testing.T) {
		s := open(t)
		p := CreateProduct(t, s, Product("de-bfv", "p"), marking.RankConfidential)
		q := CreateProduct(t, s, Product("fr-dgsi", "q"), marking.RankConfidential)
		Disseminate(t, s, Dissemination(q, "fr-dgsi", "es-cni", 20))
		got := Get(t, s, func(tx liaison.Tx) ([]string, error) {
			return tx.Consents(t.Context(), []string{p.ID, q.ID}, "es-cni", now)
		})
		Diff(t, "consents", []string{"fr-dgsi"}, got)
		none := Get(t, s, func(tx liaison.Tx) ([]string, error) { return tx.Consents(t.Context(), nil, "es-cni", now) })
		Diff(t, "consents to no product", []string{}, none)
	})
}

func testReleaseRequests(t *testing.T, open func(*testing.T) liaison.Store) {
	t.Run("a release request reads back as it was created, with a new id", func(t *testing.T) {
		s := open(t)
		r := Release("p", "nl-aivd", "de-bfv", "es-cni", liaison.ReleasePending)
		Update(t, s, func(tx liaison.Tx) error { return tx.CreateReleaseRequest(t.Context(), r) })
		if !liaison.ValidID(r.ID) {
			t.Fatalf("release request id %q is not a new id", r.ID)
		}
		got := Get(t, s, func(tx liaison.Tx) (*liaison.ReleaseRequest, error) { return tx.ReleaseRequest(t.Context(), r.ID) })
		Diff(t, "release request", r, got)
	})
	t.Run("a decision is stored", func(t *testing.T) {
		s := open(t)
		r := Release("p", "nl-aivd", "de-bfv", "es-cni", liaison.ReleasePending)
		Update(t, s, func(tx liaison.Tx) error { return tx.CreateReleaseRequest(t.Context(), r) })
		decided := *r
		decided.Status, decided.Conditions, decided.DecidedBy = liaison.ReleaseApproved, "no onward use", "de-bfv.liaison"
		decided.DecidedAt, decided.ExpiresAt = ptr(At(30)), ptr(At(60*24*30))
		decided.Justification = "not part of a decision" // not stored by a decision
		Update(t, s, func(tx liaison.Tx) error { return tx.UpdateReleaseRequest(t.Context(), &decided) })
		got := Get(t, s, func(tx liaison.Tx) (*liaison.ReleaseRequest, error) { return tx.ReleaseRequest(t.Context(), r.ID) })
		decided.Justification = r.Justification
		Diff(t, "decided release request", &decided, got)
	})
	t.Run("an unknown release request is not found, nor decided", func(t *testing.T) {
		s := open(t)
		WantViewCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error {
			_, err := tx.ReleaseRequest(t.Context(), liaison.NewID())
			return err
		})
		r := Release("p", "nl-aivd", "de-bfv", "es-cni", liaison.ReleaseApproved)
		r.ID = liaison.NewID()
		WantUpdateCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error { return tx.UpdateReleaseRequest(t.Context(), r) })
	})
	t.Run("a release request id is taken once", func(t *testing.T) {
		s := open(t)
		r := Release("p", "nl-aivd", "de-bfv", "es-cni", liaison.ReleasePending)
		Update(t, s, func(tx liaison.Tx) error { return tx.CreateReleaseRequest(t.Context(), r) })
		again := Release("q", "nl-aivd", "de-bfv", "es-cni", liaison.ReleasePending)
		again.ID = r.ID
		WantUpdateCode(t, s, liaison.ECONFLICT, func(tx liaison.Tx) error { return tx.CreateReleaseRequest(t.Context(), again) })
	})
	t.Run("release requests are listed in the order made, filtered", func(t *testing.T) {
		s := open(t)
		r1 := Release("p", "nl-aivd", "de-bfv", "es-cni", liaison.ReleasePending)
		r2 := Release("q", "de-bfv", "fr-dgsi", "es-cni", liaison.ReleaseApproved)
		r3 := Release("p", "fr-dgsi", "de-bfv", "it-aise", liaison.ReleaseDenied)
		r1.CreatedAt, r2.CreatedAt, r3.CreatedAt = At(1), At(2), At(3)
		for _, r := range []*liaison.ReleaseRequest{r3, r1, r2} {
			Update(t, s, func(tx liaison.Tx) error { return tx.CreateReleaseRequest(t.Context(), r) })
		}
		tests := []struct {
			name string
			f    liaison.ReleaseFilter
			want []*liaison.ReleaseRequest
		}{
			{"all", liaison.ReleaseFilter{}, []*liaison.ReleaseRequest{r1, r2, r3}},
			{"made or asked by an organisation", liaison.ReleaseFilter{OrgID: "de-bfv"}, []*liaison.ReleaseRequest{r1, r2, r3}},
			{"made by an organisation", liaison.ReleaseFilter{OrgID: "nl-aivd"}, []*liaison.ReleaseRequest{r1}},
			{"asked of an organisation", liaison.ReleaseFilter{OrgID: "fr-dgsi"}, []*liaison.ReleaseRequest{r2, r3}},
			{"of a product", liaison.ReleaseFilter{ProductID: "p"}, []*liaison.ReleaseRequest{r1, r3}},
			{"in a status", liaison.ReleaseFilter{Status: liaison.ReleaseApproved}, []*liaison.ReleaseRequest{r2}},
			{"everything at once", liaison.ReleaseFilter{OrgID: "de-bfv", ProductID: "p", Status: liaison.ReleaseDenied},
				[]*liaison.ReleaseRequest{r3}},
			{"none", liaison.ReleaseFilter{OrgID: "es-cni"}, []*liaison.ReleaseRequest{}},
		}
		for _, tt := range tests {
			got := Get(t, s, func(tx liaison.Tx) ([]*liaison.ReleaseRequest, error) {
				return tx.ReleaseRequests(t.Context(), tt.f)
			})
			Diff(t, tt.name, tt.want, got)
		}
	})
}

// RFI returns an open request for information from one organisation to
// another.
func RFI(from, to string, minute int) *liaison.RFI {
	return &liaison.RFI{
		FromOrg: from, FromOfficer: from + ".analyst", ToOrg: to, Topic: "cyber",
		Question: "Who runs the botnet?", Priority: liaison.PriorityHigh, Deadline: At(minute + 60*24),
		Status: liaison.RFIOpen, Answers: []liaison.RFIAnswer{}, CreatedAt: At(minute),
	}
}

func testRFIs(t *testing.T, open func(*testing.T) liaison.Store) {
	create := func(t *testing.T, s liaison.Store, r *liaison.RFI) *liaison.RFI {
		t.Helper()
		Update(t, s, func(tx liaison.Tx) error { return tx.CreateRFI(t.Context(), r) })
		return r
	}
	get := func(t *testing.T, s liaison.Store, id string) *liaison.RFI {
		t.Helper()
		return Get(t, s, func(tx liaison.Tx) (*liaison.RFI, error) { return tx.RFI(t.Context(), id) })
	}
	t.Run("an RFI reads back as it was created, with a new id", func(t *testing.T) {
		s := open(t)
		r := create(t, s, RFI("de-bfv", "fr-dgsi", 0))
		if !liaison.ValidID(r.ID) {
			t.Fatalf("rfi id %q is not a new id", r.ID)
		}
		Diff(t, "rfi", r, get(t, s, r.ID))
	})
	t.Run("answers are kept in order and mark the RFI answered", func(t *testing.T) {
		s := open(t)
		r := create(t, s, RFI("de-bfv", "fr-dgsi", 0))
		answers := []liaison.RFIAnswer{
			{ProductID: "p2", OfficerID: "fr-dgsi.analyst", At: At(20)},
			{ProductID: "p1", OfficerID: "fr-dgsi.liaison", At: At(10)},
		}
		for _, a := range answers {
			Update(t, s, func(tx liaison.Tx) error { return tx.AnswerRFI(t.Context(), r.ID, a) })
		}
		r.Status, r.Answers = liaison.RFIAnswered, answers
		Diff(t, "answered rfi", r, get(t, s, r.ID))
	})
	t.Run("an RFI's status changes", func(t *testing.T) {
		s := open(t)
		r := create(t, s, RFI("de-bfv", "fr-dgsi", 0))
		Update(t, s, func(tx liaison.Tx) error { return tx.SetRFIStatus(t.Context(), r.ID, liaison.RFIClosed) })
		r.Status = liaison.RFIClosed
		Diff(t, "closed rfi", r, get(t, s, r.ID))
	})
	t.Run("an unknown RFI is not found, answered or changed", func(t *testing.T) {
		s := open(t)
		id := liaison.NewID()
		WantViewCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error { _, err := tx.RFI(t.Context(), id); return err })
		WantUpdateCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error {
			return tx.AnswerRFI(t.Context(), id, liaison.RFIAnswer{ProductID: "p", OfficerID: "o", At: At(1)})
		})
		WantUpdateCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error {
			return tx.SetRFIStatus(t.Context(), id, liaison.RFIClosed)
		})
	})
	t.Run("an RFI id is taken once", func(t *testing.T) {
		s := open(t)
		r := create(t, s, RFI("de-bfv", "fr-dgsi", 0))
		again := RFI("nl-aivd", "fr-dgsi", 1)
		again.ID = r.ID
		WantUpdateCode(t, s, liaison.ECONFLICT, func(tx liaison.Tx) error { return tx.CreateRFI(t.Context(), again) })
	})
	t.Run("RFIs are listed in the order made, filtered", func(t *testing.T) {
		s := open(t)
		r2 := create(t, s, RFI("fr-dgsi", "nl-aivd", 2))
		r1 := create(t, s, RFI("de-bfv", "fr-dgsi", 1))
		r3 := create(t, s, RFI("nl-aivd", "de-bfv", 3))
		a := liaison.RFIAnswer{ProductID: "p", OfficerID: "fr-dgsi.analyst", At: At(5)}
		Update(t, s, func(tx liaison.Tx) error { return tx.AnswerRFI(t.Context(), r1.ID, a) })
		r1.Status, r1.Answers = liaison.RFIAnswered, []liaison.RFIAnswer{a}
		tests := []struct {
			name string
			f    liaison.ListFilter
			want []*liaison.RFI
		}{
			{"all", liaison.ListFilter{}, []*liaison.RFI{r1, r2, r3}},
			{"from or to an organisation", liaison.ListFilter{OrgID: "de-bfv"}, []*liaison.RFI{r1, r3}},
			{"answered by a product", liaison.ListFilter{ProductID: "p"}, []*liaison.RFI{r1}},
			{"limited", liaison.ListFilter{Limit: 1}, []*liaison.RFI{r1}},
			{"none", liaison.ListFilter{OrgID: "es-cni"}, []*liaison.RFI{}},
		}
		for _, tt := range tests {
			got := Get(t, s, func(tx liaison.Tx) ([]*liaison.RFI, error) { return tx.RFIs(t.Context(), tt.f) })
			Diff(t, tt.name, tt.want, got)
		}
	})
}

func testFeedback(t *testing.T, open func(*testing.T) liaison.Store) {
	fb := func(product, org string, minute int) *liaison.Feedback {
		return &liaison.Feedback{ProductID: product, ProductVersion: 1, OrgID: org, OfficerID: org + ".analyst",
			Value: 4, Flags: []string{"actionable", "timely"}, Comment: "led to an arrest", CreatedAt: At(minute)}
	}
	t.Run("feedback reads back as it was given, filtered, in the order given", func(t *testing.T) {
		s := open(t)
		f2, f1, f3 := fb("p", "fr-dgsi", 2), fb("q", "de-bfv", 1), fb("p", "de-bfv", 3)
		for _, f := range []*liaison.Feedback{f2, f1, f3} {
			Update(t, s, func(tx liaison.Tx) error { return tx.CreateFeedback(t.Context(), f) })
			if !liaison.ValidID(f.ID) {
				t.Fatalf("feedback id %q is not a new id", f.ID)
			}
		}
		tests := []struct {
			name string
			f    liaison.ListFilter
			want []*liaison.Feedback
		}{
			{"all", liaison.ListFilter{}, []*liaison.Feedback{f1, f2, f3}},
			{"by an organisation", liaison.ListFilter{OrgID: "de-bfv"}, []*liaison.Feedback{f1, f3}},
			{"on a product", liaison.ListFilter{ProductID: "p"}, []*liaison.Feedback{f2, f3}},
			{"limited", liaison.ListFilter{Limit: 2}, []*liaison.Feedback{f1, f2}},
			{"none", liaison.ListFilter{OrgID: "es-cni"}, []*liaison.Feedback{}},
		}
		for _, tt := range tests {
			got := Get(t, s, func(tx liaison.Tx) ([]*liaison.Feedback, error) { return tx.Feedback(t.Context(), tt.f) })
			Diff(t, tt.name, tt.want, got)
		}
	})
	t.Run("a feedback id is taken once", func(t *testing.T) {
		s := open(t)
		f := fb("p", "fr-dgsi", 2)
		Update(t, s, func(tx liaison.Tx) error { return tx.CreateFeedback(t.Context(), f) })
		again := fb("q", "de-bfv", 3)
		again.ID = f.ID
		WantUpdateCode(t, s, liaison.ECONFLICT, func(tx liaison.Tx) error { return tx.CreateFeedback(t.Context(), again) })
	})
}

func testInteractions(t *testing.T, open func(*testing.T) liaison.Store) {
	meeting := func(day int, orgs ...string) *liaison.Interaction {
		return &liaison.Interaction{Kind: "meeting", Orgs: orgs, Officers: []string{orgs[0] + ".liaison"},
			Date: At(day * 60 * 24), DurationMinutes: 90, Tone: 1, Notes: "cordial", RecordedBy: orgs[0] + ".liaison",
			CreatedAt: At(0)}
	}
	t.Run("interactions read back as recorded, by date, of any participant", func(t *testing.T) {
		s := open(t)
		i2, i1, i3 := meeting(2, "de-bfv", "fr-dgsi"), meeting(1, "fr-dgsi", "nl-aivd"), meeting(3, "de-bfv", "es-cni", "nl-aivd")
		for _, i := range []*liaison.Interaction{i2, i1, i3} {
			Update(t, s, func(tx liaison.Tx) error { return tx.CreateInteraction(t.Context(), i) })
			if !liaison.ValidID(i.ID) {
				t.Fatalf("interaction id %q is not a new id", i.ID)
			}
		}
		tests := []struct {
			name string
			f    liaison.ListFilter
			want []*liaison.Interaction
		}{
			{"all", liaison.ListFilter{}, []*liaison.Interaction{i1, i2, i3}},
			{"of the first organisation", liaison.ListFilter{OrgID: "de-bfv"}, []*liaison.Interaction{i2, i3}},
			{"of the last organisation", liaison.ListFilter{OrgID: "nl-aivd"}, []*liaison.Interaction{i1, i3}},
			{"of a middle organisation", liaison.ListFilter{OrgID: "es-cni"}, []*liaison.Interaction{i3}},
			{"limited", liaison.ListFilter{Limit: 1}, []*liaison.Interaction{i1}},
			{"none", liaison.ListFilter{OrgID: "it-aise"}, []*liaison.Interaction{}},
		}
		for _, tt := range tests {
			got := Get(t, s, func(tx liaison.Tx) ([]*liaison.Interaction, error) { return tx.Interactions(t.Context(), tt.f) })
			Diff(t, tt.name, tt.want, got)
		}
	})
	t.Run("an interaction id is taken once", func(t *testing.T) {
		s := open(t)
		i := meeting(1, "de-bfv", "fr-dgsi")
		Update(t, s, func(tx liaison.Tx) error { return tx.CreateInteraction(t.Context(), i) })
		again := meeting(2, "de-bfv", "nl-aivd")
		again.ID = i.ID
		WantUpdateCode(t, s, liaison.ECONFLICT, func(tx liaison.Tx) error { return tx.CreateInteraction(t.Context(), again) })
	})
}

func testBreaches(t *testing.T, open func(*testing.T) liaison.Store) {
	breach := func(product, org string, minute int) *liaison.Breach {
		return &liaison.Breach{ProductID: product, OrgID: org, Caveat: "ORCON", Description: "passed to a third party",
			ReportedBy: "de-bfv.liaison", At: At(minute), CreatedAt: At(100)}
	}
	t.Run("breaches read back as recorded, by when they happened, filtered", func(t *testing.T) {
		s := open(t)
		b2, b1, b3 := breach("p", "fr-dgsi", 2), breach("q", "nl-aivd", 1), breach("p", "nl-aivd", 3)
		for _, b := range []*liaison.Breach{b2, b1, b3} {
			Update(t, s, func(tx liaison.Tx) error { return tx.CreateBreach(t.Context(), b) })
			if !liaison.ValidID(b.ID) {
				t.Fatalf("breach id %q is not a new id", b.ID)
			}
		}
		tests := []struct {
			name string
			f    liaison.ListFilter
			want []*liaison.Breach
		}{
			{"all", liaison.ListFilter{}, []*liaison.Breach{b1, b2, b3}},
			{"by an organisation", liaison.ListFilter{OrgID: "nl-aivd"}, []*liaison.Breach{b1, b3}},
			{"of a product", liaison.ListFilter{ProductID: "p"}, []*liaison.Breach{b2, b3}},
			{"limited", liaison.ListFilter{Limit: 2}, []*liaison.Breach{b1, b2}},
			{"none", liaison.ListFilter{OrgID: "de-bfv"}, []*liaison.Breach{}},
		}
		for _, tt := range tests {
			got := Get(t, s, func(tx liaison.Tx) ([]*liaison.Breach, error) { return tx.Breaches(t.Context(), tt.f) })
			Diff(t, tt.name, tt.want, got)
		}
	})
	t.Run("a breach id is taken once", func(t *testing.T) {
		s := open(t)
		b := breach("p", "fr-dgsi", 2)
		Update(t, s, func(tx liaison.Tx) error { return tx.CreateBreach(t.Context(), b) })
		again := breach("q", "nl-aivd", 3)
		again.ID = b.ID
		WantUpdateCode(t, s, liaison.ECONFLICT, func(tx liaison.Tx) error { return tx.CreateBreach(t.Context(), again) })
	})
}
