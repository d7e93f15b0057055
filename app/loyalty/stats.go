package loyalty

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
)

// The per-card earning figures (table loyalty_card_stats, migration 0006)
// hold each card's earning visits and what they earned since a moving
// start, statsSinceKey, and what it earned ever. A trigger adds every
// accrual; AgeStats, run by the loyalty sweep, moves the start up to a
// year ago and takes off what falls behind it. Segments with the default
// window then read one row per card plus the few visits between the start
// and the window (what the sweep has not aged yet), instead of grouping the
// whole ledger.
const statsSinceKey = "stats_since"

// AgeStats moves the start of the per-card earning figures to the default
// segments window's start (DefaultSegmentWindowDays before now), taking
// off the visits it leaves behind. Idempotent; the sweep runs it with the
// expiry. A start already later (the clock went back) is left alone.
func (s *Service) AgeStats(ctx context.Context) error {
	upTo := s.svc.Now().AddDate(0, 0, -DefaultSegmentWindowDays).UnixMilli()
	err := s.write(ctx, nil, func(w *writer) error {
		since, err := statsSince(ctx, w.q())
		if err != nil || upTo <= since {
			return err
		}
		if _, err := w.tx.Exec(`UPDATE loyalty_card_stats SET visits = visits - d.n, earned = earned - d.total
			FROM (SELECT card_id, count(*) AS n, sum(amount) AS total FROM loyalty_movements
			      WHERE kind = 'earn' AND amount > 0 AND visit_at >= ? AND visit_at < ? GROUP BY card_id) AS d
			WHERE loyalty_card_stats.card_id = d.card_id`, since, upTo); err != nil {
			return err
		}
		_, err = w.tx.Exec(`INSERT INTO loyalty_state(key, value) VALUES (?, ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, statsSinceKey, strconv.FormatInt(upTo, 10))
		return err
	})
	if err != nil {
		return fmt.Errorf("age loyalty stats: %w", err)
	}
	return nil
}

// statsSince is the start of the per-card figures (ms).
func statsSince(ctx context.Context, q queryer) (int64, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM loyalty_state WHERE key = ?`, statsSinceKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("stats start: %w", err)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("stats start %q: %w", v, err)
	}
	return n, nil
}

// maxStatsLag is how far behind a window's start the per-card figures may
// start for statsByCard to use them: the visits in between are read from
// the ledger, which beyond a month costs more than the full pass.
const maxStatsLag = 31 * dayMs

// statsByCard fills, from the per-card figures in one read snapshot, what
// each card earned in the window starting at since, the live balance of
// its lots at now, who holds it and, with lifetimes, what it earned ever. It reports
// false, having read nothing, when the figures start after since, or
// long before it (only the full pass can answer well then).
func statsByCard(ctx context.Context, db *sql.DB, since, now int64, earned *byID[earnAgg], balances, lifetimes *byID[int],
	holders *byID[int64]) (bool, error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return false, fmt.Errorf("card stats: %w", err)
	}
	defer tx.Rollback()
	start, err := statsSince(ctx, tx)
	if err != nil || start > since || since-start > maxStatsLag {
		return false, err
	}
	// The visits between the figures' start and the window's are not in the
	// window, and lots past their life the sweep has not written off yet are
	// not live: read both first, then take them off each card's figures.
	behind := newByID[earnAgg](0)
	if start < since {
		if err := earnedBetween(ctx, tx, start, since, behind); err != nil {
			return false, err
		}
	}
	due, err := dueByCard(ctx, tx, now)
	if err != nil {
		return false, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT card_id, visits, earned, lifetime, balance, customer_id FROM loyalty_card_stats`)
	if err != nil {
		return false, fmt.Errorf("card stats: %w", err)
	}
	defer rows.Close()
	var card, visits, amount, lifetime, balance, holder any
	for rows.Next() {
		if err := rows.Scan(&card, &visits, &amount, &lifetime, &balance, &holder); err != nil {
			return false, fmt.Errorf("card stats: %w", err)
		}
		id := asInt(card)
		holders.set(id, asInt(holder))
		e := earnAgg{visits: int(asInt(visits)), amount: int(asInt(amount))}
		if b, ok := behind.get(id); ok {
			e.visits, e.amount = e.visits-b.visits, e.amount-b.amount
		}
		if e.visits > 0 {
			earned.set(id, e)
		}
		if live := int(asInt(balance)) - due[id]; live != 0 {
			balances.set(id, live)
		}
		if lifetimes != nil {
			lifetimes.set(id, int(asInt(lifetime)))
		}
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("card stats: %w", err)
	}
	return true, nil
}

// dueByCard is what is left of lots past their life at now, by card: what
// the next expiry sweep writes off (little: it runs every few hours).
func dueByCard(ctx context.Context, q queryer, now int64) (map[int64]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT card_id, sum(remaining) FROM loyalty_movements
		WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ? GROUP BY card_id`, now)
	if err != nil {
		return nil, fmt.Errorf("due lots: %w", err)
	}
	defer rows.Close()
	due := map[int64]int{}
	for rows.Next() {
		var card int64
		var n int
		if err := rows.Scan(&card, &n); err != nil {
			return nil, fmt.Errorf("due lots: %w", err)
		}
		due[card] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("due lots: %w", err)
	}
	return due, nil
}

// earnedBetween sums the earning visits in [from, to) by card.
func earnedBetween(ctx context.Context, q queryer, from, to int64, into *byID[earnAgg]) error {
	rows, err := q.QueryContext(ctx, `SELECT card_id, count(*), sum(amount) FROM loyalty_movements
		WHERE kind = 'earn' AND amount > 0 AND visit_at >= ? AND visit_at < ? GROUP BY card_id`, from, to)
	if err != nil {
		return fmt.Errorf("earnings: %w", err)
	}
	defer rows.Close()
	var card, visits, amount any
	for rows.Next() {
		if err := rows.Scan(&card, &visits, &amount); err != nil {
			return fmt.Errorf("earnings: %w", err)
		}
		into.set(asInt(card), earnAgg{visits: int(asInt(visits)), amount: int(asInt(amount))})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("earnings: %w", err)
	}
	return nil
}
