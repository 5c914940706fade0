package stix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
)

// The liaison extension: one STIX extension-definition, made once and never
// changed (a new version of it keeps the id and raises the version).
const (
	// ExtensionID is the id of liaison's extension-definition; objects
	// carry the extension under this key of their "extensions".
	ExtensionID = "extension-definition--d81382c4-692c-4a3c-826c-3e1dfe18fd3e"
	// ExtensionVersion is the version of the extension this package writes
	// and reads.
	ExtensionVersion = "1.0.0"
	// ExtensionSchemaURL is where the JSON Schema of the extension's
	// properties is published (docs/stix-extension-schema.json).
	ExtensionSchemaURL = "https://raw.githubusercontent.com/liaison-dev/liaison/main/docs/stix-extension-schema.json"
	// ProjectIdentityID is the STIX identity of the liaison project: the
	// creator of the extension-definition and of the statement
	// marking-definitions liaison writes, which must read the same on every
	// node.
	ProjectIdentityID = "identity--8e57c583-745f-4cf6-880a-3dd3bf59ef1a"
	// TLP2ExtensionID is the OASIS extension-definition that the TLP 2.0
	// marking-definitions carry their level in ("tlp_2_0").
	TLP2ExtensionID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
)

// projectEpoch is the created (and modified) time of the objects the
// liaison project defines once: the extension-definition, the project
// identity and liaison's statement marking-definitions.
var projectEpoch = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// Extension is liaison's handling of a STIX object, carried in the
// object's extensions under ExtensionID as a property-extension:
//
//   - on a report: the product's marking (classification, banner and
//     caveats), its provenance (originator, origins, the third-party rule),
//     its grading, topics, product id and version, tear-line parent and
//     the node it was made on;
//   - on a statement marking-definition: the marking whose banner is the
//     statement;
//   - on an identity: the organisation it describes.
//
// Its JSON form is specified by docs/stix-extension-schema.json; decoding
// rejects properties that schema does not define, because an unknown
// caveat ignored is a caveat broken.
type Extension struct {
	// Classification is the zero value when the extension carries no
	// handling (on an identity).
	Classification marking.Classification
	// Banner is the marking as a banner line (marking.Marking.String);
	// it must agree with Classification and the caveats.
	Banner            string
	OriginatorControl bool
	NoForeign         bool
	ReleasableTo      []string
	NoOnward          bool
	InfoOnly          bool
	LeadOnly          bool
	Handling          marking.HandlingCode
	Expires           time.Time // zero: no expiry

	// Originator is the organisation that made the product; Origins the
	// provenance that travels with it (see liaison.Product.Origins).
	Originator string
	Origins    []string
	// ThirdPartyRule says that the object may not reach an organisation
	// without the consent of every origin. liaison sets it on every
	// product; it is true whenever OriginatorControl is.
	ThirdPartyRule bool
	Reliability    string // A–F
	Credibility    string // 1–6
	Topics         []string
	ProductID      string
	ProductVersion int
	ParentID       string // the product a tear-line was derived from
	ParentVersion  int
	OriginNode     string

	// Organisation is set on an identity.
	Organisation *OrganisationInfo
}

// OrganisationInfo is what the extension of an identity says of the
// organisation: what liaison.Organisation holds beyond the identity's name.
type OrganisationInfo struct {
	ID          string          `json:"id"`
	Kind        liaison.OrgKind `json:"kind"`
	Country     string          `json:"country,omitempty"`
	Memberships []string        `json:"memberships,omitempty"`
	NodeID      string          `json:"node_id,omitempty"`
}

// extensionJSON is the wire form of Extension. Empty lists are left out:
// STIX forbids empty lists in extension properties.
type extensionJSON struct {
	ExtensionType  string                  `json:"extension_type"`
	Classification *marking.Classification `json:"classification,omitempty"`
	Banner         string                  `json:"banner,omitempty"`
	Caveats        *caveatsJSON            `json:"caveats,omitempty"`
	Originator     string                  `json:"originator,omitempty"`
	Origins        []string                `json:"origins,omitempty"`
	ThirdPartyRule bool                    `json:"third_party_rule,omitempty"`
	Reliability    string                  `json:"reliability,omitempty"`
	Credibility    string                  `json:"credibility,omitempty"`
	Topics         []string                `json:"topics,omitempty"`
	ProductID      string                  `json:"product_id,omitempty"`
	ProductVersion int                     `json:"product_version,omitempty"`
	ParentID       string                  `json:"parent_id,omitempty"`
	ParentVersion  int                     `json:"parent_version,omitempty"`
	OriginNode     string                  `json:"origin_node,omitempty"`
	Organisation   *OrganisationInfo       `json:"organisation,omitempty"`
}

// caveatsJSON mirrors the caveats of marking.Marking, with their names.
type caveatsJSON struct {
	OriginatorControl bool                 `json:"orcon,omitempty"`
	NoForeign         bool                 `json:"noforn,omitempty"`
	ReleasableTo      []string             `json:"rel_to,omitempty"`
	NoOnward          bool                 `json:"no_onward,omitempty"`
	InfoOnly          bool                 `json:"info_only,omitempty"`
	LeadOnly          bool                 `json:"lead_only,omitempty"`
	Handling          marking.HandlingCode `json:"handling,omitempty"`
	Expires           string               `json:"expires,omitempty"`
}

