package loyalty

import (
	"context"
	"fmt"
	"time"

	"smartpoint/app/scan"
)

// ExpireResult says what Expire wrote off.
type ExpireResult struct {
	Cards  int `json:"cards"`
	Amount int `json:"amount"`
}

// Expire writes off every lot whose life is over: one expire movement per
// card, drawing its due lots oldest expiry first. It runs as the system
// (the app calls it at start and daily) and is idempotent: a second run
// finds nothing. Cards go in batches, each its own transaction, so the
// counter is never held up for long.
func (s *Service) Expire(ctx context.Context) (ExpireResult, error) {
	var out ExpireResult
	var after int64
	for {
		ids, err := s.cardsWithDueLots(ctx, after)
		if err != nil || len(ids) == 0 {
			return out, err
		}
		after = ids[len(ids)-1]
		err = s.write(ctx, nil, func(w *writer) error {
			for _, id := range ids {
				card, err := scanCard(w.tx.QueryRow(`SELECT `+cardColumns+` WHERE c.id = ?`, id))
				if err != nil {
					return fmt.Errorf("card %d: %w", id, err)
				}
				n, err := w.expireDue(card)
				if err != nil {
					return err
				}
				if n > 0 {
					out.Cards++
					out.Amount += n
				}
			}
			return nil
		})
		if err != nil {
			return out, fmt.Errorf("expire: %w", err)
		}
	}
}

// cardsWithDueLots is the next batch of cards (by id, after the given one)
// holding lots whose life is over. It walks the live-lots index in card
// order, so a whole sweep reads that index once however many batches it
// takes (about 40 ms for 900,000 lots when nothing is due).
func (s *Service) cardsWithDueLots(ctx context.Context, after int64) ([]int64, error) {
	rows, err := s.r().QueryContext(ctx, `SELECT DISTINCT card_id FROM loyalty_movements
		WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ? AND card_id > ? ORDER BY card_id LIMIT ?`,
		s.svc.Now().UnixMilli(), after, s.opt.ExpireBatch)
	if err != nil {
		return nil, fmt.Errorf("expire: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("expire: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Expiring is what a card will lose soon (the points.expiring webhook and
// the "use it before" reminder).
type Expiring struct {
	Card        string    `json:"card"`
	Code        string    `json:"code"`
	Customer    string    `json:"customer"`
	MaskedPhone string    `json:"masked_phone,omitempty"`
	Amount      int       `json:"amount"`     // expiring within the window
	ExpiresAt   time.Time `json:"expires_at"` // the first of it
}

// Expiring lists active cards with stamps or points expiring within the
// given time from now, soonest first.
func (s *Service) Expiring(ctx context.Context, within time.Duration) ([]Expiring, error) {
	now := s.svc.Now()
	rows, err := s.r().QueryContext(ctx, `SELECT c.uuid, c.code, u.uuid, coalesce(u.phone, ''), x.amount, x.first
		FROM (SELECT card_id, sum(remaining) AS amount, min(expires_at) AS first FROM loyalty_movements
		      WHERE remaining > 0 AND expires_at > ? AND expires_at <= ? GROUP BY card_id) x
		JOIN loyalty_cards c ON c.id = x.card_id AND c.status = 'active'
		JOIN loyalty_customers u ON u.id = c.customer_id
		ORDER BY x.first, c.id`, now.UnixMilli(), now.Add(within).UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("expiring: %w", err)
	}
	defer rows.Close()
	var out []Expiring
	for rows.Next() {
		var e Expiring
		var phone string
		var first int64
		if err := rows.Scan(&e.Card, &e.Code, &e.Customer, &phone, &e.Amount, &first); err != nil {
			return nil, fmt.Errorf("expiring: %w", err)
		}
		if phone != "" {
			e.MaskedPhone = scan.MaskPhone(phone)
		}
		e.ExpiresAt = time.UnixMilli(first)
		out = append(out, e)
	}
	return out, rows.Err()
}
