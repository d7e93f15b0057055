package sqlitestore

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/storetest"
)

func open(t *testing.T) store.Store {
	t.Helper()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestStore(t *testing.T) { storetest.Run(t, open) }

// A restart keeps the epoch, the devices' positions and the streams.
func TestReopenKeepsState(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "server.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	o, _ := s.CreateOwner(ctx, "o")
	a, _ := s.CreatePoint(ctx, o.ID, "a")
	b, _ := s.CreatePoint(ctx, o.ID, "b")
	req := protocol.PushRequest{Protocol: protocol.Version, DeviceID: "d", Incarnation: "i", Events: []protocol.Event{
		{ID: "e1", ClientSeq: 1, Kind: "loyalty.stamp_earned", Entity: "card:1", OccurredAt: t0(), Payload: []byte(`{}`)}}}
	if _, err := s.Push(ctx, a.ID, req, t0()); err != nil {
		t.Fatal(err)
	}
	epoch, _ := s.Epoch(ctx)
	page, err := s.Pull(ctx, b.ID, protocol.StreamOwner, "", 10)
	if err != nil || len(page.Changes) != 1 {
		t.Fatalf("Pull = %+v, %v", page, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if e, _ := s.Epoch(ctx); e != epoch {
		t.Fatalf("epoch after reopen %q, want %q", e, epoch)
	}
	if d, _ := s.Device(ctx, a.ID, "d", "i"); d.LastAcked != 1 {
		t.Fatalf("LastAcked after reopen = %d, want 1", d.LastAcked)
	}
	res, err := s.Push(ctx, a.ID, req, t0())
	if err != nil || res.Results[0].Status != protocol.StatusDuplicate {
		t.Fatalf("re-push after reopen = %+v, %v; want a duplicate", res, err)
	}
	// The old cursor still holds: nothing new for b.
	if next, err := s.Pull(ctx, b.ID, protocol.StreamOwner, page.NextCursor, 10); err != nil || len(next.Changes) != 0 {
		t.Fatalf("Pull with the old cursor = %+v, %v", next, err)
	}
}

// Open never turns someone else's SQLite file into a server database.
func TestOpenRefusesForeignFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES('mine')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if s, err := Open(t.Context(), path); err == nil {
		s.Close()
		t.Fatal("Open accepted a foreign database")
	}
	db, _ = sql.Open("sqlite", path)
	defer db.Close()
	var x string
	if err := db.QueryRow(`SELECT x FROM notes`).Scan(&x); err != nil || x != "mine" {
		t.Fatalf("foreign file changed: %q, %v", x, err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'events'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("foreign file got our tables: %d, %v", n, err)
	}
}

func t0() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }
