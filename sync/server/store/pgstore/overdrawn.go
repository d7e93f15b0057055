package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"smartpoint/sync/server/store/internal/core"
)

// The card balances behind the overdrawn exception (core/overdrawn.go):
// one lookup and one upsert a batch, the batch's cards and rows as
// arrays. The push holds the owner's lock, so reading and writing a
// card's row in its transaction races with nothing.

// CardBalances probes one primary key per card (as EventResults does).
func (w writeTx) CardBalances(ctx context.Context, ownerID string, cards []string) (map[string]core.CardBalance, error) {
	rows, err := w.tx.Query(ctx, `SELECT b.card, b.balance, b.overdrawn, b.takers
		FROM unnest($2::text[]) AS k(card), LATERAL (
			SELECT card, balance, overdrawn, takers::text FROM card_balances
			WHERE owner_id = $1 AND card = k.card LIMIT 1) AS b`, ownerID, cards)
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

func (w writeTx) PutCardBalances(ctx context.Context, ownerID string, bs []core.CardBalance, now time.Time) error {
	if len(bs) == 0 {
		return nil
	}
	n := len(bs)
	cards, balances, overdrawn, takers := make([]string, n), make([]int64, n), make([]bool, n), make([]string, n)
	for i, b := range bs {
		cards[i], balances[i], overdrawn[i] = b.Card, b.Balance, b.Overdrawn
		t := b.Takers
		if t == nil {
			t = []core.Taker{}
		}
		raw, err := json.Marshal(t)
		if err != nil {
			return err
		}
		takers[i] = string(raw)
	}
	_, err := w.tx.Exec(ctx, `INSERT INTO card_balances(owner_id, card, balance, overdrawn, takers, updated_at)
		SELECT $1, u.card, u.balance, u.overdrawn, u.takers::json, $2
		FROM unnest($3::text[], $4::bigint[], $5::boolean[], $6::text[]) AS u(card, balance, overdrawn, takers)
		ON CONFLICT (owner_id, card) DO UPDATE SET balance = excluded.balance, overdrawn = excluded.overdrawn,
			takers = excluded.takers, updated_at = excluded.updated_at`,
		ownerID, now, cards, balances, overdrawn, takers)
	return err
}

// backfillCardBalances computes the balances of the events and CRM
// movements the store held before it kept balances, once: the
// owner_features migration leaves a meta row saying so, deleted in the
// same transaction. A second server starting at the same time waits on
// that row's lock, then finds it gone.
func backfillCardBalances(ctx context.Context, pool *pgxpool.Pool) error {
	err := pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		var pending string
		err := tx.QueryRow(ctx, `SELECT value FROM meta WHERE key = 'card_balances_backfill' FOR UPDATE`).Scan(&pending)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		fill := core.NewBalanceBackfill()
		rows, err := tx.Query(ctx, `SELECT owner_id, point_id, event_id, kind, payload FROM events
			WHERE status = 'applied' AND kind = ANY($1) ORDER BY owner_id, server_seq`, core.BalanceKinds)
		if err != nil {
			return fmt.Errorf("events: %w", err)
		}
		for rows.Next() {
			var owner, point, event, kind string
			var payload []byte
			if err := rows.Scan(&owner, &point, &event, &kind, &payload); err != nil {
				rows.Close()
				return fmt.Errorf("events: %w", err)
			}
			fill.Event(owner, point, event, kind, payload)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("events: %w", err)
		}
		rows, err = tx.Query(ctx, `SELECT owner_id, card, amount FROM loyalty_movements WHERE origin = $1 ORDER BY owner_id, occurred_at`, core.OriginCRM)
		if err != nil {
			return fmt.Errorf("CRM movements: %w", err)
		}
		for rows.Next() {
			var owner, card string
			var amount int64
			if err := rows.Scan(&owner, &card, &amount); err != nil {
				rows.Close()
				return fmt.Errorf("CRM movements: %w", err)
			}
			fill.CRM(owner, card, amount)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("CRM movements: %w", err)
		}
		now := time.Now()
		for owner, bs := range fill.Balances() {
			if err := (writeTx{tx}).PutCardBalances(ctx, owner, bs, now); err != nil {
				return fmt.Errorf("owner %s: %w", owner, err)
			}
		}
		_, err = tx.Exec(ctx, `DELETE FROM meta WHERE key = 'card_balances_backfill'`)
		return err
	})
	if err != nil {
		return fmt.Errorf("card balances backfill: %w", err)
	}
	return nil
}
