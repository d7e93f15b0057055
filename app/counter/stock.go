package counter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"smartpoint/app/errs"
	"smartpoint/app/scan"
)

// OnHandStatuses are the statuses of the parcels physically at the point,
// which the Stock screen lists: waiting for the customer on a shelf
// (stored), refused or expired and still on a shelf (to_return), and
// packed in a return box the courier has not taken yet (boxed). Expected
// parcels have not arrived; issued and returned ones have left.
//
// Reports count "on hand" as the shelves only (stored and to_return):
// a boxed parcel holds no cell.
var OnHandStatuses = []Status{StatusStored, StatusToReturn, StatusBoxed}

// StockFilter narrows the Stock screen. The zero value is every parcel at
// the point; each set field narrows it further (they combine with AND).
type StockFilter struct {
	Partner string `json:"partner,omitempty"` // partner code; "" every partner
	// Status is one of OnHandStatuses; "" means all three.
	Status Status `json:"status,omitempty"`
	// MinAgeDays keeps parcels accepted at least this many of the point's
	// calendar days ago: 1 is "before today", 3 "on the day before the day
	// before yesterday or earlier". 0 is any age.
	MinAgeDays int `json:"min_age_days,omitempty"`
	// Cell is an exact cell label ("A-1-01", or its scanned CELL- label),
	// or a prefix ending in "-": "A-" is rack A, "A-2-" its second shelf.
	// Boxed parcels hold no cell, so any Cell leaves them out.
	Cell string `json:"cell,omitempty"`
	// Overdue keeps the stored parcels past their storage deadline (what
	// Parcel.Overdue reports, and the screen highlights).
	Overdue bool `json:"overdue,omitempty"`
}

// Stock page sizes: the UI fetches ~200 rows at a time as the clerk scrolls.
const (
	StockPageDefault = 200
	StockPageMax     = 1000
)

// stockOnHand is the partial-index condition of parcels_stock and
// parcels_stock_partner; every stock query repeats it word for word so
// that SQLite may use them.
const stockOnHand = `s.status IN ('stored','to_return','boxed')`

