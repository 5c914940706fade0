package liaison

import (
	"context"
	"time"
)

// Node is the identity of this liaison node: the sovereign unit that holds
// products and decides what leaves it. HomeOrg is the organisation that
// runs it (for a hub, the hub itself). PublicKey is its Ed25519 key, by
// which federated peers will verify what it signs.
type Node struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	HomeOrg   string    `json:"home_org"`
	PublicKey []byte    `json:"public_key"`
	CreatedAt time.Time `json:"created_at"`
}

// AuditEvent is one entry of the tamper-evident audit chain. Seq, PrevHash
// and Hash are set by Tx.AppendAudit: Hash is SHA-256 over PrevHash and the
// canonical encoding of the event (see package audit).
type AuditEvent struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`     // officer id, or "system"
	ActorOrg string    `json:"actor_org"` // the actor's organisation
	Action   string    `json:"action"`    // e.g. "product.create", "decision.forward", "dissemination.create"
	Object   string    `json:"object"`    // the id acted on
	Target   string    `json:"target"`    // the organisation acted towards, if any
	Allowed  bool      `json:"allowed"`   // false for a denied decision or refused act
	Reasons  []Reason  `json:"reasons"`
	Detail   string    `json:"detail"` // short free text
	PrevHash []byte    `json:"prev_hash"`
	Hash     []byte    `json:"hash"`
}

// ProductFilter selects products from an organisation's holdings for an
// officer: at most MaxRank on the common classification scale, sharing a
// topic with Topics (which may hold AllTopics), newest holding first.
// Before, when not zero, pages: only holdings older than it.
type ProductFilter struct {
	OrgID   string
	MaxRank int
	Topics  []string
	Before  time.Time
	Limit   int
}

// ReleaseFilter selects release requests; empty fields match any.
type ReleaseFilter struct {
	OrgID     string // requester or originator
	ProductID string
	Status    ReleaseStatus
}

// ListFilter selects records involving an organisation; empty matches any.
type ListFilter struct {
	OrgID     string
	ProductID string
	Limit     int
}

// Store keeps a node's data. Every write runs in one transaction together
// with the audit event that records it: Update commits both or neither.
//
// Implementations: sqlite (the embedded default). Every implementation
// passes the conformance suite in package storetest.
type Store interface {
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Update runs fn in a read-write transaction, committed when fn
	// returns nil and rolled back otherwise.
	Update(ctx context.Context, fn func(Tx) error) error
	// Close releases the store.
	Close() error
}

// Tx is one transaction on a Store. Lookups of a single record return an
// *Error with ENOTFOUND when it is absent; creations return ECONFLICT when
// the id is taken. Records are returned in a stable order stated per method.
type Tx interface {
	// Node returns the node's identity (ENOTFOUND before init).
	Node(ctx context.Context) (*Node, error)
	// InitNode records the node's identity once (ECONFLICT after).
	InitNode(ctx context.Context, n *Node) error

	Organisation(ctx context.Context, id string) (*Organisation, error)
	// Organisations lists all organisations by id.
	Organisations(ctx context.Context) ([]*Organisation, error)
	CreateOrganisation(ctx context.Context, o *Organisation) error

	Officer(ctx context.Context, id string) (*Officer, error)
	// Officers lists officers by id, of one organisation or of all when orgID is "".
	Officers(ctx context.Context, orgID string) ([]*Officer, error)
	CreateOfficer(ctx context.Context, o *Officer) error

	// CreateToken stores a token (its hash only).
	CreateToken(ctx context.Context, t *Token) error
	// TokenByHash returns the unrevoked token with that hash (ENOTFOUND otherwise).
	TokenByHash(ctx context.Context, hash []byte) (*Token, error)

	Agreement(ctx context.Context, id string) (*Agreement, error)
	// Agreements lists agreements by creation, those with orgID as a party
	// or all when orgID is "".
	Agreements(ctx context.Context, orgID string) ([]*Agreement, error)
	CreateAgreement(ctx context.Context, a *Agreement) error
	SetAgreementStatus(ctx context.Context, id string, s AgreementStatus) error

	// Product returns a version of a product; version 0 means the newest.
	Product(ctx context.Context, id string, version int) (*Product, error)
	// ProductVersions lists every version of a product, oldest first.
	ProductVersions(ctx context.Context, id string) ([]*Product, error)
	// CreateProduct stores p as a new version. With an empty ID it makes a
	// new product (ID set, version 1); with the ID of an existing product it
	// adds the next version. rank is p's classification on the common
	// scale. It records the originator's holding. Origins is computed: the
	// originator, the origins p already names (provenance that came with
	// an imported product) and those of the parent.
	CreateProduct(ctx context.Context, p *Product, rank int) error
	// Lineage returns p's ancestors, parent first (the versions named).
	Lineage(ctx context.Context, p *Product) ([]*Product, error)

	// Holding returns the org's newest unrecalled holding of the product,
	// of the given version or, when version is 0, of any version.
	Holding(ctx context.Context, orgID, productID string, version int) (*Holding, error)
	// VisibleProducts lists the newest visible version of each product the
	// filter's organisation holds, newest holding first: an indexed lookup.
	VisibleProducts(ctx context.Context, f ProductFilter) ([]*Product, error)
	// Holders lists the organisations holding any version of a product.
	Holders(ctx context.Context, productID string) ([]*Holding, error)

	// CreateDissemination stores d and the recipient's holding.
	CreateDissemination(ctx context.Context, d *Dissemination) error
	// Disseminations lists disseminations by time, filtered.
	Disseminations(ctx context.Context, f ListFilter) ([]*Dissemination, error)
	// Consents returns the organisations that have consented to any of the
	// products in productIDs reaching toOrg: by an unrecalled dissemination
	// from them to toOrg, or by an approved, unexpired release request
	// addressed to them for toOrg. Sorted, without duplicates.
	Consents(ctx context.Context, productIDs []string, toOrg string, now time.Time) ([]string, error)

	// ScanExchanges calls fn for every unrecalled dissemination (of
	// productID, or of any product when it is ""), as an exchange joined
	// to the product version it carried, in time order (then by id),
	// stopping at fn's first error.
	ScanExchanges(ctx context.Context, productID string, fn func(*Exchange) error) error

	CreateReleaseRequest(ctx context.Context, r *ReleaseRequest) error
	ReleaseRequest(ctx context.Context, id string) (*ReleaseRequest, error)
	ReleaseRequests(ctx context.Context, f ReleaseFilter) ([]*ReleaseRequest, error)
	// UpdateReleaseRequest stores a decision: status, conditions, decider, times.
	UpdateReleaseRequest(ctx context.Context, r *ReleaseRequest) error

	CreateRFI(ctx context.Context, r *RFI) error
	RFI(ctx context.Context, id string) (*RFI, error)
	RFIs(ctx context.Context, f ListFilter) ([]*RFI, error)
	// AnswerRFI links a product to the RFI and marks it answered.
	AnswerRFI(ctx context.Context, id string, a RFIAnswer) error
	SetRFIStatus(ctx context.Context, id string, s RFIStatus) error

	CreateFeedback(ctx context.Context, f *Feedback) error
	Feedback(ctx context.Context, f ListFilter) ([]*Feedback, error)

	CreateInteraction(ctx context.Context, i *Interaction) error
	Interactions(ctx context.Context, f ListFilter) ([]*Interaction, error)

	CreateBreach(ctx context.Context, b *Breach) error
	Breaches(ctx context.Context, f ListFilter) ([]*Breach, error)

	// SetThreatPriorities replaces orgID's threat priorities with ps (none
	// clears them), set at at: it sets OrgID and SetAt on each entry and
	// keeps the list it replaces as history. ps must be valid (see
	// ValidateThreatPriorities). ECONFLICT when at is before the time
	// the current list was set, which would make the history run backwards.
	SetThreatPriorities(ctx context.Context, orgID string, ps []*ThreatPriority, at time.Time) error
	// ThreatPriorities lists the current threat priorities of orgID, or of
	// every organisation when orgID is "", by organisation and rank: an
	// indexed lookup.
	ThreatPriorities(ctx context.Context, orgID string) ([]*ThreatPriority, error)
	// SetCoverage replaces orgID's coverage with cs as SetThreatPriorities
	// replaces priorities; cs must be valid (see ValidateCoverage).
	SetCoverage(ctx context.Context, orgID string, cs []*Coverage, at time.Time) error
	// Coverage lists the current coverage of orgID, or of every
	// organisation when orgID is "", by organisation, topic and
	// discipline: an indexed lookup.
	Coverage(ctx context.Context, orgID string) ([]*Coverage, error)

	// PutObjects stores object versions in order, each unless a version
	// with the same ID, Version and SpecVersion is held already (one
	// withdrawn from the home collection is restored, as new, when given
	// byte for byte as it is held, and only then). It sets
	// Added on the versions it stores and reports which it stored.
	PutObjects(ctx context.Context, objs []*Object) ([]bool, error)
	// ShareObjects adds held object versions to orgID's collection with a
	// new date_added; versions already there are left as they are and
	// withdrawn ones restored. It returns how many it added.
	ShareObjects(ctx context.Context, orgID string, keys []ObjectKey) (int, error)
	// SharesDue lists, oldest first and at most limit (0: all), the
	// product versions orgID came to hold (the newest of each product,
	// with its holding time) after the time SetSharedThrough last
	// recorded: those whose STIX objects its collection does not hold yet.
	SharesDue(ctx context.Context, orgID string, limit int) ([]*Holding, error)
	// SetSharedThrough records that orgID's collection holds the STIX
	// objects of what it came to hold up to at (it never moves back).
	SetSharedThrough(ctx context.Context, orgID string, at time.Time) error
	// LatestObjects returns the newest unwithdrawn version held of each of
	// ids that the node holds, without Raw, in no particular order.
	LatestObjects(ctx context.Context, ids []string) ([]*Object, error)
	// ProductObject returns the object that is the STIX form of a product
	// version, without Raw (ENOTFOUND when there is none).
	ProductObject(ctx context.Context, productID string, version int) (*Object, error)
	// QueryObjects returns one page of the object versions q selects from
	// the scope's collection, in date_added order.
	QueryObjects(ctx context.Context, scope ObjectScope, q ObjectQuery) (*ObjectPage, error)
	// WithdrawObjects removes the selected versions of an object from the
	// scope's collection (they stay in the store) and returns how many.
	WithdrawObjects(ctx context.Context, scope ObjectScope, id string, versions VersionMatch, specVersions []string, at time.Time) (int, error)
	// PutImportStatus stores the status of an add request.
	PutImportStatus(ctx context.Context, s *ImportStatus) error
	// ImportStatus returns a stored status (ENOTFOUND when absent).
	ImportStatus(ctx context.Context, id string) (*ImportStatus, error)

	// AppendAudit appends e to the audit chain, setting Seq, PrevHash and Hash.
	AppendAudit(ctx context.Context, e *AuditEvent) error
	// AuditHead returns the Seq and Hash of the last event (0, nil when empty).
	AuditHead(ctx context.Context) (int64, []byte, error)
	// AuditEvents lists events with Seq > afterSeq in order, at most limit (0: all).
	AuditEvents(ctx context.Context, afterSeq int64, limit int) ([]*AuditEvent, error)
	// ScanAudit calls fn for every event with afterSeq < Seq <= throughSeq
	// (throughSeq 0: to the end) in Seq order, stopping at fn's first
	// error. fn must not retain the event: it may be reused.
	ScanAudit(ctx context.Context, afterSeq, throughSeq int64, fn func(*AuditEvent) error) error
}
