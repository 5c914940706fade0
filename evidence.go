package liaison

import "time"

// Exchange is one dissemination as the ledger and the trust model weigh
// it: who gave which product version to whom, when and under which
// agreement, with what the models need of the product (its rank on the
// common classification scale, its grading, its topics and originator).
// Stores list them in time order for the models to replay.
type Exchange struct {
	ID             string    `json:"id"` // the dissemination's id
	ProductID      string    `json:"product_id"`
	ProductVersion int       `json:"product_version"`
	From           string    `json:"from"`
	To             string    `json:"to"`
	AgreementID    string    `json:"agreement_id"`
	Action         Action    `json:"action"`
	At             time.Time `json:"at"`
	Rank           int       `json:"rank"`
	Reliability    string    `json:"reliability"`
	Credibility    string    `json:"credibility"`
	Title          string    `json:"title"`
	Topics         []string  `json:"topics"`
	Originator     string    `json:"originator"`
}
