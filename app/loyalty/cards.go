package loyalty

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"smartpoint/app/errs"
)

// Card statuses.
const (
	CardActive  = "active"
	CardRevoked = "revoked"
)

// Why a card was revoked.
const (
	RevokeLost       = "lost"
	RevokeMerged     = "merged"
	RevokeAnonymised = "anonymised"
)

// RevokeReasons lists why cards are revoked ("loyalty.revoke."+reason).
var RevokeReasons = []string{RevokeLost, RevokeMerged, RevokeAnonymised}

// cardRow is a card as actions need it.
type cardRow struct {
	id           int64
	uuid         string
	code         string
	status       string
	customerID   int64
	customerUUID string
	programmeID  int64
	enrolledAt   int64 // the customer's
}

const cardColumns = `c.id, c.uuid, c.code, c.status, c.customer_id, u.uuid, c.programme_id, u.created_at
	FROM loyalty_cards c JOIN loyalty_customers u ON u.id = c.customer_id`

func scanCard(row interface{ Scan(...any) error }) (cardRow, error) {
	var c cardRow
	err := row.Scan(&c.id, &c.uuid, &c.code, &c.status, &c.customerID, &c.customerUUID, &c.programmeID, &c.enrolledAt)
	return c, err
}

// cardByCode reads a card by its code as typed or scanned, or by its id
// (what its signed QR carries); it may be revoked.
func cardByCode(ctx context.Context, q queryer, raw string) (cardRow, error) {
	where, arg := `c.uuid = ?`, raw
	if !isUUID(raw) {
		code, ok := NormaliseCode(raw)
		if !ok {
			return cardRow{}, errs.New(ErrCardNotFound, "Query", raw)
		}
		where, arg = `c.code = ?`, code
	}
	c, err := scanCard(q.QueryRowContext(ctx, `SELECT `+cardColumns+` WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.New(ErrCardNotFound, "Query", raw)
	}
	if err != nil {
		return c, fmt.Errorf("card %s: %w", raw, err)
	}
	return c, nil
}

// activeCard is cardByCode for an action: a revoked card is refused.
func (w *writer) activeCard(raw string) (cardRow, error) {
	c, err := cardByCode(w.ctx, w.q(), raw)
	if err != nil {
		return c, err
	}
	if c.status != CardActive {
		return c, errs.New(ErrCardRevoked, "Card", FormatCode(c.code))
	}
	return c, nil
}

// customerCard is a customer's active card in a programme, if any.
func (w *writer) customerCard(customerID, programmeID int64) (cardRow, bool, error) {
	c, err := scanCard(w.tx.QueryRow(`SELECT `+cardColumns+` WHERE c.customer_id = ? AND c.programme_id = ? AND c.status = 'active'`,
		customerID, programmeID))
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("customer card: %w", err)
	}
	return c, true, nil
}

// issueCard gives a customer a new card with a fresh code.
func (w *writer) issueCard(cust customerRow, p programme, reason string, replaces cardRow) (cardRow, error) {
	c := cardRow{uuid: w.s.ids.New(), status: CardActive, customerID: cust.id, customerUUID: cust.uuid,
		programmeID: p.rowID, enrolledAt: cust.createdAt}
	for attempt := 0; ; attempt++ {
		code, err := newCode()
		if err != nil {
			return c, err
		}
		var taken int
		if err := w.tx.QueryRow(`SELECT count(*) FROM loyalty_cards WHERE code = ?`, code).Scan(&taken); err != nil {
			return c, fmt.Errorf("card code: %w", err)
		}
		if taken == 0 {
			c.code = code
			break
		}
		if attempt == 10 { // 2^50 codes: never, unless the random source is broken
			return c, fmt.Errorf("card code: no free code after %d draws", attempt+1)
		}
	}
	res, err := w.tx.Exec(`INSERT INTO loyalty_cards(uuid, code, customer_id, programme_id, status, issued_at, issued_by)
		VALUES(?, ?, ?, ?, 'active', ?, ?)`, c.uuid, c.code, c.customerID, c.programmeID, w.nowMs(), nullInt(w.clerk))
	if err != nil {
		return c, fmt.Errorf("issue card: %w", err)
	}
	if c.id, err = res.LastInsertId(); err != nil {
		return c, fmt.Errorf("issue card: %w", err)
	}
	return c, w.emit(EvCardIssued, cardEntity(c.uuid), cardIssued{Card: c.uuid, Code: c.code, Customer: c.customerUUID,
		Programme: p.ID, Reason: reason, Replaces: replaces.uuid})
}

// revokeCard takes a card out of use; by is its replacement, if any.
func (w *writer) revokeCard(c cardRow, reason string, by cardRow) error {
	if _, err := w.tx.Exec(`UPDATE loyalty_cards SET status = 'revoked', revoked_at = ?, revoke_reason = ?, replaced_by = ?
		WHERE id = ?`, w.nowMs(), reason, nullInt(by.id), c.id); err != nil {
		return fmt.Errorf("revoke card %s: %w", c.code, err)
	}
	return w.emit(EvCardRevoked, cardEntity(c.uuid), cardRevoked{Card: c.uuid, Code: c.code, Customer: c.customerUUID,
		Reason: reason, ReplacedBy: by.uuid})
}

// transfer moves a card's whole balance to another card: one transfer out
// drawing every live lot, then one lot in per expiry date, so the stamps
// keep their life. The ledger of each card stays whole (its balance is the
// sum of its own movements) and the history says where the stamps went.
func (w *writer) transfer(from, to cardRow, reason string) (int, error) {
	if _, err := w.expireDue(from); err != nil {
		return 0, err
	}
	lots, err := w.liveLots(from.id)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, l := range lots {
		total += l.remaining
	}
	if total == 0 {
		return 0, nil
	}
	out, _, err := w.spendLots(movement{card: from, kind: MoveTransfer, reason: reason, ref: to.uuid}, lots, total)
	if err != nil {
		return 0, err
	}
	ev := transferred{From: from.uuid, To: to.uuid, Customer: to.customerUUID, Amount: total, Reason: reason, Movements: []string{out}}
	byExpiry := map[int64]int{}
	var order []int64
	for _, l := range lots {
		if _, seen := byExpiry[l.expiresAt]; !seen {
			order = append(order, l.expiresAt)
		}
		byExpiry[l.expiresAt] += l.remaining
	}
	for _, exp := range order {
		_, uuid, err := w.insert(movement{card: to, kind: MoveTransfer, amount: byExpiry[exp], lot: true, expiresAt: exp,
			reason: reason, ref: from.uuid})
		if err != nil {
			return 0, err
		}
		ev.Movements = append(ev.Movements, uuid)
	}
	return total, w.emit(EvTransferred, cardEntity(to.uuid), ev)
}

func msTime(ms int64) time.Time { return time.UnixMilli(ms) }
