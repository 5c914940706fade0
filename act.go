package liaison

import (
	"slices"
	"strings"
	"time"
)

// Action is what an officer wants to do with a product. The policy decides
// every action.
type Action string

// The actions the policy knows.
const (
	ActionRead          Action = "read"            // read the product
	ActionDisseminate   Action = "disseminate"     // the originator gives it to a partner under an agreement
	ActionForward       Action = "forward"         // a recipient passes it on to a third party
	ActionDowngrade     Action = "downgrade"       // lower its classification or lift its caveats
	ActionUseAsEvidence Action = "use_as_evidence" // use it as evidence in judicial proceedings
)

// Actions lists every action, in a stable order.
var Actions = []Action{ActionRead, ActionDisseminate, ActionForward, ActionDowngrade, ActionUseAsEvidence}

// Valid reports whether a is a known action.
func (a Action) Valid() bool { return slices.Contains(Actions, a) }

// Decision is the policy's answer: allowed or not, and every reason, not
// only the first. An allowed decision carries the reasons that allowed it.
type Decision struct {
	Allowed bool     `json:"allowed"`
	Reasons []Reason `json:"reasons"`
}

// Holding says an organisation holds a version of a product: it wrote it
// (Via "origin") or it reached it through a dissemination (Via the
// dissemination's id). Visibility is materialised by holdings: what an
// officer may list is an indexed lookup of their organisation's holdings,
// never a scan that evaluates policy row by row.
type Holding struct {
	OrgID          string     `json:"org_id"`
	ProductID      string     `json:"product_id"`
	ProductVersion int        `json:"product_version"`
	Via            string     `json:"via"`
	At             time.Time  `json:"at"`
	RecalledAt     *time.Time `json:"recalled_at,omitempty"`
}

// HoldingOrigin is the Via of the originator's own holding.
const HoldingOrigin = "origin"

