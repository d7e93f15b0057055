package loyalty

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"smartpoint/app/scan"
)

// DefaultMaxPerDay is the suspicious-activity threshold when none is
// given (Square's default is the same order: 5 loyalty events a day).
const DefaultMaxPerDay = 5

// Suspicious is the suspicious-activity report of a period.
type Suspicious struct {
	From      time.Time        `json:"from"`
	To        time.Time        `json:"to"`
	MaxPerDay int              `json:"max_per_day"`
	Days      []SuspiciousDay  `json:"days"`  // a card earning more than MaxPerDay in one local day
	Pairs     []SuspiciousPair `json:"pairs"` // one clerk stamping one card repeatedly
}

// SuspiciousDay is one card's day above the threshold.
type SuspiciousDay struct {
	Card        string   `json:"card"`
	Customer    string   `json:"customer"`
	MaskedPhone string   `json:"masked_phone,omitempty"`
	Day         string   `json:"day"` // 2026-11-20, the point's calendar
	Amount      int      `json:"amount"`
	Accruals    int      `json:"accruals"`
	Clerks      []string `json:"clerks"`
}

// SuspiciousPair is one clerk and one card with repeated accruals: more
// than one on the same day, or more than one with no handover behind it
// (keyed by hand rather than by a pickup the counter recorded).
type SuspiciousPair struct {
	ClerkID     int64  `json:"clerk_id"`
	Clerk       string `json:"clerk"`
	Card        string `json:"card"`
	Customer    string `json:"customer"`
	MaskedPhone string `json:"masked_phone,omitempty"`
	Accruals    int    `json:"accruals"`
	Amount      int    `json:"amount"`
	Days        int    `json:"days"`
	MostInADay  int    `json:"most_in_a_day"`
	Manual      int    `json:"manual"` // accruals not backed by a handover
}

// Suspicious reports, for accruals whose visit falls in [from, to): cards
// with more than maxPerDay stamps (or points) in one local day, and
// clerk×card pairs stamping repeatedly. maxPerDay ≤ 0 means
// DefaultMaxPerDay. Only granted accruals count.
func (s *Service) Suspicious(ctx context.Context, from, to time.Time, maxPerDay int) (Suspicious, error) {
	if maxPerDay <= 0 {
		maxPerDay = DefaultMaxPerDay
	}
	out := Suspicious{From: from, To: to, MaxPerDay: maxPerDay, Days: []SuspiciousDay{}, Pairs: []SuspiciousPair{}}
	rows, err := s.r().QueryContext(ctx, `SELECT c.code, u.uuid, coalesce(u.phone, ''), coalesce(m.clerk_id, 0),
		coalesce(k.name, ''), m.visit_at, m.amount,
		m.idem_key LIKE ? AND EXISTS (SELECT 1 FROM handovers h WHERE h.number = substr(m.idem_key, ?))
		FROM loyalty_movements m JOIN loyalty_cards c ON c.id = m.card_id JOIN loyalty_customers u ON u.id = c.customer_id
		LEFT JOIN clerks k ON k.id = m.clerk_id
		WHERE m.kind = 'earn' AND m.amount > 0 AND m.visit_at >= ? AND m.visit_at < ? ORDER BY m.visit_at`,
		HandoverKeyPrefix+"%", len(HandoverKeyPrefix)+1, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return out, fmt.Errorf("suspicious: %w", err)
	}
	defer rows.Close()
	type dayKey struct{ card, day string }
	type pairKey struct {
		clerk int64
		card  string
	}
	days := map[dayKey]*SuspiciousDay{}
	pairs := map[pairKey]*SuspiciousPair{}
	pairDays := map[pairKey]map[string]int{}
	loc := s.svc.Location()
	for rows.Next() {
		var code, cust, phone, clerk string
		var clerkID, visit int64
		var amount int
		var backed bool
		if err := rows.Scan(&code, &cust, &phone, &clerkID, &clerk, &visit, &amount, &backed); err != nil {
			return out, fmt.Errorf("suspicious: %w", err)
		}
		masked := ""
		if phone != "" {
			masked = scan.MaskPhone(phone)
		}
		day := time.UnixMilli(visit).In(loc).Format(time.DateOnly)
		d := days[dayKey{code, day}]
		if d == nil {
			d = &SuspiciousDay{Card: code, Customer: cust, MaskedPhone: masked, Day: day, Clerks: []string{}}
			days[dayKey{code, day}] = d
		}
		d.Amount += amount
		d.Accruals++
		if !slices.Contains(d.Clerks, clerk) {
			d.Clerks = append(d.Clerks, clerk)
		}
		pk := pairKey{clerkID, code}
		p := pairs[pk]
		if p == nil {
			p = &SuspiciousPair{ClerkID: clerkID, Clerk: clerk, Card: code, Customer: cust, MaskedPhone: masked}
			pairs[pk], pairDays[pk] = p, map[string]int{}
		}
		p.Accruals++
		p.Amount += amount
		if !backed {
			p.Manual++
		}
		pairDays[pk][day]++
		p.MostInADay = max(p.MostInADay, pairDays[pk][day])
		p.Days = len(pairDays[pk])
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("suspicious: %w", err)
	}
	for _, d := range days {
		if d.Amount > maxPerDay {
			out.Days = append(out.Days, *d)
		}
	}
	for _, p := range pairs {
		if p.MostInADay > 1 || p.Manual > 1 {
			out.Pairs = append(out.Pairs, *p)
		}
	}
	slices.SortFunc(out.Days, func(a, b SuspiciousDay) int {
		return cmp.Or(cmp.Compare(b.Amount, a.Amount), cmp.Compare(a.Day, b.Day), cmp.Compare(a.Card, b.Card))
	})
	slices.SortFunc(out.Pairs, func(a, b SuspiciousPair) int {
		return cmp.Or(cmp.Compare(b.Accruals, a.Accruals), cmp.Compare(a.Clerk, b.Clerk), cmp.Compare(a.Card, b.Card))
	})
	return out, nil
}
