package counter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// StockIndex is the row of parcel id in the Stock table for f (its
// position in StockPage's order), so the screen can scroll to a scanned
// parcel; ok is false when the parcel is not among the rows f selects.
func (s *Service) StockIndex(ctx context.Context, sess *Session, f StockFilter, id int64) (row int, ok bool, err error) {
	if err := sess.require(RoleClerk); err != nil {
		return 0, false, err
	}
	where, args, err := s.stockWhere(ctx, f)
	if err != nil {
		return 0, false, err
	}
	var acc sql.NullInt64
	err = s.db.R.QueryRowContext(ctx, `SELECT s.accepted_at FROM parcels AS s WHERE `+where+` AND s.id = ?`, append(args, id)...).Scan(&acc)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("stock index %d: %w", id, err)
	}
	// StockPage orders by accepted_at, id; SQLite sorts NULL first.
	before := `(s.accepted_at IS NULL AND s.id < ?)`
	bargs := []any{id}
	if acc.Valid {
		before = `(s.accepted_at IS NULL OR s.accepted_at < ? OR (s.accepted_at = ? AND s.id < ?))`
		bargs = []any{acc.Int64, acc.Int64, id}
	}
	if err := s.db.R.QueryRowContext(ctx, `SELECT count(*) FROM parcels AS s WHERE `+where+` AND `+before, append(args, bargs...)...).Scan(&row); err != nil {
		return 0, false, fmt.Errorf("stock index %d: %w", id, err)
	}
	return row, true, nil
}
