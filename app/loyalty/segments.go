package loyalty

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"smartpoint/app/errs"
)

// Segments of members (RFM: recency, frequency, monetary). The names are
// stable ids: the UI translates them.
const (
	SegNew       = "new"       // enrolled within NewMemberDays, at most one earning visit
	SegChampions = "champions" // seen recently, top fifth by both visits and earnings
	SegRegular   = "regular"   // everyone else who still comes
	SegAtRisk    = "at_risk"   // away longer than their own rhythm, or more than AtRiskDays
	SegLost      = "lost"      // away more than LostDays
	// SegCloseToReward is not a segment but a flag across them: the active
	// card is at most a stamp (or a tenth of a reward's points) away from
	// the next reward.
	SegCloseToReward = "close_to_reward"
)

// SegmentNames are the five segments, every active member in exactly one,
// then the close-to-reward flag.
var SegmentNames = []string{SegChampions, SegRegular, SegNew, SegAtRisk, SegLost, SegCloseToReward}

// segment indexes into segmentIDs.
const (
	segNew uint8 = iota
	segChampions
	segRegular
	segAtRisk
	segLost
)

var segmentIDs = [...]string{segNew: SegNew, segChampions: SegChampions, segRegular: SegRegular, segAtRisk: SegAtRisk, segLost: SegLost}

// The thresholds of the segments (days are 24 h).
const (
	DefaultSegmentWindowDays = 365 // frequency and monetary are counted over this window
	NewMemberDays            = 30
	AtRiskDays               = 60
	LostDays                 = 180
	// The programme's typical gap between visits is the median of its
	// members' own gaps, kept within [MinTypicalGapDays, AtRiskDays];
	// DefaultTypicalGapDays when fewer than two members came twice.
	MinTypicalGapDays     = 7
	DefaultTypicalGapDays = 30
	ChampionPercentile    = 80 // champions reach this percentile of visits and of earnings
	DefaultCloseStamps    = 1  // stamp card: close to a reward at this many stamps away or fewer
	DefaultClosePct       = 10 // points: close at this share of a reward's price away or less
	maxWindowDays         = 3650
)

// SegmentOptions tune the segmentation; the zero value is the default.
type SegmentOptions struct {
	// WindowDays is the window of frequency and monetary, 30 to 3650;
	// 0: DefaultSegmentWindowDays.
	WindowDays int `json:"window_days"`
	// CloseStamps: a stamp card is close to a reward when the stamps it
	// lacks are at most this; 0: DefaultCloseStamps.
	CloseStamps int `json:"close_stamps"`
	// ClosePct: a points card is close to a reward when the points it
	// lacks are at most this percentage of the reward's price; 0:
	// DefaultClosePct.
	ClosePct int `json:"close_pct"`
}

func (o *SegmentOptions) normalise() error {
	if o.WindowDays == 0 {
		o.WindowDays = DefaultSegmentWindowDays
	}
	if o.CloseStamps == 0 {
		o.CloseStamps = DefaultCloseStamps
	}
	if o.ClosePct == 0 {
		o.ClosePct = DefaultClosePct
	}
	switch {
	case o.WindowDays < NewMemberDays || o.WindowDays > maxWindowDays:
		return invalid("window_days", o.WindowDays)
	case o.CloseStamps < 0 || o.CloseStamps > maxStampsPerReward:
		return invalid("close_stamps", o.CloseStamps)
	case o.ClosePct < 0 || o.ClosePct > 100:
		return invalid("close_pct", o.ClosePct)
	}
	return nil
}

// SegmentReport is how many active members each segment holds.
type SegmentReport struct {
	At         time.Time `json:"at"` // when it was computed (now)
	WindowDays int       `json:"window_days"`
	Members    int       `json:"members"` // active members (neither anonymised nor merged)
	// Counts has every name of SegmentNames (zeros too). The five
	// segments add up to Members; SegCloseToReward overlaps them.
	Counts map[string]int `json:"counts"`
	// The thresholds this computation found (see Segments).
	TypicalGapDays float64 `json:"typical_gap_days"`
	ChampionVisits int     `json:"champion_visits"`
	ChampionEarned int     `json:"champion_earned"`
}

