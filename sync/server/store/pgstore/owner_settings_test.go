package pgstore

import (
	"testing"

	"github.com/jackc/pgx/v5"

	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/storetest"
)

func TestOverdrawn(t *testing.T) {
	adminDSN(t) // skips the whole suite, once, without a server
	storetest.RunOverdrawn(t, open)
}

func TestOwnerSettings(t *testing.T) {
	adminDSN(t)
	storetest.RunOwnerSettings(t, open)
}

// A database from before the card balances gets them at its next open.
func TestBalanceBackfill(t *testing.T) {
	dsn := freshDSN(t)
	ctx := t.Context()
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	storetest.BalanceBackfill(t, s, func(s store.Store) store.Store {
		s.Close()
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, `DELETE FROM card_balances; INSERT INTO meta(key, value) VALUES ('card_balances_backfill', 'pending')`); err != nil {
			t.Fatal(err)
		}
		s, err = Open(ctx, dsn)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
