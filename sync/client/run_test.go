package client

import (
	"context"
	"net/http"
	"testing"
	"time"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/sync/protocol"
)

// The supervisor: a round at start, a round after each commit, the pull
// interval when idle; research §3 #3: 5xx and 429/503 back off
// exponentially with jitter, Retry-After is honoured, commits do not cut
// a backoff short; all seen through the injected timers, without sleeping.
func TestSupervisorBackoff(t *testing.T) {
	e := newEnv(t)
	e.register("o")
	status, unsubscribe := e.cl.Subscribe()
	defer unsubscribe()

	// Busy at start: wait exactly what the server asked.
	e.srv.FailNext(protocol.PathHello, 1, http.StatusServiceUnavailable, "7")
	e.cl.Start(e.ctx)
	tr := e.tm.next(t)
	if tr.d != 7*time.Second {
		t.Fatalf("waits %v after 503 Retry-After: 7", tr.d)
	}
	s := e.cl.Status()
	expectCode(t, s.LastError, ErrBusy)
	if s.Online || !s.NextTry.Equal(testStart.Add(7*time.Second)) {
		t.Fatalf("status while backing off %+v", s)
	}

	// A commit during the backoff updates the count but does not push.
	hellos := e.srv.Requests(protocol.PathHello)
	ids := e.emit(1, "parcel.accepted", nil)
	waitStatus(t, status, func(s Status) bool { return s.Waiting == 1 })
	if e.srv.Requests(protocol.PathHello) != hellos {
		t.Fatal("a commit cut the backoff short")
	}

	// The wait ends: the round goes through, then the pull interval.
	tr.fire <- time.Now()
	if tr = e.tm.next(t); tr.d != e.cl.opt.PullInterval {
		t.Fatalf("after a good round waits %v, want the pull interval", tr.d)
	}
	if s := e.cl.Status(); !s.Online || s.LastError != nil || s.Waiting != 0 || !s.NextTry.IsZero() {
		t.Fatalf("status after recovery %+v", s)
	}
	exactlyOnce(t, e.srv.Applied(), ids)

	// Server errors without Retry-After: exponential with jitter, from
	// BackoffMin up to BackoffMax.
	e.srv.FailNext(protocol.PathHello, 12, http.StatusInternalServerError, "")
	e.cl.Kick()
	lo, hi := e.cl.opt.BackoffMin, e.cl.opt.BackoffMax
	ceil := lo
	for n := 1; n <= 12; n++ {
		tr = e.tm.next(t)
		if tr.d < lo || tr.d > ceil {
			t.Fatalf("failure %d waits %v, want within [%v, %v]", n, tr.d, lo, ceil)
		}
		expectCode(t, e.cl.Status().LastError, ErrServer)
		ceil = min(2*ceil, hi)
		if n < 12 {
			tr.fire <- time.Now()
		}
	}
	if ceil != hi {
		t.Fatal("the test did not reach the ceiling")
	}
	// 429 with Retry-After.
	e.srv.FailNext(protocol.PathHello, 1, http.StatusTooManyRequests, "42")
	tr.fire <- time.Now()
	if tr = e.tm.next(t); tr.d != 42*time.Second {
		t.Fatalf("429 Retry-After: 42 waits %v", tr.d)
	}
	expectCode(t, e.cl.Status().LastError, ErrBusy)
	tr.fire <- time.Now()
	if tr = e.tm.next(t); tr.d != e.cl.opt.PullInterval || !e.cl.Status().Online {
		t.Fatalf("no recovery: waits %v, status %+v", tr.d, e.cl.Status())
	}

	// Idle: the pull interval brings what the cloud published.
	e.srv.Publish(e.state().pointID, "manifest.published", "m:1", map[string]int{})
	tr.fire <- time.Now()
	e.tm.next(t)
	if in, _ := e.cl.InboxChanges(e.ctx, protocol.StreamPoint, 0, 10); len(in) != 1 {
		t.Fatalf("the pull interval pulled %d changes", len(in))
	}
	if !e.cl.Stop() {
		t.Fatal("stop timed out")
	}
}