// SegmentMember is one member of a segment, phone masked.
type SegmentMember struct {
	Customer
	Segment       string `json:"segment"`
	RecencyDays   int    `json:"recency_days"` // whole days since the last visit (or enrolment)
	Frequency     int    `json:"frequency"`    // earning visits in the window
	Monetary      int    `json:"monetary"`     // stamps or points earned in the window
	Lifetime      int    `json:"lifetime"`     // earned in the programme, ever
	CloseToReward bool   `json:"close_to_reward"`
	ToNextReward  int    `json:"to_next_reward"`
}

// Segments sorts every active member (neither anonymised nor merged)
// into exactly one segment by recency R (days since their last visit —
// the last pickup the counter recorded for them or reward they took, as
// the inactivity clean-up and the member list count it — or since
// enrolment if none), frequency F (earning visits, i.e. accruals that
// gave something, in the last WindowDays) and monetary M (stamps or
// points those visits earned). The first rule that holds wins:
//
//  1. new: enrolled at most NewMemberDays (30) ago, F ≤ 1;
//  2. lost: R > LostDays (180);
//  3. at_risk: R > AtRiskDays (60), or F ≥ 2 and R > max(2 × own gap,
//     typical gap), where a member's own gap is the time they have been
//     a member within the window divided by F, and the typical gap is the
//     median own gap of members with F ≥ 2, kept within 7–60 days (30
//     when fewer than two members qualify);
//  4. champions: R ≤ typical gap, and both F and M at least the 80th
//     percentile of members with F ≥ 1 (nearest rank; F at least 2);
//  5. regular: everyone else.
//
// Close to reward (a flag, not a segment): the active card lacks at
// most CloseStamps stamps (1) for its next reward, or, for points, at
// most ClosePct (10 %) of the reward's price — a card holding a reward
// already counts by what it lacks for the one after.
//
// The thresholds are relative to the point's own members, so the same
// ledger always gives the same segments at the same time. It reads the
// window's earnings, balances and holders by card from the per-card
// figures (stats.go: one row per card, less what the sweep has not aged
// out yet) — or, for a window those figures cannot answer, from the
// earnings and live-lots indexes and the cards — on one connection while
// another reads the members (BenchmarkSegments: 200,000 members,
// 2,000,000 movements). The parts may thus come from snapshots a write
// apart.
func (s *Service) Segments(ctx context.Context, opt SegmentOptions) (SegmentReport, error) {
	if err := opt.normalise(); err != nil {
		return SegmentReport{}, err
	}
	now := s.svc.Now()
	set, err := s.segmentSet(ctx, now, opt, false)
	if err != nil {
		return SegmentReport{}, fmt.Errorf("segments: %w", err)
	}
	return set.report(now, opt), nil
}

// SegmentMembers lists the members of one segment (a name of
// SegmentNames, close_to_reward included) with the default
// SegmentOptions: the most earned in the window first, then the most
// recently seen, then the oldest member. limit is 1–500 (0: 50).
func (s *Service) SegmentMembers(ctx context.Context, segment string, limit, offset int) ([]SegmentMember, error) {
	if !slices.Contains(SegmentNames, segment) {
		return nil, invalid("segment", segment)
	}
	if limit <= 0 {
		limit = 50
	}
	limit, offset = min(limit, 500), max(offset, 0)
	var opt SegmentOptions
	if err := opt.normalise(); err != nil {
		return nil, err
	}
	now := s.svc.Now()
	set, err := s.segmentSet(ctx, now, opt, false)
	if err != nil {
		return nil, fmt.Errorf("segment %s: %w", segment, err)
	}
	var picked []*rfm
	for i := range set.members {
		m := &set.members[i]
		if m.in(segment) {
			picked = append(picked, m)
		}
	}
	slices.SortFunc(picked, func(a, b *rfm) int {
		return cmp.Or(cmp.Compare(b.earned, a.earned), cmp.Compare(b.last, a.last), cmp.Compare(a.id, b.id))
	})
	if offset >= len(picked) {
		return []SegmentMember{}, nil
	}
	picked = picked[offset:min(offset+limit, len(picked))]
	out, err := s.segmentMembers(ctx, now, set, picked, opt)
	if err != nil {
		return nil, fmt.Errorf("segment %s: %w", segment, err)
	}
	return out, nil
}

