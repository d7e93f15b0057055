package loyalty

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"smartpoint/app/counter"
	"smartpoint/app/loyaltycard"
)

// Remote is one loyalty event of another point of the same owner, as the
// cloud relays it (the owner's stream): the event's kind, the point that
// wrote it, when, and its payload (events.go).
type Remote struct {
	Kind   string
	Origin string // the other point's cloud id
	At     time.Time
	Data   []byte
}

// ErrRemoteData is a relayed event this build cannot enter (a broken
// payload): the inbox sets it aside. ErrRemoteCard is one about a card
// this point has not heard of yet (after a cloud restore, the stream no
// longer follows the order the points worked in): the inbox tries it again
// once more changes have arrived.
var (
	ErrRemoteData = errors.New("loyalty: unusable relayed event")
	ErrRemoteCard = errors.New("loyalty: relayed event of an unknown card")
)

// ApplyRemote enters another point's loyalty event into this point's
// ledger, in the caller's transaction, so that a card works at every point
// of the owner: its customer and card appear here (phone masked: the log
// never holds one), its stamps can be spent here, and what is spent there
// is spent here. Nothing is logged: these are the other point's facts,
// already in the cloud, and logging them would send them back.
//
// Each event is entered once (ids are the other point's: a movement's,
// a card's, a customer's), so a stream pulled again changes nothing.
// Stamps earned elsewhere never expire here: the point that earned them
// expires them, and its expiry arrives like any spend. A spend that finds
// less than it took (the card was redeemed here too while both were
// offline) takes what there is and records the rest as its deficit; the
// cloud raises the overdrawn exception. Without a programme here, nothing
// is entered: ErrNoProgramme, and the inbox tries again later.
func (s *Service) ApplyRemote(ctx context.Context, tx counter.Tx, ev Remote) error {
	if ev.Origin == "" {
		return fmt.Errorf("%w: %s without an origin", ErrRemoteData, ev.Kind)
	}
	w := &writer{s: s, tx: tx, ctx: ctx, now: tx.Now()}
	var err error
	switch ev.Kind {
	case EvCardKeyCreated:
		err = w.remoteKey(ev)
	case EvCustomerCreated:
		err = w.remoteCustomer(ev)
	case EvCardIssued:
		err = w.remoteCard(ev)
	case EvCardRevoked:
		err = w.remoteRevoke(ev)
	case EvStampEarned, EvPointsEarned:
		err = w.remoteEarn(ev)
	case EvRewardRedeemed:
		var p rewardRedeemed
		if err = decodeRemote(ev, &p); err == nil {
			err = w.remoteChange(ev, p.Card, p.Movement, MoveRedeem, -p.Amount, p.Lots, "")
		}
	case EvAdjusted, EvReversed, EvExpired:
		var p ledgerChange
		if err = decodeRemote(ev, &p); err == nil {
			kind := map[string]string{EvAdjusted: MoveAdjust, EvReversed: MoveReverse, EvExpired: MoveExpire}[ev.Kind]
			err = w.remoteChange(ev, p.Card, p.Movement, kind, p.Amount, p.Lots, p.Reason)
		}
	case EvTransferred:
		err = w.remoteTransfer(ev)
	case EvCustomerMerged:
		err = w.remoteMerge(ev)
	case EvCustomerAnonymised:
		err = w.remoteAnonymise(ev)
	default:
		// The programme, the card design, exports and refused approvals are
		// the other point's own business; reward_earned follows from the
		// balance.
		return nil
	}
	if err != nil {
		return fmt.Errorf("relayed %s from %s: %w", ev.Kind, ev.Origin, err)
	}
	return nil
}

func decodeRemote(ev Remote, into any) error {
	if err := json.Unmarshal(ev.Data, into); err != nil {
		return fmt.Errorf("%w: %v", ErrRemoteData, err)
	}
	return nil
}

// remoteKey keeps another point's card-signing public key (Recognise
// accepts card QRs signed with it).
func (w *writer) remoteKey(ev Remote) error {
	var p struct {
		Public string `json:"public"`
	}
	if err := decodeRemote(ev, &p); err != nil {
		return err
	}
	if _, err := loyaltycard.ParsePublic(p.Public); err != nil {
		return fmt.Errorf("%w: %v", ErrRemoteData, err)
	}
	_, err := w.tx.Exec(`INSERT INTO loyalty_card_keys(origin, public_key, at) VALUES(?, ?, ?)
		ON CONFLICT(origin) DO UPDATE SET public_key = excluded.public_key, at = excluded.at`, ev.Origin, p.Public, ev.At.UnixMilli())
	return err
}

