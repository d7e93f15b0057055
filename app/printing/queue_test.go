package printing

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"smartpoint/app/clock"
	"smartpoint/app/errs"
	"smartpoint/app/i18n/i18ntest"
	"smartpoint/app/store"
)

// fakePrinter is a named fake of the Sender the app wires with
// device/printer: it can be switched offline and records what it printed.
type fakePrinter struct {
	mu      sync.Mutex
	offline map[string]bool
	printed map[string][]string
	sent    chan string // printer + ":" + data, for tests to wait on
	tried   chan string // every attempt, printed or not
}

func newFakePrinter() *fakePrinter {
	return &fakePrinter{offline: map[string]bool{}, printed: map[string][]string{},
		sent: make(chan string, 100), tried: make(chan string, 100)}
}

func (f *fakePrinter) Send(_ context.Context, printer string, data []byte) error {
	f.mu.Lock()
	off := f.offline[printer]
	if !off {
		f.printed[printer] = append(f.printed[printer], string(data))
	}
	f.mu.Unlock()
	f.tried <- printer + ":" + string(data)
	if off {
		return errors.New("printer " + printer + " is offline")
	}
	f.sent <- printer + ":" + string(data)
	return nil
}

func (f *fakePrinter) setOffline(printer string, off bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.offline[printer] = off
}

func (f *fakePrinter) got(printer string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.printed[printer]...)
}

// retryTimer replaces time.After: each wait is reported with its length
// and fires only when the test says so.
type retryTimer struct{ waits chan wait }

type wait struct {
	d    time.Duration
	fire chan time.Time
}

func (r *retryTimer) after(d time.Duration) <-chan time.Time {
	w := wait{d, make(chan time.Time, 1)}
	r.waits <- w
	return w.fire
}

type env struct {
	t       *testing.T
	path    string
	db      *store.DB
	q       *Queue
	p       *fakePrinter
	timer   *retryTimer
	clock   *clock.Fake
	cancel  context.CancelFunc
	changes chan struct{}
}

func newEnv(t *testing.T) *env {
	e := &env{t: t, path: filepath.Join(t.TempDir(), "counter.db"), p: newFakePrinter(),
		timer: &retryTimer{waits: make(chan wait, 100)}, clock: clock.NewFake(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)),
		changes: make(chan struct{}, 1000)}
	e.open()
	return e
}

// open opens the database and a queue on it (not started).
func (e *env) open() {
	db, err := store.Open(context.Background(), e.path, store.Options{})
	if err != nil {
		e.t.Fatal(err)
	}
	e.db = db
	e.q = New(db, e.p, Options{Clock: e.clock, After: e.timer.after, Log: slog.New(slog.DiscardHandler),
		OnChange: func() { e.changes <- struct{}{} }})
	e.t.Cleanup(func() { e.stop(); db.Close() })
}

func (e *env) start() {
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel = cancel
	if err := e.q.Start(ctx); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) stop() {
	if e.cancel != nil {
		e.cancel()
		e.q.Wait()
		e.cancel = nil
	}
}

// restart is the app closed (or the power cut) and started again.
func (e *env) restart() {
	e.stop()
	e.db.Close()
	e.open()
	e.start()
}

func (e *env) enqueue(printer, data string) Job {
	e.t.Helper()
	j, err := e.q.Enqueue(context.Background(), Job{Printer: printer, Kind: "receipt", Title: "Чек " + data, Data: []byte(data), Clerk: "Айгуль"})
	if err != nil {
		e.t.Fatal(err)
	}
	return j
}