// rfm is one active member's figures.
type rfm struct {
	id       int64 // loyalty_customers.id
	created  int64 // ms
	last     int64 // ms: the last visit, or enrolment
	visits   int   // F
	earned   int   // M
	balance  int   // live stamps or points on their cards
	lifetime int   // earned ever (the dashboard and the export only)
	seg      uint8
	close    bool
}

// in reports whether the member is in a segment (or flagged close to a
// reward).
func (m *rfm) in(segment string) bool {
	return segment == segmentIDs[m.seg] || (segment == SegCloseToReward && m.close)
}

// segmentSet is every active member with their segment.
type segmentSet struct {
	members        []rfm
	programme      *programme // nil before one is set up
	typicalGap     int64      // ms
	championVisits int
	championEarned int
}

const dayMs = int64(24 * time.Hour / time.Millisecond)

// segmentSet reads and classifies every active member: who they are
// (customers), their cards, what the cards earned in the window (the
// earnings index, grouped by card) and their live balances (the
// live-lots index); the earnings on one connection, the rest on another.
// With lifetime, also what each member earned ever (another pass over the
// earnings index).
func (s *Service) segmentSet(ctx context.Context, now time.Time, opt SegmentOptions, lifetime bool) (*segmentSet, error) {
	p, err := loadProgramme(ctx, s.r(), 0)
	if err != nil && !errs.Has(err, ErrNoProgramme) {
		return nil, err
	}
	set := &segmentSet{}
	if err == nil {
		set.programme = &p
	}
	nowMs := now.UnixMilli()
	since := now.AddDate(0, 0, -opt.WindowDays).UnixMilli()
	maxCard, err := maxID(ctx, s.r(), "loyalty_cards")
	if err != nil {
		return nil, err
	}
	maxCustomer, err := maxID(ctx, s.r(), "loyalty_customers")
	if err != nil {
		return nil, err
	}
	earned := newByID[earnAgg](maxCard)
	balances := newByID[int](maxCard)
	owners := newByID[int32](maxCard) // card → index in set.members
	var lifetimes *byID[int]
	if lifetime {
		lifetimes = newByID[int](maxCard)
	}
	holders := newByID[int64](maxCard) // card → customer row id, from the per-card figures
	var wg sync.WaitGroup
	var earnErr, restErr error
	var fromStats bool
	wg.Go(func() {
		if fromStats, earnErr = statsByCard(ctx, s.r(), since, nowMs, earned, balances, lifetimes, holders); earnErr != nil || fromStats {
			return
		}
		if earnErr = earnedBetween(ctx, s.r(), since, math.MaxInt64, earned); earnErr != nil {
			return
		}
		if earnErr = balancesByCard(ctx, s.r(), nowMs, balances); earnErr == nil && lifetime {
			earnErr = lifetimeByCard(ctx, s.r(), lifetimes)
		}
	})
	var slots *byID[int32]
	wg.Go(func() { set.members, slots, restErr = activeMembers(ctx, s.r(), maxCustomer) })
	wg.Wait()
	if err := cmp.Or(earnErr, restErr); err != nil {
		return nil, err
	}
	// Who holds each card: the figures say for every card that ever moved
	// (the others have nothing to add); the full pass reads the cards.
	if fromStats {
		holders.each(func(card, customer int64) {
			if slot, ok := slots.get(customer); ok {
				owners.set(card, slot)
			}
		})
	} else if err := cardOwners(ctx, s.r(), slots, owners); err != nil {
		return nil, err
	}
	owners.each(func(card int64, i int32) {
		m := &set.members[i]
		if e, ok := earned.get(card); ok {
			m.visits += e.visits
			m.earned += e.amount
		}
		if b, ok := balances.get(card); ok {
			m.balance += b
		}
		if lifetime {
			l, _ := lifetimes.get(card)
			m.lifetime += l
		}
	})
	set.classify(nowMs, since, opt)
	return set, nil
}

