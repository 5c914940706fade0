package liaison

import (
	"strings"
	"time"

	"github.com/liaison-dev/liaison/marking"
)

// Role is what an officer may do on the node, before the policy looks at
// any product.
type Role string

// The roles.
const (
	RoleAdmin   Role = "admin"           // manages the node's organisations, officers and agreements; acts as a liaison officer
	RoleLiaison Role = "liaison_officer" // disseminates, forwards, asks for and decides releases
	RoleAnalyst Role = "analyst"         // reads and writes products, gives feedback
	RoleAuditor Role = "auditor"         // reads the audit chain; reads no product
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleLiaison, RoleAnalyst, RoleAuditor:
		return true
	}
	return false
}

// Officer is a person acting for an organisation: a liaison officer, an
// analyst, an administrator or an auditor. Clearance bounds the
// classification they may read; NeedToKnow lists the topics they may read
// about (AllTopics for every topic).
type Officer struct {
	ID         string                 `json:"id"` // a handle, e.g. "de-bfv.mueller"
	OrgID      string                 `json:"org_id"`
	Name       string                 `json:"name"`
	Role       Role                   `json:"role"`
	Clearance  marking.Classification `json:"clearance"`
	NeedToKnow []string               `json:"need_to_know"`
	Active     bool                   `json:"active"`
	CreatedAt  time.Time              `json:"created_at"`
}

// Normalise puts the officer's fields in canonical form.
func (o *Officer) Normalise() error {
	o.ID = strings.TrimSpace(o.ID)
	o.Name = strings.TrimSpace(o.Name)
	t, err := normaliseTopics(o.NeedToKnow)
	if err != nil {
		return err
	}
	o.NeedToKnow = t
	return nil
}

// Validate reports the first problem with o. The clearance is checked
// against the marking registry by the caller that has it.
func (o *Officer) Validate() error {
	switch {
	case !ValidSlug(o.ID):
		return Errorf(EINVALID, "officer id %q: use 1-63 lower-case letters, digits, '.', '-' or '_'", o.ID)
	case !ValidSlug(o.OrgID):
		return Errorf(EINVALID, "officer %s: organisation is required", o.ID)
	case o.Name == "":
		return Errorf(EINVALID, "officer %s: name is required", o.ID)
	case !o.Role.Valid():
		return Errorf(EINVALID, "officer %s: role %q is not one of admin, liaison_officer, analyst, auditor", o.ID, o.Role)
	case o.Clearance.Scheme == "" || o.Clearance.Level == "":
		return Errorf(EINVALID, "officer %s: clearance is required", o.ID)
	}
	return nil
}

// Token is an API credential of an officer. Only the SHA-256 hash of the
// secret is stored; the secret is shown once, when it is made.
type Token struct {
	ID        string     `json:"id"`
	OfficerID string     `json:"officer_id"`
	Hash      []byte     `json:"-"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}
