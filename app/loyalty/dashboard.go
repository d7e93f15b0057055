package loyalty

import (
	"cmp"
	"context"
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"sync"
	"time"
)

// DashboardAtRiskTop is how many at-risk members the dashboard lists.
const DashboardAtRiskTop = 20

// RetentionMonths is how many months after enrolment a cohort is followed.
const RetentionMonths = 12

// maxDashboardMonths bounds a dashboard's period (ten years).
const maxDashboardMonths = 120

// Dashboard is the programme's figures for a period [From, To), in the
// point's time zone.
type Dashboard struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Enrolments: members who joined in the period (duplicates later
	// merged into another member do not count; anonymised ones do).
	Enrolments int `json:"enrolments"`
	// ActiveMembers: members with at least one earning visit (an accrual
	// that gave something) in the period.
	ActiveMembers int `json:"active_members"`
	Visits        int `json:"visits"` // earning visits
	Issued        int `json:"issued"` // stamps or points those visits earned
	Redemptions   int `json:"redemptions"`
	Redeemed      int `json:"redeemed"` // stamps or points the redemptions took
	// RedemptionRate is Redeemed / Issued, both over the period (0 when
	// nothing was issued): a flow, not a cohort — stamps redeemed in the
	// period may have been earned before it, so it can exceed 1.
	RedemptionRate float64 `json:"redemption_rate"`
	Expired        int     `json:"expired"`   // written off at the end of their life
	Forfeited      int     `json:"forfeited"` // written off when their member was anonymised
	// Months is one entry per calendar month of the period (the first and
	// last clipped to it), for charts.
	Months []DashboardMonth `json:"months"`
	// Cohorts follow the members who joined in each month of the period.
	Cohorts []Cohort `json:"cohorts"`
	// AtRisk is the segment at_risk now (see Segments, default options):
	// its size and its DashboardAtRiskTop members with the highest
	// lifetime earnings, phones masked.
	AtRiskTotal int             `json:"at_risk_total"`
	AtRisk      []SegmentMember `json:"at_risk"`
}

// DashboardMonth is one month of the period.
type DashboardMonth struct {
	Month         string    `json:"month"` // 2026-01
	From          time.Time `json:"from"`
	To            time.Time `json:"to"`
	Enrolments    int       `json:"enrolments"`
	ActiveMembers int       `json:"active_members"`
	Visits        int       `json:"visits"`
	Issued        int       `json:"issued"`
	Redemptions   int       `json:"redemptions"`
	Redeemed      int       `json:"redeemed"`
	Expired       int       `json:"expired"`
}

// Cohort is the members who joined in one month of the period and how
// many of them came back (an earning visit) in each following month.
type Cohort struct {
	Month string `json:"month"` // 2026-01
	Size  int    `json:"size"`
	// Retained[k-1] is how many had an earning visit in month +k (k = 1…
	// RetentionMonths), Retention[k-1] that share of Size; only months of
	// the period count, so a recent cohort has fewer (the month holding
	// To counts its visits so far).
	Retained  []int     `json:"retained"`
	Retention []float64 `json:"retention"`
}