// MarshalJSON writes the extension in its STIX form, with
// "extension_type": "property-extension".
func (e Extension) MarshalJSON() ([]byte, error) {
	w := extensionJSON{
		ExtensionType: "property-extension", Banner: e.Banner,
		Originator: e.Originator, Origins: e.Origins, ThirdPartyRule: e.ThirdPartyRule,
		Reliability: e.Reliability, Credibility: e.Credibility, Topics: e.Topics,
		ProductID: e.ProductID, ProductVersion: e.ProductVersion,
		ParentID: e.ParentID, ParentVersion: e.ParentVersion, OriginNode: e.OriginNode,
		Organisation: e.Organisation,
	}
	if e.Classification != (marking.Classification{}) {
		c := e.Classification
		w.Classification = &c
	}
	c := caveatsJSON{OriginatorControl: e.OriginatorControl, NoForeign: e.NoForeign, ReleasableTo: e.ReleasableTo,
		NoOnward: e.NoOnward, InfoOnly: e.InfoOnly, LeadOnly: e.LeadOnly, Handling: e.Handling}
	if !e.Expires.IsZero() {
		c.Expires = FormatTimestamp(e.Expires)
	}
	if c.OriginatorControl || c.NoForeign || len(c.ReleasableTo) > 0 || c.NoOnward || c.InfoOnly || c.LeadOnly ||
		c.Handling != "" || c.Expires != "" {
		w.Caveats = &c
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the STIX form of the extension. It rejects unknown
// properties, an extension_type other than "property-extension", and an
// expiry that is not a STIX timestamp.
func (e *Extension) UnmarshalJSON(b []byte) error {
	var w extensionJSON
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&w); err != nil {
		return fmt.Errorf("liaison extension: %w", err)
	}
	if w.ExtensionType != "property-extension" {
		return fmt.Errorf("liaison extension: extension_type %q, want \"property-extension\"", w.ExtensionType)
	}
	*e = Extension{
		Banner: w.Banner, Originator: w.Originator, Origins: w.Origins, ThirdPartyRule: w.ThirdPartyRule,
		Reliability: w.Reliability, Credibility: w.Credibility, Topics: w.Topics,
		ProductID: w.ProductID, ProductVersion: w.ProductVersion,
		ParentID: w.ParentID, ParentVersion: w.ParentVersion, OriginNode: w.OriginNode,
		Organisation: w.Organisation,
	}
	if w.Classification != nil {
		e.Classification = *w.Classification
	}
	if c := w.Caveats; c != nil {
		e.OriginatorControl, e.NoForeign, e.ReleasableTo = c.OriginatorControl, c.NoForeign, c.ReleasableTo
		e.NoOnward, e.InfoOnly, e.LeadOnly, e.Handling = c.NoOnward, c.InfoOnly, c.LeadOnly, c.Handling
		if c.Expires != "" {
			t, err := ParseTimestamp(c.Expires)
			if err != nil {
				return fmt.Errorf("liaison extension: caveats.expires: %w", err)
			}
			e.Expires = t
		}
	}
	return nil
}

// HasMarking reports whether the extension carries handling (a
// classification).
func (e *Extension) HasMarking() bool { return e.Classification != (marking.Classification{}) }

// Marking returns the handling the extension carries. It is an error when
// there is none, when the banner does not print the structured marking
// (one of them was altered), or when originator control is set without the
// third-party rule. The classification is not checked against a registry:
// the caller validates the marking with its own (marking.Registry.Validate),
// which knows its national schemes.
func (e *Extension) Marking() (marking.Marking, error) {
	if !e.HasMarking() {
		return marking.Marking{}, liaison.Errorf(liaison.EMARKING, "liaison extension carries no classification")
	}
	m := marking.Marking{
		Classification: e.Classification, OriginatorControl: e.OriginatorControl, NoForeign: e.NoForeign,
		ReleasableTo: slices.Clone(e.ReleasableTo), NoOnward: e.NoOnward, InfoOnly: e.InfoOnly,
		LeadOnly: e.LeadOnly, Handling: e.Handling, Expires: e.Expires,
	}
	if len(m.ReleasableTo) == 0 {
		m.ReleasableTo = nil
	}
	if e.Banner != "" && e.Banner != m.String() {
		return marking.Marking{}, liaison.Errorf(liaison.EMARKING,
			"liaison extension: banner %q does not match the structured marking %q", e.Banner, m.String())
	}
	if m.OriginatorControl && !e.ThirdPartyRule {
		return marking.Marking{}, liaison.Errorf(liaison.EMARKING,
			"liaison extension: originator control (ORCON) without the third-party rule")
	}
	return m, nil
}

// setMarking puts m in e, banner included.
func (e *Extension) setMarking(m marking.Marking) {
	e.Classification, e.Banner = m.Classification, m.String()
	e.OriginatorControl, e.NoForeign, e.NoOnward = m.OriginatorControl, m.NoForeign, m.NoOnward
	e.InfoOnly, e.LeadOnly, e.Handling = m.InfoOnly, m.LeadOnly, m.Handling
	e.ReleasableTo = nil
	if len(m.ReleasableTo) > 0 {
		e.ReleasableTo = slices.Clone(m.ReleasableTo)
		slices.Sort(e.ReleasableTo)
		e.ReleasableTo = slices.Compact(e.ReleasableTo)
	}
	e.Expires = time.Time{}
	if !m.Expires.IsZero() {
		e.Expires = m.Expires.UTC()
	}
	if m.OriginatorControl {
		e.ThirdPartyRule = true
	}
}

// ProductExtension returns the extension of the report of product p: its
// marking, provenance, grading, topics, ids and parent. The third-party
// rule is always set: liaison applies it to every product. Origins always
// hold the originator (a product whose origins were not computed yet gets
// its originator alone). The officer who wrote the product is not
// included; people's names stay on their node.
func ProductExtension(p *liaison.Product) *Extension {
	origins := p.Origins
	if p.OriginatorOrg != "" && !slices.Contains(origins, p.OriginatorOrg) {
		origins = append(slices.Clone(origins), p.OriginatorOrg)
	}
	e := &Extension{
		Originator: p.OriginatorOrg, Origins: sortedCopy(origins), ThirdPartyRule: true,
		Reliability: p.Reliability, Credibility: p.Credibility, Topics: sortedCopy(p.Topics),
		ProductID: p.ID, ProductVersion: p.Version, ParentID: p.ParentID, ParentVersion: p.ParentVersion,
		OriginNode: p.OriginNode,
	}
	e.setMarking(p.Marking)
	return e
}

// sortedCopy returns s sorted and without duplicates, nil when empty.
func sortedCopy(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	c := slices.Clone(s)
	slices.Sort(c)
	return slices.Compact(c)
}

// extensionDefinitionJSON is the STIX extension-definition object.
type extensionDefinitionJSON struct {
	Type              string   `json:"type"`
	SpecVersion       string   `json:"spec_version"`
	ID                string   `json:"id"`
	CreatedByRef      string   `json:"created_by_ref"`
	Created           string   `json:"created"`
	Modified          string   `json:"modified"`
	Name              string   `json:"name"`
	Description       string   `json:"description"`
	Schema            string   `json:"schema"`
	Version           string   `json:"version"`
	ExtensionTypes    []string `json:"extension_types"`
	ObjectMarkingRefs []string `json:"object_marking_refs"`
}

// ExtensionDefinition returns liaison's extension-definition object, as
// published in docs/stix-extension-definition.json (compacted). It is
// public: marked TLP:CLEAR.
func ExtensionDefinition() json.RawMessage {
	b, err := json.Marshal(extensionDefinitionJSON{
		Type: "extension-definition", SpecVersion: "2.1", ID: ExtensionID, CreatedByRef: ProjectIdentityID,
		Created: FormatTimestamp(projectEpoch), Modified: FormatTimestamp(projectEpoch),
		Name: "liaison handling",
		Description: "The handling of intelligence exchanged between services under liaison: " +
			"classification and its scheme, banner, caveats (originator control, releasability, " +
			"no onward dissemination, information or lead only, handling code, expiry), originator " +
			"and provenance under the third-party rule, source reliability and information credibility, " +
			"topics, product version and tear-line parent; on identities, the organisation described.",
		Schema: ExtensionSchemaURL, Version: ExtensionVersion, ExtensionTypes: []string{"property-extension"},
		ObjectMarkingRefs: []string{TLPClear},
	})
	if err != nil {
		panic("stix: extension-definition does not marshal: " + err.Error())
	}
	return b
}

// projectIdentityJSON is the identity of the liaison project.
type projectIdentityJSON struct {
	Type              string   `json:"type"`
	SpecVersion       string   `json:"spec_version"`
	ID                string   `json:"id"`
	Created           string   `json:"created"`
	Modified          string   `json:"modified"`
	Name              string   `json:"name"`
	Description       string   `json:"description"`
	IdentityClass     string   `json:"identity_class"`
	ObjectMarkingRefs []string `json:"object_marking_refs"`
}

// ProjectIdentity returns the identity object of the liaison project
// (ProjectIdentityID), the created_by_ref of the extension-definition and
// of liaison's statement marking-definitions, so that exports can carry
// what those refer to.
func ProjectIdentity() json.RawMessage {
	b, err := json.Marshal(projectIdentityJSON{
		Type: "identity", SpecVersion: "2.1", ID: ProjectIdentityID,
		Created: FormatTimestamp(projectEpoch), Modified: FormatTimestamp(projectEpoch),
		Name:          "liaison",
		Description:   "The liaison project: software for the exchange of intelligence between services under markings, caveats and the third-party rule.",
		IdentityClass: "organization", ObjectMarkingRefs: []string{TLPClear},
	})
	if err != nil {
		panic("stix: project identity does not marshal: " + err.Error())
	}
	return b
}
