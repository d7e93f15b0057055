package simtest

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the read-only look at the server's file

	"smartpoint/app/auth"
	"smartpoint/app/clock"
	"smartpoint/sync/client/clienttest"
	"smartpoint/sync/protocol"
	"smartpoint/sync/server"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/sqlitestore"
)

// simStart is when every simulated clock starts.
var simStart = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// cloud is the reference server on its SQLite file, served on loopback
// behind the fault middleware. Its address stays the same while the
// server is stopped and started again (a restart behind a proxy): the
// handler behind the listener is swapped, and while it is down every
// request gets 503.
type cloud struct {
	t      testing.TB
	ctx    context.Context
	path   string
	clock  *clock.Fake
	faults *clienttest.Faults
	opt    server.Options
	URL    string

	mu      sync.RWMutex
	st      *sqlitestore.Store // nil while stopped
	handler http.Handler

	ownerID string
}

func newCloud(t testing.TB, tune ...func(*server.Options)) *cloud {
	t.Helper()
	c := &cloud{
		t:      t,
		ctx:    context.Background(),
		path:   filepath.Join(t.TempDir(), "cloud.db"),
		clock:  clock.NewFake(simStart),
		faults: clienttest.NewFaults(),
	}
	c.opt = server.Options{Logger: quietLogger(), Now: c.clock.Now, Hash: auth.Fast, Rate: -1}
	for _, f := range tune {
		f(&c.opt)
	}
	c.start()
	hs := httptest.NewServer(c.faults.Wrap(http.HandlerFunc(c.serve)))
	c.URL = hs.URL
	t.Cleanup(func() {
		hs.Close()
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.st != nil {
			_ = c.st.Close()
			c.st = nil
		}
	})
	o, err := c.store().CreateOwner(c.ctx, "ИП Айгуль")
	if err != nil {
		t.Fatal(err)
	}
	c.ownerID = o.ID
	return c
}

func (c *cloud) serve(w http.ResponseWriter, r *http.Request) {
	c.mu.RLock()
	h := c.handler
	c.mu.RUnlock()
	h.ServeHTTP(w, r)
}

// down is what answers while the server is stopped: the proxy in front's 503.
var down = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusServiceUnavailable)
	_ = json.NewEncoder(w).Encode(&protocol.Error{Code: protocol.ErrUnavailable, Message: "server stopped"})
})

// store is the running server's store.
func (c *cloud) store() store.Store {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.st == nil {
		c.t.Fatal("the server is stopped")
	}
	return c.st
}

// start opens the store and serves it (a new process: nothing cached).
func (c *cloud) start() {
	c.t.Helper()
	st, err := sqlitestore.Open(c.ctx, c.path)
	if err != nil {
		c.t.Fatalf("open the server's store: %v", err)
	}
	c.mu.Lock()
	c.st, c.handler = st, server.New(st, c.opt).Handler()
	c.mu.Unlock()
}

// stop takes the server down and closes its store (once).
func (c *cloud) stop() {
	c.t.Helper()
	c.mu.Lock()
	st := c.st
	c.st, c.handler = nil, down
	c.mu.Unlock()
	if st == nil {
		return
	}
	if err := st.Close(); err != nil {
		c.t.Fatalf("close the server's store: %v", err)
	}
}

// backup copies the live server database to dst as an operator would
// (a consistent copy while it runs: VACUUM INTO on a read-only connection).
func (c *cloud) backup(dst string) {
	c.t.Helper()
	db := c.open("mode=ro")
	defer db.Close()
	if _, err := db.ExecContext(c.ctx, `VACUUM INTO ?`, dst); err != nil {
		c.t.Fatalf("back up the server: %v", err)
	}
}

// restore is the README's runbook: stop, put the copy back (without the
// old WAL), rotate the epoch before starting, start.
func (c *cloud) restore(src string) (epoch string) {
	c.t.Helper()
	c.stop()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(c.path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			c.t.Fatal(err)
		}
	}
	b, err := os.ReadFile(src)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(c.path, b, 0o600); err != nil {
		c.t.Fatal(err)
	}
	st, err := sqlitestore.Open(c.ctx, c.path) // smartpoint-cloud epoch rotate
	if err != nil {
		c.t.Fatal(err)
	}
	if epoch, err = st.RotateEpoch(c.ctx); err != nil {
		c.t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		c.t.Fatal(err)
	}
	c.start()
	return epoch
}

