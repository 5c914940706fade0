// Package assess answers a head of liaison desk's questions about the
// node's relationships from the evidence the node holds: what have we
// given this partner and what have we got back (the ledger), how far do
// we trust them and why (trust), what kind of relationship is it and is it
// changing (typology), who can help us with this topic (who-can), where do
// our threat priorities diverge and where could we cooperate more
// (alignment), and what needs attention now (warnings).
//
// Build turns an Evidence snapshot (every record the models weigh, read
// from a store in one transaction) into a Model, which holds a ledger
// (package ledger) and a trust engine (package trust) and answers the
// queries below. The package does no I/O: package desk loads the
// evidence, authorises the caller and keeps a Model per node; package api
// serves the same Service over HTTP.
package assess

import (
	"context"
	"time"

	"github.com/liaison-dev/liaison/ledger"
	"github.com/liaison-dev/liaison/threat"
	"github.com/liaison-dev/liaison/trust"
)

// Service is what a node answers about its relationships. Both the desk
// (on a store) and the REST client (against a server) implement it, so
// the CLI works the same on a data directory and on a server. Every
// query defaults its first organisation to the node's home organisation
// and its time to now.
type Service interface {
	// Trust assesses the trust of one organisation in others.
	Trust(ctx context.Context, q TrustQuery) (*TrustReport, error)
	// Ledger sums what was given and received between organisations.
	Ledger(ctx context.Context, q LedgerQuery) (*LedgerReport, error)
	// Typology classifies relationships and says when they changed class.
	Typology(ctx context.Context, q TypologyQuery) (*TypologyReport, error)
	// WhoCan ranks the partners that can help with a topic.
	WhoCan(ctx context.Context, q WhoCanQuery) (*WhoCanReport, error)
	// Alignment compares threat priorities and finds cooperation
	// opportunities.
	Alignment(ctx context.Context, q AlignmentQuery) (*AlignmentReport, error)
	// Warnings lists what needs a liaison desk's attention.
	Warnings(ctx context.Context, q WarningQuery) (*WarningReport, error)
}

// TrustQuery asks for the trust of Truster (default: the home
// organisation) in Trustee, or in every organisation it has evidence on
// or could reach through others when Trustee is empty, as of At (zero:
// now). Explain adds the working in words.
type TrustQuery struct {
	Truster string    `json:"truster,omitempty"`
	Trustee string    `json:"trustee,omitempty"`
	At      time.Time `json:"at,omitzero"`
	Explain bool      `json:"explain,omitempty"`
}

// TrustReport is the answer to a TrustQuery: an assessment per trustee,
// most trusted first, and, when every trustee is asked for, the
// network-wide EigenTrust score of every organisation, seeded by the
// truster's treaty partners.
type TrustReport struct {
	Truster     string            `json:"truster"`
	At          time.Time         `json:"at"`
	Assessments []TrustAssessment `json:"assessments"`
	// Global is EigenTrust's score of each organisation (summing to 1),
	// highest first; Pretrusted are the seeds: the truster and the
	// parties to the agreements in force it is party to.
	Global     []Score  `json:"global,omitempty"`
	Pretrusted []string `json:"pretrusted,omitempty"`
}

// TrustAssessment is the truster's trust in one trustee: the direct
// assessment from evidence (Direct.Items is 0 when there is none), its
// trend over the last 90 days, and, for a trustee without direct
// evidence, the trust inferred through trusted partners. Projected is the
// figure to use: the direct one when there is evidence, else the
// inferred one, else the base rate. Explain is the working in words.
type TrustAssessment struct {
	Trustee   string           `json:"trustee"`
	Projected float64          `json:"projected"`
	Basis     string           `json:"basis"` // "evidence", "inferred" or "prior"
	Direct    trust.Assessment `json:"direct"`
	Trend     *trust.Trend     `json:"trend,omitempty"`
	Inferred  *trust.Inference `json:"inferred,omitempty"`
	Explain   []string         `json:"explain,omitempty"`
}

// Score is an organisation's score in a ranking.
type Score struct {
	OrgID string  `json:"org_id"`
	Score float64 `json:"score"`
}

// LedgerQuery asks for the ledger between A (default: the home
// organisation) and B, or between A and every organisation it exchanged
// with when B is empty, over [From, To) (zero: all time, up to now).
// Months adds the month-by-month ledger; Network the network-wide
// reciprocity and every organisation's prominence in the exchange
// network; Explain the most valuable exchanges each way with the factors
// of their value.
type LedgerQuery struct {
	A       string    `json:"a,omitempty"`
	B       string    `json:"b,omitempty"`
	From    time.Time `json:"from,omitzero"`
	To      time.Time `json:"to,omitzero"`
	Months  bool      `json:"months,omitempty"`
	Network bool      `json:"network,omitempty"`
	Explain bool      `json:"explain,omitempty"`
}

// LedgerReport is the answer to a LedgerQuery: a summary per pair, most
// exchanged first, and when asked the exchange network's reciprocity and
// the prominence of each organisation in it (centrality, most central
// first).
type LedgerReport struct {
	A          string                 `json:"a"`
	Window     ledger.Window          `json:"window"`
	Pairs      []PairLedger           `json:"pairs"`
	Network    *ledger.NetworkSummary `json:"network,omitempty"`
	Centrality []ledger.OrgCentrality `json:"centrality,omitempty"`
}

