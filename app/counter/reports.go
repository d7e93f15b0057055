package counter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"smartpoint/app/errs"
)

// Report kinds.
const (
	ReportShift = "shift"
	ReportDay   = "day"
)

// Report is what happened in one shift or one day at the point, computed
// from the event log. It holds numbers only; the UI words them.
type Report struct {
	Kind    string    `json:"kind"`               // ReportShift or ReportDay
	ShiftID int64     `json:"shift_id,omitempty"` // shift report
	Clerk   string    `json:"clerk,omitempty"`    // shift report: whose shift
	Date    string    `json:"date,omitempty"`     // day report: 2006-01-02 in the point's time zone
	From    time.Time `json:"from"`
	To      time.Time `json:"to"` // shift still open: now

	Accepted   int `json:"accepted"`   // parcels accepted (duplicate scans not counted)
	Unexpected int `json:"unexpected"` // of them, not in any manifest
	Damaged    int `json:"damaged"`    // of them, accepted with damage
	Issued     int `json:"issued"`
	Refused    int `json:"refused"`
	Expired    int `json:"expired"`
	Returned   int `json:"returned"` // handed back to couriers
	Handovers  int `json:"handovers"`

	CashCollected int64 `json:"cash_collected"` // minor units
	CardCollected int64 `json:"card_collected"`

	ByPartner []ReportLine `json:"by_partner"`
	ByClerk   []ReportLine `json:"by_clerk"`

	OnHand  int `json:"on_hand"` // parcels on the shelves now (stored or waiting for return)
	Overdue int `json:"overdue"` // stored parcels past their deadline at To (or now, if earlier)
}

// ReportLine is one partner's or one clerk's share of a report.
type ReportLine struct {
	Key      string `json:"key"`            // partner code or clerk name
	Name     string `json:"name,omitempty"` // partner name
	Accepted int    `json:"accepted"`
	Issued   int    `json:"issued"`
	Refused  int    `json:"refused"`
	Returned int    `json:"returned"`
	Cash     int64  `json:"cash"` // cash taken: partner: COD of its parcels; clerk: handovers paid in cash
}

// ShiftReport reports one shift. Clerks see their own shifts only.
func (s *Service) ShiftReport(ctx context.Context, sess *Session, shiftID int64) (Report, error) {
	if err := sess.require(RoleClerk); err != nil {
		return Report{}, err
	}
	sh, err := s.shift(ctx, shiftID)
	if err != nil {
		return Report{}, err
	}
	if sh.ClerkID != sess.clerkID {
		if err := sess.require(RoleManager); err != nil {
			return Report{}, err
		}
	}
	r := Report{Kind: ReportShift, ShiftID: sh.ID, Clerk: sh.Clerk, From: sh.OpenedAt, To: sh.ClosedAt}
	if r.To.IsZero() {
		r.To = s.clock.Now()
	}
	if err := s.fillReport(ctx, &r, `shift_id = ?`, shiftID); err != nil {
		return Report{}, fmt.Errorf("shift report %d: %w", shiftID, err)
	}
	return r, nil
}

// DayReport reports one calendar day in the point's time zone (manager).
func (s *Service) DayReport(ctx context.Context, sess *Session, day time.Time) (Report, error) {
	if err := sess.require(RoleManager); err != nil {
		return Report{}, err
	}
	from, to := dayBounds(day, s.loc)
	r := Report{Kind: ReportDay, Date: from.Format("2006-01-02"), From: from, To: to}
	if err := s.fillReport(ctx, &r, `at >= ? AND at < ?`, ms(from), ms(to)); err != nil {
		return Report{}, fmt.Errorf("day report %s: %w", r.Date, err)
	}
	return r, nil
}

// dayBounds is [local midnight, next local midnight) of day's date in loc;
// AddDate keeps it right on days with a DST change.
func dayBounds(day time.Time, loc *time.Location) (time.Time, time.Time) {
	y, m, d := day.In(loc).Date()
	from := time.Date(y, m, d, 0, 0, 0, 0, loc)
	return from, from.AddDate(0, 0, 1)
}

// Shifts lists recent shifts, newest first: managers see everyone's,
// clerks their own.
func (s *Service) Shifts(ctx context.Context, sess *Session, limit int) ([]Shift, error) {
	if err := sess.require(RoleClerk); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 50
	}
	where, args := ``, []any{limit}
	if sess.require(RoleManager) != nil {
		where, args = `WHERE s.clerk_id = ?`, []any{sess.clerkID, limit}
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT s.id, s.clerk_id, c.name, s.opened_at, s.closed_at
		FROM shifts s JOIN clerks c ON c.id = s.clerk_id `+where+` ORDER BY s.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("shifts: %w", err)
	}
	defer rows.Close()
	var out []Shift
	for rows.Next() {
		sh, err := scanShift(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sh)
	}
	return out, rows.Err()
}

func (s *Service) shift(ctx context.Context, id int64) (Shift, error) {
	row := s.db.R.QueryRowContext(ctx, `SELECT s.id, s.clerk_id, c.name, s.opened_at, s.closed_at
		FROM shifts s JOIN clerks c ON c.id = s.clerk_id WHERE s.id = ?`, id)
	sh, err := scanShift(row)
	if errors.Is(err, sql.ErrNoRows) {
		return sh, errs.New(ErrShiftUnknown, "ID", id)
	}
	if err != nil {
		return sh, fmt.Errorf("shift %d: %w", id, err)
	}
	return sh, nil
}

func scanShift(row interface{ Scan(...any) error }) (Shift, error) {
	var sh Shift
	var opened int64
	var closed sql.NullInt64
	if err := row.Scan(&sh.ID, &sh.ClerkID, &sh.Clerk, &opened, &closed); err != nil {
		return sh, err
	}
	sh.OpenedAt, sh.ClosedAt = time.UnixMilli(opened), fromMs(closed)
	return sh, nil
}

