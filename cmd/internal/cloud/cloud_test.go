package cloud

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/clock"
	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/store"
	"smartpoint/sync/client"
	"smartpoint/sync/client/clienttest"
	"smartpoint/sync/protocol"
	"smartpoint/ui"
)

var testStart = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// rig is a counter database on a real file, the in-memory protocol test
// server on loopback, and the adapter Start made, running.
type rig struct {
	t       *testing.T
	ctx     context.Context
	svc     *counter.Service
	clock   *clock.Fake
	srv     *clienttest.Server
	a       *Adapter
	stop    func()
	changed chan struct{} // a status change reached the subscriber
	timers  chan time.Duration
	owner   *counter.Session // the point's owner (may register)
}

func newRig(t *testing.T) *rig {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "counter.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := clock.NewFake(testStart)
	svc, err := counter.New(ctx, db, counter.Options{Clock: c, PINParams: auth.Fast, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := svc.Setup(ctx, counter.SetupRequest{Point: counter.Point{Name: "ПВЗ Ала-Тоо", Country: "KG"},
		OwnerName: "Айгуль", OwnerPIN: "4827"})
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, ctx: ctx, svc: svc, clock: c, srv: clienttest.New(c), changed: make(chan struct{}, 1),
		timers: make(chan time.Duration, 64), owner: owner}
	t.Cleanup(r.srv.Close)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The supervisor's timers never fire by themselves: rounds run on
	// commits and on SyncNow only, so each step of a test is one cause.
	r.a, r.stop = Start(ctx, svc, log, client.Options{Retries: -1, BackoffMin: 10 * time.Minute, BackoffMax: 10 * time.Minute,
		After: func(d time.Duration) <-chan time.Time { r.timers <- d; return make(chan time.Time) }})
	t.Cleanup(r.stop)
	unsubscribe := r.a.Subscribe(func() {
		select {
		case r.changed <- struct{}{}:
		default:
		}
	})
	t.Cleanup(unsubscribe)
	return r
}

// until waits for the subscription to report a status that satisfies ok.
func (r *rig) until(what string, ok func(ui.CloudStatus) bool) ui.CloudStatus {
	r.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		if st := r.a.Status(); ok(st) {
			return st
		}
		select {
		case <-r.changed:
		case <-deadline:
			r.t.Fatalf("no status where %s; last %+v", what, r.a.Status())
		}
	}
}

// emit commits one event of kind.
func (r *rig) emit(kind, entity string) {
	r.t.Helper()
	if err := r.svc.Extend(r.ctx, nil, func(x counter.Tx) error {
		return x.Emit(kind, entity, map[string]string{"note": "test"})
	}); err != nil {
		r.t.Fatal(err)
	}
}

