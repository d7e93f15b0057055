package loyalty

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"smartpoint/app/errs"
)

// Customer is a member as lists show them (phone masked).
type Customer struct {
	ID               string    `json:"id"`
	MaskedPhone      string    `json:"masked_phone,omitempty"`
	Name             string    `json:"name,omitempty"`
	ConsentAt        time.Time `json:"consent_at"`
	ConsentBy        string    `json:"consent_by,omitempty"` // the clerk who recorded the consent
	CreatedAt        time.Time `json:"created_at"`
	LastVisitAt      time.Time `json:"last_visit_at,omitzero"`
	AnonymisedAt     time.Time `json:"anonymised_at,omitzero"`
	MergedInto       string    `json:"merged_into,omitempty"`
	Card             string    `json:"card,omitempty"` // the active card's code
	Balance          int       `json:"balance"`
	RewardsAvailable int       `json:"rewards_available"`
}

// CustomerDetail is one customer with every card and the full history.
type CustomerDetail struct {
	Customer
	Cards     []Card     `json:"cards"`
	Movements []Movement `json:"movements"` // oldest first
}

// Movement is one ledger row as the history shows it.
type Movement struct {
	ID         string          `json:"id"`
	Card       string          `json:"card"` // code
	Kind       string          `json:"kind"`
	Amount     int             `json:"amount"`
	Remaining  *int            `json:"remaining,omitempty"` // lots only
	ExpiresAt  time.Time       `json:"expires_at,omitzero"`
	Key        string          `json:"key,omitempty"`
	VisitAt    time.Time       `json:"visit_at,omitzero"`
	Parcels    int             `json:"parcels,omitempty"`
	Clerk      string          `json:"clerk,omitempty"`
	ApprovedBy string          `json:"approved_by,omitempty"`
	ShiftID    int64           `json:"shift_id,omitempty"`
	At         time.Time       `json:"at"`
	Reason     string          `json:"reason,omitempty"`
	Ref        string          `json:"ref,omitempty"`
	Detail     json.RawMessage `json:"detail,omitempty"`
	Lots       []LotUse        `json:"lots,omitempty"` // spending rows: the lots drawn from
}

// customerSelect reads Customer rows; the balance is that of the active
// card in the active programme, without lots past their life.
const customerSelect = `SELECT u.uuid, coalesce(u.phone, ''), u.masked_phone, u.name, u.consent_at, coalesce(k.name, ''), u.created_at,
	u.last_visit_at, u.anonymised_at, coalesce(m.uuid, ''), coalesce(c.code, ''),
	coalesce((SELECT sum(l.remaining) FROM loyalty_movements l WHERE l.card_id = c.id AND l.remaining > 0
		AND (l.expires_at IS NULL OR l.expires_at > ?)), 0)
	FROM loyalty_customers u
	LEFT JOIN clerks k ON k.id = u.consent_clerk_id
	LEFT JOIN loyalty_customers m ON m.id = u.merged_into
	LEFT JOIN loyalty_cards c ON c.customer_id = u.id AND c.status = 'active'
		AND c.programme_id = (SELECT id FROM loyalty_programmes WHERE active = 1)`

