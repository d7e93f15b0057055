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
	"smartpoint/app/errs"
)

// EnrolGrace lets a pickup made just before enrolment earn: the customer
// is usually enrolled at the counter right after their parcels are handed
// over. Earlier pickups never earn.
const EnrolGrace = 30 * time.Minute

// maxKeyLen bounds an idempotency key.
const maxKeyLen = 100

// Visit is one pickup to reward.
type Visit struct {
	Parcels int       `json:"parcels"` // parcels handed over (≥ 1)
	At      time.Time `json:"at"`      // when; zero: now
}

// Result is what an accrual gave, for the counter's screen.
type Result struct {
	Card             string    `json:"card"` // the code the accrual landed on
	Customer         string    `json:"customer"`
	Key              string    `json:"key"`
	Granted          int       `json:"granted"`
	Requested        int       `json:"requested"` // what the rules give before the daily cap and cooldown
	Balance          int       `json:"balance"`
	RewardsAvailable int       `json:"rewards_available"`
	NewRewards       int       `json:"new_rewards"` // rewards this visit completed: "reward available!"
	CapHit           bool      `json:"cap_hit"`
	Cooldown         bool      `json:"cooldown"`
	CooldownUntil    time.Time `json:"cooldown_until,omitzero"`
	Tier             string    `json:"tier,omitempty"`
	Promotion        string    `json:"promotion,omitempty"`
	// Repeated: the key had been accrued before; this is that first
	// result (with today's balance) and nothing changed.
	Repeated bool   `json:"repeated"`
	Detail   Detail `json:"detail"`
}

func resultOf(card cardRow, key string, granted int, d Detail) Result {
	return Result{Card: card.code, Customer: card.customerUUID, Key: key, Granted: granted, Requested: d.Requested,
		NewRewards: d.NewRewards, CapHit: d.CapHit, Cooldown: d.Cooldown, CooldownUntil: d.CooldownUntil,
		Tier: d.Tier, Promotion: d.Promotion, Detail: d}
}

// cleanKey checks an accrual's key; the reversal prefix is reserved.
func cleanKey(key string) (string, error) {
	key = strings.TrimSpace(key)
	if key == "" || len(key) > maxKeyLen || strings.HasPrefix(key, reverseKeyPrefix) {
		return "", invalid("key", key)
	}
	return key, nil
}

// Accrue gives a card the stamps (or points) of one pickup, identified by
// key: the same key again returns the first result and changes nothing, so
// a retried or replayed accrual never stamps twice. The programme decides
// the amount (per visit or per parcel, tier, promotion at the visit's local
// time); the daily cap cuts it (CapHit) and a visit within the cooldown of
// the card's previous one earns nothing (Cooldown) — both are recorded
// under the key, so a later retry cannot get round them. A clerk on shift
// may accrue.
func (s *Service) Accrue(ctx context.Context, sess *counter.Session, cardCode, key string, v Visit) (Result, error) {
	if err := onShift(sess); err != nil {
		return Result{}, err
	}
	key, err := cleanKey(key)
	if err != nil {
		return Result{}, err
	}
	var out Result
	err = s.write(ctx, sess, func(w *writer) error {
		card, err := cardByCode(ctx, w.q(), cardCode)
		if err != nil {
			return err
		}
		p, err := loadProgramme(ctx, w.q(), card.programmeID)
		if err != nil {
			return err
		}
		out, err = w.accrue(card, p, key, v, "")
		return err
	})
	if err != nil {
		return Result{}, fmt.Errorf("accrue %s: %w", key, err)
	}
	return out, nil
}

// onShift: counter work is attributed to a shift, for the shift report.
func onShift(sess *counter.Session) error {
	if err := sess.Require(counter.RoleClerk); err != nil {
		return err
	}
	if sess.ShiftID() == 0 {
		return errs.New(counter.ErrNoShift)
	}
	return nil
}

