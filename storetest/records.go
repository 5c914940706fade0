package storetest

import (
	"bytes"
	"testing"

	"github.com/liaison-dev/liaison"
)

func testNode(t *testing.T, open func(*testing.T) liaison.Store) {
	node := &liaison.Node{ID: "node-1", Name: "Berlin hub", HomeOrg: "de-bfv",
		PublicKey: bytes.Repeat([]byte{0xab}, 32), CreatedAt: At(0)}

	t.Run("a node is not found before it is initialised", func(t *testing.T) {
		s := open(t)
		WantViewCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error {
			_, err := tx.Node(t.Context())
			return err
		})
	})
	t.Run("a node reads back as it was initialised", func(t *testing.T) {
		s := open(t)
		Update(t, s, func(tx liaison.Tx) error { return tx.InitNode(t.Context(), node) })
		got := Get(t, s, func(tx liaison.Tx) (*liaison.Node, error) { return tx.Node(t.Context()) })
		Diff(t, "node", node, got)
	})
	t.Run("a node is initialised only once", func(t *testing.T) {
		s := open(t)
		Update(t, s, func(tx liaison.Tx) error { return tx.InitNode(t.Context(), node) })
		other := *node
		other.ID = "node-2"
		WantUpdateCode(t, s, liaison.ECONFLICT, func(tx liaison.Tx) error { return tx.InitNode(t.Context(), &other) })
		got := Get(t, s, func(tx liaison.Tx) (*liaison.Node, error) { return tx.Node(t.Context()) })
		Diff(t, "node after a second init", node, got)
	})
}

func testOrganisations(t *testing.T, open func(*testing.T) liaison.Store) {
	t.Run("an organisation reads back as it was created", func(t *testing.T) {
		s := open(t)
		o := Org("de-bfv")
		Update(t, s, func(tx liaison.Tx) error { return tx.CreateOrganisation(t.Context(), o) })
		got := Get(t, s, func(tx liaison.Tx) (*liaison.Organisation, error) {
			return tx.Organisation(t.Context(), "de-bfv")
		})
		Diff(t, "organisation", o, got)
	})
	t.Run("organisations are listed by id", func(t *testing.T) {
		s := open(t)
		CreateOrgs(t, s, "fr-dgsi", "de-bfv", "nl-aivd")
		got := Get(t, s, func(tx liaison.Tx) ([]*liaison.Organisation, error) {
			return tx.Organisations(t.Context())
		})
		Diff(t, "organisations", []*liaison.Organisation{Org("de-bfv"), Org("fr-dgsi"), Org("nl-aivd")}, got)
	})
	t.Run("an unknown organisation is not found", func(t *testing.T) {
		s := open(t)
		WantViewCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error {
			_, err := tx.Organisation(t.Context(), "xx-none")
			return err
		})
	})
	t.Run("an organisation id is taken once", func(t *testing.T) {
		s := open(t)
		CreateOrgs(t, s, "de-bfv")
		WantUpdateCode(t, s, liaison.ECONFLICT, func(tx liaison.Tx) error {
			return tx.CreateOrganisation(t.Context(), Org("de-bfv"))
		})
	})
}

