package liaison

import (
	"strings"
	"time"

	"github.com/liaison-dev/liaison/marking"
)

// Grading of a product: the reliability of its source (A–F) and the
// credibility of the information (1–6), on the Admiralty/NATO scale.
const (
	ReliabilityLetters = "ABCDEF"
	CredibilityDigits  = "123456"
)

// Product is one version of an intelligence product. Products are never
// overwritten: a change is a new version with the same ID and the next
// Version. A sanitised tear-line version derived from another product
// names it in ParentID/ParentVersion; its provenance includes the parent's.
//
// Origins is the provenance that travels with the product: the originator
// organisation and the origins of every ancestor, sorted. The third-party
// rule asks each of them for consent before the product reaches a new
// organisation. The store computes it when the product is created.
//
// OriginatorOfficer is empty for a product that came by import (a STIX
// report, a MISP event): the node received it, nobody on it wrote it; the
// audit chain names the officer who imported it.
type Product struct {
	ID                string          `json:"id"`
	Version           int             `json:"version"`
	Title             string          `json:"title"`
	Body              string          `json:"body"`
	Topics            []string        `json:"topics"`
	Marking           marking.Marking `json:"marking"`
	Banner            string          `json:"banner"` // Marking as a banner line; derived, set when the product is returned
	OriginatorOrg     string          `json:"originator_org"`
	OriginatorOfficer string          `json:"originator_officer"`
	Reliability       string          `json:"reliability"` // A–F
	Credibility       string          `json:"credibility"` // 1–6
	ParentID          string          `json:"parent_id,omitempty"`
	ParentVersion     int             `json:"parent_version,omitempty"`
	Origins           []string        `json:"origins"`
	OriginNode        string          `json:"origin_node"`
	CreatedAt         time.Time       `json:"created_at"`
	// HeldAt, in a list of what an organisation holds, is when it came to
	// hold this version: the cursor for the next page (ProductQuery.Before).
	HeldAt time.Time `json:"held_at,omitzero"`
}

// Normalise puts the product in canonical form.
func (p *Product) Normalise() error {
	p.Title = strings.TrimSpace(p.Title)
	p.Reliability = strings.ToUpper(strings.TrimSpace(p.Reliability))
	p.Credibility = strings.TrimSpace(p.Credibility)
	t, err := normaliseTopics(p.Topics)
	if err != nil {
		return err
	}
	p.Topics = t
	return nil
}

// Validate reports the first problem with p's own fields. The marking is
// validated by the marking registry, and the parent by the store.
func (p *Product) Validate() error {
	switch {
	case p.Title == "":
		return Errorf(EINVALID, "product: title is required")
	case len(p.Title) > 500:
		return Errorf(EINVALID, "product: title is longer than 500 bytes")
	case len(p.Topics) == 0:
		return Errorf(EINVALID, "product %q: at least one topic is required", p.Title)
	case len(p.Reliability) != 1 || !strings.Contains(ReliabilityLetters, p.Reliability):
		return Errorf(EINVALID, "product %q: source reliability %q is not a letter A–F", p.Title, p.Reliability)
	case len(p.Credibility) != 1 || !strings.Contains(CredibilityDigits, p.Credibility):
		return Errorf(EINVALID, "product %q: information credibility %q is not a digit 1–6", p.Title, p.Credibility)
	case p.Marking.Classification.Scheme == "":
		return Errorf(EMARKING, "product %q: a marking is required", p.Title)
	case (p.ParentID == "") != (p.ParentVersion == 0):
		return Errorf(EINVALID, "product %q: parent needs both an id and a version", p.Title)
	}
	for _, t := range p.Topics {
		if t == AllTopics {
			return Errorf(EINVALID, "product %q: %q is not a topic a product can have", p.Title, AllTopics)
		}
	}
	return nil
}

// Grading returns the Admiralty code, e.g. "B2".
func (p *Product) Grading() string { return p.Reliability + p.Credibility }
