package loyalty

import (
	"context"
	"fmt"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/scan"
)

// Reissue replaces a lost card, found by the customer's phone (the clerk
// checks it is theirs first): the old card is revoked (its code gives
// ErrCardRevoked from then on) and a new code carries the balance.
//
// The balance moves as movements, not by re-pointing lots: the old card
// gets a transfer out drawing all its lots, the new one a transfer lot per
// expiry date. Each card's ledger stays whole and the history shows where
// the stamps went; the stamps keep their expiry; lifetime earnings (tiers)
// count per customer, so nothing is lost. A customer without an active
// card simply gets one.
func (s *Service) Reissue(ctx context.Context, sess *counter.Session, phone string) (Card, error) {
	if err := sess.Require(counter.RoleClerk); err != nil {
		return Card{}, err
	}
	e164, err := s.normalisePhone(ctx, phone)
	if err != nil {
		return Card{}, err
	}
	var out Card
	err = s.write(ctx, sess, func(w *writer) error {
		p, err := loadProgramme(ctx, w.q(), 0)
		if err != nil {
			return err
		}
		cust, ok, err := customerByPhone(ctx, w.q(), e164)
		if err != nil {
			return err
		}
		if !ok {
			return errs.New(ErrCardNotFound, "Query", phone)
		}
		old, had, err := w.customerCard(cust.id, p.rowID)
		if err != nil {
			return err
		}
		if had {
			// One active card per customer: take the old one out of use
			// before the new one exists; revokeCard below records it.
			if _, err := w.tx.Exec(`UPDATE loyalty_cards SET status = 'revoked', revoked_at = ? WHERE id = ?`,
				w.nowMs(), old.id); err != nil {
				return fmt.Errorf("revoke card: %w", err)
			}
		}
		card, err := w.issueCard(cust, p, "reissue", old)
		if err != nil {
			return err
		}
		if had {
			if err := w.revokeCard(old, RevokeLost, card); err != nil {
				return err
			}
			if _, err := w.transfer(old, card, RevokeLost); err != nil {
				return err
			}
		}
		out, err = cardView(ctx, w.q(), card.id, w.now)
		return err
	})
	if err != nil {
		return Card{}, fmt.Errorf("reissue %s: %w", scan.MaskPhone(e164), err)
	}
	return out, nil
}
