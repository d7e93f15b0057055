package client

import (
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"smartpoint/app/errs"
	"smartpoint/app/i18n/i18ntest"
	"smartpoint/sync/protocol"
)

func TestErrorCodesTranslated(t *testing.T) { i18ntest.CheckCodes(t, nil) }

func TestMigrationMakesDeviceOnce(t *testing.T) {
	e := newEnv(t)
	st := e.state()
	if len(st.deviceID) != 36 || len(st.incarnation) != 36 || st.deviceID == st.incarnation {
		t.Fatalf("device %q incarnation %q", st.deviceID, st.incarnation)
	}
	if st.registered() {
		t.Fatal("a new database is registered")
	}
	other := newEnv(t)
	if other.state().deviceID == st.deviceID {
		t.Fatal("two databases got the same device id")
	}
}

func TestNotRegistered(t *testing.T) {
	e := newEnv(t)
	_, err := e.cl.Round(e.ctx)
	expectCode(t, err, ErrNotRegistered)
	if s := e.cl.Status(); s.Registered || s.Online {
		t.Fatalf("status %+v", s)
	}
	expectCode(t, e.cl.Register(e.ctx, "ftp://x", "CODE", ""), ErrBadURL)
	expectCode(t, e.cl.Register(e.ctx, "", "CODE", ""), ErrBadURL)
	err = e.cl.Register(e.ctx, e.srv.URL, "WRONG", "")
	expectCode(t, err, ErrActivationInvalid)
	var pe *protocol.Error
	if !errors.As(err, &pe) || pe.Code != protocol.ErrActivationInvalid {
		t.Fatalf("the server's error body is not reachable: %v", err)
	}
	// A used code does not work twice.
	_, code := e.srv.AddPoint("o1", "ПВЗ")
	if err := e.cl.Register(e.ctx, e.srv.URL, code, ""); err != nil {
		t.Fatal(err)
	}
	expectCode(t, e.cl.Register(e.ctx, e.srv.URL, code, ""), ErrActivationInvalid)
}

// Register stores the point and its tokens; a round pushes the outbox and
// pulls both streams; the tokens never reach the log.
func TestRegisterPushPull(t *testing.T) {
	e := newEnv(t)
	pointID := e.register("owner-1")
	st := e.state()
	if st.pointID != pointID || st.ownerID != "owner-1" || st.access == "" || st.refresh == "" || st.baseURL != e.srv.URL {
		t.Fatalf("stored state %+v", st)
	}
	s := e.cl.Status()
	if !s.Registered || s.PointID != pointID || s.PointName != "ПВЗ owner-1" || s.Online {
		t.Fatalf("status after registration %+v", s)
	}

	ids := e.emit(10, "parcel.accepted", nil)
	if w := e.cl.Status().Waiting; w != 0 {
		// The status counts lazily (after rounds and commits seen by Start).
		t.Logf("waiting before the round: %d", w)
	}
	e.srv.Publish(pointID, "manifest.published", "manifest:wb:1", map[string]int{"rows": 3})
	e.srv.Publish(pointID, "manifest.published", "manifest:wb:2", map[string]int{"rows": 4})
	res := e.round()
	if res.Applied != 10 || res.Duplicates != 0 || res.Rejected != 0 || res.Pulled != 2 || res.Waiting != 0 {
		t.Fatalf("round %+v", res)
	}
	exactlyOnce(t, e.srv.Applied(), ids)
	s = e.cl.Status()
	if !s.Online || s.Waiting != 0 || s.LastError != nil || !s.LastSync.Equal(testStart) {
		t.Fatalf("status after the round %+v", s)
	}
	in, err := e.cl.InboxChanges(e.ctx, protocol.StreamPoint, 0, 100)
	if err != nil || len(in) != 2 || in[0].Entity != "manifest:wb:1" || in[1].Seq != 2 || !in[0].ReceivedAt.Equal(testStart) {
		t.Fatalf("inbox %+v %v", in, err)
	}
	if st := e.state(); st.streams[protocol.StreamPoint].Cursor == "" || st.lastAcked != 10 {
		t.Fatalf("cursor or last acked not stored: %+v", st)
	}
	// Pushed events have the log's seq, time and content.
	ev, _ := e.srv.Event(ids[3])
	if ev.ClientSeq != 4 || !ev.OccurredAt.Equal(testStart) || ev.Kind != "parcel.accepted" || !strings.Contains(string(ev.Payload), `"i":3`) {
		t.Fatalf("pushed event %+v", ev)
	}

	// Nothing new: a round pushes nothing and pulls nothing.
	pushes := e.srv.Requests(protocol.PathPush)
	if res := e.round(); res.Pushed() != 0 || res.Pulled != 0 {
		t.Fatalf("idle round %+v", res)
	}
	if e.srv.Requests(protocol.PathPush) != pushes {
		t.Fatal("an idle round pushed")
	}

	// Another point of the same owner: its events reach this point through
	// the owner stream, and its own never come back to it.
	other := newEnvOn(t, e.srv, filepath.Join(t.TempDir(), "other.db"))
	other.register("owner-1")
	otherIDs := other.emit(3, "loyalty.stamp_earned", nil)
	other.round()
	res = e.round()
	if res.Pulled != 3 {
		t.Fatalf("pulled %d of the other point's events", res.Pulled)
	}
	in, _ = e.cl.InboxChanges(e.ctx, protocol.StreamOwner, 0, 100)
	if len(in) != 3 || in[0].Kind != "loyalty.stamp_earned" {
		t.Fatalf("owner inbox %+v", in)
	}
	exactlyOnce(t, e.srv.Applied(), ids, otherIDs)

	for _, secret := range []string{st.access, st.refresh} {
		if strings.Contains(e.log.String(), secret) || strings.Contains(other.log.String(), secret) {
			t.Fatal("a token reached the log")
		}
	}
}