func (s *Service) queryCustomers(ctx context.Context, q queryer, where string, args ...any) ([]Customer, error) {
	perReward := 0
	if p, err := loadProgramme(ctx, q, 0); err == nil {
		perReward = p.PerReward
	} else if !errs.Has(err, ErrNoProgramme) {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, customerSelect+" "+where, append([]any{s.svc.Now().UnixMilli()}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("customers: %w", err)
	}
	defer rows.Close()
	var out []Customer
	for rows.Next() {
		var c Customer
		var phone, masked string
		var consent, created int64
		var visit, anonymised sql.NullInt64
		if err := rows.Scan(&c.ID, &phone, &masked, &c.Name, &consent, &c.ConsentBy, &created, &visit, &anonymised, &c.MergedInto,
			&c.Card, &c.Balance); err != nil {
			return nil, fmt.Errorf("customers: %w", err)
		}
		c.MaskedPhone = maskPhone(phone, masked)
		c.ConsentAt, c.CreatedAt = time.UnixMilli(consent), time.UnixMilli(created)
		c.LastVisitAt, c.AnonymisedAt = fromMs(visit), fromMs(anonymised)
		if perReward > 0 {
			c.RewardsAvailable = c.Balance / perReward
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Customers lists members, most recently seen first: all of them for an
// empty query, else those whose card code is the query, whose phone
// contains its digits (3 or more), or whose name contains it. Anonymised
// and merged customers are left out. limit is 1–500 (0: 50).
func (s *Service) Customers(ctx context.Context, query string, limit, offset int) ([]Customer, error) {
	if limit <= 0 {
		limit = 50
	}
	limit, offset = min(limit, 500), max(offset, 0)
	where := `WHERE u.anonymised_at IS NULL AND u.merged_into IS NULL`
	var args []any
	query = strings.TrimSpace(query)
	if code, ok := NormaliseCode(query); ok {
		where += ` AND u.id IN (SELECT customer_id FROM loyalty_cards WHERE code = ?)`
		args = append(args, code)
	} else if digits, ok := phoneDigits(query); ok {
		where += ` AND instr(u.phone, ?) > 0`
		args = append(args, digits)
	} else if query != "" {
		where += ` AND instr(u.name_norm, ?) > 0`
		args = append(args, strings.ToLower(strings.Join(strings.Fields(query), " ")))
	}
	order := `coalesce(u.last_visit_at, u.created_at)`
	if len(args) > 0 {
		// A filter reads every row anyway: a plain scan and a sort of the
		// matches beats walking the recency index through all 200,000
		// members (0.03 s against 0.4 s when nothing matches).
		order = "+" + order
	}
	where += ` ORDER BY ` + order + ` DESC, u.id DESC LIMIT ? OFFSET ?`
	return s.queryCustomers(ctx, s.r(), where, append(args, limit, offset)...)
}

// phoneDigits reads a query of 3 or more digits with phone punctuation.
func phoneDigits(q string) (string, bool) {
	var b strings.Builder
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune("+-() ", r):
		default:
			return "", false
		}
	}
	return b.String(), b.Len() >= 3
}

// customerSummary is one Customer by id.
func (s *Service) customerSummary(ctx context.Context, id string) (Customer, error) {
	list, err := s.queryCustomers(ctx, s.r(), `WHERE u.uuid = ?`, id)
	if err != nil {
		return Customer{}, err
	}
	if len(list) == 0 {
		return Customer{}, errs.New(ErrCustomerUnknown, "ID", id)
	}
	return list[0], nil
}

// Customer is one customer with all their cards (revoked ones too) and
// every movement on them. A merged customer is shown as it was left
// (MergedInto says where its cards went).
func (s *Service) Customer(ctx context.Context, id string) (CustomerDetail, error) {
	tx, err := s.r().BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return CustomerDetail{}, fmt.Errorf("customer: %w", err)
	}
	defer tx.Rollback()
	return s.customerDetail(ctx, tx, id)
}

func (s *Service) customerDetail(ctx context.Context, q queryer, id string) (CustomerDetail, error) {
	var d CustomerDetail
	list, err := s.queryCustomers(ctx, q, `WHERE u.uuid = ?`, id)
	if err != nil {
		return d, err
	}
	if len(list) == 0 {
		return d, errs.New(ErrCustomerUnknown, "ID", id)
	}
	d.Customer = list[0]
	rows, err := q.QueryContext(ctx, `SELECT c.id FROM loyalty_cards c JOIN loyalty_customers u ON u.id = c.customer_id
		WHERE u.uuid = ? ORDER BY c.id`, id)
	if err != nil {
		return d, fmt.Errorf("customer cards: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var cid int64
		if err := rows.Scan(&cid); err != nil {
			rows.Close()
			return d, fmt.Errorf("customer cards: %w", err)
		}
		ids = append(ids, cid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return d, fmt.Errorf("customer cards: %w", err)
	}
	d.Cards = []Card{}
	for _, cid := range ids {
		c, err := cardView(ctx, q, cid, s.svc.Now())
		if err != nil {
			return d, err
		}
		d.Cards = append(d.Cards, c)
	}
	d.Movements, err = movementsOf(ctx, q, ids)
	return d, err
}

// movementsOf reads the ledger of some cards, oldest first, with the lots
// each spending row drew from.
func movementsOf(ctx context.Context, q queryer, cardIDs []int64) ([]Movement, error) {
	out := []Movement{}
	if len(cardIDs) == 0 {
		return out, nil
	}
	marks := strings.Repeat(",?", len(cardIDs))[1:]
	args := make([]any, len(cardIDs))
	for i, id := range cardIDs {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.uuid, c.code, m.kind, m.amount, m.remaining, m.expires_at,
		coalesce(m.idem_key, ''), m.visit_at, coalesce(m.parcels, 0), coalesce(k.name, ''), coalesce(a.name, ''),
		coalesce(m.shift_id, 0), m.at, m.reason, m.ref, m.detail
		FROM loyalty_movements m JOIN loyalty_cards c ON c.id = m.card_id
		LEFT JOIN clerks k ON k.id = m.clerk_id LEFT JOIN clerks a ON a.id = m.approved_by
		WHERE m.card_id IN (`+marks+`) ORDER BY m.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("movements: %w", err)
	}
	byID := map[int64]int{}
	for rows.Next() {
		var m Movement
		var id, at int64
		var remaining, expires, visit sql.NullInt64
		var detail string
		if err := rows.Scan(&id, &m.ID, &m.Card, &m.Kind, &m.Amount, &remaining, &expires, &m.Key, &visit, &m.Parcels,
			&m.Clerk, &m.ApprovedBy, &m.ShiftID, &at, &m.Reason, &m.Ref, &detail); err != nil {
			rows.Close()
			return nil, fmt.Errorf("movements: %w", err)
		}
		if remaining.Valid {
			r := int(remaining.Int64)
			m.Remaining = &r
		}
		m.ExpiresAt, m.VisitAt, m.At = fromMs(expires), fromMs(visit), time.UnixMilli(at)
		if detail != "{}" {
			m.Detail = json.RawMessage(detail)
		}
		byID[id] = len(out)
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("movements: %w", err)
	}
	links, err := q.QueryContext(ctx, `SELECT ml.spend_id, l.uuid, ml.amount FROM loyalty_movement_lots ml
		JOIN loyalty_movements s ON s.id = ml.spend_id JOIN loyalty_movements l ON l.id = ml.lot_id
		WHERE s.card_id IN (`+marks+`) ORDER BY ml.spend_id, l.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("movement lots: %w", err)
	}
	defer links.Close()
	for links.Next() {
		var spend int64
		var u LotUse
		if err := links.Scan(&spend, &u.Lot, &u.Amount); err != nil {
			return nil, fmt.Errorf("movement lots: %w", err)
		}
		if i, ok := byID[spend]; ok {
			out[i].Lots = append(out[i].Lots, u)
		}
	}
	return out, links.Err()
}