// reportAgg aggregates the report's events in SQL, one row per kind,
// partner, clerk and payment method, so a report reads only the events of
// its shift (index events_shift) or day (index events_at) and never loads
// them into Go. The partner comes from the payload, else from the parcel
// entity "parcel:<partner>:<track>".
const reportAgg = `SELECT kind,
	coalesce(json_extract(payload, '$.partner'),
		CASE WHEN substr(entity, 1, 7) = 'parcel:' THEN substr(entity, 8, instr(substr(entity, 8), ':') - 1) ELSE '' END),
	coalesce(clerk_id, 0),
	coalesce(json_extract(payload, '$.pay_method'), ''),
	count(*),
	coalesce(sum(json_extract(payload, '$.unexpected')), 0),
	coalesce(sum(json_extract(payload, '$.damaged')), 0),
	coalesce(sum(CASE kind WHEN 'handover.completed' THEN json_extract(payload, '$.paid')
		WHEN 'parcel.issued' THEN json_extract(payload, '$.cod') END), 0)
	FROM events
	WHERE %s AND kind IN ('parcel.accepted', 'parcel.issued', 'parcel.refused', 'parcel.expired', 'parcel.returned', 'handover.completed')
	GROUP BY 1, 2, 3, 4`

// Shelf counts: the repeated status terms let SQLite prove the partial
// indexes parcels_onhand and parcels_status apply.
const (
	reportOnHand  = `SELECT count(*) FROM parcels WHERE status IN ('stored','to_return')`
	reportOverdue = `SELECT count(*) FROM parcels
		WHERE status = 'stored' AND deadline_at < ? AND status IN ('stored','to_return')`
)

type aggRow struct {
	kind, partner, payMethod string
	clerkID                  int64
	n, unexpected, damaged   int
	money                    int64
}

func (s *Service) fillReport(ctx context.Context, r *Report, where string, args ...any) error {
	rows, err := s.db.R.QueryContext(ctx, fmt.Sprintf(reportAgg, where), args...)
	if err != nil {
		return err
	}
	var aggs []aggRow
	for rows.Next() {
		var a aggRow
		if err := rows.Scan(&a.kind, &a.partner, &a.clerkID, &a.payMethod, &a.n, &a.unexpected, &a.damaged, &a.money); err != nil {
			rows.Close()
			return err
		}
		aggs = append(aggs, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	names, err := s.clerkNames(ctx)
	if err != nil {
		return err
	}
	s.fold(r, aggs, names)
	if err := s.db.R.QueryRowContext(ctx, reportOnHand).Scan(&r.OnHand); err != nil {
		return fmt.Errorf("on hand: %w", err)
	}
	// Overdue cannot be in the future: today's report counts up to now.
	at := r.To
	if now := s.clock.Now(); now.Before(at) {
		at = now
	}
	if err := s.db.R.QueryRowContext(ctx, reportOverdue, ms(at)).Scan(&r.Overdue); err != nil {
		return fmt.Errorf("overdue: %w", err)
	}
	return nil
}

// fold adds the aggregated rows into the totals and the per-partner and
// per-clerk lines.
func (s *Service) fold(r *Report, aggs []aggRow, clerkNames map[int64]string) {
	partners := map[string]*ReportLine{}
	clerks := map[int64]*ReportLine{}
	partnerLine := func(code string) *ReportLine {
		if partners[code] == nil {
			p, _ := s.partnerByCode(code)
			partners[code] = &ReportLine{Key: code, Name: p.Name}
		}
		return partners[code]
	}
	clerkLine := func(id int64) *ReportLine {
		if clerks[id] == nil {
			clerks[id] = &ReportLine{Key: clerkNames[id]}
		}
		return clerks[id]
	}
	for _, a := range aggs {
		switch a.kind {
		case EvParcelAccepted:
			r.Accepted += a.n
			r.Unexpected += a.unexpected
			r.Damaged += a.damaged
			partnerLine(a.partner).Accepted += a.n
			clerkLine(a.clerkID).Accepted += a.n
		case EvParcelIssued:
			r.Issued += a.n
			partnerLine(a.partner).Issued += a.n
			clerkLine(a.clerkID).Issued += a.n
			if a.payMethod == PayCash {
				partnerLine(a.partner).Cash += a.money
			}
		case EvParcelRefused:
			r.Refused += a.n
			partnerLine(a.partner).Refused += a.n
			clerkLine(a.clerkID).Refused += a.n
		case EvParcelExpired:
			r.Expired += a.n // found by the storage check, not by a clerk
		case EvParcelReturned:
			r.Returned += a.n
			partnerLine(a.partner).Returned += a.n
			clerkLine(a.clerkID).Returned += a.n
		case EvHandover:
			r.Handovers += a.n
			switch a.payMethod {
			case PayCash:
				r.CashCollected += a.money
				clerkLine(a.clerkID).Cash += a.money
			case PayCard:
				r.CardCollected += a.money
			}
		}
	}
	r.ByPartner = sortedLines(partners)
	r.ByClerk = sortedLines(clerks)
}

func sortedLines[K comparable](m map[K]*ReportLine) []ReportLine {
	out := make([]ReportLine, 0, len(m))
	for _, l := range m {
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// clerkNames maps every clerk id to its name (a point has a handful).
func (s *Service) clerkNames(ctx context.Context) (map[int64]string, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, name FROM clerks`)
	if err != nil {
		return nil, fmt.Errorf("clerk names: %w", err)
	}
	defer rows.Close()
	names := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		names[id] = name
	}
	return names, rows.Err()
}
