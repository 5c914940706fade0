package liaison

import (
	"context"
	"encoding/json"
	"time"

	"github.com/liaison-dev/liaison/marking"
)

// Object is one version of a STIX 2.1 object the node holds: imported from
// a bundle or a MISP event, posted over TAXII, or emitted by liaison itself
// for its products (reports), organisations (identities) and markings
// (marking-definitions). Raw is kept byte for byte as received, so that
// unknown object types and custom properties pass through intact.
//
// An object version is identified by ID and Version. Version is the STIX
// modified timestamp, or created for objects that are not versioned, or
// the zero time for objects with neither (cyber-observables), which then
// have one version only.
type Object struct {
	ID          string          `json:"id"`
	Type        string          `json:"type"`
	SpecVersion string          `json:"spec_version"`
	Version     time.Time       `json:"version,omitzero"`
	Raw         json.RawMessage `json:"raw"`
	// Added is the TAXII date_added of the object in the collection it was
	// read from, set by the store: unique and increasing within a
	// collection, so that it pages without gaps or repeats.
	Added time.Time `json:"added,omitzero"`
	// Marking is the object's handling in liaison's terms, resolved from
	// its marking references and the liaison extension when it was stored;
	// Rank is its classification on the common scale, for clearance checks.
	Marking marking.Marking `json:"marking"`
	Rank    int             `json:"rank"`
	// Origin is the organisation the object came from: the originator of
	// the product it belongs to, the partner that posted or gave it, or
	// the home organisation for what the node imported itself.
	Origin string `json:"origin"`
	// ProductID and ProductVersion name the product a report object is the
	// STIX form of, when it is one.
	ProductID      string `json:"product_id,omitempty"`
	ProductVersion int    `json:"product_version,omitempty"`
	// Refs are the ids of the objects that travel with this one when it is
	// disseminated: a report's object_refs, the marking-definitions it
	// references and its created_by_ref identity.
	Refs []string `json:"refs,omitempty"`
}

// Collection is a TAXII collection: one audience's view of the objects a
// node holds. The home organisation's officers read the home collection,
// everything the node holds up to their clearance; a partner's officers
// read their organisation's collection, what was disseminated to it or
// came from it. Writing to a collection gives objects to the node with the
// collection's audience as their origin.
type Collection struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Alias       string   `json:"alias,omitempty"`
	CanRead     bool     `json:"can_read"`
	CanWrite    bool     `json:"can_write"`
	MediaTypes  []string `json:"media_types,omitempty"`
	// OrgID is the organisation whose view the collection is.
	OrgID string `json:"-"`
}

// VersionMatch selects versions of each object, as TAXII's match[version]
// does. The zero value selects the last version only, TAXII's default.
// All excludes the others; First, Last and At combine by OR.
type VersionMatch struct {
	All   bool
	First bool
	Last  bool
	At    []time.Time
}

// IsZero reports whether m selects nothing explicitly (and so means Last).
func (m VersionMatch) IsZero() bool { return !m.All && !m.First && !m.Last && len(m.At) == 0 }

// ObjectQuery selects object versions from a collection in date_added
// order, as TAXII's objects, manifest and versions endpoints do. Empty
// slices match everything. SpecVersions empty means the latest spec
// version held of each object.
type ObjectQuery struct {
	Collection string
	// AddedAfter keeps only versions added strictly after it.
	AddedAfter time.Time
	// Next is the cursor returned by the previous page ("" for the first).
	Next         string
	IDs          []string
	Types        []string
	Versions     VersionMatch
	SpecVersions []string
	// Limit bounds the page; 0 or more than MaxObjectPage means MaxObjectPage.
	Limit int
	// WithoutRaw leaves Object.Raw nil (for manifests and version lists).
	WithoutRaw bool
	// Lean fills only ID, Version, Added and Raw: what a TAXII page shows,
	// read for less.
	Lean bool
}

// MaxObjectPage is the most objects one page of a collection holds.
const MaxObjectPage = 1000

// ObjectPage is one page of a collection. More is true when more versions
// match; Next then continues from this page.
type ObjectPage struct {
	Objects []*Object
	More    bool
	Next    string
}

// Import statuses, as TAXII's status resource has them.
const (
	StatusComplete = "complete"
	StatusPending  = "pending"
)

// ObjectResult is the outcome for one object of an import.
type ObjectResult struct {
	ID      string `json:"id"`
	Version string `json:"version,omitempty"`
	Message string `json:"message,omitempty"`
}

// ImportStatus reports what became of a set of objects given to the node:
// TAXII's status resource, also returned by the importer.
type ImportStatus struct {
	ID               string         `json:"id"`
	Status           string         `json:"status"`
	RequestTimestamp time.Time      `json:"request_timestamp"`
	TotalCount       int            `json:"total_count"`
	SuccessCount     int            `json:"success_count"`
	Successes        []ObjectResult `json:"successes,omitempty"`
	FailureCount     int            `json:"failure_count"`
	Failures         []ObjectResult `json:"failures,omitempty"`
	PendingCount     int            `json:"pending_count"`
	Pendings         []ObjectResult `json:"pendings,omitempty"`
	// OrgID is the organisation that gave the objects; only its officers
	// may read the status.
	OrgID string `json:"-"`
}

// ObjectService is an officer's access to the STIX objects of a node,
// collection by collection: what the TAXII server serves. A collection
// the officer may not read answers ENOTFOUND, as a missing one does.
type ObjectService interface {
	// Collections lists the collections the officer may read or write,
	// in a stable order.
	Collections(ctx context.Context) ([]*Collection, error)
	// Collection returns one of them.
	Collection(ctx context.Context, id string) (*Collection, error)
	// Objects returns one page of the versions q selects.
	Objects(ctx context.Context, q ObjectQuery) (*ObjectPage, error)
	// AddObjects gives objects to the node through a collection the
	// officer may write. Each object succeeds or fails on its own; the
	// returned status says which, and is kept for Status.
	AddObjects(ctx context.Context, collectionID string, objects []json.RawMessage) (*ImportStatus, error)
	// DeleteObject withdraws the selected versions of an object from a
	// collection: they are no longer served from it, and the audit chain
	// records the act. It answers ENOTFOUND when nothing matched.
	DeleteObject(ctx context.Context, collectionID, id string, versions VersionMatch, specVersions []string) error
	// Status returns the status of an earlier AddObjects.
	Status(ctx context.Context, id string) (*ImportStatus, error)
}

// ObjectKey names one version of an object. Added, when set, is the
// version's date_added in the home collection as the store returned it
// (Object.Added of a home read): it spares the store a lookup.
type ObjectKey struct {
	ID      string
	Version time.Time
	Added   time.Time
}

// ObjectScope is whose collection a store query reads: OrgID's (a
// partner's: what reached it), or with OrgID "" everything the node
// holds; either way only objects of classification rank at most MaxRank,
// and of the Topics when they are given.
type ObjectScope struct {
	OrgID   string
	MaxRank int
	// Topics, when not nil, is the reader's need-to-know: the STIX form of
	// a product is in the scope only when the product version shares one
	// of them. Objects that are no product's have no topics and are not
	// restricted by it.
	Topics []string
}