// accrue is one accrual inside an action.
func (w *writer) accrue(card cardRow, p programme, key string, v Visit, ref string) (Result, error) {
	if prev, found, err := w.previous(card, p, key); found || err != nil {
		return prev, err
	}
	if card.status != CardActive {
		return Result{}, errs.New(ErrCardRevoked, "Card", FormatCode(card.code))
	}
	if v.Parcels < 1 || v.Parcels > maxPerUnit {
		return Result{}, invalid("visit.parcels", v.Parcels)
	}
	at := v.At
	if at.IsZero() {
		at = w.now
	}
	if at.After(w.now) || at.UnixMilli() < card.enrolledAt-EnrolGrace.Milliseconds() {
		return Result{}, invalid("visit.at", at.In(w.s.svc.Location()).Format(time.DateTime))
	}
	if _, err := w.expireDue(card); err != nil {
		return Result{}, err
	}
	lifetime, err := w.lifetime(card.customerID, card.programmeID)
	if err != nil {
		return Result{}, err
	}
	d := p.quote(v.Parcels, lifetime, at.In(w.s.svc.Location()))
	granted, err := w.limit(card, p, at, &d)
	if err != nil {
		return Result{}, err
	}
	before, err := w.balance(card.id)
	if err != nil {
		return Result{}, err
	}
	after := before + granted
	d.NewRewards = p.rewardsIn(after) - p.rewardsIn(before)
	_, uuid, err := w.insert(movement{card: card, kind: MoveEarn, amount: granted, lot: true, expiresAt: p.lotExpiry(at),
		key: key, visitAt: at.UnixMilli(), parcels: v.Parcels, detail: d, ref: ref})
	if err != nil {
		return Result{}, err
	}
	if err := w.touch(card, p, at.UnixMilli()); err != nil {
		return Result{}, err
	}
	kind := EvStampEarned
	if p.Kind == KindPoints {
		kind = EvPointsEarned
	}
	if err := w.emit(kind, cardEntity(card.uuid), earned{Card: card.uuid, Customer: card.customerUUID, Movement: uuid,
		Key: key, Ref: ref, Amount: granted, Requested: d.Requested, Balance: after, RewardsAvailable: p.rewardsIn(after),
		VisitAt: at, Parcels: v.Parcels, ClerkID: w.clerk, ShiftID: w.shift, Detail: d}); err != nil {
		return Result{}, err
	}
	if d.NewRewards > 0 {
		if err := w.emit(EvRewardEarned, cardEntity(card.uuid), rewardEarned{Card: card.uuid, Customer: card.customerUUID,
			Rewards: d.NewRewards, RewardsAvailable: p.rewardsIn(after), Reward: p.RewardText}); err != nil {
			return Result{}, err
		}
	}
	r := resultOf(card, key, granted, d)
	r.Balance, r.RewardsAvailable = after, p.rewardsIn(after)
	return r, nil
}

// limit applies the cooldown and the daily cap to a quote. Both look at
// every card of the customer in the programme, so a re-issued card does
// not start a fresh day.
func (w *writer) limit(card cardRow, p programme, at time.Time, d *Detail) (int, error) {
	atMs := at.UnixMilli()
	if p.CooldownMinutes > 0 {
		cd := int64(p.CooldownMinutes) * int64(time.Minute/time.Millisecond)
		var near sql.NullInt64
		// The nearest earning visit on either side: a catch-up may record
		// a visit older than one already stamped.
		err := w.tx.QueryRow(`SELECT max(m.visit_at) FROM loyalty_movements m JOIN loyalty_cards c ON c.id = m.card_id
			WHERE c.customer_id = ? AND c.programme_id = ? AND m.kind = 'earn' AND m.amount > 0
			AND m.visit_at > ? AND m.visit_at < ?`, card.customerID, card.programmeID, atMs-cd, atMs+cd).Scan(&near)
		if err != nil {
			return 0, fmt.Errorf("cooldown: %w", err)
		}
		if near.Valid {
			d.Cooldown, d.CooldownUntil = true, time.UnixMilli(near.Int64+cd)
			return 0, nil
		}
	}
	if p.DailyCap > 0 {
		from, to := localDay(at, w.s.svc.Location())
		var today int
		err := w.tx.QueryRow(`SELECT coalesce(sum(m.amount), 0) FROM loyalty_movements m JOIN loyalty_cards c ON c.id = m.card_id
			WHERE c.customer_id = ? AND c.programme_id = ? AND m.kind = 'earn' AND m.visit_at >= ? AND m.visit_at < ?`,
			card.customerID, card.programmeID, from.UnixMilli(), to.UnixMilli()).Scan(&today)
		if err != nil {
			return 0, fmt.Errorf("daily cap: %w", err)
		}
		granted, hit := capped(d.Requested, today, p.DailyCap)
		d.CapHit = hit
		return granted, nil
	}
	return d.Requested, nil
}

// previous is the first result of a key already accrued. A key accrued
// for another customer is ErrKeyUsed: one pickup rewards one customer.
func (w *writer) previous(card cardRow, p programme, key string) (Result, bool, error) {
	var amount int
	var detail string
	var landed cardRow
	err := w.tx.QueryRow(`SELECT m.amount, m.detail, c.code, c.uuid, c.customer_id FROM loyalty_movements m
		JOIN loyalty_cards c ON c.id = m.card_id WHERE m.idem_key = ?`, key).
		Scan(&amount, &detail, &landed.code, &landed.uuid, &landed.customerID)
	if errors.Is(err, sql.ErrNoRows) {
		return Result{}, false, nil
	}
	if err != nil {
		return Result{}, false, fmt.Errorf("key %s: %w", key, err)
	}
	if landed.customerID != card.customerID {
		return Result{}, true, errs.New(ErrKeyUsed, "Key", key)
	}
	var d Detail
	if err := json.Unmarshal([]byte(detail), &d); err != nil {
		return Result{}, true, fmt.Errorf("key %s: damaged detail: %w", key, err)
	}
	landed.customerUUID = card.customerUUID
	r := resultOf(landed, key, amount, d)
	r.Repeated = true
	if now, found, err := w.customerCard(card.customerID, p.rowID); err != nil {
		return r, true, err
	} else if found {
		v, err := cardView(w.ctx, w.q(), now.id, w.now)
		if err != nil {
			return r, true, err
		}
		r.Balance, r.RewardsAvailable = v.Balance, v.RewardsAvailable
	}
	return r, true, nil
}
