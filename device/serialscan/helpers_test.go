//go:build linux

// The fakes and waiting helpers of the tests that run the service. They
// are built on Linux only, like device/internal/ptytest, which most of
// those tests need.

package serialscan

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"smartpoint/device/leaktest"
	"strings"
	"sync"
	"testing"
	"time"
)

// guard is how long a test waits for an event before failing. Events
// normally take milliseconds; the guard only catches a hang.
const guard = 5 * time.Second

// notifier lets a test wait for "something changed" without polling.
type notifier struct {
	mu sync.Mutex
	ch chan struct{}
}

// wait returns a channel closed at the next change.
func (n *notifier) wait() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ch == nil {
		n.ch = make(chan struct{})
	}
	return n.ch
}

func (n *notifier) notify() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ch != nil {
		close(n.ch)
		n.ch = nil
	}
}

// waitUntil checks cond after every change of n until it holds.
func waitUntil(t *testing.T, n *notifier, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(guard)
	for {
		ch := n.wait()
		if cond() {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// fakeClock keeps wall time for Now (reads from a real tty need it) and
// hands out timers that fire only when the test says so.
type fakeClock struct {
	notifier
	mu     sync.Mutex
	timers []*fakeTimer
}

type fakeTimer struct {
	clk    *fakeClock
	d      time.Duration
	c      chan time.Time
	active bool
}

func (c *fakeClock) Now() time.Time { return time.Now() }

func (c *fakeClock) NewTimer(d time.Duration) Timer {
	tm := &fakeTimer{clk: c, d: d, c: make(chan time.Time, 1), active: true}
	c.mu.Lock()
	c.timers = append(c.timers, tm)
	c.mu.Unlock()
	c.notify()
	return tm
}

func (tm *fakeTimer) C() <-chan time.Time { return tm.c }

func (tm *fakeTimer) Stop() bool {
	tm.clk.mu.Lock()
	was := tm.active
	tm.active = false
	tm.clk.mu.Unlock()
	tm.clk.notify()
	return was
}

// fire makes the timer go off now.
func (tm *fakeTimer) fire() {
	tm.clk.mu.Lock()
	defer tm.clk.mu.Unlock()
	if tm.active {
		tm.active = false
		tm.c <- time.Now()
	}
}

// next waits for a pending timer whose duration satisfies want.
func (c *fakeClock) next(t *testing.T, what string, want func(time.Duration) bool) *fakeTimer {
	t.Helper()
	var found *fakeTimer
	waitUntil(t, &c.notifier, what+" timer", func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, tm := range c.timers {
			if tm.active && want(tm.d) {
				found = tm
				return true
			}
		}
		return false
	})
	return found
}

// pending counts the timers not yet fired or stopped that satisfy want.
func (c *fakeClock) pending(want func(time.Duration) bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, tm := range c.timers {
		if tm.active && want(tm.d) {
			n++
		}
	}
	return n
}

// testRescan is the Rescan period in tests: a value no backoff step can
// take, so the two kinds of timer are told apart by duration.
const testRescan = 1777 * ms

func isRescan(d time.Duration) bool  { return d == testRescan }
func isBackoff(d time.Duration) bool { return d != testRescan }

// fakeUSB is the test Enumerator: it lists pseudo-terminals as if they
// were USB scanners with the VID:PID and serial number a test plugs them
// in with. Pseudo-terminals have no USB IDs of their own.
type fakeUSB struct {
	notifier
	mu    sync.Mutex
	ports []PortInfo
	calls int
	err   error
}

func (f *fakeUSB) Ports() ([]PortInfo, error) {
	f.mu.Lock()
	f.calls++
	out, err := slices.Clone(f.ports), f.err
	f.mu.Unlock()
	f.notify()
	if err != nil {
		return nil, err
	}
	return out, nil
}

// plug lists path as a USB device with the given IDs.
func (f *fakeUSB) plug(path string, m Match) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ports = append(f.ports, PortInfo{Name: path, IsUSB: true, VID: m.VID, PID: m.PID, Serial: m.Serial, Product: "Fake scanner"})
}

// unplug removes path from the list.
func (f *fakeUSB) unplug(path string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ports = slices.DeleteFunc(f.ports, func(p PortInfo) bool { return p.Name == path })
}

func (f *fakeUSB) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// entry is one captured log record.
type entry struct {
	level slog.Level
	msg   string
	attrs map[string]string
}

func (e entry) String() string { return fmt.Sprintf("%v %q %v", e.level, e.msg, e.attrs) }

// logRec captures the service's slog output, debug level included.
type logRec struct {
	notifier
	mu      sync.Mutex
	entries []entry
}

func (r *logRec) logger() *slog.Logger { return slog.New(&recHandler{rec: r}) }

// find returns the entries with message msg whose attrs include kv
// (key, value, key, value…).
func (r *logRec) find(msg string, kv ...string) []entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []entry
next:
	for _, e := range r.entries {
		if e.msg != msg {
			continue
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if e.attrs[kv[i]] != kv[i+1] {
				continue next
			}
		}
		out = append(out, e)
	}
	return out
}