// remoteCustomer adds a member of another point, without phone or name.
func (w *writer) remoteCustomer(ev Remote) error {
	var p customerCreated
	if err := decodeRemote(ev, &p); err != nil {
		return err
	}
	_, err := w.ensureRemoteCustomer(p.Customer, ev.Origin, p.MaskedPhone, p.ConsentAt.UnixMilli(), ev.At.UnixMilli())
	return err
}

// ensureRemoteCustomer is the row of a customer by id, added (without
// personal data) if this point has not seen them yet.
func (w *writer) ensureRemoteCustomer(uuid, origin, masked string, consentAt, at int64) (int64, error) {
	if uuid == "" {
		return 0, fmt.Errorf("%w: no customer id", ErrRemoteData)
	}
	// Another computer's clock may be ahead of this one: a member never
	// joined later than now here (a visit here must not predate them).
	at = min(at, w.nowMs())
	if consentAt <= 0 || consentAt > at {
		consentAt = at
	}
	if _, err := w.tx.Exec(`INSERT INTO loyalty_customers(uuid, phone, name, name_norm, consent_at, created_at, origin, masked_phone)
		VALUES(?, NULL, '', '', ?, ?, ?, ?) ON CONFLICT(uuid) DO NOTHING`, uuid, consentAt, at, origin, masked); err != nil {
		return 0, fmt.Errorf("customer %s: %w", uuid, err)
	}
	var id int64
	if err := w.tx.QueryRow(`SELECT id FROM loyalty_customers WHERE uuid = ?`, uuid).Scan(&id); err != nil {
		return 0, fmt.Errorf("customer %s: %w", uuid, err)
	}
	return id, nil
}

// remoteCard adds a card issued at another point, in this point's active
// programme (the owner's points run one programme each; stamps are
// counted the same everywhere).
func (w *writer) remoteCard(ev Remote) error {
	var p cardIssued
	if err := decodeRemote(ev, &p); err != nil {
		return err
	}
	prog, err := loadProgramme(w.ctx, w.q(), 0)
	if err != nil {
		return err
	}
	code, ok := NormaliseCode(p.Code)
	if !ok || p.Card == "" {
		return fmt.Errorf("%w: card %q code %q", ErrRemoteData, p.Card, p.Code)
	}
	customer, err := w.ensureRemoteCustomer(p.Customer, ev.Origin, "", 0, ev.At.UnixMilli())
	if err != nil {
		return err
	}
	if _, err := w.remoteCardRow(p.Card); err == nil {
		return nil // entered before
	} else if !errors.Is(err, ErrRemoteCard) {
		return err
	}
	// Another active card of the customer here (the revocation of the one
	// this replaces is entered first, but a card from a programme switch
	// may remain): this one is the customer's card from now on.
	if _, err := w.tx.Exec(`UPDATE loyalty_cards SET status = 'revoked', revoked_at = ?, revoke_reason = ?
		WHERE customer_id = ? AND programme_id = ? AND status = 'active'`, ev.At.UnixMilli(), RevokeLost, customer, prog.rowID); err != nil {
		return fmt.Errorf("card %s: %w", p.Card, err)
	}
	if _, err := w.tx.Exec(`INSERT INTO loyalty_cards(uuid, code, customer_id, programme_id, status, issued_at, origin)
		VALUES(?, ?, ?, ?, 'active', ?, ?)`, p.Card, code, customer, prog.rowID, ev.At.UnixMilli(), ev.Origin); err != nil {
		return fmt.Errorf("card %s: %w", p.Card, err)
	}
	return nil
}

// remoteCardRow is a card by its id; ErrRemoteCard when this point does
// not know it.
func (w *writer) remoteCardRow(uuid string) (cardRow, error) {
	if uuid == "" {
		return cardRow{}, fmt.Errorf("%w: no card id", ErrRemoteData)
	}
	c, err := scanCard(w.tx.QueryRow(`SELECT `+cardColumns+` WHERE c.uuid = ?`, uuid))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("%w %q", ErrRemoteCard, uuid)
	}
	return c, err
}

func (w *writer) remoteRevoke(ev Remote) error {
	var p cardRevoked
	if err := decodeRemote(ev, &p); err != nil {
		return err
	}
	c, err := w.remoteCardRow(p.Card)
	if err != nil {
		return err
	}
	if c.status == CardRevoked {
		return nil
	}
	_, err = w.tx.Exec(`UPDATE loyalty_cards SET status = 'revoked', revoked_at = ?, revoke_reason = ?,
		replaced_by = (SELECT id FROM loyalty_cards WHERE uuid = ?) WHERE id = ?`, ev.At.UnixMilli(), p.Reason, p.ReplacedBy, c.id)
	return err
}