// Research §3 #1: the server commits, then the connection drops before
// the answer. The retry gets duplicates; each event is applied once.
func TestDroppedResponseAfterCommit(t *testing.T) {
	t.Run("next round", func(t *testing.T) {
		e := newEnv(t)
		e.register("o")
		ids := e.emit(30, "parcel.accepted", nil)
		e.srv.DropAfterCommit(protocol.PathPush, 1)
		_, err := e.cl.Round(e.ctx)
		expectCode(t, err, ErrOffline)
		if s := e.cl.Status(); s.Online || !errors.Is(s.LastError, err) || s.Waiting != 30 {
			t.Fatalf("status after a lost answer %+v", s)
		}
		if len(e.srv.Applied()) != 30 {
			t.Fatal("the server did not commit before dropping")
		}
		res := e.round()
		if res.Duplicates != 30 || res.Applied != 0 {
			t.Fatalf("retry %+v", res)
		}
		exactlyOnce(t, e.srv.Applied(), ids)
	})
	t.Run("in-round retry", func(t *testing.T) {
		e := newEnv(t, func(o *Options) { o.Retries = 3 })
		e.register("o")
		ids := e.emit(30, "parcel.accepted", nil)
		e.srv.DropAfterCommit(protocol.PathPush, 2)
		res := e.round()
		if res.Duplicates != 30 || res.Applied != 0 || e.srv.Requests(protocol.PathPush) != 3 {
			t.Fatalf("round %+v, %d pushes", res, e.srv.Requests(protocol.PathPush))
		}
		exactlyOnce(t, e.srv.Applied(), ids)
	})
}