// await returns the next value of ch or fails after a generous guard.
func await[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func (e *env) job(id int64) Job {
	e.t.Helper()
	j, err := e.q.Job(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return j
}

func TestJobPrintsInOrder(t *testing.T) {
	e := newEnv(t)
	e.start()
	a, b := e.enqueue("receipt", "first"), e.enqueue("receipt", "second")
	await(t, e.p.sent, "first job")
	await(t, e.p.sent, "second job")
	if got := e.p.got("receipt"); len(got) != 2 || got[0] != "first" || got[1] != "second" {
		t.Fatalf("printed %q, want first then second", got)
	}
	e.stop()
	for _, id := range []int64{a.ID, b.ID} {
		if j := e.job(id); j.State != StateDone || j.PrintedAt.IsZero() || j.Attempts != 1 {
			t.Fatalf("job %d: %+v", id, j)
		}
	}
}

// An offline printer keeps the job, retries with growing waits, and
// prints it once when back; the clerk's Enqueue never waited for it.
func TestOfflinePrinterJobWaitsThenPrintsOnce(t *testing.T) {
	e := newEnv(t)
	e.p.setOffline("receipt", true)
	e.start()
	j := e.enqueue("receipt", "чек 1")
	var waits []time.Duration
	for range 7 {
		await(t, e.p.tried, "an attempt")
		w := await(t, e.timer.waits, "a retry wait")
		waits = append(waits, w.d)
		if len(waits) < 7 {
			w.fire <- time.Time{}
		} else {
			if got := e.job(j.ID); got.State != StateQueued || got.LastError == "" || got.Attempts != 7 {
				t.Fatalf("waiting job %+v: want queued with the error and 7 attempts", got)
			}
			e.p.setOffline("receipt", false)
			w.fire <- time.Time{}
		}
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("retry waits %v, want %v", waits, want)
		}
	}
	await(t, e.p.sent, "the job after the printer came back")
	e.stop()
	if got := e.p.got("receipt"); len(got) != 1 || got[0] != "чек 1" {
		t.Fatalf("printed %q, want the receipt exactly once", got)
	}
	if got := e.job(j.ID); got.State != StateDone || got.LastError != "" {
		t.Fatalf("job after printing %+v", got)
	}
}

// The clerk loads paper and presses "retry": no waiting for the backoff.
func TestRetryNowSkipsTheBackoff(t *testing.T) {
	e := newEnv(t)
	e.p.setOffline("receipt", true)
	e.start()
	e.enqueue("receipt", "x")
	await(t, e.p.tried, "an attempt")
	await(t, e.timer.waits, "a retry wait") // never fired
	e.p.setOffline("receipt", false)
	e.q.RetryNow("receipt")
	if got := await(t, e.p.sent, "the retried job"); got != "receipt:x" {
		t.Fatalf("sent %q", got)
	}
}

// One printer being down does not hold up another.
func TestOfflinePrinterDoesNotBlockOthers(t *testing.T) {
	e := newEnv(t)
	e.p.setOffline("labels", true)
	e.start()
	e.enqueue("labels", "cell A-1-01")
	await(t, e.timer.waits, "the label printer's retry wait")
	e.enqueue("receipt", "чек")
	if got := await(t, e.p.sent, "the receipt"); got != "receipt:чек" {
		t.Fatalf("sent %q", got)
	}
}

// A job queued while the printer was off survives the app being closed
// and prints after the next start.
func TestQueuedJobSurvivesRestart(t *testing.T) {
	e := newEnv(t)
	e.p.setOffline("receipt", true)
	e.start()
	j := e.enqueue("receipt", "чек до перезапуска")
	await(t, e.timer.waits, "a retry wait")
	e.p.setOffline("receipt", false)
	e.restart()
	if got := await(t, e.p.sent, "the job after restart"); got != "receipt:чек до перезапуска" {
		t.Fatalf("sent %q", got)
	}
	e.stop()
	if got := e.job(j.ID); got.State != StateDone {
		t.Fatalf("job after restart %+v", got)
	}
}

// A crash in the middle of sending leaves the job "printing": it is sent
// again on the next start rather than lost.
func TestJobInterruptedBySendingIsSentAgain(t *testing.T) {
	e := newEnv(t)
	j := e.enqueue("receipt", "чек")
	if _, err := e.db.W.Exec(`UPDATE print_jobs SET state='printing', attempts=1 WHERE id=?`, j.ID); err != nil {
		t.Fatal(err)
	}
	e.start()
	await(t, e.p.sent, "the interrupted job")
	e.stop()
	if got := e.job(j.ID); got.State != StateDone || got.Attempts != 2 {
		t.Fatalf("job %+v: want done on the second attempt", got)
	}
}

func TestReprintQueuesACopy(t *testing.T) {
	e := newEnv(t)
	e.start()
	j := e.enqueue("receipt", "чек 42")
	await(t, e.p.sent, "the original")
	r, err := e.q.Reprint(context.Background(), j.ID, "Бакыт")
	if err != nil {
		t.Fatal(err)
	}
	await(t, e.p.sent, "the reprint")
	r2, err := e.q.Reprint(context.Background(), r.ID, "Бакыт")
	if err != nil {
		t.Fatal(err)
	}
	await(t, e.p.sent, "the second reprint")
	e.stop()
	if got := e.p.got("receipt"); len(got) != 3 || got[2] != "чек 42" {
		t.Fatalf("printed %q", got)
	}
	if r.ReprintOf != j.ID || r2.ReprintOf != j.ID || r.Clerk != "Бакыт" || r.Title != j.Title {
		t.Fatalf("reprints %+v %+v must point at the original %d", r, r2, j.ID)
	}
	recent, err := e.q.Recent(context.Background(), 10)
	if err != nil || len(recent) != 3 || recent[0].ID != r2.ID {
		t.Fatalf("recent %v %+v", err, recent)
	}
}

func TestCancelledJobIsNotPrinted(t *testing.T) {
	e := newEnv(t)
	e.p.setOffline("receipt", true)
	e.start()
	j := e.enqueue("receipt", "лишний")
	w := await(t, e.timer.waits, "a retry wait")
	if err := e.q.Cancel(context.Background(), j.ID); err != nil {
		t.Fatal(err)
	}
	e.p.setOffline("receipt", false)
	e.enqueue("receipt", "нужный")
	w.fire <- time.Time{}
	if got := await(t, e.p.sent, "the next job"); got != "receipt:нужный" {
		t.Fatalf("sent %q: the cancelled job must not print", got)
	}
	if err := e.q.Cancel(context.Background(), j.ID); !errs.Has(err, ErrJobDone) {
		t.Fatalf("cancelling twice: %v", err)
	}
	if _, err := e.q.Reprint(context.Background(), 999, ""); !errs.Has(err, ErrJobUnknown) {
		t.Fatalf("reprint of an unknown job: %v", err)
	}
}

func TestBadJobsAreRefusedAndNothingStored(t *testing.T) {
	e := newEnv(t)
	if _, err := e.q.Enqueue(context.Background(), Job{Printer: "receipt"}); !errs.Has(err, ErrEmpty) {
		t.Fatalf("empty job: %v", err)
	}
	if _, err := e.q.Enqueue(context.Background(), Job{Data: []byte("x")}); !errs.Has(err, ErrNoPrinter) {
		t.Fatalf("no printer: %v", err)
	}
	if w, err := e.q.Waiting(context.Background()); err != nil || len(w) != 0 {
		t.Fatalf("waiting %v %+v", err, w)
	}
}

// Old finished jobs are pruned at start; waiting ones never are.
func TestStartPrunesOldFinishedJobs(t *testing.T) {
	e := newEnv(t)
	e.start()
	old := e.enqueue("receipt", "старый")
	await(t, e.p.sent, "old")
	e.stop()
	e.p.setOffline("receipt", true)
	waiting := e.enqueue("receipt", "ждёт")
	e.clock.Advance(8 * 24 * time.Hour)
	e.start()
	await(t, e.timer.waits, "the waiting job's retry")
	if _, err := e.q.Job(context.Background(), old.ID); !errs.Has(err, ErrJobUnknown) {
		t.Fatalf("an 8-day-old printed job must be pruned: %v", err)
	}
	if j := e.job(waiting.ID); j.State != StateQueued {
		t.Fatalf("waiting job %+v", j)
	}
}

func TestErrorCodesTranslated(t *testing.T) { i18ntest.CheckCodes(t, nil) }