// earnAgg is what one card earned.
type earnAgg struct {
	visits, amount int
}

// Hot loops scan into any and assert int64 (what the driver hands over
// for integers): database/sql's conversion to *int64 goes through
// reflection, a good share of a small row's time.
func asInt(v any) int64 {
	n, _ := v.(int64)
	return n
}

// lifetimeByCard sums every card's earnings ever (as Card.Lifetime does
// per member).
func lifetimeByCard(ctx context.Context, q queryer, into *byID[int]) error {
	rows, err := q.QueryContext(ctx, `SELECT card_id, sum(amount) FROM loyalty_movements WHERE kind = 'earn' GROUP BY card_id`)
	if err != nil {
		return fmt.Errorf("lifetime: %w", err)
	}
	defer rows.Close()
	var card, amount any
	for rows.Next() {
		if err := rows.Scan(&card, &amount); err != nil {
			return fmt.Errorf("lifetime: %w", err)
		}
		into.set(asInt(card), int(asInt(amount)))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("lifetime: %w", err)
	}
	return nil
}

// balancesByCard is what is left of every card's lots that are still
// alive at now.
func balancesByCard(ctx context.Context, q queryer, now int64, into *byID[int]) error {
	rows, err := q.QueryContext(ctx, `SELECT card_id, sum(remaining) FROM loyalty_movements
		WHERE remaining > 0 AND (expires_at IS NULL OR expires_at > ?) GROUP BY card_id`, now)
	if err != nil {
		return fmt.Errorf("balances: %w", err)
	}
	defer rows.Close()
	var card, balance any
	for rows.Next() {
		if err := rows.Scan(&card, &balance); err != nil {
			return fmt.Errorf("balances: %w", err)
		}
		into.set(asInt(card), int(asInt(balance)))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("balances: %w", err)
	}
	return nil
}

// activeMembers reads every customer who is neither anonymised nor
// merged, and where each is in the list (by customer row id).
func activeMembers(ctx context.Context, q queryer, maxCustomer int64) ([]rfm, *byID[int32], error) {
	rows, err := q.QueryContext(ctx, `SELECT id, created_at, coalesce(last_visit_at, created_at) FROM loyalty_customers
		WHERE anonymised_at IS NULL AND merged_into IS NULL`)
	if err != nil {
		return nil, nil, fmt.Errorf("members: %w", err)
	}
	defer rows.Close()
	slots := newByID[int32](maxCustomer)
	var members []rfm
	var id, created, last any
	for rows.Next() {
		if err := rows.Scan(&id, &created, &last); err != nil {
			return nil, nil, fmt.Errorf("members: %w", err)
		}
		slots.set(asInt(id), int32(len(members)))
		members = append(members, rfm{id: asInt(id), created: asInt(created), last: asInt(last)})
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("members: %w", err)
	}
	return members, slots, nil
}

