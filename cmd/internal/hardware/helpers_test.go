package hardware

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"smartpoint/device/leaktest"
	"sync"
	"testing"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/clock"
	"smartpoint/app/counter"
	"smartpoint/app/printing"
	"smartpoint/app/store"
	"smartpoint/device/serialscan"
	"smartpoint/ui"
)

// guard bounds every wait: far above what any step takes, so a failure
// is a hang caught, never a slow machine.
const guard = 10 * time.Second

// env is a counter on a real SQLite file with an owner and a clerk, a
// print queue whose Sender is the Hub (wired as cmd wires it), and the
// Hub reporting into recorders. Timers the Hub and the queue would wait
// on are the test's: status polls fire on tick, queue retries only on
// RetryNow, scanner reconnects never.
type env struct {
	t     *testing.T
	ctx   context.Context
	path  string
	db    *store.DB
	svc   *counter.Service
	owner *counter.Session
	clerk *counter.Session
	queue *printing.Queue
	hub   *Hub
	opt   Options

	states *recorder
	scans  chan ui.DeviceScan
	tick   chan time.Time

	stopQueue context.CancelFunc
}

// newEnv sets up a point and starts the queue and a Hub; edit adjusts
// the Hub's options (a Host, an Enumerator) before it starts.
func newEnv(t *testing.T, edit func(*Options)) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), path: filepath.Join(t.TempDir(), "counter.db"),
		states: newRecorder(), scans: make(chan ui.DeviceScan, 100), tick: make(chan time.Time)}
	e.opt = Options{
		Log:          slog.New(slog.DiscardHandler),
		OnScan:       func(s ui.DeviceScan) { e.scans <- s },
		OnStates:     e.states.record,
		ScannerClock: stillClock{},
		NewTicker:    func(time.Duration) (<-chan time.Time, func()) { return e.tick, func() {} },
		Enumerator:   serialscan.EnumeratorFunc(func() ([]serialscan.PortInfo, error) { return nil, nil }),
	}
	if edit != nil {
		edit(&e.opt)
	}
	db, err := store.Open(e.ctx, e.path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e.db = db
	t.Cleanup(func() { db.Close() })
	svc, err := counter.New(e.ctx, db, counter.Options{Clock: clock.NewFake(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)),
		PINParams: auth.Fast, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	e.svc = svc
	e.owner, err = svc.Setup(e.ctx, counter.SetupRequest{
		Point:     counter.Point{Name: "ПВЗ Ала-Тоо", Country: "KG", Address: "Бишкек, Чуй 1"},
		OwnerName: "Айгуль", OwnerPIN: "4821",
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateClerk(e.ctx, e.owner, "Бакыт", counter.RoleClerk, "2580"); err != nil {
		t.Fatal(err)
	}
	if e.clerk, err = svc.Login(e.ctx, "Бакыт", "2580"); err != nil {
		t.Fatal(err)
	}
	e.start()
	return e
}

// start wires and starts the queue and the Hub the way cmd/smartpoint
// does (see doc.go): the queue is made first with a Sender calling the
// Hub made next; the Hub starts first, so jobs left from the last run find
// their printers.
func (e *env) start() {
	var hub *Hub
	e.queue = printing.New(e.db, SendFunc(func(ctx context.Context, p string, data []byte) error { return hub.Send(ctx, p, data) }),
		printing.Options{Log: e.opt.Log, OnChange: func() { hub.Refresh() },
			After: func(time.Duration) <-chan time.Time { return nil }}) // retries only on RetryNow
	hub = New(e.svc, e.queue, e.opt)
	e.hub = hub
	if err := hub.Start(e.ctx); err != nil {
		e.t.Fatal(err)
	}
	qctx, cancel := context.WithCancel(e.ctx)
	e.stopQueue = cancel
	if err := e.queue.Start(qctx); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(e.stop)
}

// stop is the app closing: the queue, then the devices. Nothing of the
// Hub may outlive Stop.
func (e *env) stop() {
	if e.stopQueue == nil {
		return
	}
	e.stopQueue()
	e.queue.Wait()
	e.hub.Stop()
	e.stopQueue = nil
	checkNoLeaks(e.t)
}

// restart is the app closed and opened again on the same database.
func (e *env) restart() {
	e.stop()
	e.states = newRecorder()
	e.opt.OnStates = e.states.record
	e.start()
}

// apply saves a set-up as the owner.
func (e *env) apply(s ui.HardwareSetup) {
	e.t.Helper()
	if err := e.hub.Apply(e.ctx, e.owner, s); err != nil {
		e.t.Fatalf("Apply: %v", err)
	}
}

func (e *env) enqueue(printer, data string) printing.Job {
	e.t.Helper()
	j, err := e.queue.Enqueue(e.ctx, printing.Job{Printer: printer, Kind: ui.DocReceipt, Title: "Чек", Data: []byte(data)})
	if err != nil {
		e.t.Fatal(err)
	}
	return j
}

// waitState waits for a report in which device name is in state (and,
// for printers, has waiting jobs), returning that report.
func (e *env) waitState(name, state string, waiting int) []ui.DeviceState {
	e.t.Helper()
	return e.states.wait(e.t, name+" "+state, func(states []ui.DeviceState) bool {
		d, ok := find(states, name)
		return ok && d.State == state && d.Waiting == waiting
	})
}

func find(states []ui.DeviceState, name string) (ui.DeviceState, bool) {
	i := slices.IndexFunc(states, func(d ui.DeviceState) bool { return d.Name == name })
	if i < 0 {
		return ui.DeviceState{}, false
	}
	return states[i], true
}

// recorder keeps the latest reported states and wakes waiters: the
// window, too, only ever shows the latest list.
type recorder struct {
	mu     sync.Mutex
	latest []ui.DeviceState
	n      int
	wake   chan struct{}
}

func newRecorder() *recorder { return &recorder{wake: make(chan struct{}, 1)} }

func (r *recorder) record(states []ui.DeviceState) {
	r.mu.Lock()
	r.latest = slices.Clone(states)
	r.n++
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *recorder) last() ([]ui.DeviceState, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.latest), r.n
}

// wait returns the first latest report for which ok holds.
func (r *recorder) wait(t *testing.T, what string, ok func([]ui.DeviceState) bool) []ui.DeviceState {
	t.Helper()
	timeout := time.After(guard)
	for {
		states, _ := r.last()
		if ok(states) {
			return states
		}
		select {
		case <-r.wake:
		case <-timeout:
			t.Fatalf("no report with %s; last: %+v", what, states)
		}
	}
}

// stillClock is a serialscan clock whose timers never fire: a scanner
// that lost its port stays lost, where the test can see it.
type stillClock struct{}

func (stillClock) Now() time.Time                          { return time.Now() }
func (stillClock) NewTimer(time.Duration) serialscan.Timer { return stillTimer{} }

type stillTimer struct{}

func (stillTimer) C() <-chan time.Time { return nil }
func (stillTimer) Stop() bool          { return true }

// checkNoLeaks fails when a goroutine started by the Hub or a device
// package outlives Stop.
func checkNoLeaks(t *testing.T) {
	t.Helper()
	leaktest.Check(t, guard, "smartpoint/cmd/internal/hardware.", "smartpoint/device/")
}
