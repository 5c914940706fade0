package stix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
)

// Namespace is the UUID namespace of the ids liaison derives (UUID version
// 5, RFC 4122): the same organisation or marking always gets the same STIX
// id, on every node.
const Namespace = "564d8237-3c3d-49b1-ab19-0f90045dbea6"

var namespace = uuid.MustParse(Namespace)

// derivedID returns the id of type typ that liaison derives from name.
func derivedID(typ, name string) string {
	return typ + "--" + uuid.NewSHA1(namespace, []byte(name)).String()
}

// IdentityID returns the STIX id of the identity of organisation orgID
// (derived from "organisation:" and the id).
func IdentityID(orgID string) string { return derivedID("identity", "organisation:"+orgID) }

// MarkingDefinitionID returns the id of the marking-definition of m: the
// official TLP 2.0 id for a TLP level without caveats, otherwise an id
// derived from m's banner ("marking:" and m.String(), which is canonical:
// equal markings have the same banner).
func MarkingDefinitionID(m marking.Marking) string {
	if id, ok := plainTLP(m); ok {
		return id
	}
	return derivedID("marking-definition", "marking:"+m.String())
}

// plainTLP returns the TLP 2.0 marking-definition id of m when m is a TLP
// level without caveats.
func plainTLP(m marking.Marking) (string, bool) {
	if m.Classification.Scheme != "TLP" || m.Caveats() != "" {
		return "", false
	}
	return TLPID(m.Classification.Level)
}

// tlpDefinitions are the TLP 2.0 marking-definitions exactly as OASIS
// publishes them (cti-stix-common-objects, extension-definition-
// specifications/tlp-2.0), compacted, by level.
var tlpDefinitions = map[string]string{
	"CLEAR":        tlpDefinition(TLPClear, "CLEAR", "clear"),
	"GREEN":        tlpDefinition(TLPGreen, "GREEN", "green"),
	"AMBER":        tlpDefinition(TLPAmber, "AMBER", "amber"),
	"AMBER+STRICT": tlpDefinition(TLPAmberStrict, "AMBER+STRICT", "amber+strict"),
	"RED":          tlpDefinition(TLPRed, "RED", "red"),
}

func tlpDefinition(id, name, level string) string {
	return `{"type":"marking-definition","spec_version":"2.1","id":"` + id +
		`","created":"2022-10-01T00:00:00.000Z","name":"TLP:` + name + `","extensions":{"` + TLP2ExtensionID +
		`":{"extension_type":"property-extension","tlp_2_0":"` + level + `"}}}`
}

// markingDefinitionJSON is a statement marking-definition.
type markingDefinitionJSON struct {
	Type           string                `json:"type"`
	SpecVersion    string                `json:"spec_version"`
	ID             string                `json:"id"`
	CreatedByRef   string                `json:"created_by_ref"`
	Created        string                `json:"created"`
	Name           string                `json:"name"`
	DefinitionType string                `json:"definition_type"`
	Definition     statementJSON         `json:"definition"`
	Extensions     map[string]*Extension `json:"extensions"`
}

type statementJSON struct {
	Statement string `json:"statement"`
}

// MarkingDefinition returns the marking-definition of m, with id
// MarkingDefinitionID(m). For a TLP level without caveats it is the
// official TLP 2.0 object, byte for byte as OASIS publishes it (compacted).
// Otherwise it is a statement marking-definition whose statement is m's
// banner, carrying m structured in the liaison extension, created by the
// liaison project at a fixed time, so that every node writes the same
// object for the same marking. It is an EMARKING error when m has no
// classification.
func MarkingDefinition(m marking.Marking) (json.RawMessage, error) {
	if m.Classification.Scheme == "" || m.Classification.Level == "" {
		return nil, liaison.Errorf(liaison.EMARKING, "marking-definition: the marking has no classification")
	}
	if _, ok := plainTLP(m); ok {
		return json.RawMessage(tlpDefinitions[m.Classification.Level]), nil
	}
	ext := &Extension{}
	ext.setMarking(m)
	return marshal(markingDefinitionJSON{
		Type: "marking-definition", SpecVersion: "2.1", ID: MarkingDefinitionID(m), CreatedByRef: ProjectIdentityID,
		Created: FormatTimestamp(projectEpoch), Name: ext.Banner, DefinitionType: "statement",
		Definition: statementJSON{Statement: ext.Banner}, Extensions: map[string]*Extension{ExtensionID: ext},
	})
}