func testOfficers(t *testing.T, open func(*testing.T) liaison.Store) {
	create := func(t *testing.T, s liaison.Store, officers ...*liaison.Officer) {
		t.Helper()
		Update(t, s, func(tx liaison.Tx) error {
			for _, o := range officers {
				if err := tx.CreateOfficer(t.Context(), o); err != nil {
					return err
				}
			}
			return nil
		})
	}
	t.Run("an officer reads back as they were created", func(t *testing.T) {
		s := open(t)
		o := Officer("de-bfv.mueller", "de-bfv")
		create(t, s, o)
		got := Get(t, s, func(tx liaison.Tx) (*liaison.Officer, error) {
			return tx.Officer(t.Context(), "de-bfv.mueller")
		})
		Diff(t, "officer", o, got)
	})
	t.Run("officers are listed by id, of one organisation or of all", func(t *testing.T) {
		s := open(t)
		create(t, s, Officer("fr-dgsi.martin", "fr-dgsi"), Officer("de-bfv.schmidt", "de-bfv"),
			Officer("de-bfv.mueller", "de-bfv"))
		tests := []struct {
			org  string
			want []*liaison.Officer
		}{
			{"", []*liaison.Officer{Officer("de-bfv.mueller", "de-bfv"), Officer("de-bfv.schmidt", "de-bfv"),
				Officer("fr-dgsi.martin", "fr-dgsi")}},
			{"de-bfv", []*liaison.Officer{Officer("de-bfv.mueller", "de-bfv"), Officer("de-bfv.schmidt", "de-bfv")}},
			{"nl-aivd", []*liaison.Officer{}},
		}
		for _, tt := range tests {
			got := Get(t, s, func(tx liaison.Tx) ([]*liaison.Officer, error) { return tx.Officers(t.Context(), tt.org) })
			Diff(t, "officers of "+tt.org, tt.want, got)
		}
	})
	t.Run("an unknown officer is not found", func(t *testing.T) {
		s := open(t)
		WantViewCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error {
			_, err := tx.Officer(t.Context(), "xx.none")
			return err
		})
	})
	t.Run("an officer id is taken once", func(t *testing.T) {
		s := open(t)
		create(t, s, Officer("de-bfv.mueller", "de-bfv"))
		WantUpdateCode(t, s, liaison.ECONFLICT, func(tx liaison.Tx) error {
			return tx.CreateOfficer(t.Context(), Officer("de-bfv.mueller", "fr-dgsi"))
		})
	})
}

func testTokens(t *testing.T, open func(*testing.T) liaison.Store) {
	hash := func(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }
	t.Run("a token is found by its hash", func(t *testing.T) {
		s := open(t)
		tok := &liaison.Token{ID: "token-1", OfficerID: "de-bfv.mueller", Hash: hash(1), CreatedAt: At(0)}
		Update(t, s, func(tx liaison.Tx) error { return tx.CreateToken(t.Context(), tok) })
		got := Get(t, s, func(tx liaison.Tx) (*liaison.Token, error) { return tx.TokenByHash(t.Context(), hash(1)) })
		Diff(t, "token", tok, got)
	})
	t.Run("a token without an id is given one", func(t *testing.T) {
		s := open(t)
		tok := &liaison.Token{OfficerID: "de-bfv.mueller", Hash: hash(1), CreatedAt: At(0)}
		Update(t, s, func(tx liaison.Tx) error { return tx.CreateToken(t.Context(), tok) })
		if tok.ID == "" {
			t.Fatal("token has no id after CreateToken")
		}
		got := Get(t, s, func(tx liaison.Tx) (*liaison.Token, error) { return tx.TokenByHash(t.Context(), hash(1)) })
		Diff(t, "token", tok, got)
	})
	t.Run("a revoked or unknown token is not found", func(t *testing.T) {
		s := open(t)
		tok := &liaison.Token{ID: "token-1", OfficerID: "de-bfv.mueller", Hash: hash(1), CreatedAt: At(0),
			RevokedAt: ptr(At(5))}
		Update(t, s, func(tx liaison.Tx) error { return tx.CreateToken(t.Context(), tok) })
		for _, h := range [][]byte{hash(1), hash(2)} {
			WantViewCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error {
				_, err := tx.TokenByHash(t.Context(), h)
				return err
			})
		}
	})
	t.Run("a token id and a token hash are taken once", func(t *testing.T) {
		s := open(t)
		Update(t, s, func(tx liaison.Tx) error {
			return tx.CreateToken(t.Context(), &liaison.Token{ID: "token-1", OfficerID: "a", Hash: hash(1), CreatedAt: At(0)})
		})
		for _, tok := range []*liaison.Token{
			{ID: "token-1", OfficerID: "a", Hash: hash(2), CreatedAt: At(0)},
			{ID: "token-2", OfficerID: "a", Hash: hash(1), CreatedAt: At(0)},
		} {
			WantUpdateCode(t, s, liaison.ECONFLICT, func(tx liaison.Tx) error { return tx.CreateToken(t.Context(), tok) })
		}
	})
}

