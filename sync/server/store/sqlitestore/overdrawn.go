package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"smartpoint/sync/server/store/internal/core"
)

// The card balances behind the overdrawn exception (core/overdrawn.go):
// one lookup and one upsert a batch, the batch's cards and rows as one
// JSON argument each.

func (w writeTx) CardBalances(ctx context.Context, ownerID string, cards []string) (map[string]core.CardBalance, error) {
	list, err := jsonList(cards)
	if err != nil {
		return nil, err
	}
	rows, err := w.tx.QueryContext(ctx, `SELECT card, balance, overdrawn, takers FROM card_balances
		WHERE owner_id = ? AND card IN (SELECT value FROM json_each(?))`, ownerID, list)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]core.CardBalance, len(cards))
	for rows.Next() {
		var b core.CardBalance
		var takers string
		if err := rows.Scan(&b.Card, &b.Balance, &b.Overdrawn, &takers); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(takers), &b.Takers); err != nil {
			return nil, fmt.Errorf("card %s takers: %w", b.Card, err)
		}
		out[b.Card] = b
	}
	return out, rows.Err()
}

// balanceRow is a card_balances row as an element of PutCardBalances'
// JSON argument.
type balanceRow struct {
	Card      string       `json:"card"`
	Balance   int64        `json:"balance"`
	Overdrawn bool         `json:"overdrawn"`
	Takers    []core.Taker `json:"takers"`
}

func (w writeTx) PutCardBalances(ctx context.Context, ownerID string, bs []core.CardBalance, now time.Time) error {
	if len(bs) == 0 {
		return nil
	}
	rows := make([]balanceRow, len(bs))
	for i, b := range bs {
		rows[i] = balanceRow{Card: b.Card, Balance: b.Balance, Overdrawn: b.Overdrawn, Takers: b.Takers}
		if rows[i].Takers == nil {
			rows[i].Takers = []core.Taker{}
		}
	}
	arg, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	// "WHERE true": SQLite's upsert after a SELECT needs it to parse.
	_, err = w.tx.ExecContext(ctx, `INSERT INTO card_balances(owner_id, card, balance, overdrawn, takers, updated_at)
		SELECT ?, json_extract(value, '$.card'), json_extract(value, '$.balance'), json_extract(value, '$.overdrawn'),
			json_extract(value, '$.takers'), ? FROM json_each(?) WHERE true
		ON CONFLICT(owner_id, card) DO UPDATE SET balance = excluded.balance, overdrawn = excluded.overdrawn,
			takers = excluded.takers, updated_at = excluded.updated_at`, ownerID, now.UnixMilli(), string(arg))
	return err
}

// backfillCardBalances computes the balances of the events and CRM
// movements the store held before it kept balances, once: the
// owner_features migration leaves a meta row saying so, deleted in the
// same transaction.
func backfillCardBalances(ctx context.Context, db *sql.DB) (err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("card balances backfill: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var pending string
	err = tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'card_balances_backfill'`).Scan(&pending)
	if errors.Is(err, sql.ErrNoRows) {
		return tx.Rollback()
	}
	if err != nil {
		return fmt.Errorf("card balances backfill: %w", err)
	}
	fill := core.NewBalanceBackfill()
	kinds, err := jsonList(core.BalanceKinds)
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT owner_id, point_id, event_id, kind, payload FROM events
		WHERE status = 'applied' AND kind IN (SELECT value FROM json_each(?)) ORDER BY owner_id, server_seq`, kinds)
	if err != nil {
		return fmt.Errorf("card balances backfill: events: %w", err)
	}
	for rows.Next() {
		var owner, point, event, kind string
		var payload []byte
		if err := rows.Scan(&owner, &point, &event, &kind, &payload); err != nil {
			rows.Close()
			return fmt.Errorf("card balances backfill: events: %w", err)
		}
		fill.Event(owner, point, event, kind, payload)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("card balances backfill: events: %w", err)
	}
	rows, err = tx.QueryContext(ctx, `SELECT owner_id, card, amount FROM loyalty_movements WHERE origin = ? ORDER BY owner_id, occurred_at`, core.OriginCRM)
	if err != nil {
		return fmt.Errorf("card balances backfill: CRM movements: %w", err)
	}
	for rows.Next() {
		var owner, card string
		var amount int64
		if err := rows.Scan(&owner, &card, &amount); err != nil {
			rows.Close()
			return fmt.Errorf("card balances backfill: CRM movements: %w", err)
		}
		fill.CRM(owner, card, amount)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("card balances backfill: CRM movements: %w", err)
	}
	now := time.Now()
	for owner, bs := range fill.Balances() {
		if err := (writeTx{tx: tx}).PutCardBalances(ctx, owner, bs, now); err != nil {
			return fmt.Errorf("card balances backfill: owner %s: %w", owner, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM meta WHERE key = 'card_balances_backfill'`); err != nil {
		return fmt.Errorf("card balances backfill: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("card balances backfill: commit: %w", err)
	}
	return nil
}