// A wrong code stores nothing and says so in a typed error; the right one
// makes the point, the first round pushes what waited, and the status the
// window reads shows the point, this computer's id and the sync.
func TestRegisterAndSync(t *testing.T) {
	r := newRig(t)
	var logged int // the point's set-up is in the log too
	if err := r.svc.DB().R.QueryRow(`SELECT count(*) FROM events`).Scan(&logged); err != nil {
		t.Fatal(err)
	}
	r.emit("parcel.accepted", "parcel:kgpost:RA000000001KG")

	err := r.a.Register(r.ctx, r.owner, r.srv.URL, "WRONG-CODE", "Касса 1")
	if !errs.Has(err, client.ErrActivationInvalid) {
		t.Fatalf("wrong code: %v, want ErrActivationInvalid", err)
	}
	if st := r.a.Status(); st.Registered || st.PointID != "" {
		t.Fatalf("a wrong code registered the point: %+v", st)
	}
	pointID, code := r.srv.AddPoint("owner-1", "ПВЗ Ала-Тоо")
	if err := r.a.Register(r.ctx, r.owner, r.srv.URL, code, "Касса 1"); err != nil {
		t.Fatal(err)
	}
	st := r.until("synced", func(st ui.CloudStatus) bool { return st.Online && !st.Syncing && st.Waiting == 0 })
	if !st.Registered || st.PointID != pointID || st.PointName != "ПВЗ Ала-Тоо" || st.ServerURL != r.srv.URL {
		t.Fatalf("status %+v: want point %s on %s", st, pointID, r.srv.URL)
	}
	if !st.LastSync.Equal(testStart) || st.LastError != nil || st.Rejected != 0 {
		t.Fatalf("status %+v: want a sync at %v without errors", st, testStart)
	}
	var stored string
	if err := r.svc.DB().R.QueryRow(`SELECT value FROM sync_state WHERE key = 'device_id'`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if st.DeviceID == "" || st.DeviceID != stored {
		t.Fatalf("device id %q, stored %q", st.DeviceID, stored)
	}
	if got := r.srv.Applied(); len(got) != logged+1 {
		t.Fatalf("the server applied %d events, want the %d that waited", len(got), logged+1)
	}
}

// An event the cloud refuses shows up in Problems with its kind and the
// cloud's reason; a server that fails is "unreachable" with a next try,
// and SyncNow mends it once the server is back.
func TestProblemsUnreachableAndSyncNow(t *testing.T) {
	r := newRig(t)
	_, code := r.srv.AddPoint("owner-1", "ПВЗ Ала-Тоо")
	if err := r.a.Register(r.ctx, r.owner, r.srv.URL, code, "Касса 1"); err != nil {
		t.Fatal(err)
	}
	r.until("synced", func(st ui.CloudStatus) bool { return st.Online && !st.Syncing })
	r.srv.SetReject(func(ev protocol.Event) (string, string) {
		if ev.Kind == "parcel.issued" {
			return "parcel_unknown", "Посылка не принималась в этом пункте"
		}
		return "", ""
	})
	r.emit("parcel.issued", "parcel:kgpost:RA000000002KG")
	r.until("one refused", func(st ui.CloudStatus) bool { return st.Rejected == 1 && !st.Syncing })
	ps := r.a.Problems(10)
	if len(ps) != 1 || ps[0].Kind != "parcel.issued" || ps[0].Code != "parcel_unknown" ||
		ps[0].Message != "Посылка не принималась в этом пункте" || ps[0].Entity != "parcel:kgpost:RA000000002KG" {
		t.Fatalf("problems %+v", ps)
	}

	r.srv.FailNext("", 1000, http.StatusServiceUnavailable, "")
	r.clock.Advance(time.Hour)
	r.emit("parcel.accepted", "parcel:kgpost:RA000000003KG")
	st := r.until("unreachable", func(st ui.CloudStatus) bool { return st.LastError != nil && !st.Syncing && !st.NextTry.IsZero() })
	if !st.Unreachable || st.NeedsCode || st.Online || st.Waiting != 1 {
		t.Fatalf("status %+v: want unreachable with one event waiting", st)
	}
	if want := testStart.Add(time.Hour + 10*time.Minute); !st.NextTry.Equal(want) {
		t.Fatalf("next try %v, want %v", st.NextTry, want)
	}
	r.srv.ClearFaults()
	r.a.SyncNow()
	st = r.until("synced again", func(st ui.CloudStatus) bool { return st.Online && !st.Syncing && st.Waiting == 0 })
	if st.LastError != nil || st.Unreachable || !st.LastSync.Equal(testStart.Add(time.Hour)) {
		t.Fatalf("status %+v after the server came back", st)
	}
}

// A server too new for this app is an error that needs a person, not an
// unreachable one.
func TestUpdateNeededIsNotUnreachable(t *testing.T) {
	r := newRig(t)
	_, code := r.srv.AddPoint("owner-1", "ПВЗ")
	if err := r.a.Register(r.ctx, r.owner, r.srv.URL, code, ""); err != nil {
		t.Fatal(err)
	}
	r.until("synced", func(st ui.CloudStatus) bool { return st.Online && !st.Syncing })
	r.srv.SetMinProtocol(protocol.Version + 1)
	r.a.SyncNow()
	st := r.until("refused", func(st ui.CloudStatus) bool { return st.LastError != nil && !st.Syncing })
	if !errs.Has(st.LastError, client.ErrUpdateNeeded) || st.Unreachable {
		t.Fatalf("status %+v: want update needed, not unreachable", st)
	}
}

// stop ends a round the server holds, within its bound, and the
// subscriptions with it.
func TestStopEndsAHangingRound(t *testing.T) {
	r := newRig(t)
	_, code := r.srv.AddPoint("owner-1", "ПВЗ")
	if err := r.a.Register(r.ctx, r.owner, r.srv.URL, code, ""); err != nil {
		t.Fatal(err)
	}
	r.until("synced", func(st ui.CloudStatus) bool { return st.Online && !st.Syncing })
	release := make(chan struct{})
	defer close(release)
	held := r.srv.Hang(protocol.PathHello, 1, release)
	r.a.SyncNow()
	select {
	case <-held:
	case <-time.After(20 * time.Second):
		t.Fatal("SyncNow started no round")
	}
	start := time.Now()
	r.stop()
	if d := time.Since(start); d > stopWait {
		t.Fatalf("stop took %v", d)
	}
	select {
	case <-r.a.quit:
	default:
		t.Fatal("stop left the subscriptions running")
	}
}

// Joining the owner's cloud is a manager's decision: a clerk's session is
// refused before anything reaches the server.
func TestClerkCannotRegister(t *testing.T) {
	r := newRig(t)
	if _, err := r.svc.CreateClerk(r.ctx, r.owner, "Бакыт", counter.RoleClerk, "5831"); err != nil {
		t.Fatal(err)
	}
	clerk, err := r.svc.Login(r.ctx, "Бакыт", "5831")
	if err != nil {
		t.Fatal(err)
	}
	_, code := r.srv.AddPoint("owner-1", "ПВЗ")
	if err := r.a.Register(r.ctx, clerk, r.srv.URL, code, "Касса 1"); !errs.Has(err, counter.ErrForbidden) {
		t.Fatalf("a clerk registering: %v, want ErrForbidden", err)
	}
	if st := r.a.Status(); st.Registered {
		t.Fatal("the clerk's attempt registered the point")
	}
	if err := r.a.Register(r.ctx, r.owner, r.srv.URL, code, "Касса 1"); err != nil {
		t.Fatalf("the unused code no longer works for the owner: %v", err)
	}
}