func testAgreements(t *testing.T, open func(*testing.T) liaison.Store) {
	t.Run("an agreement reads back as it was created, with a new id", func(t *testing.T) {
		s := open(t)
		a := Agreement("DE-FR counter-terrorism", "de-bfv", "fr-dgsi")
		Update(t, s, func(tx liaison.Tx) error { return tx.CreateAgreement(t.Context(), a) })
		if !liaison.ValidID(a.ID) {
			t.Fatalf("agreement id %q is not a new id", a.ID)
		}
		got := Get(t, s, func(tx liaison.Tx) (*liaison.Agreement, error) { return tx.Agreement(t.Context(), a.ID) })
		Diff(t, "agreement", a, got)
	})
	t.Run("agreements are listed by creation, of one party or of all", func(t *testing.T) {
		s := open(t)
		a1 := Agreement("one", "de-bfv", "fr-dgsi")
		a2 := Agreement("two", "fr-dgsi", "nl-aivd")
		a2.CreatedAt = At(-5) // created earlier, stored later
		a3 := Agreement("three", "de-bfv", "fr-dgsi", "nl-aivd")
		a3.CreatedAt = a1.CreatedAt // same time: stored order breaks the tie
		for _, a := range []*liaison.Agreement{a1, a2, a3} {
			Update(t, s, func(tx liaison.Tx) error { return tx.CreateAgreement(t.Context(), a) })
		}
		tests := []struct {
			org  string
			want []*liaison.Agreement
		}{
			{"", []*liaison.Agreement{a2, a1, a3}},
			{"de-bfv", []*liaison.Agreement{a1, a3}},
			{"nl-aivd", []*liaison.Agreement{a2, a3}},
			{"xx-none", []*liaison.Agreement{}},
		}
		for _, tt := range tests {
			got := Get(t, s, func(tx liaison.Tx) ([]*liaison.Agreement, error) { return tx.Agreements(t.Context(), tt.org) })
			Diff(t, "agreements of "+tt.org, tt.want, got)
		}
	})
	t.Run("an agreement's status changes", func(t *testing.T) {
		s := open(t)
		a := Agreement("one", "de-bfv", "fr-dgsi")
		Update(t, s, func(tx liaison.Tx) error { return tx.CreateAgreement(t.Context(), a) })
		Update(t, s, func(tx liaison.Tx) error {
			return tx.SetAgreementStatus(t.Context(), a.ID, liaison.AgreementSuspended)
		})
		got := Get(t, s, func(tx liaison.Tx) (*liaison.Agreement, error) { return tx.Agreement(t.Context(), a.ID) })
		a.Status = liaison.AgreementSuspended
		Diff(t, "agreement", a, got)
	})
	t.Run("an unknown agreement is not found, nor its status set", func(t *testing.T) {
		s := open(t)
		WantViewCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error {
			_, err := tx.Agreement(t.Context(), liaison.NewID())
			return err
		})
		WantUpdateCode(t, s, liaison.ENOTFOUND, func(tx liaison.Tx) error {
			return tx.SetAgreementStatus(t.Context(), liaison.NewID(), liaison.AgreementTerminated)
		})
	})
	t.Run("an agreement id is taken once", func(t *testing.T) {
		s := open(t)
		a := Agreement("one", "de-bfv", "fr-dgsi")
		Update(t, s, func(tx liaison.Tx) error { return tx.CreateAgreement(t.Context(), a) })
		b := Agreement("two", "de-bfv", "nl-aivd")
		b.ID = a.ID
		WantUpdateCode(t, s, liaison.ECONFLICT, func(tx liaison.Tx) error { return tx.CreateAgreement(t.Context(), b) })
	})
}