// addPoint creates a point of the owner and its activation code, as
// `smartpoint-cloud point add` does.
func (c *cloud) addPoint(name string) (pointID, code string) {
	c.t.Helper()
	p, err := c.store().CreatePoint(c.ctx, c.ownerID, name)
	if err != nil {
		c.t.Fatal(err)
	}
	code, _, err = server.IssueActivation(c.ctx, c.store(), p.ID, 0, auth.Fast, c.clock.Now())
	if err != nil {
		c.t.Fatal(err)
	}
	return p.ID, code
}

// readOnly opens the server's file read-only (query_only besides).
func (c *cloud) readOnly() *sql.DB { return c.open("mode=ro&_pragma=query_only(1)") }

func (c *cloud) open(query string) *sql.DB {
	c.t.Helper()
	u := url.URL{Scheme: "file", Path: c.path, RawQuery: query + "&_pragma=busy_timeout(5000)"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		c.t.Fatal(err)
	}
	return db
}

// serverEvent is an event as the server recorded it.
type serverEvent struct {
	ID, Point, Device, Incarnation string
	ClientSeq                      int64
	Kind, Entity                   string
	Payload                        string
	Status, Code                   string
	ServerSeq                      int64 // 0: rejected
}

// events lists the owner's events as the server holds them. This is the
// one place that reads the server's schema (store.Store has no listing).
func (c *cloud) events() []serverEvent {
	c.t.Helper()
	db := c.readOnly()
	defer db.Close()
	rows, err := db.QueryContext(c.ctx, `SELECT event_id, point_id, device_id, incarnation, client_seq, kind, entity,
			coalesce(CAST(payload AS TEXT), ''), status, code, coalesce(server_seq, 0)
		FROM events WHERE owner_id = ? ORDER BY coalesce(server_seq, 0), event_id`, c.ownerID)
	if err != nil {
		c.t.Fatalf("read the server's events: %v", err)
	}
	defer rows.Close()
	var out []serverEvent
	for rows.Next() {
		var e serverEvent
		if err := rows.Scan(&e.ID, &e.Point, &e.Device, &e.Incarnation, &e.ClientSeq, &e.Kind, &e.Entity,
			&e.Payload, &e.Status, &e.Code, &e.ServerSeq); err != nil {
			c.t.Fatal(err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		c.t.Fatal(err)
	}
	return out
}

// stream reads a point's whole stream through the store, as the point
// would pull it from the start.
func (c *cloud) stream(pointID, stream string) []protocol.Change {
	c.t.Helper()
	var out []protocol.Change
	cursor := ""
	for range 10000 {
		page, err := c.store().Pull(c.ctx, pointID, stream, cursor, protocol.MaxPullLimit)
		if err != nil {
			c.t.Fatalf("pull %s of %s: %v", stream, pointID, err)
		}
		out = append(out, page.Changes...)
		if !page.HasMore {
			return out
		}
		cursor = page.NextCursor
	}
	c.t.Fatalf("pull %s of %s: no end", stream, pointID)
	return nil
}

// exceptions are the owner's exceptions (the owner's dashboard).
func (c *cloud) exceptions() []store.Exception {
	c.t.Helper()
	xs, err := c.store().Exceptions(c.ctx, c.ownerID, time.Time{})
	if err != nil {
		c.t.Fatal(err)
	}
	return xs
}

// ring keeps the last lines a client logged, for a failure's message.
type ring struct {
	mu    sync.Mutex
	lines []string
	max   int
}

func newRing(n int) *ring { return &ring{max: n} }

func (r *ring) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, string(p))
	if len(r.lines) > r.max {
		r.lines = r.lines[len(r.lines)-r.max:]
	}
	return len(p), nil
}

func (r *ring) String() string { return r.tail(r.max) }

// tail is the last n lines.
func (r *ring) tail(n int) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.lines[max(0, len(r.lines)-n):], "")
}