// waitFor waits for an entry like find's and returns it.
func (r *logRec) waitFor(t *testing.T, msg string, kv ...string) entry {
	t.Helper()
	var got entry
	waitUntil(t, &r.notifier, fmt.Sprintf("log %q %v", msg, kv), func() bool {
		es := r.find(msg, kv...)
		if len(es) > 0 {
			got = es[0]
		}
		return len(es) > 0
	})
	return got
}

// bytesRead sums the "scanner read" debug entries.
func (r *logRec) bytesRead() int {
	n := 0
	for _, e := range r.find("scanner read") {
		var b int
		fmt.Sscan(e.attrs["bytes"], &b)
		n += b
	}
	return n
}

func (r *logRec) dump() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, e := range r.entries {
		fmt.Fprintln(&b, e)
	}
	return b.String()
}

type recHandler struct {
	rec   *logRec
	attrs []slog.Attr
}

func (h *recHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *recHandler) Handle(_ context.Context, r slog.Record) error {
	e := entry{level: r.Level, msg: r.Message, attrs: map[string]string{}}
	for _, a := range h.attrs {
		e.attrs[a.Key] = a.Value.String()
	}
	r.Attrs(func(a slog.Attr) bool {
		e.attrs[a.Key] = a.Value.String()
		return true
	})
	h.rec.mu.Lock()
	h.rec.entries = append(h.rec.entries, e)
	h.rec.mu.Unlock()
	h.rec.notify()
	return nil
}

func (h *recHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &recHandler{rec: h.rec, attrs: append(slices.Clone(h.attrs), as...)}
}

func (h *recHandler) WithGroup(string) slog.Handler { return h }

// statusRec collects status changes.
type statusRec struct {
	notifier
	mu  sync.Mutex
	all []Status
}

func (s *statusRec) add(st Status) {
	s.mu.Lock()
	s.all = append(s.all, st)
	s.mu.Unlock()
	s.notify()
}

func (s *statusRec) list() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.all)
}

// waitFor waits until a status after the first `from` ones satisfies
// want, and returns it and its index.
func (s *statusRec) waitFor(t *testing.T, from int, what string, want func(Status) bool) (Status, int) {
	t.Helper()
	var got Status
	idx := -1
	waitUntil(t, &s.notifier, "status "+what, func() bool {
		for i, st := range s.list() {
			if i >= from && want(st) {
				got, idx = st, i
				return true
			}
		}
		return false
	})
	return got, idx
}

func state(want State, port string) func(Status) bool {
	return func(s Status) bool { return s.State == want && (port == "" || s.Port == port) }
}

// recv waits for the next scan.
func recv(t *testing.T, ch <-chan Scan) Scan {
	t.Helper()
	select {
	case sc, ok := <-ch:
		if !ok {
			t.Fatal("scan channel closed")
		}
		return sc
	case <-time.After(guard):
		t.Fatal("timed out waiting for a scan")
	}
	return Scan{}
}

// assertNoGoroutines fails if a service or manager goroutine is still
// running after Stop.
func assertNoGoroutines(t *testing.T) {
	t.Helper()
	leaktest.Check(t, guard, "serialscan.(*Service)", "serialscan.StartManager")
}