// StockCount is how many parcels at the point match f: the row count of
// the Stock screen's table.
func (s *Service) StockCount(ctx context.Context, sess *Session, f StockFilter) (int, error) {
	if err := sess.require(RoleClerk); err != nil {
		return 0, err
	}
	where, args, err := s.stockWhere(ctx, f)
	if err != nil {
		return 0, err
	}
	var n int
	if err := s.db.R.QueryRowContext(ctx, `SELECT count(*) FROM parcels AS s WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("stock count: %w", err)
	}
	return n, nil
}

// StockPage returns rows offset … offset+limit-1 of the Stock screen's
// table: the parcels at the point matching f, oldest acceptance first
// (ties by id, so the order is total and pages never overlap or skip a
// row while nothing changes). Phones are masked. limit ≤ 0 means
// StockPageDefault; it is capped at StockPageMax; a negative offset is 0.
// A page past the end is empty, not an error.
func (s *Service) StockPage(ctx context.Context, sess *Session, f StockFilter, offset, limit int) ([]Parcel, error) {
	if err := sess.require(RoleClerk); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = StockPageDefault
	}
	limit = min(limit, StockPageMax)
	offset = max(offset, 0)
	where, args, err := s.stockWhere(ctx, f)
	if err != nil {
		return nil, err
	}
	// The ids of the page come from one of the stock indexes alone (no
	// table row is read for the rows skipped by OFFSET); only the page's
	// own rows are then joined into full parcels.
	ps, err := queryParcels(ctx, s.db.R, `WHERE p.id IN (SELECT s.id FROM parcels AS s WHERE `+where+`
		ORDER BY s.accepted_at, s.id LIMIT ? OFFSET ?) ORDER BY p.accepted_at, p.id`, append(args, limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("stock page: %w", err)
	}
	return MaskParcels(ps), nil
}

// stockWhere turns a filter into the condition on parcels AS s. A partner
// or cell the point does not have is a typed error rather than an empty
// table: the clerk has mistyped it.
func (s *Service) stockWhere(ctx context.Context, f StockFilter) (string, []any, error) {
	conds := []string{stockOnHand}
	var args []any
	if code := strings.ToLower(strings.TrimSpace(f.Partner)); code != "" {
		p, ok := s.partnerByCode(code)
		if !ok {
			return "", nil, errs.New(ErrPartner, "Partner", f.Partner)
		}
		conds, args = append(conds, `s.partner_id = ?`), append(args, p.ID)
	}
	if f.Status != "" {
		if !slices.Contains(OnHandStatuses, f.Status) {
			return "", nil, errs.New(ErrInvalid, "Field", "status", "Value", string(f.Status))
		}
		conds, args = append(conds, `s.status = ?`), append(args, string(f.Status))
	}
	now := s.clock.Now()
	switch {
	case f.MinAgeDays < 0:
		return "", nil, errs.New(ErrInvalid, "Field", "min_age_days", "Value", fmt.Sprint(f.MinAgeDays))
	case f.MinAgeDays > 0:
		conds, args = append(conds, `s.accepted_at < ?`), append(args, ms(s.ageCutoff(now, f.MinAgeDays)))
	}
	if f.Cell != "" {
		cond, arg, err := s.stockCell(ctx, f.Cell)
		if err != nil {
			return "", nil, err
		}
		conds, args = append(conds, cond), append(args, arg...)
	}
	if f.Overdue {
		// Parcel.Overdue: stored and now after the deadline.
		conds, args = append(conds, `s.status = 'stored' AND s.deadline_at < ?`), append(args, ms(now))
	}
	return strings.Join(conds, " AND "), args, nil
}

// ageCutoff is the start of the point's calendar day days before now's:
// a parcel accepted before it is at least days days old.
func (s *Service) ageCutoff(now time.Time, days int) time.Time {
	local := now.In(s.loc)
	y, m, d := local.Date()
	return time.Date(y, m, d-days+1, 0, 0, 0, 0, s.loc)
}

// stockCell reads the Cell filter: an exact label (typed or scanned) or a
// label prefix ending in "-".
func (s *Service) stockCell(ctx context.Context, cell string) (string, []any, error) {
	label := strings.ToUpper(strings.TrimSpace(cell))
	if res := s.Classify(label); res.Kind == scan.KindCell {
		label = res.Value
	}
	if prefix, ok := strings.CutSuffix(label, "-"); ok && prefix != "" {
		// Labels are ASCII: every label starting with "A-" sorts in
		// ["A-", "A."), '.' being the byte after '-'.
		from, to := label, prefix+"."
		var n int
		if err := s.db.R.QueryRowContext(ctx, `SELECT count(*) FROM cells WHERE label >= ? AND label < ?`, from, to).Scan(&n); err != nil {
			return "", nil, fmt.Errorf("stock cells %s: %w", label, err)
		}
		if n == 0 {
			return "", nil, errs.New(ErrCellUnknown, "Cell", cell)
		}
		return `s.cell_id IN (SELECT id FROM cells WHERE label >= ? AND label < ?)`, []any{from, to}, nil
	}
	var id int64
	err := s.db.R.QueryRowContext(ctx, `SELECT id FROM cells WHERE label = ?`, label).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, errs.New(ErrCellUnknown, "Cell", cell)
	}
	if err != nil {
		return "", nil, fmt.Errorf("stock cell %s: %w", label, err)
	}
	return `s.cell_id = ?`, []any{id}, nil
}

// ParcelCount is how many parcels the point has ever known, in any status
// (announced, at the point, gone): zero only for a point that has not
// started work.
func (s *Service) ParcelCount(ctx context.Context) (int, error) {
	var n int
	if err := s.db.R.QueryRowContext(ctx, `SELECT count(*) FROM parcels`).Scan(&n); err != nil {
		return 0, fmt.Errorf("parcel count: %w", err)
	}
	return n, nil
}