// Dissemination records that a product version went from one organisation
// to another under an agreement, sent by an officer, with the decision that
// allowed it. Action is ActionDisseminate when the sender is the
// originator and ActionForward otherwise; ReleaseIDs then name the release
// requests whose approval allowed it.
type Dissemination struct {
	ID             string     `json:"id"`
	ProductID      string     `json:"product_id"`
	ProductVersion int        `json:"product_version"`
	FromOrg        string     `json:"from_org"`
	ToOrg          string     `json:"to_org"`
	AgreementID    string     `json:"agreement_id"`
	OfficerID      string     `json:"officer_id"`
	Action         Action     `json:"action"`
	Decision       Decision   `json:"decision"`
	ReleaseIDs     []string   `json:"release_ids,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	RecalledAt     *time.Time `json:"recalled_at,omitempty"`
}

// ReleaseStatus is where a release request stands.
type ReleaseStatus string

// The release request statuses.
const (
	ReleasePending  ReleaseStatus = "pending"
	ReleaseApproved ReleaseStatus = "approved"
	ReleaseDenied   ReleaseStatus = "denied"
	ReleaseExpired  ReleaseStatus = "expired"
)

// ReleaseRequest is a holder's request that an originator consent to a
// product going to a named third party. One request asks one originator;
// a tear-line with several origins needs one per foreign origin. An
// approval is the originator's consent under the third-party rule, for
// that product and that third party only, until ExpiresAt if set.
type ReleaseRequest struct {
	ID               string        `json:"id"`
	ProductID        string        `json:"product_id"`
	ProductVersion   int           `json:"product_version"`
	RequesterOrg     string        `json:"requester_org"`
	RequesterOfficer string        `json:"requester_officer"`
	OriginatorOrg    string        `json:"originator_org"`
	ToOrg            string        `json:"to_org"`
	Justification    string        `json:"justification"`
	Status           ReleaseStatus `json:"status"`
	Conditions       string        `json:"conditions,omitempty"`
	DecidedBy        string        `json:"decided_by,omitempty"`
	DecidedAt        *time.Time    `json:"decided_at,omitempty"`
	ExpiresAt        *time.Time    `json:"expires_at,omitempty"`
	CreatedAt        time.Time     `json:"created_at"`
}

// Validate reports the first problem with r's own fields.
func (r *ReleaseRequest) Validate() error {
	switch {
	case !ValidSlug(r.ToOrg):
		return Errorf(EINVALID, "release request: third party %q is not an organisation id", r.ToOrg)
	case strings.TrimSpace(r.Justification) == "":
		return Errorf(EINVALID, "release request: a justification is required")
	}
	return nil
}

// RFIPriority is how urgent a request for information is.
type RFIPriority string

// The RFI priorities.
const (
	PriorityLow      RFIPriority = "low"
	PriorityMedium   RFIPriority = "medium"
	PriorityHigh     RFIPriority = "high"
	PriorityCritical RFIPriority = "critical"
)

// RFIStatus is where a request for information stands.
type RFIStatus string

// The RFI statuses.
const (
	RFIOpen      RFIStatus = "open"
	RFIAnswered  RFIStatus = "answered"
	RFIClosed    RFIStatus = "closed"
	RFICancelled RFIStatus = "cancelled"
)

// RFIAnswer links a product that answers a request for information.
type RFIAnswer struct {
	ProductID string    `json:"product_id"`
	OfficerID string    `json:"officer_id"`
	At        time.Time `json:"at"`
}

// RFI is a request for information from one organisation to another.
type RFI struct {
	ID          string      `json:"id"`
	FromOrg     string      `json:"from_org"`
	FromOfficer string      `json:"from_officer"`
	ToOrg       string      `json:"to_org"`
	Topic       string      `json:"topic"`
	Question    string      `json:"question"`
	Priority    RFIPriority `json:"priority"`
	Deadline    time.Time   `json:"deadline"`
	Status      RFIStatus   `json:"status"`
	Answers     []RFIAnswer `json:"answers"`
	CreatedAt   time.Time   `json:"created_at"`
}

// Validate reports the first problem with r's own fields.
func (r *RFI) Validate() error {
	switch {
	case !ValidSlug(r.ToOrg):
		return Errorf(EINVALID, "rfi: addressee %q is not an organisation id", r.ToOrg)
	case !ValidSlug(r.Topic):
		return Errorf(EINVALID, "rfi: topic %q is not a topic", r.Topic)
	case strings.TrimSpace(r.Question) == "":
		return Errorf(EINVALID, "rfi: a question is required")
	case r.Deadline.IsZero():
		return Errorf(EINVALID, "rfi: a deadline is required")
	case !r.Deadline.After(r.CreatedAt):
		return Errorf(EPERIOD, "rfi: deadline %s is not after the request (%s)", r.Deadline.Format(time.RFC3339), r.CreatedAt.Format(time.RFC3339))
	}
	switch r.Priority {
	case PriorityLow, PriorityMedium, PriorityHigh, PriorityCritical:
	default:
		return Errorf(EINVALID, "rfi: priority %q is not one of low, medium, high, critical", r.Priority)
	}
	return nil
}

// FeedbackFlags a recipient may attach to feedback.
var FeedbackFlags = []string{"actionable", "corroborated", "duplicate", "irrelevant", "late", "timely", "wrong"}

// Feedback is a recipient's rating of a product it received: a value from
// 0 (worthless) to 5 (exceptional) and flags.
type Feedback struct {
	ID             string    `json:"id"`
	ProductID      string    `json:"product_id"`
	ProductVersion int       `json:"product_version"`
	OrgID          string    `json:"org_id"`
	OfficerID      string    `json:"officer_id"`
	Value          int       `json:"value"`
	Flags          []string  `json:"flags,omitempty"`
	Comment        string    `json:"comment,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
}

// Validate reports the first problem with f's own fields, and sorts flags.
func (f *Feedback) Validate() error {
	if f.Value < 0 || f.Value > 5 {
		return Errorf(EINVALID, "feedback: value %d is not between 0 and 5", f.Value)
	}
	slices.Sort(f.Flags)
	f.Flags = slices.Compact(f.Flags)
	for _, fl := range f.Flags {
		if !slices.Contains(FeedbackFlags, fl) {
			return Errorf(EINVALID, "feedback: flag %q is not one of %s", fl, strings.Join(FeedbackFlags, ", "))
		}
	}
	return nil
}