// Research §3 #2: the same batch delivered twice (a proxy retrying on its
// own), and an old batch replayed later: one effect each.
func TestDuplicateDelivery(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.PushBatch = 10 })
	e.register("o")
	ids := e.emit(25, "parcel.accepted", nil)
	e.srv.Double(protocol.PathPush, 2)
	res := e.round()
	// The client saw the second delivery's answer of the first two
	// batches: all duplicates, acknowledged all the same.
	if res.Duplicates != 20 || res.Applied != 5 || res.Batches != 3 {
		t.Fatalf("round %+v", res)
	}
	exactlyOnce(t, e.srv.Applied(), ids)

	// Replay the first batch by hand after the client moved on.
	st := e.state()
	evs, _ := e.svc.Events(e.ctx, 0, 10)
	batch := protocol.PushRequest{Protocol: protocol.Version, DeviceID: st.deviceID, Incarnation: st.incarnation, Events: nil}
	for _, ev := range evs {
		batch.Events = append(batch.Events, wireEvent(ev))
	}
	var pr protocol.PushResponse
	if err := e.cl.send(e.ctx, e.srv.URL, request{method: http.MethodPost, path: protocol.PathPush, body: batch, token: st.access}, &pr); err != nil {
		t.Fatal(err)
	}
	for _, r := range pr.Results {
		if r.Status != protocol.StatusDuplicate {
			t.Fatalf("replayed event answered %+v", r)
		}
	}
	if len(pr.Results) != 10 || pr.LastAcked != 25 {
		t.Fatalf("replay answer %+v", pr)
	}
	exactlyOnce(t, e.srv.Applied(), ids)
}

// Research §3 #5: a poison event is refused alone and lands in
// sync_rejected; the rest of the batch goes through; it is never sent
// again.
func TestPoisonEventRejectedAlone(t *testing.T) {
	e := newEnv(t)
	e.register("o")
	e.srv.SetReject(func(ev protocol.Event) (string, string) {
		if ev.Kind == "test.poison" {
			return "bad_data", "the server cannot use this event"
		}
		return "", ""
	})
	good1 := e.emit(5, "parcel.accepted", nil)
	poison := e.emit(1, "test.poison", nil)
	huge := e.emit(1, "parcel.accepted", func(int) any { return map[string]string{"blob": strings.Repeat("z", 70<<10)} })
	good2 := e.emit(5, "parcel.issued", nil)
	res := e.round()
	if res.Applied != 10 || res.Rejected != 2 || res.Batches != 1 || res.Waiting != 0 {
		t.Fatalf("round %+v", res)
	}
	exactlyOnce(t, e.srv.Applied(), good1, good2)
	probs, err := e.cl.Problems(e.ctx, 10)
	if err != nil || len(probs) != 2 {
		t.Fatalf("problems %+v %v", probs, err)
	}
	// Newest first.
	if probs[0].EventID != huge[0] || probs[0].Code != protocol.RejectTooLarge || probs[0].Seq != 7 ||
		probs[1].EventID != poison[0] || probs[1].Code != "bad_data" || probs[1].Kind != "test.poison" ||
		probs[1].Message == "" || !probs[1].At.Equal(testStart) {
		t.Fatalf("problems %+v", probs)
	}
	if s := e.cl.Status(); s.Rejected != 2 || s.Waiting != 0 || !s.Online {
		t.Fatalf("status %+v", s)
	}
	pushes := e.srv.Requests(protocol.PathPush)
	more := e.emit(2, "parcel.accepted", nil)
	res = e.round()
	if res.Applied != 2 || res.Rejected != 0 || e.srv.Requests(protocol.PathPush) != pushes+1 {
		t.Fatalf("next round %+v", res)
	}
	exactlyOnce(t, e.srv.Applied(), good1, good2, more)
}

// Pushes are split to fit the protocol's limits, by count and by bytes
// (the server refuses bigger bodies with 413).
func TestBatchesFitLimits(t *testing.T) {
	e := newEnv(t)
	e.register("o")
	ids := e.emit(300, "parcel.accepted", func(i int) any { return map[string]string{"blob": strings.Repeat("y", 30<<10)} })
	ids = append(ids, e.emit(1200, "parcel.accepted", nil)...)
	res := e.round()
	if res.Applied != 1500 {
		t.Fatalf("round %+v", res)
	}
	// 300 × 30 KiB needs at least 9 bodies of 1 MiB; 1200 small events 3.
	if res.Batches < 11 {
		t.Fatalf("%d batches: the limits were not kept", res.Batches)
	}
	exactlyOnce(t, e.srv.Applied(), ids)
}