// movementKnown reports whether a movement id was entered already.
func (w *writer) movementKnown(uuid string) (bool, error) {
	if uuid == "" {
		return false, fmt.Errorf("%w: no movement id", ErrRemoteData)
	}
	var n int
	err := w.tx.QueryRow(`SELECT count(*) FROM loyalty_movements WHERE uuid = ?`, uuid).Scan(&n)
	return n > 0, err
}

// remoteEarn enters stamps or points earned at another point: a lot that
// does not expire here, and a visit of the customer (their last visit
// moves, and on a programme whose stamps live while the card is used, so
// does the life of the stamps earned here).
func (w *writer) remoteEarn(ev Remote) error {
	var p earned
	if err := decodeRemote(ev, &p); err != nil {
		return err
	}
	if known, err := w.movementKnown(p.Movement); known || err != nil {
		return err
	}
	c, err := w.remoteCardRow(p.Card)
	if err != nil {
		return err
	}
	if p.Amount < 0 {
		return fmt.Errorf("%w: earned %d", ErrRemoteData, p.Amount)
	}
	visit := p.VisitAt.UnixMilli()
	if p.VisitAt.IsZero() {
		visit = ev.At.UnixMilli()
	}
	key := any(nil)
	if p.Key != "" {
		key = ev.Origin + ":" + p.Key // handover numbers are per point
	}
	if _, err := w.tx.Exec(`INSERT INTO loyalty_movements(uuid, card_id, kind, amount, remaining, idem_key, visit_at, parcels,
		detail, at, ref, origin) VALUES(?, ?, 'earn', ?, ?, ?, ?, ?, '{}', ?, ?, ?)`,
		p.Movement, c.id, p.Amount, p.Amount, key, visit, p.Parcels, ev.At.UnixMilli(), p.Ref, ev.Origin); err != nil {
		return fmt.Errorf("earn %s: %w", p.Movement, err)
	}
	prog, err := loadProgramme(w.ctx, w.q(), c.programmeID)
	if err != nil {
		return err
	}
	return w.touch(c, prog, visit)
}

// remoteChange enters another point's redemption, adjustment, reversal or
// expiry of amount (signed): a positive one is a lot; a negative one draws
// first the lots it drew there, then this point's spending order, and
// records as its deficit what it could not find.
func (w *writer) remoteChange(ev Remote, card, uuid, kind string, amount int, lots []LotUse, reason string) error {
	if known, err := w.movementKnown(uuid); known || err != nil {
		return err
	}
	c, err := w.remoteCardRow(card)
	if err != nil {
		return err
	}
	if amount == 0 {
		return nil
	}
	if amount > 0 {
		return w.remoteLot(ev, c, uuid, kind, amount, reason, "")
	}
	return w.remoteSpend(ev, c, uuid, kind, -amount, lots, reason, "")
}

// remoteLot appends a lot that does not expire here.
func (w *writer) remoteLot(ev Remote, c cardRow, uuid, kind string, amount int, reason, ref string) error {
	if _, err := w.tx.Exec(`INSERT INTO loyalty_movements(uuid, card_id, kind, amount, remaining, at, reason, ref, origin)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)`, uuid, c.id, kind, amount, amount, ev.At.UnixMilli(), reason, ref, ev.Origin); err != nil {
		return fmt.Errorf("%s %s: %w", kind, uuid, err)
	}
	return nil
}

