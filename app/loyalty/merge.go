package loyalty

import (
	"context"
	"fmt"
	"strings"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
)

// Merge joins a duplicate customer into the one to keep (manager or
// owner): the duplicate's cards and their movements move to the kept
// customer; where both hold an active card in a programme, the
// duplicate's is revoked (replaced by the kept one) and its balance
// transferred, so the kept customer still has one card. The duplicate is
// marked merged, and its phone keeps leading to the kept customer.
func (s *Service) Merge(ctx context.Context, sess *counter.Session, keepID, dropID string) (Customer, error) {
	if err := sess.Require(counter.RoleManager); err != nil {
		return Customer{}, err
	}
	if keepID == dropID {
		return Customer{}, errs.New(ErrSameCustomer)
	}
	err := s.write(ctx, sess, func(w *writer) error {
		keep, err := w.liveCustomer(keepID)
		if err != nil {
			return err
		}
		drop, err := w.liveCustomer(dropID)
		if err != nil {
			return err
		}
		ev := customerMerged{Keep: keep.uuid, Drop: drop.uuid, Cards: []string{}}
		cards, err := w.activeCards(drop.id)
		if err != nil {
			return err
		}
		for _, c := range cards {
			into, clash, err := w.customerCard(keep.id, c.programmeID)
			if err != nil {
				return err
			}
			if !clash {
				continue
			}
			if err := w.revokeCard(c, RevokeMerged, into); err != nil {
				return err
			}
			n, err := w.transfer(c, into, RevokeMerged)
			if err != nil {
				return err
			}
			ev.Transferred += n
		}
		rows, err := w.tx.Query(`SELECT uuid FROM loyalty_cards WHERE customer_id = ? ORDER BY id`, drop.id)
		if err != nil {
			return fmt.Errorf("merge cards: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("merge cards: %w", err)
			}
			ev.Cards = append(ev.Cards, id)
		}
		rows.Close()
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE loyalty_cards SET customer_id = ? WHERE customer_id = ?`, []any{keep.id, drop.id}},
			// Earlier duplicates of the dropped one now lead straight to the kept one.
			{`UPDATE loyalty_customers SET merged_into = ? WHERE merged_into = ?`, []any{keep.id, drop.id}},
			{`UPDATE loyalty_customers SET merged_into = ?, merged_at = ? WHERE id = ?`, []any{keep.id, w.nowMs(), drop.id}},
			{`UPDATE loyalty_customers SET name = CASE WHEN name = '' THEN ? ELSE name END,
				name_norm = CASE WHEN name = '' THEN ? ELSE name_norm END,
				last_visit_at = nullif(max(coalesce(last_visit_at, 0), ?), 0) WHERE id = ?`,
				[]any{drop.name, strings.ToLower(drop.name), drop.lastVisit, keep.id}},
		} {
			if _, err := w.tx.Exec(q.sql, q.args...); err != nil {
				return fmt.Errorf("merge: %w", err)
			}
		}
		return w.emit(EvCustomerMerged, customerEntity(keep.uuid), ev)
	})
	if err != nil {
		return Customer{}, fmt.Errorf("merge %s into %s: %w", dropID, keepID, err)
	}
	return s.customerSummary(ctx, keepID)
}

// liveCustomer is a customer an action may change: neither anonymised
// nor merged away.
func (w *writer) liveCustomer(id string) (customerRow, error) {
	c, err := customerByUUID(w.ctx, w.q(), id)
	if err != nil {
		return c, err
	}
	if !c.active() {
		return c, errs.New(ErrCustomerGone, "ID", id)
	}
	return c, nil
}

// activeCards are a customer's cards in use, in every programme.
func (w *writer) activeCards(customerID int64) ([]cardRow, error) {
	rows, err := w.tx.Query(`SELECT `+cardColumns+` WHERE c.customer_id = ? AND c.status = 'active' ORDER BY c.id`, customerID)
	if err != nil {
		return nil, fmt.Errorf("cards: %w", err)
	}
	defer rows.Close()
	var out []cardRow
	for rows.Next() {
		c, err := scanCard(rows)
		if err != nil {
			return nil, fmt.Errorf("cards: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
