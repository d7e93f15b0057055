package sqlitestore

import (
	"database/sql"
	"path/filepath"
	"testing"

	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/storetest"
)

func TestOverdrawn(t *testing.T) { storetest.RunOverdrawn(t, open) }

func TestOwnerSettings(t *testing.T) { storetest.RunOwnerSettings(t, open) }

// A database from before the card balances gets them at its next open.
func TestBalanceBackfill(t *testing.T) {
	path := filepath.Join(t.TempDir(), "server.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	storetest.BalanceBackfill(t, s, func(s store.Store) store.Store {
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`DELETE FROM card_balances; INSERT INTO meta(key, value) VALUES ('card_balances_backfill', 'pending')`); err != nil {
			t.Fatal(err)
		}
		db.Close()
		s, err = Open(t.Context(), path)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
