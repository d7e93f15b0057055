package sqlitestore

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/internal/core"
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

// A store from before push_write_path (the webhook outbox filled by a
// trigger) opens migrated: what the trigger queued stays, and the push
// queues from then on, once per event.
func TestUpgradeToPushWritePath(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "server.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	before := slices.IndexFunc(ms, func(m core.Migration) bool { return strings.HasSuffix(m.Name, "_push_write_path") })
	if before < 0 {
		t.Fatal("no push_write_path migration")
	}
	for _, m := range ms[:before] {
		if _, err := db.Exec(m.SQL); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
	}
	for _, q := range []string{
		fmt.Sprintf("PRAGMA user_version = %d; PRAGMA application_id = %d", before, ApplicationID),
		`INSERT INTO owners(id, name, created_at) VALUES('o', 'o', 0)`,
		`INSERT INTO points(id, owner_id, name, created_at) VALUES('p', 'o', 'p', 0)`,
		`INSERT INTO webhooks(id, owner_id, url, secret, created_at) VALUES('w', 'o', 'https://x.example', 's', 0)`,
		`INSERT INTO events(owner_id, event_id, point_id, device_id, incarnation, client_seq, kind, entity, received_at, status, server_seq)
			VALUES('o', 'old', 'p', 'd', 'i', 1, 'parcel.accepted', 'parcel:x:1', 0, 'applied', 1)`,
		`INSERT INTO devices(point_id, device_id, incarnation, last_acked, updated_at) VALUES('p', 'd', 'i', 1, 0)`,
		`UPDATE owners SET seq = 1`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open of a store from before push_write_path: %v", err)
	}
	defer s.Close()
	req := protocol.PushRequest{Protocol: protocol.Version, DeviceID: "d", Incarnation: "i", Events: []protocol.Event{
		{ID: "old", ClientSeq: 1, Kind: "parcel.accepted", Entity: "parcel:x:1", OccurredAt: t0(), Payload: []byte(`{}`)},
		{ID: "new", ClientSeq: 2, Kind: "parcel.issued", Entity: "parcel:x:1", OccurredAt: t0(), Payload: []byte(`{}`)},
		{ID: "login", ClientSeq: 3, Kind: "clerk.login", Entity: "clerk:1", OccurredAt: t0(), Payload: []byte(`{}`)}}}
	res, err := s.Push(ctx, "p", req, t0())
	if err != nil || res.Results[0].Status != protocol.StatusDuplicate || res.Results[1].Status != protocol.StatusApplied {
		t.Fatalf("Push = %+v, %v", res, err)
	}
	var queued []string
	rows, err := s.r.QueryContext(ctx, `SELECT event_id FROM webhook_outbox ORDER BY n`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		queued = append(queued, id)
	}
	if !slices.Equal(queued, []string{"old", "new"}) {
		t.Fatalf("outbox = %v, want [old new]", queued)
	}
	var triggers int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'`).Scan(&triggers); err != nil || triggers != 0 {
		t.Fatalf("%d triggers left (%v)", triggers, err)
	}
}
