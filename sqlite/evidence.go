package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/liaison-dev/liaison"
)

// exchangeSelect joins each unrecalled dissemination to the version of
// the product it carried.
const exchangeSelect = `SELECT d.id, d.product_id, d.product_version, d.from_org, d.to_org, d.agreement_id,
	d.action, d.created_at, p.class_rank, p.reliability, p.credibility, p.title, p.topics, p.originator_org
	FROM disseminations d JOIN products p ON p.id = d.product_id AND p.version = d.product_version
	WHERE d.recalled_at IS NULL`

var (
	qExchanges          = prep(exchangeSelect + ` ORDER BY d.created_at, d.id`)
	qExchangesOfProduct = prep(exchangeSelect + ` AND d.product_id = ? ORDER BY d.created_at, d.id`)
)

// ScanExchanges calls fn for every unrecalled dissemination, as an
// exchange, in time order; see liaison.Tx.
func (tx *Tx) ScanExchanges(ctx context.Context, productID string, fn func(*liaison.Exchange) error) error {
	q, args := qExchanges, []any(nil)
	if productID != "" {
		q, args = qExchangesOfProduct, []any{productID}
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("sqlite: exchanges: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			e      liaison.Exchange
			at     sql.NullInt64
			topics string
			action string
		)
		if err := rows.Scan(&e.ID, &e.ProductID, &e.ProductVersion, &e.From, &e.To, &e.AgreementID,
			&action, &at, &e.Rank, &e.Reliability, &e.Credibility, &e.Title, &topics, &e.Originator); err != nil {
			return fmt.Errorf("sqlite: exchanges: %w", err)
		}
		e.Action, e.At = liaison.Action(action), timeOf(at)
		if e.Topics, err = list[string](topics); err != nil {
			return fmt.Errorf("sqlite: exchange %s: %w", e.ID, err)
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: exchanges: %w", err)
	}
	return rows.Close()
}