// InteractionKinds are the kinds of contact between officers or organisations.
var InteractionKinds = []string{"call", "conference", "exercise", "joint_training", "meeting", "secondment", "visit"}

// Interaction records that officers or organisations met: the kind of
// contact, when, how long, and its tone from -2 (hostile) to +2 (warm).
type Interaction struct {
	ID              string    `json:"id"`
	Kind            string    `json:"kind"`
	Orgs            []string  `json:"orgs"`
	Officers        []string  `json:"officers,omitempty"`
	Date            time.Time `json:"date"`
	DurationMinutes int       `json:"duration_minutes"`
	Tone            int       `json:"tone"`
	Notes           string    `json:"notes,omitempty"`
	RecordedBy      string    `json:"recorded_by"`
	CreatedAt       time.Time `json:"created_at"`
}

// MaxInteractionMinutes is the longest interaction one record may hold: a
// year.
const MaxInteractionMinutes = 366 * 24 * 60

// Validate reports the first problem with i's own fields: a date from
// 1900 on and, once recorded (CreatedAt set), not more than a day after
// the recording; a duration from 0 to MaxInteractionMinutes.
func (i *Interaction) Validate() error {
	slices.Sort(i.Orgs)
	i.Orgs = slices.Compact(i.Orgs)
	slices.Sort(i.Officers)
	i.Officers = slices.Compact(i.Officers)
	switch {
	case !slices.Contains(InteractionKinds, i.Kind):
		return Errorf(EINVALID, "interaction: kind %q is not one of %s", i.Kind, strings.Join(InteractionKinds, ", "))
	case len(i.Orgs) < 2:
		return Errorf(EINVALID, "interaction: needs at least two organisations")
	case i.Date.IsZero():
		return Errorf(EINVALID, "interaction: a date is required")
	case i.Date.Year() < 1900:
		return Errorf(EINVALID, "interaction: date %s is before 1900", i.Date.Format(time.DateOnly))
	case !i.CreatedAt.IsZero() && i.Date.After(i.CreatedAt.Add(24*time.Hour)):
		return Errorf(EINVALID, "interaction: date %s is in the future", i.Date.Format(time.DateOnly))
	case i.DurationMinutes < 0:
		return Errorf(EINVALID, "interaction: duration %d is negative", i.DurationMinutes)
	case i.DurationMinutes > MaxInteractionMinutes:
		return Errorf(EINVALID, "interaction: duration %d minutes is over a year; record a long secondment as its periods", i.DurationMinutes)
	case i.Tone < -2 || i.Tone > 2:
		return Errorf(EINVALID, "interaction: tone %d is not between -2 and +2", i.Tone)
	}
	return nil
}

// Breach records that an organisation broke a caveat on a product it
// received: passed it on, used it as evidence, leaked it. The trust model
// counts a breach as heavy negative evidence.
type Breach struct {
	ID          string    `json:"id"`
	ProductID   string    `json:"product_id"`
	OrgID       string    `json:"org_id"` // who breached
	Caveat      string    `json:"caveat"` // which rule, e.g. "ORCON", "LEAD ONLY"
	Description string    `json:"description"`
	ReportedBy  string    `json:"reported_by"`
	At          time.Time `json:"at"`
	CreatedAt   time.Time `json:"created_at"`
}

// Validate reports the first problem with b's own fields.
func (b *Breach) Validate() error {
	switch {
	case !ValidSlug(b.OrgID):
		return Errorf(EINVALID, "breach: organisation %q is not an organisation id", b.OrgID)
	case strings.TrimSpace(b.Caveat) == "":
		return Errorf(EINVALID, "breach: the caveat broken is required")
	case strings.TrimSpace(b.Description) == "":
		return Errorf(EINVALID, "breach: a description is required")
	case b.At.IsZero():
		return Errorf(EINVALID, "breach: when it happened is required")
	}
	return nil
}
