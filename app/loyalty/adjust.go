package loyalty

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
)

// Adjust corrects a card by hand (manager or owner, with a reason the
// history shows): a positive amount is a new lot with the programme's
// life, a negative one is taken like a redemption (soonest expiry first)
// and cannot exceed the balance.
func (s *Service) Adjust(ctx context.Context, sess *counter.Session, cardCode string, amount int, reason string) (Card, error) {
	if err := sess.Require(counter.RoleManager); err != nil {
		return Card{}, err
	}
	if amount == 0 || amount > maxPointsPerReward || amount < -maxPointsPerReward {
		return Card{}, invalid("amount", amount)
	}
	reason, err := cleanReason(reason)
	if err != nil {
		return Card{}, err
	}
	var out Card
	err = s.write(ctx, sess, func(w *writer) error {
		card, err := w.activeCard(cardCode)
		if err != nil {
			return err
		}
		p, err := loadProgramme(ctx, w.q(), card.programmeID)
		if err != nil {
			return err
		}
		if _, err := w.expireDue(card); err != nil {
			return err
		}
		ev := ledgerChange{Card: card.uuid, Customer: card.customerUUID, Amount: amount, Reason: reason}
		if amount > 0 {
			if _, ev.Movement, err = w.insert(movement{card: card, kind: MoveAdjust, amount: amount, lot: true,
				expiresAt: p.lotExpiry(w.now), reason: reason}); err != nil {
				return err
			}
		} else if ev.Movement, ev.Lots, _, err = w.spend(movement{card: card, kind: MoveAdjust, reason: reason}, -amount); err != nil {
			return err
		}
		if ev.Balance, err = w.balance(card.id); err != nil {
			return err
		}
		if err := w.emit(EvAdjusted, cardEntity(card.uuid), ev); err != nil {
			return err
		}
		out, err = cardView(ctx, w.q(), card.id, w.now)
		return err
	})
	if err != nil {
		return Card{}, fmt.Errorf("adjust: %w", err)
	}
	return out, nil
}

// reverseKeyPrefix marks the movement undoing an accrual, so an accrual
// is undone at most once.
const reverseKeyPrefix = "reverse:"

// Reverse undoes the accrual of a pickup (manager or owner, with a
// reason): whatever is left of the stamps it gave comes off the card; the
// key stays used, so the pickup cannot earn again. Stamps of it already
// redeemed or expired stay so: the history shows both. Nothing left, or
// already reversed, is ErrNotReversible.
func (s *Service) Reverse(ctx context.Context, sess *counter.Session, key, reason string) (Card, error) {
	if err := sess.Require(counter.RoleManager); err != nil {
		return Card{}, err
	}
	key, err := cleanKey(key)
	if err != nil {
		return Card{}, err
	}
	if reason, err = cleanReason(reason); err != nil {
		return Card{}, err
	}
	var out Card
	err = s.write(ctx, sess, func(w *writer) error {
		var l lot
		var cardCode string
		err := w.tx.QueryRow(`SELECT m.id, m.uuid, m.remaining, coalesce(m.expires_at, 0), c.code FROM loyalty_movements m
			JOIN loyalty_cards c ON c.id = m.card_id WHERE m.idem_key = ? AND m.kind = 'earn'`, key).
			Scan(&l.id, &l.uuid, &l.remaining, &l.expiresAt, &cardCode)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(ErrNotReversible, "Key", key)
		}
		if err != nil {
			return fmt.Errorf("reverse %s: %w", key, err)
		}
		card, err := w.activeCard(cardCode)
		if err != nil {
			return err
		}
		if _, err := w.expireDue(card); err != nil {
			return err
		}
		if err := w.tx.QueryRow(`SELECT remaining FROM loyalty_movements WHERE id = ?`, l.id).Scan(&l.remaining); err != nil {
			return fmt.Errorf("reverse %s: %w", key, err)
		}
		var done int
		if err := w.tx.QueryRow(`SELECT count(*) FROM loyalty_movements WHERE idem_key = ?`, reverseKeyPrefix+key).Scan(&done); err != nil {
			return fmt.Errorf("reverse %s: %w", key, err)
		}
		if l.remaining == 0 || done > 0 {
			return errs.New(ErrNotReversible, "Key", key)
		}
		uuid, spent, err := w.spendLots(movement{card: card, kind: MoveReverse, key: reverseKeyPrefix + key, reason: reason, ref: key},
			[]lot{l}, l.remaining)
		if err != nil {
			return err
		}
		balance, err := w.balance(card.id)
		if err != nil {
			return err
		}
		if err := w.emit(EvReversed, cardEntity(card.uuid), ledgerChange{Card: card.uuid, Customer: card.customerUUID,
			Movement: uuid, Amount: -l.remaining, Balance: balance, Reason: reason, Key: key, Lots: spent}); err != nil {
			return err
		}
		out, err = cardView(ctx, w.q(), card.id, w.now)
		return err
	})
	if err != nil {
		return Card{}, fmt.Errorf("reverse: %w", err)
	}
	return out, nil
}
