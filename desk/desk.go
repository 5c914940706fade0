// Package desk is the liaison desk: every act an officer performs on a node
// — registering partners and agreements, writing products, disseminating
// them, asking for and granting releases, answering RFIs, giving feedback —
// authorised by role and by the policy, and recorded in the audit chain in
// the same transaction as the change it records.
//
// A Desk serves the whole node; As binds it to one authenticated officer
// and returns a liaison.Service. The REST API and the CLI both go through
// it, so there is one place where the rules are enforced.
package desk

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/audit"
	"github.com/liaison-dev/liaison/marking"
	"github.com/liaison-dev/liaison/policy"
)

// Config holds what a Desk needs. Store and Marks are required; Clock
// defaults to the system clock and Logger to a logger that discards.
type Config struct {
	Store  liaison.Store
	Marks  *marking.Registry
	Clock  liaison.Clock
	Logger *slog.Logger
}

// Desk carries out officers' acts on one node. It is safe for concurrent use.
type Desk struct {
	store  liaison.Store
	marks  *marking.Registry
	policy *policy.Engine
	clock  liaison.Clock
	log    *slog.Logger
	node   atomic.Pointer[liaison.Node]
	validatorState

	// orgs caches organisations by id. Organisations are never changed
	// once registered (there is no update), so a cached copy cannot go
	// stale; an id not cached is looked up in the transaction.
	orgs sync.Map

	// models are the assessment models, rebuilt when the audit chain
	// moves (see assess.go).
	models models
}

// organisation returns an organisation, from the cache when it can.
func (d *Desk) organisation(ctx context.Context, tx liaison.Tx, id string) (*liaison.Organisation, error) {
	if o, ok := d.orgs.Load(id); ok {
		return o.(*liaison.Organisation), nil
	}
	o, err := tx.Organisation(ctx, id)
	if err != nil {
		return nil, err
	}
	d.orgs.Store(id, o)
	return o, nil
}

