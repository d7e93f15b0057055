package loyalty

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"smartpoint/app/errs"
	"smartpoint/app/scan"
)

// Card is a card as the counter shows it: whose it is (masked phone), what
// it holds, how far to the next reward and what expires next.
type Card struct {
	ID               string    `json:"id"`
	Code             string    `json:"code"`
	Customer         string    `json:"customer"`
	Name             string    `json:"name,omitempty"`
	MaskedPhone      string    `json:"masked_phone,omitempty"`
	Status           string    `json:"status"`
	IssuedAt         time.Time `json:"issued_at"`
	RevokedAt        time.Time `json:"revoked_at,omitzero"`
	RevokeReason     string    `json:"revoke_reason,omitempty"`
	ReplacedBy       string    `json:"replaced_by,omitempty"` // card id
	Kind             Kind      `json:"kind"`
	PerReward        int       `json:"per_reward"`
	RewardText       string    `json:"reward_text"`
	Balance          int       `json:"balance"`
	RewardsAvailable int       `json:"rewards_available"`
	ToNextReward     int       `json:"to_next_reward"`
	Lifetime         int       `json:"lifetime"` // the customer's earnings in the programme
	Tier             string    `json:"tier,omitempty"`
	NextExpiry       time.Time `json:"next_expiry,omitzero"`
	NextExpiryAmount int       `json:"next_expiry_amount,omitempty"`
}

// cardView reads one card for display. The balance leaves out lots whose
// life ended at now even if the sweep has not written them off yet: what
// the counter shows is what can be spent.
func cardView(ctx context.Context, q queryer, cardID int64, now time.Time) (Card, error) {
	var c Card
	var issued, revoked sql.NullInt64
	var phone, masked string
	var programmeID, customerID int64
	err := q.QueryRowContext(ctx, `SELECT c.uuid, c.code, u.uuid, u.name, coalesce(u.phone, ''), u.masked_phone, c.status, c.issued_at,
		c.revoked_at, c.revoke_reason, coalesce((SELECT r.uuid FROM loyalty_cards r WHERE r.id = c.replaced_by), ''),
		c.programme_id, c.customer_id
		FROM loyalty_cards c JOIN loyalty_customers u ON u.id = c.customer_id WHERE c.id = ?`, cardID).
		Scan(&c.ID, &c.Code, &c.Customer, &c.Name, &phone, &masked, &c.Status, &issued, &revoked, &c.RevokeReason, &c.ReplacedBy,
			&programmeID, &customerID)
	if err != nil {
		return c, fmt.Errorf("card view: %w", err)
	}
	c.IssuedAt, c.RevokedAt = fromMs(issued), fromMs(revoked)
	c.MaskedPhone = maskPhone(phone, masked)
	p, err := loadProgramme(ctx, q, programmeID)
	if err != nil {
		return c, err
	}
	c.Kind, c.PerReward, c.RewardText = p.Kind, p.PerReward, p.RewardText
	nowMs := now.UnixMilli()
	var next sql.NullInt64
	err = q.QueryRowContext(ctx, `SELECT coalesce(sum(remaining), 0),
		min(expires_at)
		FROM loyalty_movements WHERE card_id = ? AND remaining > 0 AND (expires_at IS NULL OR expires_at > ?)`,
		cardID, nowMs).Scan(&c.Balance, &next)
	if err != nil {
		return c, fmt.Errorf("card balance: %w", err)
	}
	if next.Valid {
		c.NextExpiry = time.UnixMilli(next.Int64)
		if err := q.QueryRowContext(ctx, `SELECT coalesce(sum(remaining), 0) FROM loyalty_movements
			WHERE card_id = ? AND remaining > 0 AND expires_at = ?`, cardID, next.Int64).Scan(&c.NextExpiryAmount); err != nil {
			return c, fmt.Errorf("card expiry: %w", err)
		}
	}
	if err := q.QueryRowContext(ctx, `SELECT coalesce(sum(m.amount), 0) FROM loyalty_cards k
		JOIN loyalty_movements m ON m.card_id = k.id AND m.kind = 'earn'
		WHERE k.customer_id = ? AND k.programme_id = ?`, customerID, programmeID).Scan(&c.Lifetime); err != nil {
		return c, fmt.Errorf("card lifetime: %w", err)
	}
	if t, ok := p.tierFor(c.Lifetime); ok {
		c.Tier = t.Name
	}
	c.RewardsAvailable = p.rewardsIn(c.Balance)
	c.ToNextReward = p.PerReward - c.Balance%p.PerReward
	return c, nil
}

// FindCard finds a card by what the customer shows: the card's code
// (typed or printed), its id (from its QR, once app/loyaltycard has
// checked the signature) or their phone. The phone appears masked. A
// revoked card's code gives ErrCardRevoked: whoever holds an old card
// learns nothing about the new one.
func (s *Service) FindCard(ctx context.Context, query string) (Card, error) {
	e164 := ""
	if _, isCode := NormaliseCode(query); !isCode && !isUUID(query) {
		var err error
		if e164, err = s.normalisePhone(ctx, query); err != nil {
			return Card{}, errs.New(ErrCardNotFound, "Query", query)
		}
	}
	// One read transaction: the card and its balance from one snapshot.
	tx, err := s.r().BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return Card{}, fmt.Errorf("find card: %w", err)
	}
	defer tx.Rollback()
	var id int64
	if e164 == "" {
		c, err := cardByCode(ctx, tx, query)
		if err != nil {
			return Card{}, err
		}
		if c.status != CardActive {
			return Card{}, errs.New(ErrCardRevoked, "Card", FormatCode(c.code))
		}
		id = c.id
	} else if id, err = activeCardByPhone(ctx, tx, e164); err != nil {
		if errs.Has(err, ErrCardNotFound) {
			err = errs.New(ErrCardNotFound, "Query", query)
		}
		return Card{}, err
	}
	return cardView(ctx, tx, id, s.svc.Now())
}

// activeCardByPhone is the active card, in the active programme, of the
// customer a phone belongs to.
func activeCardByPhone(ctx context.Context, q queryer, e164 string) (int64, error) {
	cust, ok, err := customerByPhone(ctx, q, e164)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, errs.New(ErrCardNotFound, "Query", e164)
	}
	var id int64
	err = q.QueryRowContext(ctx, `SELECT c.id FROM loyalty_cards c JOIN loyalty_programmes p ON p.id = c.programme_id AND p.active = 1
		WHERE c.customer_id = ? AND c.status = 'active'`, cust.id).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errs.New(ErrCardNotFound, "Query", e164)
	}
	if err != nil {
		return 0, fmt.Errorf("card by phone: %w", err)
	}
	return id, nil
}

// maskPhone shows a stored phone masked. A customer of another point has
// only the masked form (the log never holds a phone): shown as it is.
func maskPhone(phone, masked string) string {
	if phone == "" {
		return masked
	}
	return scan.MaskPhone(phone)
}