// Research §3 #4: the counter's clock three days ahead (or behind):
// nothing breaks, cursors do not use time.
func TestClockSkew(t *testing.T) {
	for _, skew := range []time.Duration{72 * time.Hour, -3 * time.Hour} {
		e := newEnv(t)
		e.clock.Set(time.Now().Add(skew))
		pointID := e.register("o")
		ids := e.emit(20, "parcel.accepted", nil)
		e.srv.Publish(pointID, "manifest.published", "m:1", map[string]int{})
		res := e.round()
		if res.Applied != 20 || res.Pulled != 1 {
			t.Fatalf("skew %v: round %+v", skew, res)
		}
		e.clock.Advance(-48 * time.Hour) // and the clock jumps back
		more := e.emit(5, "parcel.accepted", nil)
		e.srv.Publish(pointID, "manifest.published", "m:2", map[string]int{})
		res = e.round()
		if res.Applied != 5 || res.Pulled != 1 {
			t.Fatalf("skew %v after a jump: round %+v", skew, res)
		}
		exactlyOnce(t, e.srv.Applied(), ids, more)
		got := e.cl.Status().ClockSkew
		want := -(skew - 48*time.Hour)
		if d := got - want; d < -time.Minute || d > time.Minute {
			t.Fatalf("skew %v: status shows %v, want about %v", skew, got, want)
		}
	}
}

// The server answers 426: the client shows a typed "update needed".
func TestUpdateNeeded(t *testing.T) {
	e := newEnv(t)
	e.register("o")
	e.emit(3, "parcel.accepted", nil)
	e.srv.SetMinProtocol(protocol.Version + 1)
	_, err := e.cl.Round(e.ctx)
	expectCode(t, err, ErrUpdateNeeded)
	s := e.cl.Status()
	expectCode(t, s.LastError, ErrUpdateNeeded)
	if s.Online || s.Waiting != 3 {
		t.Fatalf("status %+v", s)
	}
	var pe *protocol.Error
	if !errors.As(s.LastError, &pe) || pe.MinVersion != protocol.Version+1 {
		t.Fatalf("the server's answer is not kept: %v", s.LastError)
	}
	if len(e.srv.Applied()) != 0 {
		t.Fatal("events were pushed to a server that refuses the version")
	}
	if d := e.cl.backoff(1, err); d != e.cl.opt.BackoffMax {
		t.Fatalf("update needed retries after %v, want the longest wait", d)
	}
}

// An expired access token is renewed once and the request sent again; a
// refused refresh is a typed "register again".
func TestTokenRefresh(t *testing.T) {
	e := newEnv(t)
	e.register("o")
	old := e.state()
	e.srv.ExpireAccessTokens()
	ids := e.emit(5, "parcel.accepted", nil)
	res := e.round()
	if !res.Refreshed || res.Applied != 5 || e.srv.Requests(protocol.PathRefresh) != 1 {
		t.Fatalf("round %+v, %d refreshes", res, e.srv.Requests(protocol.PathRefresh))
	}
	st := e.state()
	if st.access == old.access || st.refresh == old.refresh {
		t.Fatal("new tokens were not stored")
	}
	exactlyOnce(t, e.srv.Applied(), ids)

	e.srv.ExpireAccessTokens()
	e.srv.FailNext(protocol.PathRefresh, 1, http.StatusUnauthorized, "")
	_, err := e.cl.Round(e.ctx)
	expectCode(t, err, ErrUnauthorized)
	expectCode(t, e.cl.Status().LastError, ErrUnauthorized)
}

// A server whose epoch changed answers reset: the stream's cursor and
// what was pulled are dropped and the stream is pulled from the start.
func TestStreamReset(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.PullLimit = 2 })
	pointID := e.register("o")
	for range 5 {
		e.srv.Publish(pointID, "manifest.published", "m", map[string]int{})
	}
	if res := e.round(); res.Pulled != 5 || len(res.Resets) != 0 {
		t.Fatalf("first pull %+v", res)
	}
	e.srv.RotateEpoch()
	e.srv.Publish(pointID, "manifest.published", "m6", map[string]int{})
	res := e.round()
	if res.Pulled != 6 || !contains(res.Resets, protocol.StreamPoint) || !contains(res.Resets, protocol.StreamOwner) {
		t.Fatalf("after the reset %+v", res)
	}
	in, _ := e.cl.InboxChanges(e.ctx, protocol.StreamPoint, 0, 100)
	if len(in) != 6 || in[5].Entity != "m6" {
		t.Fatalf("inbox after the reset %+v", in)
	}
	// A server that resets every time does not loop the client.
	for range 4 {
		e.srv.Publish(pointID, "manifest.published", "m", map[string]int{})
	}
	e.srv.After(protocol.PathPull, -1, func(int) { e.srv.RotateEpoch() })
	_, err := e.cl.Round(e.ctx)
	expectCode(t, err, ErrProtocol)
}

