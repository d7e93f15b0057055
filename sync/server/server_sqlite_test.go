package server

import (
	"context"
	"path/filepath"
	"testing"

	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/sqlitestore"
)

// Every HTTP test of server_test.go runs on the real SQLite store too, a
// fresh file per test.
func init() {
	storeKinds = append(storeKinds, storeKind{"sqlite", func(t *testing.T) store.Store {
		st, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "cloud.db"))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}})
}