// Dashboard sums the programme up over [from, to) — enrolments, active
// members, stamps or points issued, redeemed and expired, per month — with
// the retention of each month's new members and the members at risk now.
// Months are the point's calendar months. Visits count from the pickup's
// time, redemptions and expiries from when they were recorded.
//
// It reads the whole earnings index once (every earning visit: the
// period's months, the cohorts and the segments' window at once) next to
// the members, cards and the period's redemptions and expiries.
func (s *Service) Dashboard(ctx context.Context, from, to time.Time) (Dashboard, error) {
	loc := s.svc.Location()
	from, to = from.In(loc), to.In(loc)
	if !to.After(from) {
		return Dashboard{}, invalid("to", to.Format(time.DateTime))
	}
	d := Dashboard{From: from, To: to, Months: []DashboardMonth{}, Cohorts: []Cohort{}, AtRisk: []SegmentMember{}}
	bounds := monthBounds(from, to, loc)
	n := len(bounds) - 1
	if n > maxDashboardMonths {
		return Dashboard{}, invalid("from", from.Format(time.DateTime))
	}
	for i := range n {
		a, b := time.UnixMilli(bounds[i]).In(loc), time.UnixMilli(bounds[i+1]).In(loc)
		d.Months = append(d.Months, DashboardMonth{Month: a.Format("2006-01"), From: a, To: b})
	}
	var opt SegmentOptions
	if err := opt.normalise(); err != nil {
		return Dashboard{}, err
	}
	now := s.svc.Now()
	nowMs := now.UnixMilli()
	since := now.AddDate(0, 0, -opt.WindowDays).UnixMilli()
	maxCard, err := maxID(ctx, s.r(), "loyalty_cards")
	if err != nil {
		return Dashboard{}, fmt.Errorf("dashboard: %w", err)
	}
	maxCustomer, err := maxID(ctx, s.r(), "loyalty_customers")
	if err != nil {
		return Dashboard{}, fmt.Errorf("dashboard: %w", err)
	}
	// One connection reads the earnings, another the rest.
	cards := newCardFigures(maxCard, n)
	var people []person
	var owner []int64 // card id → customer id
	var wg sync.WaitGroup
	var earnErr, restErr error
	wg.Go(func() { earnErr = cards.read(ctx, s, bounds, since, nowMs, &d) })
	wg.Go(func() {
		if people, restErr = s.people(ctx, maxCustomer); restErr != nil {
			return
		}
		if owner, restErr = s.cardCustomers(ctx, maxCard); restErr != nil {
			return
		}
		restErr = s.spendsByMonth(ctx, bounds, &d)
	})
	wg.Wait()
	if err := cmp.Or(earnErr, restErr); err != nil {
		return Dashboard{}, fmt.Errorf("dashboard: %w", err)
	}

	// Cards → members.
	slot := make([]int32, maxCustomer+1)
	for i := range slot {
		slot[i] = -1
	}
	for i, p := range people {
		slot[p.id] = int32(i)
	}
	w := cards.words
	months := make([]uint64, len(people)*w)
	for card, cust := range owner {
		if cust <= 0 || cust > maxCustomer || slot[cust] < 0 {
			continue
		}
		i := int(slot[cust])
		p := &people[i]
		p.visits += cards.visits[card]
		p.earned += cards.earned[card]
		p.lifetime += cards.lifetime[card]
		for k := range w {
			months[i*w+k] |= cards.months[card*w+k]
		}
	}

	// Enrolments, active members, cohorts.
	cohorts := make([]Cohort, n)
	for i := range cohorts {
		cohorts[i] = Cohort{Month: d.Months[i].Month, Retained: make([]int, min(RetentionMonths, n-1-i))}
	}
	for i, p := range people {
		bitsOf := months[i*w : (i+1)*w]
		came := false
		for k, word := range bitsOf {
			came = came || word != 0
			for word != 0 {
				m := k*64 + bits.TrailingZeros64(word)
				word &= word - 1
				d.Months[m].ActiveMembers++
			}
		}
		if came {
			d.ActiveMembers++
		}
		if p.merged || p.created < bounds[0] || p.created >= bounds[n] {
			continue
		}
		c := monthOf(bounds, p.created)
		d.Enrolments++
		d.Months[c].Enrolments++
		cohorts[c].Size++
		for k := range cohorts[c].Retained {
			m := c + k + 1
			if bitsOf[m/64]&(1<<(m%64)) != 0 {
				cohorts[c].Retained[k]++
			}
		}
	}
	for i := range cohorts {
		c := &cohorts[i]
		c.Retention = make([]float64, len(c.Retained))
		for k, r := range c.Retained {
			if c.Size > 0 {
				c.Retention[k] = float64(r) / float64(c.Size)
			}
		}
	}
	d.Cohorts = cohorts
	for _, m := range d.Months {
		d.Visits += m.Visits
		d.Issued += m.Issued
		d.Redemptions += m.Redemptions
		d.Redeemed += m.Redeemed
		d.Expired += m.Expired
	}
	if d.Issued > 0 {
		d.RedemptionRate = float64(d.Redeemed) / float64(d.Issued)
	}

	// Members at risk now, as Segments sees them.
	set := &segmentSet{}
	if p, err := loadProgramme(ctx, s.r(), 0); err == nil {
		set.programme = &p
	}
	for _, p := range people {
		if p.active {
			set.members = append(set.members, rfm{id: p.id, created: p.created, last: p.last, visits: p.visits,
				earned: p.earned, lifetime: p.lifetime})
		}
	}
	set.classify(nowMs, since, opt)
	var risk []*rfm
	for i := range set.members {
		if m := &set.members[i]; m.seg == segAtRisk {
			risk = append(risk, m)
		}
	}
	d.AtRiskTotal = len(risk)
	slices.SortFunc(risk, func(a, b *rfm) int {
		return cmp.Or(cmp.Compare(b.lifetime, a.lifetime), cmp.Compare(b.last, a.last), cmp.Compare(a.id, b.id))
	})
	if d.AtRisk, err = s.segmentMembers(ctx, now, set, risk[:min(len(risk), DashboardAtRiskTop)], opt); err != nil {
		return Dashboard{}, fmt.Errorf("dashboard: %w", err)
	}
	return d, nil
}

// monthBounds cuts [from, to) at the starts of the calendar months in
// loc: from, each month start after it, to.
func monthBounds(from, to time.Time, loc *time.Location) []int64 {
	out := []int64{from.UnixMilli()}
	y, m, _ := from.Date()
	for i := 1; ; i++ {
		next := time.Date(y, m+time.Month(i), 1, 0, 0, 0, 0, loc)
		if !next.Before(to) || i > maxDashboardMonths {
			break
		}
		out = append(out, next.UnixMilli())
	}
	return append(out, to.UnixMilli())
}

// monthOf is the month of bounds holding ms (bounds[0] ≤ ms < bounds[n]).
func monthOf(bounds []int64, ms int64) int {
	return sort.Search(len(bounds), func(i int) bool { return bounds[i] > ms }) - 1
}