// marshal encodes v as compact JSON without escaping <, > and & (which
// titles and bodies are full of).
func marshal(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// markingRefs returns the object_marking_refs of an object marked m: the
// TLP 2.0 id for a TLP level, plus the marking-definition of m when it has
// caveats (the statement says them); the marking-definition of m for any
// other scheme.
func markingRefs(m marking.Marking) []string {
	if m.Classification.Scheme == "TLP" {
		if id, ok := TLPID(m.Classification.Level); ok {
			if m.Caveats() == "" {
				return []string{id}
			}
			return []string{id, MarkingDefinitionID(m)}
		}
	}
	return []string{MarkingDefinitionID(m)}
}

// ReportOptions are the choices Report leaves to its caller.
type ReportOptions struct {
	// ObjectRefs are the STIX objects the report is about; when there are
	// none, the report refers to its creator's identity, as STIX requires
	// at least one reference.
	ObjectRefs []string
	// FirstCreated is when version 1 of the product was made: the STIX
	// created (and published) time of every version. When it is zero the
	// product's own CreatedAt is used, which is right for version 1 only.
	FirstCreated time.Time
	// ReportTypes default to ["threat-report"].
	ReportTypes []string
}

// reportJSON is a STIX report.
type reportJSON struct {
	Type              string                `json:"type"`
	SpecVersion       string                `json:"spec_version"`
	ID                string                `json:"id"`
	CreatedByRef      string                `json:"created_by_ref"`
	Created           string                `json:"created"`
	Modified          string                `json:"modified"`
	Name              string                `json:"name"`
	Description       string                `json:"description,omitempty"`
	ReportTypes       []string              `json:"report_types"`
	Published         string                `json:"published"`
	ObjectRefs        []string              `json:"object_refs"`
	Labels            []string              `json:"labels,omitempty"`
	ObjectMarkingRefs []string              `json:"object_marking_refs"`
	Extensions        map[string]*Extension `json:"extensions"`
}

// Report returns the STIX report of one version of product p:
// ReportWith(p, ReportOptions{ObjectRefs: objectRefs}).
func Report(p *liaison.Product, objectRefs []string) (json.RawMessage, error) {
	return ReportWith(p, ReportOptions{ObjectRefs: objectRefs})
}

// ReportWith returns the STIX report of one version of product p. Each
// version of a product is a version of one STIX object:
//
//   - id "report--" and p.ID (a UUID);
//   - created and published: when version 1 was made (o.FirstCreated, or
//     p.CreatedAt); modified: p.CreatedAt; all in TimestampFormat;
//   - name: the title; description: the body; labels: the topics;
//     report_types: o.ReportTypes or ["threat-report"];
//   - created_by_ref: the identity of the originator (IdentityID);
//   - object_refs: o.ObjectRefs, or the originator's identity when empty;
//   - object_marking_refs: see MarkingDefinitionID; for a TLP level the
//     official TLP id, plus liaison's statement when there are caveats;
//   - the liaison extension (ProductExtension), which carries the marking,
//     provenance and grading losslessly.
//
// Bad input (an id that is not a UUID, no originator, no creation time, no
// version, a product that fails liaison.Product.Validate, a reference that
// is not a STIX id, a first version later than this one) is an EINVALID
// error (EMARKING for a missing marking).
func ReportWith(p *liaison.Product, o ReportOptions) (json.RawMessage, error) {
	switch {
	case !validUUID(p.ID):
		return nil, liaison.Errorf(liaison.EINVALID, "report of product %q: the product id is not an RFC 4122 UUID", p.ID)
	case p.Title == "":
		return nil, liaison.Errorf(liaison.EINVALID, "report of product %s: the product has no title", p.ID)
	case p.OriginatorOrg == "":
		return nil, liaison.Errorf(liaison.EINVALID, "report of product %s: the product has no originator", p.ID)
	case p.CreatedAt.IsZero():
		return nil, liaison.Errorf(liaison.EINVALID, "report of product %s: the product has no creation time", p.ID)
	case p.Marking.Classification.Scheme == "" || p.Marking.Classification.Level == "":
		return nil, liaison.Errorf(liaison.EMARKING, "report of product %s: the product has no marking", p.ID)
	case p.Version < 1:
		return nil, liaison.Errorf(liaison.EINVALID, "report of product %s: version %d is not a product version", p.ID, p.Version)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("report of product %s: %w", p.ID, err)
	}
	first := o.FirstCreated
	if first.IsZero() {
		first = p.CreatedAt
	}
	if FormatTimestamp(first) > FormatTimestamp(p.CreatedAt) {
		return nil, liaison.Errorf(liaison.EINVALID, "report of product %s: version 1 (%s) is later than version %d (%s)",
			p.ID, FormatTimestamp(first), p.Version, FormatTimestamp(p.CreatedAt))
	}
	creator := IdentityID(p.OriginatorOrg)
	refs := slices.Clone(o.ObjectRefs)
	for _, r := range refs {
		if _, _, ok := splitID(r); !ok {
			return nil, liaison.Errorf(liaison.EINVALID, "report of product %s: object ref %q is not a STIX identifier", p.ID, r)
		}
	}
	if len(refs) == 0 {
		refs = []string{creator}
	}
	types := o.ReportTypes
	if len(types) == 0 {
		types = []string{"threat-report"}
	}
	created := FormatTimestamp(first)
	return marshal(reportJSON{
		Type: "report", SpecVersion: "2.1", ID: "report--" + p.ID, CreatedByRef: creator,
		Created: created, Modified: FormatTimestamp(p.CreatedAt), Name: p.Title, Description: p.Body,
		ReportTypes: types, Published: created, ObjectRefs: refs, Labels: sortedCopy(p.Topics),
		ObjectMarkingRefs: markingRefs(p.Marking),
		Extensions:        map[string]*Extension{ExtensionID: ProductExtension(p)},
	})
}

// identityJSON is a STIX identity.
type identityJSON struct {
	Type          string                `json:"type"`
	SpecVersion   string                `json:"spec_version"`
	ID            string                `json:"id"`
	Created       string                `json:"created"`
	Modified      string                `json:"modified"`
	Name          string                `json:"name"`
	Description   string                `json:"description,omitempty"`
	IdentityClass string                `json:"identity_class"`
	Sectors       []string              `json:"sectors,omitempty"`
	Extensions    map[string]*Extension `json:"extensions"`
}

// sectors maps each kind of organisation onto STIX's industry-sector-ov.
// A national service serves its national government; the vocabulary has no
// supranational sector, so EU bodies are "government"; NATO bodies are
// "defense"; police forces are "emergency-services" (the sector that holds
// law enforcement in the CISA taxonomy the vocabulary follows); CERTs and
// CSIRTs are "government-public-services".
var sectors = map[liaison.OrgKind]string{
	liaison.OrgNationalService: "government-national",
	liaison.OrgEUBody:          "government",
	liaison.OrgNATOBody:        "defense",
	liaison.OrgPolice:          "emergency-services",
	liaison.OrgCERT:            "government-public-services",
}

var kindNames = map[liaison.OrgKind]string{
	liaison.OrgNationalService: "National intelligence or security service",
	liaison.OrgEUBody:          "EU body",
	liaison.OrgNATOBody:        "NATO body",
	liaison.OrgPolice:          "Police service",
	liaison.OrgCERT:            "CERT or CSIRT",
}

// Identity returns the STIX identity of organisation o, with id
// IdentityID(o.ID): identity_class "organization", its name, its sector
// (see sectors) and a description of its kind, country and memberships,
// created and modified when o was registered (organisations do not change
// once registered), and the liaison extension carrying o's id, kind,
// country, memberships and node. An organisation without id, name, valid
// kind or creation time is an EINVALID error.
func Identity(o *liaison.Organisation) (json.RawMessage, error) {
	switch {
	case o.ID == "":
		return nil, liaison.Errorf(liaison.EINVALID, "identity: the organisation has no id")
	case o.Name == "":
		return nil, liaison.Errorf(liaison.EINVALID, "identity of %s: the organisation has no name", o.ID)
	case !o.Kind.Valid():
		return nil, liaison.Errorf(liaison.EINVALID, "identity of %s: unknown kind of organisation %q", o.ID, o.Kind)
	case o.CreatedAt.IsZero():
		return nil, liaison.Errorf(liaison.EINVALID, "identity of %s: the organisation has no registration time", o.ID)
	}
	desc := kindNames[o.Kind]
	if o.Country != "" {
		desc += " (" + o.Country + ")"
	}
	if len(o.Memberships) > 0 {
		desc += "; member of " + strings.Join(sortedCopy(o.Memberships), ", ")
	}
	at := FormatTimestamp(o.CreatedAt)
	return marshal(identityJSON{
		Type: "identity", SpecVersion: "2.1", ID: IdentityID(o.ID), Created: at, Modified: at,
		Name: o.Name, Description: desc + ".", IdentityClass: "organization", Sectors: []string{sectors[o.Kind]},
		Extensions: map[string]*Extension{ExtensionID: {Organisation: &OrganisationInfo{
			ID: o.ID, Kind: o.Kind, Country: o.Country, Memberships: sortedCopy(o.Memberships), NodeID: o.NodeID,
		}}},
	})
}

// OrganisationFromIdentity returns the organisation an identity written by
// Identity describes, and false for any other identity.
func OrganisationFromIdentity(h *Header) (*liaison.Organisation, bool) {
	if h.Type != "identity" || h.Extension == nil || h.Extension.Organisation == nil {
		return nil, false
	}
	oi := h.Extension.Organisation
	return &liaison.Organisation{ID: oi.ID, Name: h.Name, Kind: oi.Kind, Country: oi.Country,
		Memberships: slices.Clone(oi.Memberships), NodeID: oi.NodeID, CreatedAt: h.Created}, true
}