// Research §3 #7: the server restored from a backup forgets events: the
// counter pushes them again (it keeps its log) and pulls anew.
func TestServerRestored(t *testing.T) {
	e := newEnv(t)
	e.register("o")
	first := e.emit(10, "parcel.accepted", nil)
	e.round()
	snap := e.srv.Snapshot()
	second := e.emit(10, "parcel.accepted", nil)
	e.round()
	e.srv.Restore(snap)
	if len(e.srv.Applied()) != 10 {
		t.Fatal("the restore did not forget")
	}
	res := e.round()
	if res.Applied != 10 || res.Rotated || len(res.Resets) != 2 {
		t.Fatalf("after the server's restore %+v", res)
	}
	exactlyOnce(t, e.srv.Applied(), first, second)
}

// Research §3 #6: the counter database restored from a backup.
func TestDatabaseRestoredFromBackup(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after int // events written after the restore
	}{
		{"found at hello", 0}, // the server holds more of the incarnation than the file has
		{"found at push", 30}, // new events under numbers the server holds other events for
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			pointID := e.register("o")
			a1 := e.emit(20, "parcel.accepted", nil)
			e.round()
			snapshot := e.path + ".snapshot"
			if _, err := e.db.W.Exec(`VACUUM INTO ?`, snapshot); err != nil {
				t.Fatal(err)
			}
			a2 := e.emit(15, "parcel.issued", nil)
			e.round()
			before := e.state()
			if _, err := e.db.Restore(e.ctx, snapshot, e.clock.Now(), nil); err != nil {
				t.Fatal(err)
			}
			if st := e.state(); st.lastAcked != 20 || st.incarnation != before.incarnation {
				t.Fatalf("the restore did not bring the old sync state back: %+v", st)
			}
			a3 := e.emit(tc.after, "parcel.accepted", nil)
			res := e.round()
			if !res.Rotated || res.Duplicates != 20 || res.Applied != tc.after {
				t.Fatalf("round after the restore %+v", res)
			}
			st := e.state()
			if st.incarnation == before.incarnation || st.lastAcked != int64(20+tc.after) {
				t.Fatalf("state after the restore %+v", st)
			}
			if got := e.srv.Incarnations(pointID, st.deviceID); len(got) != 2 {
				t.Fatalf("incarnations %v", got)
			}
			exactlyOnce(t, e.srv.Applied(), a1, a2, a3)
			// And it goes on normally.
			a4 := e.emit(3, "parcel.accepted", nil)
			if res := e.round(); res.Rotated || res.Applied != 3 {
				t.Fatalf("next round %+v", res)
			}
			exactlyOnce(t, e.srv.Applied(), a1, a2, a3, a4)
		})
	}
}

