package loyalty

import (
	"fmt"
	"strings"

	"smartpoint/app/errs"
)

// Movement kinds of the ledger.
const (
	MoveEarn     = "earn"     // a pickup's stamps or points (a lot; 0 when capped or in the cooldown)
	MoveRedeem   = "redeem"   // a reward taken
	MoveAdjust   = "adjust"   // a manager's correction with a reason (a lot when positive)
	MoveExpire   = "expire"   // lots past their life, or forfeited on anonymisation
	MoveReverse  = "reverse"  // an accrual undone
	MoveTransfer = "transfer" // a balance moved to another card (reissue, merge): out, then lots in
)

// MoveKinds lists the movement kinds (the history translates
// "loyalty.move."+kind).
var MoveKinds = []string{MoveEarn, MoveRedeem, MoveAdjust, MoveExpire, MoveReverse, MoveTransfer}

// lot is what is left of one positive movement.
type lot struct {
	id        int64
	uuid      string
	remaining int
	expiresAt int64 // ms; 0 never
}

// liveLots are a card's lots with something left, in spending order:
// soonest expiry first, lots that never expire last, older first on ties.
func (w *writer) liveLots(cardID int64) ([]lot, error) {
	rows, err := w.tx.Query(`SELECT id, uuid, remaining, coalesce(expires_at, 0) FROM loyalty_movements
		WHERE card_id = ? AND remaining > 0 ORDER BY expires_at IS NULL, expires_at, id`, cardID)
	if err != nil {
		return nil, fmt.Errorf("lots: %w", err)
	}
	defer rows.Close()
	var out []lot
	for rows.Next() {
		var l lot
		if err := rows.Scan(&l.id, &l.uuid, &l.remaining, &l.expiresAt); err != nil {
			return nil, fmt.Errorf("lots: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// balance is what is left of a card's lots: the sum of its movements.
func (w *writer) balance(cardID int64) (int, error) {
	var b int
	if err := w.tx.QueryRow(`SELECT coalesce(sum(remaining), 0) FROM loyalty_movements WHERE card_id = ? AND remaining > 0`,
		cardID).Scan(&b); err != nil {
		return 0, fmt.Errorf("balance: %w", err)
	}
	return b, nil
}

// movement is one row to append to the ledger.
type movement struct {
	card       cardRow
	kind       string
	amount     int
	lot        bool  // a positive movement others can spend from
	expiresAt  int64 // lots: ms, 0 never
	key        string
	visitAt    int64
	parcels    int
	detail     any
	approvedBy int64
	reason     string
	ref        string
}

// insert appends m, attributed to the action's clerk and shift.
func (w *writer) insert(m movement) (id int64, uuid string, err error) {
	uuid = w.s.ids.New()
	var remaining, key, visit, parcels any
	if m.lot {
		remaining = m.amount
	}
	if m.key != "" {
		key = m.key
	}
	if m.visitAt != 0 {
		visit, parcels = m.visitAt, m.parcels
	}
	detail := "{}"
	if m.detail != nil {
		detail = mustJSON(m.detail)
	}
	res, err := w.tx.Exec(`INSERT INTO loyalty_movements(uuid, card_id, kind, amount, remaining, expires_at, idem_key,
		visit_at, parcels, detail, clerk_id, approved_by, shift_id, at, reason, ref) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		uuid, m.card.id, m.kind, m.amount, remaining, nullInt(m.expiresAt), key, visit, parcels, detail,
		nullInt(w.clerk), nullInt(m.approvedBy), nullInt(w.shift), w.nowMs(), m.reason, m.ref)
	if err != nil {
		return 0, "", fmt.Errorf("ledger %s %s: %w", m.kind, m.card.code, err)
	}
	id, err = res.LastInsertId()
	return id, uuid, err
}

// spendLots appends m as a spending movement of -amount drawn from lots in
// the order given, and records which lots it drew from. The lots must
// hold at least amount (callers check the balance first).
func (w *writer) spendLots(m movement, lots []lot, amount int) (uuid string, spent []LotUse, err error) {
	m.amount, m.lot = -amount, false
	id, uuid, err := w.insert(m)
	if err != nil {
		return "", nil, err
	}
	left := amount
	for _, l := range lots {
		if left == 0 {
			break
		}
		take := min(left, l.remaining)
		if _, err := w.tx.Exec(`UPDATE loyalty_movements SET remaining = remaining - ? WHERE id = ?`, take, l.id); err != nil {
			return "", nil, fmt.Errorf("spend lot %s: %w", l.uuid, err)
		}
		if _, err := w.tx.Exec(`INSERT INTO loyalty_movement_lots(spend_id, lot_id, amount) VALUES(?, ?, ?)`, id, l.id, take); err != nil {
			return "", nil, fmt.Errorf("spend lot %s: %w", l.uuid, err)
		}
		spent = append(spent, LotUse{Lot: l.uuid, Amount: take})
		left -= take
	}
	if left != 0 {
		return "", nil, fmt.Errorf("ledger %s %s: lots hold %d too few", m.kind, m.card.code, left)
	}
	return uuid, spent, nil
}

// spend takes amount from a card in spending order, or refuses with
// ErrBalanceShort.
func (w *writer) spend(m movement, amount int) (uuid string, spent []LotUse, balance int, err error) {
	lots, err := w.liveLots(m.card.id)
	if err != nil {
		return "", nil, 0, err
	}
	have := 0
	for _, l := range lots {
		have += l.remaining
	}
	if amount > have {
		return "", nil, have, errs.New(ErrBalanceShort, "Need", amount, "Have", have)
	}
	uuid, spent, err = w.spendLots(m, lots, amount)
	return uuid, spent, have - amount, err
}

// expireDue writes off a card's lots whose life is over, oldest expiry
// first, as one expire movement. Every action on a card calls it first, so
// nothing is ever spent from a lot that should be gone, whether or not the
// sweep (Expire) has run.
func (w *writer) expireDue(card cardRow) (int, error) {
	lots, err := w.liveLots(card.id)
	if err != nil {
		return 0, err
	}
	var due []lot
	total, have := 0, 0
	for _, l := range lots {
		have += l.remaining
		if l.expiresAt != 0 && l.expiresAt <= w.nowMs() {
			due = append(due, l)
			total += l.remaining
		}
	}
	if total == 0 {
		return 0, nil
	}
	return total, w.writeOff(card, due, total, have-total, "expired")
}

// writeOff expires the given lots entirely (expiry, or forfeiture).
func (w *writer) writeOff(card cardRow, lots []lot, total, balanceAfter int, reason string) error {
	uuid, spent, err := w.spendLots(movement{card: card, kind: MoveExpire, reason: reason}, lots, total)
	if err != nil {
		return err
	}
	return w.emit(EvExpired, cardEntity(card.uuid), ledgerChange{Card: card.uuid, Customer: card.customerUUID,
		Movement: uuid, Amount: -total, Balance: balanceAfter, Reason: reason, Lots: spent})
}

// touch records a visit of the card at ms: the customer's last visit, and
// on a programme whose stamps live while the card is in use, the new life
// of every lot left.
func (w *writer) touch(card cardRow, p programme, ms int64) error {
	if _, err := w.tx.Exec(`UPDATE loyalty_customers SET last_visit_at = max(coalesce(last_visit_at, 0), ?) WHERE id = ?`,
		ms, card.customerID); err != nil {
		return fmt.Errorf("last visit: %w", err)
	}
	if p.Life.Mode != LifeInactivity {
		return nil
	}
	until := p.lotExpiry(msTime(ms))
	if _, err := w.tx.Exec(`UPDATE loyalty_movements SET expires_at = max(expires_at, ?)
		WHERE card_id = ? AND remaining > 0 AND expires_at IS NOT NULL`, until, card.id); err != nil {
		return fmt.Errorf("lot life: %w", err)
	}
	return nil
}

// lifetime is what a customer has earned in a programme on all their
// cards (earn movements only: transfers and adjustments are not earnings).
func (w *writer) lifetime(customerID, programmeID int64) (int, error) {
	var n int
	err := w.tx.QueryRow(`SELECT coalesce(sum(m.amount), 0) FROM loyalty_cards c
		JOIN loyalty_movements m ON m.card_id = c.id AND m.kind = 'earn'
		WHERE c.customer_id = ? AND c.programme_id = ?`, customerID, programmeID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("lifetime: %w", err)
	}
	return n, nil
}

// cleanReason trims a manager's reason; an empty one is refused.
func cleanReason(reason string) (string, error) {
	reason = strings.Join(strings.Fields(reason), " ")
	if reason == "" {
		return "", errs.New(ErrReasonRequired)
	}
	if len([]rune(reason)) > maxTextLen {
		return "", invalid("reason", reason)
	}
	return reason, nil
}