// New returns a Desk over cfg.Store.
func New(cfg Config) *Desk {
	if cfg.Clock == nil {
		cfg.Clock = liaison.SystemClock
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Marks == nil {
		cfg.Marks = marking.DefaultRegistry()
	}
	return &Desk{store: cfg.Store, marks: cfg.Marks, policy: policy.New(cfg.Marks), clock: cfg.Clock, log: cfg.Logger}
}

// Marks returns the marking registry the desk decides with.
func (d *Desk) Marks() *marking.Registry { return d.marks }

// InitParams bootstraps a node: its name, the organisation that runs it,
// and that organisation's first administrator. AdminToken, when set, is
// used as the administrator's token instead of a generated one (the demo
// takes it from LIAISON_ADMIN_TOKEN); it must be at least 16 characters.
// Key is the node's Ed25519 private key; one is generated when it is nil
// (the caller that will sign with it must then keep its own).
type InitParams struct {
	NodeName   string
	Org        liaison.Organisation
	Admin      liaison.Officer
	AdminToken string
	Key        ed25519.PrivateKey
}

// Init records the node's identity, its home organisation and its
// administrator, and returns the administrator's token, shown only once.
// It fails with ECONFLICT when the node is already initialised.
func (d *Desk) Init(ctx context.Context, p InitParams) (string, error) {
	if strings.TrimSpace(p.NodeName) == "" {
		return "", liaison.Errorf(liaison.EINVALID, "init: a node name is required")
	}
	if p.AdminToken != "" && len(p.AdminToken) < 16 {
		return "", liaison.Errorf(liaison.EINVALID, "init: an administrator token must be at least 16 characters")
	}
	key := p.Key
	if key == nil {
		var err error
		if _, key, err = ed25519.GenerateKey(rand.Reader); err != nil {
			return "", fmt.Errorf("init: generate node key: %w", err)
		}
	}
	now := d.clock.Now()
	node := &liaison.Node{ID: liaison.NewID(), Name: strings.TrimSpace(p.NodeName), HomeOrg: p.Org.ID,
		PublicKey: key.Public().(ed25519.PublicKey), CreatedAt: now}
	org, admin := p.Org, p.Admin
	org.NodeID, org.CreatedAt = node.ID, now
	org.Normalise()
	if err := org.Validate(); err != nil {
		return "", err
	}
	admin.OrgID, admin.Role, admin.Active, admin.CreatedAt = org.ID, liaison.RoleAdmin, true, now
	if len(admin.NeedToKnow) == 0 {
		admin.NeedToKnow = []string{liaison.AllTopics}
	}
	if err := d.validOfficer(&admin); err != nil {
		return "", err
	}
	secret, tok := p.AdminToken, (*liaison.Token)(nil)
	if secret == "" {
		secret = newSecret()
	}
	tok = &liaison.Token{ID: liaison.NewID(), OfficerID: admin.ID, Hash: hashToken(secret), CreatedAt: now}
	err := d.store.Update(ctx, func(tx liaison.Tx) error {
		if err := tx.InitNode(ctx, node); err != nil {
			return err
		}
		if err := tx.CreateOrganisation(ctx, &org); err != nil {
			return err
		}
		if err := d.putIdentity(ctx, tx, &org); err != nil {
			return err
		}
		own, err := liaisonObjects()
		if err != nil {
			return err
		}
		if _, err := tx.PutObjects(ctx, own); err != nil {
			return err
		}
		if err := tx.CreateOfficer(ctx, &admin); err != nil {
			return err
		}
		if err := tx.CreateToken(ctx, tok); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, &liaison.AuditEvent{At: now, Actor: "system", ActorOrg: org.ID,
			Action: "node.init", Object: node.ID, Target: org.ID, Allowed: true, Reasons: []liaison.Reason{},
			Detail: fmt.Sprintf("node %q initialised with administrator %s", node.Name, admin.ID)})
	})
	if err != nil {
		if liaison.ErrorCode(err) == liaison.ECONFLICT {
			return "", liaison.Errorf(liaison.ECONFLICT, "init: this node is already initialised")
		}
		return "", err
	}
	d.node.Store(node)
	return secret, nil
}

// tokenPrefix marks liaison API tokens so that secret scanners can find them.
const tokenPrefix = "lsn_"

func newSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("desk: crypto/rand failed: %v", err))
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

func hashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Authenticate returns the active officer whose token this is, or an
// EUNAUTHORIZED error that says nothing of why.
func (d *Desk) Authenticate(ctx context.Context, token string) (*liaison.Officer, error) {
	unauthorized := liaison.Errorf(liaison.EUNAUTHORIZED, "invalid or missing token")
	if token == "" || len(token) > 256 {
		return nil, unauthorized
	}
	want := hashToken(token)
	var officer *liaison.Officer
	err := d.store.View(ctx, func(tx liaison.Tx) error {
		t, err := tx.TokenByHash(ctx, want)
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare(t.Hash, want) != 1 {
			return unauthorized
		}
		officer, err = tx.Officer(ctx, t.OfficerID)
		return err
	})
	if err != nil {
		if c := liaison.ErrorCode(err); c == liaison.ENOTFOUND || c == liaison.EUNAUTHORIZED {
			return nil, unauthorized
		}
		return nil, err
	}
	if !officer.Active {
		return nil, unauthorized
	}
	return officer, nil
}

// Officer returns an officer by id, without authorisation: for the
// operator who holds the data directory (the CLI's --as).
func (d *Desk) Officer(ctx context.Context, id string) (*liaison.Officer, error) {
	var o *liaison.Officer
	err := d.store.View(ctx, func(tx liaison.Tx) (err error) {
		o, err = tx.Officer(ctx, id)
		return err
	})
	return o, err
}