func TestBackoffBounds(t *testing.T) {
	e := newEnv(t)
	lo, hi := e.cl.opt.BackoffMin, e.cl.opt.BackoffMax
	if lo != time.Second || hi != 5*time.Minute {
		t.Fatalf("defaults %v %v", lo, hi)
	}
	err := errs.New(ErrOffline)
	for n := 1; n < 40; n++ {
		ceil := min(lo<<min(n-1, 20), hi)
		for range 50 {
			if d := e.cl.backoff(n, err); d < lo || d > ceil {
				t.Fatalf("failure %d: %v outside [%v, %v]", n, d, lo, ceil)
			}
		}
	}
	// Full jitter: late failures spread over the whole range.
	seen := map[bool]bool{}
	for range 200 {
		seen[e.cl.backoff(30, err) < hi/2] = true
	}
	if !seen[true] || !seen[false] {
		t.Fatal("no jitter")
	}
}

// A commit starts a round at once; the counter never waits for the
// network: with the server hanging, commits go on, Status answers, and
// Stop ends the stuck round within its bound.
func TestCommitsPushAndNeverBlock(t *testing.T) {
	e := newEnv(t)
	e.register("o")
	status, unsubscribe := e.cl.Subscribe()
	defer unsubscribe()
	e.cl.Start(e.ctx)
	e.tm.next(t) // the first round went through; idle

	ids := e.emit(3, "parcel.accepted", nil)
	waitStatus(t, status, func(s Status) bool { return s.Online && s.Waiting == 0 && !s.Syncing && s.LastSync.After(time.Time{}) })
	e.tm.next(t)
	exactlyOnce(t, e.srv.Applied(), ids)

	release := make(chan struct{})
	defer close(release)
	arrived := e.srv.Hang(protocol.PathPush, 1, release)
	more := e.emit(1, "parcel.accepted", nil)
	select {
	case <-arrived:
	case <-time.After(20 * time.Second):
		t.Fatal("the commit did not start a push")
	}
	// The push hangs; the counter goes on.
	done := make(chan error, 1)
	go func() {
		for i := range 20 {
			if err := e.svc.Extend(context.Background(), nil, func(x counter.Tx) error {
				return x.Emit("parcel.accepted", "test:x", map[string]int{"i": i})
			}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("commits wait for the network")
	}
	if s := e.cl.Status(); !s.Syncing {
		t.Fatalf("status during the hanging round %+v", s)
	}
	start := time.Now()
	if !e.cl.Stop() {
		t.Fatal("stop did not end the hanging round")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("stop took %v", took)
	}
	if s := e.cl.Status(); s.Syncing {
		t.Fatalf("still syncing after stop: %+v", s)
	}
	_ = more
	// Started again, it catches up.
	e.srv.ClearFaults()
	e.cl.Start(e.ctx)
	waitStatus(t, status, func(s Status) bool { return s.Online && s.Waiting == 0 && !s.Syncing })
	if got := len(e.srv.Applied()); got != 3+1+20 {
		t.Fatalf("applied %d after restart", got)
	}
}

// Unregistered, the supervisor waits for Register, which starts a round.
func TestSupervisorWaitsForRegistration(t *testing.T) {
	e := newEnv(t)
	status, unsubscribe := e.cl.Subscribe()
	defer unsubscribe()
	e.cl.Start(e.ctx)
	waitStatus(t, status, func(s Status) bool { return errs.Has(s.LastError, ErrNotRegistered) })
	ids := e.emit(2, "parcel.accepted", nil)
	waitStatus(t, status, func(s Status) bool { return s.Waiting == 2 })
	if e.srv.Requests(protocol.PathHello) != 0 {
		t.Fatal("an unregistered client called the server")
	}
	e.register("o")
	waitStatus(t, status, func(s Status) bool { return s.Online && s.Waiting == 0 })
	exactlyOnce(t, e.srv.Applied(), ids)
	select {
	case tr := <-e.tm.ch:
		if tr.d != e.cl.opt.PullInterval {
			t.Fatalf("unexpected wait %v", tr.d)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no pull interval after the registration round")
	}
}