// cardOwners sets, for every card of a member in slots, that member's
// slot (every member has at least one card: enrolment issues it).
func cardOwners(ctx context.Context, q queryer, slots, into *byID[int32]) error {
	rows, err := q.QueryContext(ctx, `SELECT id, customer_id FROM loyalty_cards`)
	if err != nil {
		return fmt.Errorf("cards: %w", err)
	}
	defer rows.Close()
	var card, customer any
	for rows.Next() {
		if err := rows.Scan(&card, &customer); err != nil {
			return fmt.Errorf("cards: %w", err)
		}
		if slot, ok := slots.get(asInt(customer)); ok {
			into.set(asInt(card), slot)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("cards: %w", err)
	}
	return nil
}

// classify finds the thresholds and each member's segment (see Segments).
func (set *segmentSet) classify(now, since int64, opt SegmentOptions) {
	var gaps []int64
	var visits, earned []int
	for _, m := range set.members {
		if m.visits >= 2 {
			gaps = append(gaps, set.ownGap(m, now, since))
		}
		if m.visits >= 1 {
			visits, earned = append(visits, m.visits), append(earned, m.earned)
		}
	}
	set.typicalGap = DefaultTypicalGapDays * dayMs
	if len(gaps) >= 2 {
		slices.Sort(gaps)
		set.typicalGap = min(max(gaps[(len(gaps)-1)/2], MinTypicalGapDays*dayMs), AtRiskDays*dayMs)
	}
	set.championVisits = max(percentile(visits, ChampionPercentile), 2)
	set.championEarned = max(percentile(earned, ChampionPercentile), 1)
	for i := range set.members {
		m := &set.members[i]
		r := max(now-m.last, 0)
		switch {
		case now-m.created <= NewMemberDays*dayMs && m.visits <= 1:
			m.seg = segNew
		case r > LostDays*dayMs:
			m.seg = segLost
		case r > AtRiskDays*dayMs || (m.visits >= 2 && r > max(2*set.ownGap(*m, now, since), set.typicalGap)):
			m.seg = segAtRisk
		case r <= set.typicalGap && m.visits >= set.championVisits && m.earned >= set.championEarned:
			m.seg = segChampions
		default:
			m.seg = segRegular
		}
		m.close = set.closeToReward(m.balance, opt)
	}
}

// ownGap is a member's own rhythm: the time they have been a member
// within the window divided by their visits in it.
func (set *segmentSet) ownGap(m rfm, now, since int64) int64 {
	return (now - max(since, m.created)) / int64(max(m.visits, 1))
}

// closeToReward: what the card lacks for its next reward is within the
// threshold.
func (set *segmentSet) closeToReward(balance int, opt SegmentOptions) bool {
	p := set.programme
	if p == nil || p.PerReward <= 0 {
		return false
	}
	lacks := p.PerReward - max(balance, 0)%p.PerReward
	if p.Kind == KindPoints {
		return lacks*100 <= opt.ClosePct*p.PerReward
	}
	return lacks <= opt.CloseStamps
}

func (set *segmentSet) toNextReward(balance int) int {
	if set.programme == nil || set.programme.PerReward <= 0 {
		return 0
	}
	return set.programme.PerReward - max(balance, 0)%set.programme.PerReward
}

// percentile is the nearest-rank p-th percentile of vs (0 when empty);
// vs is sorted in place.
func percentile(vs []int, p int) int {
	if len(vs) == 0 {
		return 0
	}
	slices.Sort(vs)
	i := (len(vs)*p+99)/100 - 1
	return vs[min(max(i, 0), len(vs)-1)]
}

func (set *segmentSet) report(now time.Time, opt SegmentOptions) SegmentReport {
	r := SegmentReport{At: now, WindowDays: opt.WindowDays, Members: len(set.members), Counts: map[string]int{},
		TypicalGapDays: float64(set.typicalGap) / float64(dayMs), ChampionVisits: set.championVisits,
		ChampionEarned: set.championEarned}
	for _, name := range SegmentNames {
		r.Counts[name] = 0
	}
	for _, m := range set.members {
		r.Counts[segmentIDs[m.seg]]++
		if m.close {
			r.Counts[SegCloseToReward]++
		}
	}
	return r
}

// segmentMembers completes picked members with what the member list
// shows (card, masked phone, balance: the close-to-reward flag follows
// it) and their lifetime earnings, in the order given.
func (s *Service) segmentMembers(ctx context.Context, now time.Time, set *segmentSet, picked []*rfm, opt SegmentOptions) ([]SegmentMember, error) {
	out := make([]SegmentMember, 0, len(picked))
	if len(picked) == 0 {
		return out, nil
	}
	tx, err := s.r().BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	args := make([]any, len(picked))
	for i, m := range picked {
		args[i] = m.id
	}
	in := `(` + strings.Repeat(",?", len(args))[1:] + `)`
	uuids := map[int64]string{}
	rows, err := tx.QueryContext(ctx, `SELECT id, uuid FROM loyalty_customers WHERE id IN `+in, args...)
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	for rows.Next() {
		var id int64
		var uuid string
		if err := rows.Scan(&id, &uuid); err != nil {
			rows.Close()
			return nil, fmt.Errorf("members: %w", err)
		}
		uuids[id] = uuid
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	lifetime := map[int64]int{}
	if set.programme != nil {
		rows, err := tx.QueryContext(ctx, `SELECT k.customer_id, coalesce(sum(t.lifetime), 0) FROM loyalty_cards k
			JOIN loyalty_card_stats t ON t.card_id = k.id
			WHERE k.programme_id = ? AND k.customer_id IN `+in+` GROUP BY k.customer_id`,
			append([]any{set.programme.rowID}, args...)...)
		if err != nil {
			return nil, fmt.Errorf("lifetime: %w", err)
		}
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("lifetime: %w", err)
			}
			lifetime[id] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("lifetime: %w", err)
		}
	}
	list, err := s.queryCustomers(ctx, tx, `WHERE u.id IN `+in, args...)
	if err != nil {
		return nil, err
	}
	byUUID := map[string]Customer{}
	for _, c := range list {
		byUUID[c.ID] = c
	}
	for _, m := range picked {
		c, ok := byUUID[uuids[m.id]]
		if !ok {
			continue // anonymised or merged since the figures were read
		}
		out = append(out, SegmentMember{Customer: c, Segment: segmentIDs[m.seg],
			RecencyDays: int(max(now.UnixMilli()-m.last, 0) / dayMs), Frequency: m.visits, Monetary: m.earned,
			Lifetime: lifetime[m.id], CloseToReward: set.closeToReward(c.Balance, opt), ToNextReward: set.toNextReward(c.Balance)})
	}
	return out, nil
}