// Research §3 #8: the database file copied to a second PC: the server
// answers incarnation_conflict to the second one, which starts a new
// incarnation and goes on; both keep syncing.
func TestClonedDatabase(t *testing.T) {
	a := newEnv(t)
	pointID := a.register("o")
	common := a.emit(10, "parcel.accepted", nil)
	a.round()
	clonePath := a.path + ".clone"
	if _, err := a.db.W.Exec(`VACUUM INTO ?`, clonePath); err != nil { // a consistent copy of the file
		t.Fatal(err)
	}
	b := newEnvOn(t, a.srv, clonePath)
	if b.state().incarnation != a.state().incarnation {
		t.Fatal("the copy is not a copy")
	}
	fromA := a.emit(5, "parcel.accepted", nil)
	fromB := b.emit(7, "parcel.issued", nil)
	if res := a.round(); res.Applied != 5 || res.Rotated {
		t.Fatalf("first copy %+v", res)
	}
	res := b.round()
	if !res.Rotated || res.Duplicates != 10 || res.Applied != 7 {
		t.Fatalf("second copy %+v\n%s", res, b.log)
	}
	exactlyOnce(t, a.srv.Applied(), common, fromA, fromB)
	moreA := a.emit(2, "parcel.accepted", nil)
	moreB := b.emit(2, "parcel.accepted", nil)
	if res := a.round(); res.Applied != 2 || res.Rotated {
		t.Fatalf("first copy goes on %+v", res)
	}
	if res := b.round(); res.Applied != 2 || res.Rotated {
		t.Fatalf("second copy goes on %+v", res)
	}
	exactlyOnce(t, a.srv.Applied(), common, fromA, fromB, moreA, moreB)
	if got := a.srv.Incarnations(pointID, a.state().deviceID); len(got) != 2 {
		t.Fatalf("incarnations %v", got)
	}
}

// Research §3 #10: 50,000 events queued offline, pushed in pages with a
// token that expires mid-sync: refreshed once, all acknowledged.
func TestLongOfflineBacklog(t *testing.T) {
	const n = 50000
	e := newEnv(t)
	e.register("o")
	ids := e.emit(n, "parcel.accepted", nil)
	e.cl.refreshStatus(e.ctx)
	if w := e.cl.Status().Waiting; w != n {
		t.Fatalf("waiting %d", w)
	}
	e.srv.After(protocol.PathPush, -1, func(k int) {
		if k == 40 {
			e.srv.ExpireAccessTokens()
		}
	})
	start := time.Now()
	res := e.round()
	took := time.Since(start)
	if res.Applied != n || res.Waiting != 0 || !res.Refreshed || res.Batches != n/protocol.MaxBatchEvents {
		t.Fatalf("round %+v", res)
	}
	if r := e.srv.Requests(protocol.PathRefresh); r != 1 {
		t.Fatalf("%d refreshes", r)
	}
	exactlyOnce(t, e.srv.Applied(), ids)
	t.Logf("%d events in %d batches in %v (%.0f events/s, test server in memory)", n, res.Batches, took, float64(n)/took.Seconds())
}

// Research §3 #3 in one round: a short 5xx burst and a dropped
// connection are retried at once by resty (its custom retry condition
// must keep the transport-error retry); a Retry-After longer than the
// in-round wait ends the round for the supervisor to wait out.
func TestRetriesInsideRound(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Retries = 3 })
	e.register("o")
	ids := e.emit(10, "parcel.accepted", nil)
	e.srv.FailNext(protocol.PathPush, 1, http.StatusBadGateway, "")
	e.srv.DropAfterCommit(protocol.PathPush, 1)
	e.srv.FailNext(protocol.PathPush, 1, http.StatusServiceUnavailable, "0")
	res := e.round()
	if res.Applied+res.Duplicates != 10 || e.srv.Requests(protocol.PathPush) != 4 {
		t.Fatalf("round %+v after %d pushes", res, e.srv.Requests(protocol.PathPush))
	}
	exactlyOnce(t, e.srv.Applied(), ids)

	more := e.emit(1, "parcel.accepted", nil)
	e.srv.FailNext(protocol.PathPush, 1, http.StatusServiceUnavailable, "600")
	pushes := e.srv.Requests(protocol.PathPush)
	_, err := e.cl.Round(e.ctx)
	expectCode(t, err, ErrBusy)
	if retryAfterOf(err) != 600*time.Second || e.srv.Requests(protocol.PathPush) != pushes+1 {
		t.Fatalf("a long Retry-After was retried in the round: %v", err)
	}
	// 4xx is not retried.
	e.srv.FailNext(protocol.PathPush, 1, http.StatusBadRequest, "")
	pushes = e.srv.Requests(protocol.PathPush)
	_, err = e.cl.Round(e.ctx)
	expectCode(t, err, ErrRefused)
	if e.srv.Requests(protocol.PathPush) != pushes+1 {
		t.Fatal("a 400 was retried")
	}
	e.round()
	exactlyOnce(t, e.srv.Applied(), ids, more)
}

