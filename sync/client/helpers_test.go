package client

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/clock"
	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/store"
	"smartpoint/sync/client/clienttest"
)

var testStart = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// counterDB is a counter database on a real file with a fake clock.
type counterDB struct {
	t     *testing.T
	path  string
	db    *store.DB
	svc   *counter.Service
	clock *clock.Fake
}

func openCounter(t *testing.T, path string, c *clock.Fake) *counterDB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc, err := counter.New(ctx, db, counter.Options{Clock: c, PINParams: auth.Fast, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	return &counterDB{t: t, path: path, db: db, svc: svc, clock: c}
}

// emit appends n events of kind through the counter (in transactions of
// up to 5000 events) and returns their ids.
func (c *counterDB) emit(n int, kind string, payload func(i int) any) []string {
	c.t.Helper()
	ctx := context.Background()
	if payload == nil {
		payload = func(i int) any { return map[string]any{"i": i, "note": "offline event"} }
	}
	var ids []string
	for done := 0; done < n; {
		chunk := min(n-done, 5000)
		err := c.svc.Extend(ctx, nil, func(x counter.Tx) error {
			for i := range chunk {
				if err := x.Emit(kind, fmt.Sprintf("test:%d", done+i), payload(done+i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			c.t.Fatal(err)
		}
		done += chunk
	}
	evs, err := c.svc.Events(ctx, 0, 1<<30)
	if err != nil {
		c.t.Fatal(err)
	}
	for _, e := range evs[len(evs)-n:] {
		ids = append(ids, e.ID)
	}
	return ids
}

// timers records the supervisor's waits; the test fires them.
type timers struct{ ch chan timer }

type timer struct {
	d    time.Duration
	fire chan time.Time
}

func newTimers() *timers { return &timers{ch: make(chan timer, 64)} }

func (tm *timers) After(d time.Duration) <-chan time.Time {
	f := make(chan time.Time, 1)
	tm.ch <- timer{d, f}
	return f
}

// next is the supervisor's next wait.
func (tm *timers) next(t *testing.T) timer {
	t.Helper()
	select {
	case tr := <-tm.ch:
		return tr
	case <-time.After(20 * time.Second):
		t.Fatal("the supervisor asked for no timer")
		return timer{}
	}
}

// logBuffer collects log lines for the secrets check.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// env is one counter with a sync client against a test server.
type env struct {
	*counterDB
	t   *testing.T
	ctx context.Context
	srv *clienttest.Server
	cl  *Client
	log *logBuffer
	tm  *timers
	opt Options
}

// testOptions: no in-round retries, fake timers, debug log to a buffer.
func testOptions(c clock.Clock, tm *timers, lb *logBuffer) Options {
	return Options{
		Timeout:      10 * time.Second,
		Clock:        c,
		Logger:       slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Retries:      -1,
		RetryWait:    time.Nanosecond,
		RetryMaxWait: time.Nanosecond,
		After:        tm.After,
		AppVersion:   "1.0.0-test",
		StopWait:     10 * time.Second,
	}
}

func newEnv(t *testing.T, tune ...func(*Options)) *env {
	t.Helper()
	srv := clienttest.New(nil)
	t.Cleanup(srv.Close)
	return newEnvOn(t, srv, filepath.Join(t.TempDir(), "counter.db"), tune...)
}

func newEnvOn(t *testing.T, srv *clienttest.Server, path string, tune ...func(*Options)) *env {
	t.Helper()
	cdb := openCounter(t, path, clock.NewFake(testStart))
	e := &env{counterDB: cdb, t: t, ctx: context.Background(), srv: srv, log: &logBuffer{}, tm: newTimers()}
	e.opt = testOptions(cdb.clock, e.tm, e.log)
	for _, f := range tune {
		f(&e.opt)
	}
	e.cl = New(cdb.svc, e.opt)
	t.Cleanup(func() { e.cl.Stop() })
	return e
}

// register registers the env's counter as a new point of owner.
func (e *env) register(owner string) (pointID string) {
	e.t.Helper()
	pointID, code := e.srv.AddPoint(owner, "ПВЗ "+owner)
	if err := e.cl.Register(e.ctx, e.srv.URL, code, "counter-1"); err != nil {
		e.t.Fatal(err)
	}
	return pointID
}

// round runs a round that must go through.
func (e *env) round() RoundResult {
	e.t.Helper()
	res, err := e.cl.Round(e.ctx)
	if err != nil {
		e.t.Fatalf("round: %v\nlog:\n%s", err, e.log)
	}
	return res
}

// state reads the client's stored state.
func (e *env) state() *state {
	e.t.Helper()
	st, err := loadState(e.ctx, e.db)
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

func expectCode(t *testing.T, err error, code errs.Code) {
	t.Helper()
	if !errs.Has(err, code) {
		t.Fatalf("got error %v, want %s", err, code)
	}
}

// exactlyOnce checks that the server applied every id of want exactly
// once and nothing else.
func exactlyOnce(t *testing.T, applied []string, want ...[]string) {
	t.Helper()
	seen := map[string]int{}
	for _, id := range applied {
		seen[id]++
	}
	n := 0
	for _, ids := range want {
		for _, id := range ids {
			n++
			if seen[id] != 1 {
				t.Errorf("event %s applied %d times", id, seen[id])
			}
		}
	}
	if len(applied) != n {
		t.Errorf("the server applied %d events, want %d", len(applied), n)
	}
	for id, k := range seen {
		if k > 1 {
			t.Errorf("event %s applied %d times", id, k)
		}
	}
}

// waitStatus reads status updates until ok holds (the deadline only
// catches a hang; nothing here sleeps).
func waitStatus(t *testing.T, ch <-chan Status, ok func(Status) bool) Status {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case s := <-ch:
			if ok(s) {
				return s
			}
		case <-deadline:
			t.Fatal("the status never got there")
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