// maxID is the highest row id of a table (0 when empty).
func maxID(ctx context.Context, q queryer, table string) (int64, error) {
	var n int64
	if err := q.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM `+table).Scan(&n); err != nil {
		return 0, fmt.Errorf("%s: %w", table, err)
	}
	return n, nil
}

// byID holds a value per row id: a slice, since SQLite's row ids count
// up from 1 without gaps here (rows are never deleted), and a map for any
// id beyond what was expected (rows inserted meanwhile).
type byID[T any] struct {
	dense  []T
	has    []bool
	sparse map[int64]T
}

func newByID[T any](maxID int64) *byID[T] {
	n := min(maxID+1, 1<<24) // at most 16 M slots; anything beyond goes to the map
	return &byID[T]{dense: make([]T, n), has: make([]bool, n), sparse: map[int64]T{}}
}

func (b *byID[T]) set(id int64, v T) {
	if id >= 0 && id < int64(len(b.dense)) {
		b.dense[id], b.has[id] = v, true
		return
	}
	b.sparse[id] = v
}

func (b *byID[T]) get(id int64) (T, bool) {
	if id >= 0 && id < int64(len(b.dense)) {
		return b.dense[id], b.has[id]
	}
	v, ok := b.sparse[id]
	return v, ok
}

// each calls fn for every id set, dense ones in order.
func (b *byID[T]) each(fn func(id int64, v T)) {
	for id, ok := range b.has {
		if ok {
			fn(int64(id), b.dense[id])
		}
	}
	for id, v := range b.sparse {
		fn(id, v)
	}
}
