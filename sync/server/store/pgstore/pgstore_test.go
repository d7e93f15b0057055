package pgstore

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/internal/core"
	"smartpoint/sync/server/store/storetest"
)

// The suite needs a PostgreSQL server: scripts/pgtest.sh starts a
// throwaway one and sets SP_PG_DSN (make test does).
func adminDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("SP_PG_DSN")
	if dsn == "" {
		t.Skip("SP_PG_DSN is not set: no PostgreSQL to test against; run under scripts/pgtest.sh (make test does)")
	}
	return dsn
}

// withDatabase is dsn with another database name (URL or key=value form).
func withDatabase(t *testing.T, dsn, db string) string {
	t.Helper()
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("SP_PG_DSN: %v", err)
		}
		u.Path = "/" + db
		q := u.Query()
		q.Del("dbname")
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " dbname=" + db
}

var dbCounter atomic.Int64

// freshDSN creates an empty database for one test and drops it after.
func freshDSN(t *testing.T) string {
	t.Helper()
	admin := adminDSN(t)
	ctx := context.Background()
	name := fmt.Sprintf("sp_test_%d_%d", os.Getpid(), dbCounter.Add(1))
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to SP_PG_DSN: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return withDatabase(t, admin, name)
}

func open(t *testing.T) store.Store {
	t.Helper()
	s, err := Open(t.Context(), freshDSN(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	adminDSN(t) // skips the whole suite, once, without a server
	storetest.Run(t, open)
}

// Opening again (a restart, or a second server) migrates nothing and keeps
// the epoch and the data.
func TestReopenKeepsState(t *testing.T) {
	dsn := freshDSN(t)
	ctx := t.Context()
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	o, _ := s.CreateOwner(ctx, "o")
	a, _ := s.CreatePoint(ctx, o.ID, "a")
	req := protocol.PushRequest{Protocol: protocol.Version, DeviceID: "d", Incarnation: "i", Events: []protocol.Event{
		{ID: "e1", ClientSeq: 1, Kind: "loyalty.stamp_earned", Entity: "card:1", OccurredAt: time.Now(), Payload: []byte(`{}`)}}}
	if _, err := s.Push(ctx, a.ID, req, time.Now()); err != nil {
		t.Fatal(err)
	}
	epoch, _ := s.Epoch(ctx)

	s2, err := Open(ctx, dsn)
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	defer s2.Close()
	if e, _ := s2.Epoch(ctx); e != epoch {
		t.Fatalf("epoch after reopen %q, want %q", e, epoch)
	}
	res, err := s2.Push(ctx, a.ID, req, time.Now())
	if err != nil || res.Results[0].Status != protocol.StatusDuplicate {
		t.Fatalf("re-push through the second store = %+v, %v; want a duplicate", res, err)
	}
}

// A store from before push_write_path (the webhook outbox filled by a
// trigger) opens migrated: what the trigger queued stays, and the push
// queues from then on, once per event.
func TestUpgradeToPushWritePath(t *testing.T) {
	dsn := freshDSN(t)
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE sp_schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		t.Fatal(err)
	}
	before := slices.IndexFunc(ms, func(m core.Migration) bool { return strings.HasSuffix(m.Name, "_push_write_path") })
	if before < 0 {
		t.Fatal("no push_write_path migration")
	}
	for _, m := range ms[:before] {
		if _, err := conn.Exec(ctx, m.SQL); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if _, err := conn.Exec(ctx, `INSERT INTO sp_schema_migrations(version, name) VALUES($1, $2)`, m.Version, m.Name); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`INSERT INTO owners(id, name, created_at, seq) VALUES('o', 'o', now(), 1)`,
		`INSERT INTO points(id, owner_id, name, created_at) VALUES('p', 'o', 'p', now())`,
		`INSERT INTO webhooks(id, owner_id, url, secret, created_at) VALUES('w', 'o', 'https://x.example', 's', now())`,
		`INSERT INTO events(owner_id, event_id, point_id, device_id, incarnation, client_seq, kind, entity, received_at, status, server_seq)
			VALUES('o', 'old', 'p', 'd', 'i', 1, 'parcel.accepted', 'parcel:x:1', now(), 'applied', 1)`,
		`INSERT INTO devices(point_id, device_id, incarnation, last_acked, updated_at) VALUES('p', 'd', 'i', 1, now())`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatalf("Open of a store from before push_write_path: %v", err)
	}
	defer s.Close()
	now := time.Now()
	req := protocol.PushRequest{Protocol: protocol.Version, DeviceID: "d", Incarnation: "i", Events: []protocol.Event{
		{ID: "old", ClientSeq: 1, Kind: "parcel.accepted", Entity: "parcel:x:1", OccurredAt: now, Payload: []byte(`{}`)},
		{ID: "new", ClientSeq: 2, Kind: "parcel.issued", Entity: "parcel:x:1", OccurredAt: now, Payload: []byte(`{}`)},
		{ID: "login", ClientSeq: 3, Kind: "clerk.login", Entity: "clerk:1", OccurredAt: now, Payload: []byte(`{}`)}}}
	res, err := s.Push(ctx, "p", req, now)
	if err != nil || res.Results[0].Status != protocol.StatusDuplicate || res.Results[1].Status != protocol.StatusApplied {
		t.Fatalf("Push = %+v, %v", res, err)
	}
	rows, err := conn.Query(ctx, `SELECT event_id FROM webhook_outbox ORDER BY n`)
	if err != nil {
		t.Fatal(err)
	}
	queued, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || !slices.Equal(queued, []string{"old", "new"}) {
		t.Fatalf("outbox = %v (%v), want [old new]", queued, err)
	}
	var triggers int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_trigger WHERE tgrelid = 'events'::regclass AND NOT tgisinternal`).Scan(&triggers); err != nil || triggers != 0 {
		t.Fatalf("%d triggers left on events (%v)", triggers, err)
	}
}