// LocalAdmin returns the first active administrator of the node's home
// organisation: the identity of the operator who works on the data
// directory directly.
func (d *Desk) LocalAdmin(ctx context.Context) (*liaison.Officer, error) {
	node, err := d.Node(ctx)
	if err != nil {
		return nil, err
	}
	var admin *liaison.Officer
	err = d.store.View(ctx, func(tx liaison.Tx) error {
		officers, err := tx.Officers(ctx, node.HomeOrg)
		if err != nil {
			return err
		}
		for _, o := range officers {
			if o.Role == liaison.RoleAdmin && o.Active {
				admin = o
				return nil
			}
		}
		return liaison.Errorf(liaison.ENOTFOUND, "the home organisation %s has no active administrator", node.HomeOrg)
	})
	return admin, err
}

// Node returns the node's identity (ENOTFOUND before Init).
func (d *Desk) Node(ctx context.Context) (*liaison.Node, error) {
	if n := d.node.Load(); n != nil {
		return n, nil
	}
	var n *liaison.Node
	err := d.store.View(ctx, func(tx liaison.Tx) (err error) {
		n, err = tx.Node(ctx)
		return err
	})
	if err != nil {
		if liaison.ErrorCode(err) == liaison.ENOTFOUND {
			return nil, liaison.Errorf(liaison.ENOTFOUND, "this node is not initialised: run liaison init")
		}
		return nil, err
	}
	d.node.Store(n)
	return n, nil
}

// VerifyAudit walks the whole audit chain and reports the first broken
// link, if any. A long chain is verified in parts at once, one per core,
// each part from the stored hash of the event before it; the report is the
// same as a single pass would give.
func (d *Desk) VerifyAudit(ctx context.Context) (liaison.AuditReport, error) {
	var last int64
	err := d.store.View(ctx, func(tx liaison.Tx) (err error) {
		last, _, err = tx.AuditHead(ctx)
		return err
	})
	if err != nil {
		return liaison.AuditReport{}, fmt.Errorf("verify audit: %w", err)
	}
	if last == 0 {
		return liaison.AuditReport{}, nil
	}
	starts, prevs := []int64{0}, [][]byte{audit.Genesis}
	if parts := int64(min(runtime.GOMAXPROCS(0), 8)); parts > 1 && last >= parts*minAuditPart {
		for i := int64(1); i < parts; i++ {
			seq := last * i / parts
			var e []*liaison.AuditEvent
			err := d.store.View(ctx, func(tx liaison.Tx) (err error) {
				e, err = tx.AuditEvents(ctx, seq-1, 1)
				return err
			})
			if err != nil {
				return liaison.AuditReport{}, fmt.Errorf("verify audit: %w", err)
			}
			if len(e) != 1 || e[0].Seq != seq {
				// The chain is broken around here: one pass names the link.
				starts, prevs = []int64{0}, [][]byte{audit.Genesis}
				break
			}
			starts, prevs = append(starts, seq), append(prevs, e[0].Hash)
		}
	}
	scan := func(ctx context.Context, after, through int64, fn func(*liaison.AuditEvent) error) error {
		return d.store.View(ctx, func(tx liaison.Tx) error { return tx.ScanAudit(ctx, after, through, fn) })
	}
	r, err := audit.VerifyParts(ctx, scan, last, starts, prevs)
	if err != nil {
		return liaison.AuditReport{}, fmt.Errorf("verify audit: %w", err)
	}
	return r, nil
}

// minAuditPart is the least number of events worth a part of its own.
const minAuditPart = 10000

// As binds the desk to an authenticated officer.
func (d *Desk) As(o *liaison.Officer) liaison.Service {
	return &session{d: d, me: o}
}

// validOfficer normalises and validates an officer, clearance included.
func (d *Desk) validOfficer(o *liaison.Officer) error {
	if err := o.Normalise(); err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		return err
	}
	if _, err := d.marks.Rank(o.Clearance); err != nil {
		return markingError(fmt.Sprintf("officer %s: clearance", o.ID), err)
	}
	return nil
}

// markingError turns a marking error into an EMARKING domain error.
func markingError(what string, err error) error {
	return &liaison.Error{Code: liaison.EMARKING, Message: fmt.Sprintf("%s: %v", what, err)}
}