// remoteSpend appends a spend of amount (> 0): the named lots first (as
// far as they still hold something here), then the live lots in spending
// order; what is not there is the deficit.
func (w *writer) remoteSpend(ev Remote, c cardRow, uuid, kind string, amount int, named []LotUse, reason, ref string) error {
	live, err := w.liveLots(c.id)
	if err != nil {
		return err
	}
	order := make([]lot, 0, len(live))
	for _, use := range named {
		for i, l := range live {
			if l.uuid == use.Lot && l.remaining > 0 {
				take := l
				take.remaining = min(l.remaining, use.Amount)
				order = append(order, take)
				live[i].remaining -= take.remaining
			}
		}
	}
	for _, l := range live {
		if l.remaining > 0 {
			order = append(order, l)
		}
	}
	have := 0
	for _, l := range order {
		have += l.remaining
	}
	draw := min(have, amount)
	res, err := w.tx.Exec(`INSERT INTO loyalty_movements(uuid, card_id, kind, amount, at, reason, ref, origin, deficit)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)`, uuid, c.id, kind, -amount, ev.At.UnixMilli(), reason, ref, ev.Origin, amount-draw)
	if err != nil {
		return fmt.Errorf("%s %s: %w", kind, uuid, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	left := draw
	for _, l := range order {
		if left == 0 {
			break
		}
		take := min(left, l.remaining)
		if _, err := w.tx.Exec(`UPDATE loyalty_movements SET remaining = remaining - ? WHERE id = ?`, take, l.id); err != nil {
			return fmt.Errorf("spend lot %s: %w", l.uuid, err)
		}
		if _, err := w.tx.Exec(`INSERT INTO loyalty_movement_lots(spend_id, lot_id, amount) VALUES(?, ?, ?)
			ON CONFLICT(spend_id, lot_id) DO UPDATE SET amount = amount + excluded.amount`, id, l.id, take); err != nil {
			return fmt.Errorf("spend lot %s: %w", l.uuid, err)
		}
		left -= take
	}
	return nil
}

// remoteTransfer moves a balance between two cards as the other point did
// (a re-issued card, a merge): out of one, into the other as one lot.
func (w *writer) remoteTransfer(ev Remote) error {
	var p transferred
	if err := decodeRemote(ev, &p); err != nil {
		return err
	}
	if len(p.Movements) == 0 || p.Amount <= 0 {
		return fmt.Errorf("%w: transfer of %d in %d movements", ErrRemoteData, p.Amount, len(p.Movements))
	}
	if known, err := w.movementKnown(p.Movements[0]); known || err != nil {
		return err
	}
	from, err := w.remoteCardRow(p.From)
	if err != nil {
		return err
	}
	to, err := w.remoteCardRow(p.To)
	if err != nil {
		return err
	}
	if err := w.remoteSpend(ev, from, p.Movements[0], MoveTransfer, p.Amount, nil, p.Reason, to.uuid); err != nil {
		return err
	}
	in := p.Movements[0] + ":in"
	if len(p.Movements) > 1 {
		in = p.Movements[1]
	}
	return w.remoteLot(ev, to, in, MoveTransfer, p.Amount, p.Reason, from.uuid)
}

func (w *writer) remoteMerge(ev Remote) error {
	var p customerMerged
	if err := decodeRemote(ev, &p); err != nil {
		return err
	}
	keep, err := w.ensureRemoteCustomer(p.Keep, ev.Origin, "", 0, ev.At.UnixMilli())
	if err != nil {
		return err
	}
	drop, err := w.ensureRemoteCustomer(p.Drop, ev.Origin, "", 0, ev.At.UnixMilli())
	if err != nil {
		return err
	}
	if keep == drop {
		return fmt.Errorf("%w: a customer merged into themselves", ErrRemoteData)
	}
	if len(p.Cards) > 0 {
		args := []any{keep}
		for _, c := range p.Cards {
			args = append(args, c)
		}
		if _, err := w.tx.Exec(`UPDATE loyalty_cards SET customer_id = ? WHERE uuid IN (`+
			strings.Repeat(",?", len(p.Cards))[1:]+`)`, args...); err != nil {
			return fmt.Errorf("merge cards: %w", err)
		}
	}
	_, err = w.tx.Exec(`UPDATE loyalty_customers SET merged_into = ?, merged_at = ? WHERE id = ? AND merged_into IS NULL`,
		keep, ev.At.UnixMilli(), drop)
	return err
}

// remoteAnonymise erases what this point holds of a customer anonymised
// elsewhere (a phone, if they enrolled here too under the same id: never
// for another point's customer, but the request covers every point).
func (w *writer) remoteAnonymise(ev Remote) error {
	var p customerAnonymised
	if err := decodeRemote(ev, &p); err != nil {
		return err
	}
	_, err := w.tx.Exec(`UPDATE loyalty_customers SET phone = NULL, name = '', name_norm = '', masked_phone = '',
		anonymised_at = coalesce(anonymised_at, ?) WHERE uuid = ?`, ev.At.UnixMilli(), p.Customer)
	return err
}

// remoteKeys are the card-signing public keys of the owner's other points.
func (s *Service) remoteKeys(ctx context.Context) ([]string, error) {
	rows, err := s.r().QueryContext(ctx, `SELECT public_key FROM loyalty_card_keys ORDER BY at DESC`)
	if err != nil {
		return nil, fmt.Errorf("card keys: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("card keys: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}