// cardFigures are every card's earnings, indexed by card id.
type cardFigures struct {
	words                    int      // 64-bit words of a card's months
	visits, earned, lifetime []int    // visits and earnings in the segments' window; earnings ever
	months                   []uint64 // per card: the period's months with an earning visit
	maxCard                  int64
}

func newCardFigures(maxCard int64, months int) *cardFigures {
	n := int(maxCard + 1)
	w := (months + 63) / 64
	return &cardFigures{words: w, visits: make([]int, n), earned: make([]int, n), lifetime: make([]int, n),
		months: make([]uint64, n*w), maxCard: maxCard}
}

// read streams every earning visit once (cards issued since maxCard was
// read are left out): per card its lifetime earnings, its visits and
// earnings in [since, now] and the months of the period it came in; per
// month the visits and earnings.
func (f *cardFigures) read(ctx context.Context, s *Service, bounds []int64, since, now int64, d *Dashboard) error {
	rows, err := s.r().QueryContext(ctx, `SELECT card_id, visit_at, amount FROM loyalty_movements
		WHERE kind = 'earn' AND amount > 0 AND visit_at IS NOT NULL AND card_id <= ?`, f.maxCard)
	if err != nil {
		return fmt.Errorf("earnings: %w", err)
	}
	defer rows.Close()
	start, end := bounds[0], bounds[len(bounds)-1]
	var cardV, visitV, amountV any
	for rows.Next() {
		if err := rows.Scan(&cardV, &visitV, &amountV); err != nil {
			return fmt.Errorf("earnings: %w", err)
		}
		card, visit, amount := asInt(cardV), asInt(visitV), int(asInt(amountV))
		f.lifetime[card] += amount
		if visit >= since && visit <= now {
			f.visits[card]++
			f.earned[card] += amount
		}
		if visit >= start && visit < end {
			m := monthOf(bounds, visit)
			d.Months[m].Visits++
			d.Months[m].Issued += amount
			f.months[int(card)*f.words+m/64] |= 1 << (m % 64)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("earnings: %w", err)
	}
	return nil
}

// person is one customer row as the dashboard needs it.
type person struct {
	id, created, last        int64 // last: the last visit, or enrolment
	active, merged           bool
	visits, earned, lifetime int
}

// people are every customer up to maxCustomer, anonymised and merged ones
// included (their visits happened).
func (s *Service) people(ctx context.Context, maxCustomer int64) ([]person, error) {
	rows, err := s.r().QueryContext(ctx, `SELECT id, created_at, coalesce(last_visit_at, created_at),
		anonymised_at IS NULL AND merged_into IS NULL, merged_into IS NOT NULL FROM loyalty_customers WHERE id <= ?`, maxCustomer)
	if err != nil {
		return nil, fmt.Errorf("customers: %w", err)
	}
	defer rows.Close()
	var out []person
	var id, created, last, active, merged any
	for rows.Next() {
		if err := rows.Scan(&id, &created, &last, &active, &merged); err != nil {
			return nil, fmt.Errorf("customers: %w", err)
		}
		if p := (person{id: asInt(id), created: asInt(created), last: asInt(last), active: asInt(active) != 0,
			merged: asInt(merged) != 0}); p.id > 0 {
			out = append(out, p)
		}
	}
	return out, rows.Err()
}

// cardCustomers maps every card up to maxCard to its customer's id.
func (s *Service) cardCustomers(ctx context.Context, maxCard int64) ([]int64, error) {
	rows, err := s.r().QueryContext(ctx, `SELECT id, customer_id FROM loyalty_cards WHERE id <= ?`, maxCard)
	if err != nil {
		return nil, fmt.Errorf("cards: %w", err)
	}
	defer rows.Close()
	out := make([]int64, maxCard+1)
	var card, customer any
	for rows.Next() {
		if err := rows.Scan(&card, &customer); err != nil {
			return nil, fmt.Errorf("cards: %w", err)
		}
		if id := asInt(card); id > 0 && id <= maxCard {
			out[id] = asInt(customer)
		}
	}
	return out, rows.Err()
}

// spendsByMonth sums each month's redemptions and expiries (by when they
// were recorded), one indexed range per month.
func (s *Service) spendsByMonth(ctx context.Context, bounds []int64, d *Dashboard) error {
	for i := range d.Months {
		m := &d.Months[i]
		rows, err := s.r().QueryContext(ctx, `SELECT kind, reason, count(*), coalesce(sum(amount), 0) FROM loyalty_movements
			WHERE kind IN ('redeem', 'expire') AND at >= ? AND at < ? GROUP BY kind, reason`, bounds[i], bounds[i+1])
		if err != nil {
			return fmt.Errorf("redemptions: %w", err)
		}
		for rows.Next() {
			var kind, reason string
			var count, amount int
			if err := rows.Scan(&kind, &reason, &count, &amount); err != nil {
				rows.Close()
				return fmt.Errorf("redemptions: %w", err)
			}
			switch {
			case kind == MoveRedeem:
				m.Redemptions += count
				m.Redeemed -= amount
			case reason == RevokeAnonymised:
				d.Forfeited -= amount
			default:
				m.Expired -= amount
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("redemptions: %w", err)
		}
	}
	return nil
}