// A server that does not answer: the request times out, the round fails
// as offline, the next one goes through.
func TestTimeout(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Timeout = 300 * time.Millisecond })
	e.register("o")
	ids := e.emit(4, "parcel.accepted", nil)
	release := make(chan struct{})
	defer close(release)
	e.srv.Hang(protocol.PathPush, 1, release)
	_, err := e.cl.Round(e.ctx)
	expectCode(t, err, ErrOffline)
	e.round()
	exactlyOnce(t, e.srv.Applied(), ids)
}

func TestRetryAfterParsing(t *testing.T) {
	h := http.Header{}
	if parseRetryAfter(h) != 0 {
		t.Fatal("no header")
	}
	h.Set("Retry-After", "120")
	if parseRetryAfter(h) != 2*time.Minute {
		t.Fatal("seconds")
	}
	// A date counts from the answer's own Date, not the counter's clock.
	h.Set("Date", "Wed, 21 Oct 2015 07:28:00 GMT")
	h.Set("Retry-After", "Wed, 21 Oct 2015 07:29:30 GMT")
	if got := parseRetryAfter(h); got != 90*time.Second {
		t.Fatalf("date: %v", got)
	}
	h.Set("Retry-After", "soon")
	if parseRetryAfter(h) != 0 {
		t.Fatal("garbage")
	}
}

// The local state survives a new client on the same database.
func TestStateSurvivesRestart(t *testing.T) {
	e := newEnv(t)
	e.register("o")
	e.emit(3, "parcel.accepted", nil)
	e.round()
	e.emit(2, "parcel.accepted", nil)
	again := New(e.svc, e.opt)
	s := again.Status()
	if !s.Registered || s.Waiting != 2 || !s.LastSync.Equal(testStart) || !s.Online || s.LastError != nil {
		t.Fatalf("status of a new client %+v", s)
	}
	// The outcome of the last round is kept for the next client (the app
	// started again, spctl sync status), typed.
	e.srv.FailNext(protocol.PathHello, 1, http.StatusBadGateway, "")
	if _, err := e.cl.Round(e.ctx); err == nil {
		t.Fatal("the round did not fail")
	}
	s = New(e.svc, e.opt).Status()
	expectCode(t, s.LastError, ErrServer)
	if s.Online || s.LastError.(*errs.Error).Args["Status"] != float64(http.StatusBadGateway) {
		t.Fatalf("status after a failed round %+v", s)
	}
	e.round()
	if s := New(e.svc, e.opt).Status(); !s.Online || s.LastError != nil {
		t.Fatalf("status after recovery %+v", s)
	}
	var n int
	if err := e.db.R.QueryRow(`SELECT count(*) FROM sync_state WHERE key IN ('access_token','refresh_token')`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("tokens not stored: %d %v", n, err)
	}
}

// Two clients of one database (spctl sync while the app runs): when one
// renewed the tokens, the other takes them instead of spending the used
// refresh token and locking the point out.
func TestTokensRenewedByAnotherClient(t *testing.T) {
	e := newEnv(t)
	e.register("o")
	other := New(e.svc, e.opt)
	e.srv.ExpireAccessTokens()
	if res := e.round(); !res.Refreshed {
		t.Fatalf("first client: %+v", res)
	}
	// A round in progress holds the tokens it read at its start: older
	// than the stored ones now.
	st, err := loadState(e.ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	stale := *st
	stale.refresh = "rt.stale"
	if err := other.refreshTokens(e.ctx, &stale); err != nil {
		t.Fatal(err)
	}
	if stale.refresh != st.refresh || stale.access != st.access {
		t.Fatal("the stored tokens were not taken")
	}
	if e.srv.Requests(protocol.PathRefresh) != 1 {
		t.Fatal("the used refresh token was sent again")
	}
	ids := e.emit(2, "parcel.accepted", nil)
	if _, err := other.Round(e.ctx); err != nil {
		t.Fatal(err)
	}
	exactlyOnce(t, e.srv.Applied(), ids)
}
