package client

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/clock"
	"smartpoint/app/counter"
	"smartpoint/sync/client/clienttest"
	"smartpoint/sync/protocol"
	"smartpoint/sync/server"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/sqlitestore"
)

// Integration tests against the reference cloud server (sync/server) on
// its SQLite store, served on loopback, with the same fault middleware
// as the test server in front of it.

type realServer struct {
	t      *testing.T
	st     store.Store
	clock  *clock.Fake
	faults *clienttest.Faults
	url    string
}

func newRealServer(t *testing.T, tune func(*server.Options)) *realServer {
	t.Helper()
	ctx := context.Background()
	st, err := sqlitestore.Open(ctx, filepath.Join(t.TempDir(), "cloud.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rs := &realServer{t: t, st: st, clock: clock.NewFake(time.Now()), faults: clienttest.NewFaults()}
	opt := server.Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:    rs.clock.Now,
		Hash:   auth.Fast,
		Rate:   -1,
	}
	if tune != nil {
		tune(&opt)
	}
	hs := httptest.NewServer(rs.faults.Wrap(server.New(st, opt).Handler()))
	t.Cleanup(hs.Close)
	rs.url = hs.URL
	return rs
}

// owner makes an owner.
func (rs *realServer) owner(name string) string {
	rs.t.Helper()
	o, err := rs.st.CreateOwner(context.Background(), name)
	if err != nil {
		rs.t.Fatal(err)
	}
	return o.ID
}

// client makes a counter database with a client registered as a new
// point of owner.
func (rs *realServer) client(ownerID, name string, tune ...func(*Options)) *env {
	rs.t.Helper()
	ctx := context.Background()
	p, err := rs.st.CreatePoint(ctx, ownerID, name)
	if err != nil {
		rs.t.Fatal(err)
	}
	code, _, err := server.IssueActivation(ctx, rs.st, p.ID, 0, auth.Fast, rs.clock.Now())
	if err != nil {
		rs.t.Fatal(err)
	}
	e := rs.attach(filepath.Join(rs.t.TempDir(), name+".db"), tune...)
	if err := e.cl.Register(ctx, rs.url, code, name); err != nil {
		rs.t.Fatal(err)
	}
	return e
}

// attach opens a counter database at path with a client of this server.
func (rs *realServer) attach(path string, tune ...func(*Options)) *env {
	cdb := openCounter(rs.t, path, clock.NewFake(rs.clock.Now()))
	e := &env{counterDB: cdb, t: rs.t, ctx: context.Background(), log: &logBuffer{}, tm: newTimers()}
	e.opt = testOptions(cdb.clock, e.tm, e.log)
	e.opt.BaseURL = rs.url
	for _, f := range tune {
		f(&e.opt)
	}
	e.cl = New(cdb.svc, e.opt)
	rs.t.Cleanup(func() { e.cl.Stop() })
	return e
}

// exactlyOnce checks through the API that the server holds each of ids
// once: pushed again under a fresh incarnation, every one is a duplicate,
// and the applied ones hold the owner's server seqs 1..n without a gap or
// a repeat (an event applied twice would take two). The owner must have
// no other point.
func (rs *realServer) exactlyOnce(e *env, ids ...[]string) {
	rs.t.Helper()
	st := e.state()
	var all []string
	for _, l := range ids {
		all = append(all, l...)
	}
	var seqs []int64
	inc := "probe-" + e.cl.ids.New()
	for start := 0; start < len(all); start += protocol.MaxBatchEvents {
		req := protocol.PushRequest{Protocol: protocol.Version, DeviceID: st.deviceID, Incarnation: inc}
		for i, id := range all[start:min(start+protocol.MaxBatchEvents, len(all))] {
			req.Events = append(req.Events, protocol.Event{ID: id, ClientSeq: int64(start + i + 1), Kind: "probe",
				Entity: "probe", OccurredAt: time.Now(), Payload: []byte(`{}`)})
		}
		var pr protocol.PushResponse
		if err := e.cl.call(e.ctx, st, nil, request{method: http.MethodPost, path: protocol.PathPush, body: req}, &pr); err != nil {
			rs.t.Fatal(err)
		}
		if len(pr.Results) != len(req.Events) {
			rs.t.Fatalf("probe: %d results for %d events", len(pr.Results), len(req.Events))
		}
		for _, r := range pr.Results {
			if r.Status != protocol.StatusDuplicate {
				rs.t.Fatalf("event %s is not on the server (%s)", r.ID, r.Status)
			}
			if r.ServerSeq > 0 {
				seqs = append(seqs, r.ServerSeq)
			}
		}
	}
	slices.Sort(seqs)
	for i, s := range seqs {
		if s != int64(i+1) {
			rs.t.Fatalf("server seqs are not 1..%d: position %d holds %d", len(seqs), i, s)
		}
	}
}

func TestRealServerPushPull(t *testing.T) {
	rs := newRealServer(t, nil)
	owner := rs.owner("Айгуль")
	a := rs.client(owner, "a")
	b := rs.client(owner, "b")
	parcels := a.emit(20, "parcel.accepted", nil)
	stamps := a.emit(5, "loyalty.stamp_earned", nil)
	_, _ = parcels, stamps
	res := a.round()
	if res.Applied != 25 || res.Rejected != 0 {
		t.Fatalf("a: %+v", res)
	}
	// The same parcel accepted at b: applied with a warning, and an
	// exception on both points' streams.
	if err := b.svc.Extend(b.ctx, nil, func(x counter.Tx) error {
		return x.Emit("parcel.accepted", "test:3", map[string]int{"i": 3})
	}); err != nil {
		t.Fatal(err)
	}
	res = b.round()
	if res.Applied != 1 || res.Pulled < 5+1 {
		t.Fatalf("b: %+v", res)
	}
	owned, _ := b.cl.InboxChanges(b.ctx, protocol.StreamOwner, 0, 100)
	if len(owned) != 5 || owned[0].Kind != "loyalty.stamp_earned" {
		t.Fatalf("b's owner stream: %+v", owned)
	}
	pointB, _ := b.cl.InboxChanges(b.ctx, protocol.StreamPoint, 0, 100)
	if len(pointB) != 1 || pointB[0].Kind != "exception.raised" {
		t.Fatalf("b's point stream: %+v", pointB)
	}
	if res := a.round(); res.Pulled != 1 {
		t.Fatalf("a did not get the exception: %+v", res)
	}
}

// Research §3 #1, #2, #5 and #10 against the reference server: a lost
// answer after commit, a doubled delivery, a poison event, and a long
// offline backlog with the access token expiring mid-sync.
func TestRealServerFailures(t *testing.T) {
	rs := newRealServer(t, nil)
	e := rs.client(rs.owner("o"), "p")
	first := e.emit(30, "parcel.accepted", nil)
	rs.faults.DropAfterCommit(protocol.PathPush, 1)
	_, err := e.cl.Round(e.ctx)
	expectCode(t, err, ErrOffline)
	if res := e.round(); res.Duplicates != 30 {
		t.Fatalf("after the lost answer: %+v", res)
	}
	second := e.emit(10, "parcel.issued", nil)
	rs.faults.Double(protocol.PathPush, 1)
	if res := e.round(); res.Duplicates != 10 {
		t.Fatalf("doubled: %+v", res)
	}
	good := e.emit(3, "parcel.accepted", nil)
	huge := e.emit(1, "parcel.accepted", func(int) any { return map[string]string{"blob": strings.Repeat("z", 70<<10)} })
	more := e.emit(3, "parcel.accepted", nil)
	res := e.round()
	if res.Applied != 6 || res.Rejected != 1 {
		t.Fatalf("poison: %+v", res)
	}
	if probs, _ := e.cl.Problems(e.ctx, 10); len(probs) != 1 || probs[0].EventID != huge[0] || probs[0].Code != protocol.RejectTooLarge {
		t.Fatalf("problems %+v", probs)
	}

	// 50,000 against the test server (TestLongOfflineBacklog); fewer
	// here: the reference store takes about 0.6 ms an event.
	const n = 10000
	backlog := e.emit(n, "parcel.accepted", nil)
	rs.faults.After(protocol.PathPush, -1, func(k int) {
		if k == 10 {
			rs.clock.Advance(server.DefaultAccessTTL + time.Minute)
		}
	})
	start := time.Now()
	res = e.round()
	took := time.Since(start)
	if res.Applied != n || !res.Refreshed || res.Waiting != 0 || rs.faults.Requests(protocol.PathRefresh) != 1 {
		t.Fatalf("backlog: %+v, %d refreshes", res, rs.faults.Requests(protocol.PathRefresh))
	}
	t.Logf("%d events to the reference server (SQLite) in %v: %.0f events/s", n, took, float64(n)/took.Seconds())
	rs.faults.ClearFaults()
	rs.exactlyOnce(e, first, second, good, more, backlog, huge)
}

// Research §3 #6 and #8 against the reference server: a restored and a
// copied counter database.
func TestRealServerRestoreAndClone(t *testing.T) {
	rs := newRealServer(t, nil)
	e := rs.client(rs.owner("o"), "p")
	a1 := e.emit(20, "parcel.accepted", nil)
	e.round()
	snapshot := e.path + ".snapshot"
	if _, err := e.db.W.Exec(`VACUUM INTO ?`, snapshot); err != nil {
		t.Fatal(err)
	}
	a2 := e.emit(15, "parcel.issued", nil)
	e.round()
	if _, err := e.db.Restore(e.ctx, snapshot, e.clock.Now(), nil); err != nil {
		t.Fatal(err)
	}
	a3 := e.emit(30, "parcel.accepted", nil) // more than the server holds: found at push
	res := e.round()
	if !res.Rotated || res.Duplicates != 20 || res.Applied != 30 {
		t.Fatalf("after the restore: %+v\n%s", res, e.log)
	}

	clonePath := e.path + ".clone"
	if _, err := e.db.W.Exec(`VACUUM INTO ?`, clonePath); err != nil {
		t.Fatal(err)
	}
	b := rs.attach(clonePath)
	fromA := e.emit(4, "parcel.accepted", nil)
	fromB := b.emit(6, "parcel.accepted", nil)
	if res := e.round(); res.Applied != 4 || res.Rotated {
		t.Fatalf("original: %+v", res)
	}
	res = b.round()
	if !res.Rotated || res.Applied != 6 || res.Duplicates != 50 {
		t.Fatalf("copy: %+v\n%s", res, b.log)
	}
	rs.exactlyOnce(e, a1, a2, a3, fromA, fromB)
}

// The reference server's own limits: its rate limit answers 429 with
// Retry-After, which the client honours; its epoch rotation (a restore)
// resets the streams.
func TestRealServerRateLimitAndEpoch(t *testing.T) {
	rs := newRealServer(t, func(o *server.Options) { o.Rate, o.Burst = 1, 3 })
	e := rs.client(rs.owner("o"), "p")
	e.emit(2, "loyalty.stamp_earned", nil)
	_, err := e.cl.Round(e.ctx)
	for i := 0; err == nil && i < 10; i++ { // the bucket holds a few requests
		_, err = e.cl.Round(e.ctx)
	}
	expectCode(t, err, ErrBusy)
	if d := e.cl.backoff(1, err); d < time.Second || d > time.Minute {
		t.Fatalf("waits %v for the rate limit", d)
	}
	rs.clock.Advance(time.Minute)

	if _, err := rs.st.RotateEpoch(e.ctx); err != nil {
		t.Fatal(err)
	}
	res := e.round()
	if !contains(res.Resets, protocol.StreamPoint) {
		t.Fatalf("after the epoch changed: %+v", res)
	}
}