// PairLedger is the ledger of one pair: the summary, the months when
// asked, and with Explain the most valuable exchanges each way.
type PairLedger struct {
	ledger.PairSummary
	Months  []ledger.MonthSummary `json:"months,omitempty"`
	Top     []ValuedExchange      `json:"top,omitempty"`
	Explain []string              `json:"explain,omitempty"`
}

// ValuedExchange is one exchange with its value and the factors of it.
type ValuedExchange struct {
	ID        string          `json:"id"` // the dissemination
	ProductID string          `json:"product_id"`
	From      string          `json:"from"`
	To        string          `json:"to"`
	At        time.Time       `json:"at"`
	Value     float64         `json:"value"`
	Factors   []ledger.Factor `json:"factors"`
}

// TypologyQuery asks for the class of the relationship between A
// (default: the home organisation) and B, or between A and everyone it
// exchanged with or met when B is empty, or of every relationship the
// node knows when All is set; as of At (zero: now). History adds the
// class quarter by quarter and when it changed: with At set, the quarters
// complete by then.
type TypologyQuery struct {
	A       string    `json:"a,omitempty"`
	B       string    `json:"b,omitempty"`
	All     bool      `json:"all,omitempty"`
	At      time.Time `json:"at,omitzero"`
	History bool      `json:"history,omitempty"`
	Explain bool      `json:"explain,omitempty"`
}

// TypologyReport is the answer to a TypologyQuery, one relationship per
// pair.
type TypologyReport struct {
	At            time.Time      `json:"at"`
	Relationships []Relationship `json:"relationships"`
}

// Relationship is the class of one relationship, the evidence for it,
// and (when asked) its history and every change of class.
type Relationship struct {
	ledger.Typology
	History []ledger.ClassPeriod `json:"history,omitempty"`
	Changes []ledger.ClassChange `json:"changes,omitempty"`
	Explain []string             `json:"explain,omitempty"`
}

// WhoCanQuery asks which partners of Asker (default: the home
// organisation) can help with Topic. WithoutTrust ranks them by trust
// too but withholds it (see threat.Candidate.WithholdTrust): the desk
// sets it for readers who may not see trust; it never travels.
type WhoCanQuery struct {
	Topic        string    `json:"topic"`
	Asker        string    `json:"asker,omitempty"`
	At           time.Time `json:"at,omitzero"`
	Explain      bool      `json:"explain,omitempty"`
	WithoutTrust bool      `json:"-"`
}

// WhoCanReport ranks the partners that cover the topic, best first; each
// says why.
type WhoCanReport struct {
	Topic    string          `json:"topic"`
	Asker    string          `json:"asker"`
	At       time.Time       `json:"at"`
	Partners []threat.Ranked `json:"partners"`
}

// AlignmentQuery compares the threat priorities of A (default: the home
// organisation) with B's, or with every organisation that ranks its
// priorities when B is empty.
type AlignmentQuery struct {
	A       string    `json:"a,omitempty"`
	B       string    `json:"b,omitempty"`
	At      time.Time `json:"at,omitzero"`
	Explain bool      `json:"explain,omitempty"`
}

// AlignmentReport holds the alignment of each pair, least aligned first,
// the divergence warnings and the cooperation opportunities (topics both
// rank high with little exchanged over the last year), best first.
type AlignmentReport struct {
	A             string               `json:"a"`
	At            time.Time            `json:"at"`
	Alignments    []threat.Alignment   `json:"alignments"`
	Divergences   []threat.Warning     `json:"divergences"`
	Opportunities []threat.Opportunity `json:"opportunities"`
}

// WarningQuery asks what needs the attention of Org's liaison desk
// (default: the home organisation) as of At (zero: now). LopsidedRatio
// overrides the default threshold of a lopsided ledger (the larger flow
// over the smaller, over the last year) when it is above 1.
type WarningQuery struct {
	Org           string    `json:"org,omitempty"`
	At            time.Time `json:"at,omitzero"`
	LopsidedRatio float64   `json:"lopsided_ratio,omitempty"`
	Explain       bool      `json:"explain,omitempty"`
}

// WarningReport lists the warnings, most severe first, then by time.
type WarningReport struct {
	Org      string    `json:"org"`
	At       time.Time `json:"at"`
	Warnings []Warning `json:"warnings"`
}

// The warning codes.
const (
	WarnLopsided     = "lopsided_ledger"              // one side gives far more than the other
	WarnTrustFalling = "trust_falling"                // trust fell fast over the trend window
	WarnBreach       = "breach"                       // a partner broke a caveat
	WarnDivergence   = "threat_divergence"            // threat priorities diverge
	WarnExpiring     = "agreement_expiring"           // an agreement in force ends soon
	WarnRFIOverdue   = "rfi_overdue"                  // an RFI is past its deadline, unanswered
	WarnUnranked     = threat.WarnUnrankedTopPriority // one side's top priority the other does not rank
)

// The warning severities.
const (
	SeverityHigh   = "high"
	SeverityMedium = "medium"
	SeverityLow    = "low"
)

// Warning is one thing that needs attention: its code, how severe, the
// organisation it concerns (Partner), the record it is about (Subject:
// an agreement, an RFI, a breach, a topic), when, and what to read.
type Warning struct {
	Code     string    `json:"code"`
	Severity string    `json:"severity"`
	Partner  string    `json:"partner,omitempty"`
	Subject  string    `json:"subject,omitempty"`
	At       time.Time `json:"at"`
	Message  string    `json:"message"`
	Explain  []string  `json:"explain,omitempty"`
}
