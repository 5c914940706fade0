package liaison

import (
	"context"
	"time"
)

// ProductDraft is what an officer writes to create a product or a new
// version of one. Marking is a banner line, e.g. "SECRET UE//ORCON". To add
// a version, set ID to the product's id; to write a tear-line, set
// ParentID and ParentVersion.
type ProductDraft struct {
	ID            string   `json:"id,omitempty"`
	Title         string   `json:"title"`
	Body          string   `json:"body"`
	Topics        []string `json:"topics"`
	Marking       string   `json:"marking"`
	Reliability   string   `json:"reliability"`
	Credibility   string   `json:"credibility"`
	ParentID      string   `json:"parent_id,omitempty"`
	ParentVersion int      `json:"parent_version,omitempty"`
}

// ProductQuery pages through the products visible to the caller, newest
// holding first. Before is the HeldAt of the last product of the previous
// page.
type ProductQuery struct {
	Limit  int       `json:"limit,omitempty"`
	Before time.Time `json:"before,omitzero"`
}

// DecisionQuery asks the policy about an action on a product, without
// performing it. To names the recipient organisation (disseminate,
// forward); AgreementID picks the agreement, or the best one in force is
// found; NewMarking is the banner wanted for downgrade. Version 0 is the
// newest version the caller holds.
type DecisionQuery struct {
	ProductID   string `json:"product_id"`
	Version     int    `json:"version,omitempty"`
	Action      Action `json:"action"`
	To          string `json:"to,omitempty"`
	AgreementID string `json:"agreement_id,omitempty"`
	NewMarking  string `json:"new_marking,omitempty"`
}

// DisseminationOrder sends a product version to an organisation. The
// policy decides; a refusal is an EDENIED error carrying every reason.
type DisseminationOrder struct {
	ProductID   string `json:"product_id"`
	Version     int    `json:"version,omitempty"`
	To          string `json:"to"`
	AgreementID string `json:"agreement_id,omitempty"`
}

// ReleaseDraft asks the originators of a product to consent to its release
// to a third party; one request is made per originator whose consent is
// missing.
type ReleaseDraft struct {
	ProductID     string `json:"product_id"`
	To            string `json:"to"`
	Justification string `json:"justification"`
}

// ReleaseDecision is an originator's answer to a release request.
type ReleaseDecision struct {
	Approve    bool       `json:"approve"`
	Conditions string     `json:"conditions,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
}

// AuditBreak names the first broken link of an audit chain.
type AuditBreak struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"`
}

// AuditReport is the result of verifying an audit chain.
type AuditReport struct {
	Events  int64       `json:"events"`
	LastSeq int64       `json:"last_seq"`
	Head    string      `json:"head"` // hex hash of the last intact event
	Broken  *AuditBreak `json:"broken,omitempty"`
}

// OK reports whether the chain verified intact.
func (r AuditReport) OK() bool { return r.Broken == nil }

// Service is what an authenticated officer can do on a node. Every call is
// authorised (by role, and for products by the policy) and recorded in the
// audit chain. A product the caller may not see is ENOTFOUND, never
// EFORBIDDEN. Two implementations: package desk, working on a Store for one
// officer, and the REST client in package api, so that the CLI works the
// same on a data directory and against a server.
type Service interface {
	// Whoami returns the calling officer.
	Whoami(ctx context.Context) (*Officer, error)
	// Node returns the node's identity.
	Node(ctx context.Context) (*Node, error)

	CreateOrganisation(ctx context.Context, o *Organisation) error
	Organisations(ctx context.Context) ([]*Organisation, error)
	Organisation(ctx context.Context, id string) (*Organisation, error)

	// CreateOfficer registers an officer and returns their first API token,
	// shown only this once.
	CreateOfficer(ctx context.Context, o *Officer) (token string, err error)
	// Officers lists the officers of an organisation ("" for all the caller may see).
	Officers(ctx context.Context, orgID string) ([]*Officer, error)
	// IssueToken makes a new API token for an officer, shown only this once.
	IssueToken(ctx context.Context, officerID string) (string, error)

	CreateAgreement(ctx context.Context, a *Agreement) error
	Agreements(ctx context.Context) ([]*Agreement, error)
	Agreement(ctx context.Context, id string) (*Agreement, error)
	SetAgreementStatus(ctx context.Context, id string, s AgreementStatus) (*Agreement, error)

	CreateProduct(ctx context.Context, d ProductDraft) (*Product, error)
	// Products lists what the caller may see, newest first.
	Products(ctx context.Context, q ProductQuery) ([]*Product, error)
	// Product returns a version the caller may see (0: the newest).
	Product(ctx context.Context, id string, version int) (*Product, error)
	// Decide asks the policy without acting.
	Decide(ctx context.Context, q DecisionQuery) (Decision, error)
	// Disseminate sends a product under the policy.
	Disseminate(ctx context.Context, o DisseminationOrder) (*Dissemination, error)
	Disseminations(ctx context.Context, f ListFilter) ([]*Dissemination, error)

	RequestRelease(ctx context.Context, d ReleaseDraft) ([]*ReleaseRequest, error)
	DecideRelease(ctx context.Context, id string, d ReleaseDecision) (*ReleaseRequest, error)
	ReleaseRequests(ctx context.Context, f ReleaseFilter) ([]*ReleaseRequest, error)

	CreateRFI(ctx context.Context, r *RFI) error
	RFIs(ctx context.Context, f ListFilter) ([]*RFI, error)
	AnswerRFI(ctx context.Context, id, productID string) (*RFI, error)

	CreateFeedback(ctx context.Context, f *Feedback) error
	Feedback(ctx context.Context, f ListFilter) ([]*Feedback, error)

	CreateInteraction(ctx context.Context, i *Interaction) error
	Interactions(ctx context.Context, f ListFilter) ([]*Interaction, error)

	RecordBreach(ctx context.Context, b *Breach) error
	Breaches(ctx context.Context, f ListFilter) ([]*Breach, error)

	// SetThreatPriorities replaces an organisation's threat priorities
	// with ps (none clears them) and returns them as stored, by rank. When
	// every rank in ps is 0 the order of ps is the ranking. An
	// organisation's administrators and liaison officers set its own; the
	// node's administrators set any organisation's (what a partner told
	// of its priorities).
	SetThreatPriorities(ctx context.Context, orgID string, ps []ThreatPriority) ([]*ThreatPriority, error)
	// ThreatPriorities lists an organisation's current threat priorities
	// by rank, or, for "", those of every organisation the caller may
	// read, by organisation and rank. The home organisation's officers
	// (auditors excepted) read every organisation's; a partner's officers
	// only their own organisation's.
	ThreatPriorities(ctx context.Context, orgID string) ([]*ThreatPriority, error)
	// SetCoverage replaces an organisation's coverage with cs (none
	// clears it) and returns it as stored, by topic and discipline; who
	// may set it is as for SetThreatPriorities.
	SetCoverage(ctx context.Context, orgID string, cs []Coverage) ([]*Coverage, error)
	// Coverage lists an organisation's current coverage (or, for "", that
	// of every organisation the caller may read) by organisation, topic
	// and discipline; who may read it is as for ThreatPriorities.
	Coverage(ctx context.Context, orgID string) ([]*Coverage, error)

	// AuditEvents lists audit events after a sequence number (the home
	// organisation's admins and auditors).
	AuditEvents(ctx context.Context, afterSeq int64, limit int) ([]*AuditEvent, error)
	// VerifyAudit walks the whole chain (the home organisation's admins and
	// auditors).
	VerifyAudit(ctx context.Context) (AuditReport, error)
}
