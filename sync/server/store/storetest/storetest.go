// Package storetest is the conformance suite every store.Store engine
// passes: the same tests, as a point or an owner would see the results,
// run against SQLite (sqlitestore) and PostgreSQL (pgstore).
package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/internal/core"
)

// Run runs the suite; open gives a fresh, empty store for each test (and
// closes it when the test ends).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open func(t *testing.T) store.Store)
	}{
		{"PushAppliesOnce", testPushAppliesOnce},
		{"ConcurrentIdenticalBatches", testConcurrentIdenticalBatches},
		{"GapStopsTheBatch", testGapStopsTheBatch},
		{"PoisonEventRejectedAlone", testPoisonEventRejectedAlone},
		{"IncarnationConflictWritesNothing", testIncarnationConflict},
		{"NewIncarnationStartsAtZero", testNewIncarnation},
		{"TenantIsolation", testTenantIsolation},
		{"LocationConflict", testLocationConflict},
		{"DoubleIssue", testDoubleIssue},
		{"LoyaltyReachesOtherPoints", testLoyaltyFanout},
		{"PullPaging", testPullPaging},
		{"PullReset", testPullReset},
		{"Activation", testActivation},
		{"Tokens", testTokens},
		{"OwnersAndPoints", testOwnersAndPoints},
		{"ConcurrentPushersReaderSeesEveryChangeOnce", testConcurrentCursor},
		{"DuplicatesInsideTheBatch", testDuplicatesInsideBatch},
		{"BatchLargerThanOneStatement", testBigBatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

// t0 is the suite's clock (millisecond precision: what both engines keep).
var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

const (
	kindStamp    = "loyalty.stamp_earned"
	kindAccepted = "parcel.accepted"
	kindIssued   = "parcel.issued"
)

type fixture struct {
	s      store.Store
	owner  store.Owner
	points []store.Point // three points of owner
}

func setup(t *testing.T, open func(t *testing.T) store.Store) fixture {
	t.Helper()
	s := open(t)
	o, err := s.CreateOwner(t.Context(), "Owner A")
	if err != nil {
		t.Fatalf("CreateOwner: %v", err)
	}
	f := fixture{s: s, owner: o}
	for i := range 3 {
		p, err := s.CreatePoint(t.Context(), o.ID, fmt.Sprintf("Point %d", i+1))
		if err != nil {
			t.Fatalf("CreatePoint: %v", err)
		}
		f.points = append(f.points, p)
	}
	return f
}

func ev(id string, seq int64, kind, entity string) protocol.Event {
	return protocol.Event{ID: id, ClientSeq: seq, Kind: kind, Entity: entity,
		OccurredAt: t0.Add(time.Duration(seq) * time.Minute), Payload: json.RawMessage(`{"n":` + fmt.Sprint(seq) + `}`)}
}

func batch(device, incarnation string, events ...protocol.Event) protocol.PushRequest {
	return protocol.PushRequest{Protocol: protocol.Version, DeviceID: device, Incarnation: incarnation, Events: events}
}

func push(t *testing.T, s store.Store, pointID string, req protocol.PushRequest) store.PushResult {
	t.Helper()
	res, err := s.Push(t.Context(), pointID, req, t0.Add(time.Hour))
	if err != nil {
		t.Fatalf("Push: %v", err)
	}
	return res
}

func pull(t *testing.T, s store.Store, pointID, stream, cursor string, limit int) protocol.PullResponse {
	t.Helper()
	res, err := s.Pull(t.Context(), pointID, stream, cursor, limit)
	if err != nil {
		t.Fatalf("Pull(%s, %q): %v", stream, cursor, err)
	}
	return res
}

// pullAll reads a stream from the start to its end.
func pullAll(t *testing.T, s store.Store, pointID, stream string) []store.Change {
	t.Helper()
	var out []store.Change
	cursor := ""
	for range 1000 {
		page := pull(t, s, pointID, stream, cursor, 0)
		out = append(out, page.Changes...)
		cursor = page.NextCursor
		if !page.HasMore {
			return out
		}
	}
	t.Fatalf("stream %s never ends", stream)
	return nil
}

// eventIDs are the event ids carried by event changes (core.EventData).
func eventIDs(t *testing.T, cs []store.Change) []string {
	t.Helper()
	out := []string{}
	for _, c := range cs {
		var d core.EventData
		if err := json.Unmarshal(c.Data, &d); err != nil {
			t.Fatalf("change %d data %s: %v", c.Seq, c.Data, err)
		}
		out = append(out, d.EventID)
	}
	return out
}

// show renders changes for a failure message (Data as text).
func show(cs []store.Change) string {
	var b strings.Builder
	b.WriteString("[")
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "{seq %d %s %s origin %s data %s}", c.Seq, c.Kind, c.Entity, c.Origin, c.Data)
	}
	b.WriteString("]")
	return b.String()
}

func statuses(rs []protocol.EventResult) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.Status)
	}
	return out
}

func wantStatuses(t *testing.T, res store.PushResult, want ...string) {
	t.Helper()
	if got := statuses(res.Results); !slices.Equal(got, want) {
		t.Fatalf("statuses = %v, want %v (results %+v)", got, want, res.Results)
	}
}

func wantIDs(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s: event ids %v, want %v", what, got, want)
	}
}

func lastAcked(t *testing.T, s store.Store, pointID, device, incarnation string) int64 {
	t.Helper()
	d, err := s.Device(t.Context(), pointID, device, incarnation)
	if err != nil {
		t.Fatalf("Device: %v", err)
	}
	return d.LastAcked
}

func testPushAppliesOnce(t *testing.T, open func(t *testing.T) store.Store) {
	f := setup(t, open)
	a, b := f.points[0].ID, f.points[1].ID
	req := batch("dev-a", "inc-1", ev("e1", 1, kindStamp, "card:1"), ev("e2", 2, kindAccepted, "parcel:x:1"), ev("e3", 3, kindStamp, "card:1"))
	first := push(t, f.s, a, req)
	wantStatuses(t, first, protocol.StatusApplied, protocol.StatusApplied, protocol.StatusApplied)
	if first.LastAcked != 3 {
		t.Fatalf("LastAcked = %d, want 3", first.LastAcked)
	}
	for i, r := range first.Results {
		if r.ID != req.Events[i].ID || r.ServerSeq <= 0 || (i > 0 && r.ServerSeq <= first.Results[i-1].ServerSeq) {
			t.Fatalf("result %d = %+v: want the event's id and an increasing server_seq", i, r)
		}
	}
	again := push(t, f.s, a, req)
	wantStatuses(t, again, protocol.StatusDuplicate, protocol.StatusDuplicate, protocol.StatusDuplicate)
	for i, r := range again.Results {
		if r.ID != req.Events[i].ID || r.ServerSeq != first.Results[i].ServerSeq {
			t.Fatalf("duplicate %d = %+v, want the first server_seq %d", i, r, first.Results[i].ServerSeq)
		}
	}
	if again.LastAcked != 3 || lastAcked(t, f.s, a, "dev-a", "inc-1") != 3 {
		t.Fatalf("LastAcked after the retry = %d, want 3", again.LastAcked)
	}
	// The other point got each loyalty movement once.
	wantIDs(t, "owner stream of another point", eventIDs(t, pullAll(t, f.s, b, protocol.StreamOwner)), "e1", "e3")
}

func testConcurrentIdenticalBatches(t *testing.T, open func(t *testing.T) store.Store) {
	f := setup(t, open)
	a, b := f.points[0].ID, f.points[1].ID
	var events []protocol.Event
	var ids []string
	for i := range 20 {
		id := fmt.Sprintf("e%02d", i+1)
		events = append(events, ev(id, int64(i+1), kindStamp, "card:1"))
		ids = append(ids, id)
	}
	req := batch("dev-a", "inc-1", events...)
	start := make(chan struct{})
	var wg sync.WaitGroup
	results := make([]store.PushResult, 2)
	errs := make([]error, 2)
	for g := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[g], errs[g] = f.s.Push(t.Context(), a, req, t0)
		}()
	}
	close(start)
	wg.Wait()
	for g, err := range errs {
		if err != nil {
			t.Fatalf("push %d: %v", g, err)
		}
		if len(results[g].Results) != len(events) || results[g].LastAcked != 20 {
			t.Fatalf("push %d: %d results, LastAcked %d; want 20 and 20", g, len(results[g].Results), results[g].LastAcked)
		}
	}
	for i := range events {
		r0, r1 := results[0].Results[i], results[1].Results[i]
		applied := 0
		for _, r := range []protocol.EventResult{r0, r1} {
			if r.Status == protocol.StatusApplied {
				applied++
			} else if r.Status != protocol.StatusDuplicate {
				t.Fatalf("event %s: status %s", r.ID, r.Status)
			}
		}
		if applied != 1 || r0.ServerSeq != r1.ServerSeq || r0.ServerSeq == 0 {
			t.Fatalf("event %s: results %+v and %+v; want one applied, one duplicate, one server_seq", events[i].ID, r0, r1)
		}
	}
	wantIDs(t, "owner stream of another point", eventIDs(t, pullAll(t, f.s, b, protocol.StreamOwner)), ids...)
}

func testGapStopsTheBatch(t *testing.T, open func(t *testing.T) store.Store) {
	f := setup(t, open)
	a, b := f.points[0].ID, f.points[1].ID
	res := push(t, f.s, a, batch("dev-a", "inc-1", ev("e1", 1, kindStamp, "card:1"), ev("e3", 3, kindStamp, "card:1"), ev("e4", 4, kindStamp, "card:1")))
	wantStatuses(t, res, protocol.StatusApplied)
	if res.LastAcked != 1 {
		t.Fatalf("LastAcked = %d, want 1", res.LastAcked)
	}
	wantIDs(t, "owner stream after the gap", eventIDs(t, pullAll(t, f.s, b, protocol.StreamOwner)), "e1")
	// The events after the gap were not looked at: sent again in order, they apply.
	res = push(t, f.s, a, batch("dev-a", "inc-1", ev("e2", 2, kindStamp, "card:1"), ev("e3", 3, kindStamp, "card:1"), ev("e4", 4, kindStamp, "card:1")))
	wantStatuses(t, res, protocol.StatusApplied, protocol.StatusApplied, protocol.StatusApplied)
	if res.LastAcked != 4 {
		t.Fatalf("LastAcked = %d, want 4", res.LastAcked)
	}
	// A batch that starts past the next seq does nothing.
	res = push(t, f.s, a, batch("dev-a", "inc-2", ev("e9", 2, kindStamp, "card:1")))
	if len(res.Results) != 0 || res.LastAcked != 0 {
		t.Fatalf("batch starting at seq 2 of a new incarnation: %+v, want no results and LastAcked 0", res)
	}
	wantIDs(t, "owner stream", eventIDs(t, pullAll(t, f.s, b, protocol.StreamOwner)), "e1", "e2", "e3", "e4")
}

func testPoisonEventRejectedAlone(t *testing.T, open func(t *testing.T) store.Store) {
	f := setup(t, open)
	a, b := f.points[0].ID, f.points[1].ID
	notJSON := ev("e2", 2, kindStamp, "card:1")
	notJSON.Payload = json.RawMessage(`{"stamps": `)
	noID := ev("", 4, kindStamp, "card:1")
	huge := ev("e5", 5, kindStamp, "card:1")
	huge.Payload = json.RawMessage(`{"x":"` + strings.Repeat("a", protocol.MaxEventPayload) + `"}`)
	req := batch("dev-a", "inc-1", ev("e1", 1, kindStamp, "card:1"), notJSON, ev("e3", 3, kindStamp, "card:1"), noID, huge, ev("e6", 6, kindStamp, "card:1"))
	res := push(t, f.s, a, req)
	wantStatuses(t, res, protocol.StatusApplied, protocol.StatusRejected, protocol.StatusApplied, protocol.StatusRejected, protocol.StatusRejected, protocol.StatusApplied)
	wantCodes := []string{"", protocol.RejectMalformed, "", protocol.RejectMalformed, protocol.RejectTooLarge, ""}
	for i, r := range res.Results {
		if r.Code != wantCodes[i] || (r.Status == protocol.StatusRejected && (r.ServerSeq != 0 || r.Message == "")) {
			t.Fatalf("result %d = %+v, want code %q (and a message, no server_seq, when rejected)", i, r, wantCodes[i])
		}
	}
	if res.LastAcked != 6 {
		t.Fatalf("LastAcked = %d, want 6: rejected events are acknowledged too", res.LastAcked)
	}
	wantIDs(t, "owner stream", eventIDs(t, pullAll(t, f.s, b, protocol.StreamOwner)), "e1", "e3", "e6")
	// The same batch again (the answer was lost): every event, the broken
	// ones too, gets its first result back; nothing is a conflict.
	again := push(t, f.s, a, req)
	wantStatuses(t, again, protocol.StatusDuplicate, protocol.StatusDuplicate, protocol.StatusDuplicate, protocol.StatusDuplicate, protocol.StatusDuplicate, protocol.StatusDuplicate)
	for i, r := range again.Results {
		if r.Code != wantCodes[i] || r.ServerSeq != res.Results[i].ServerSeq {
			t.Fatalf("duplicate %d = %+v, want the first result %+v", i, r, res.Results[i])
		}
	}
	res = push(t, f.s, a, batch("dev-a", "inc-1", ev("e7", 7, kindStamp, "card:1")))
	wantStatuses(t, res, protocol.StatusApplied)
	wantIDs(t, "owner stream", eventIDs(t, pullAll(t, f.s, b, protocol.StreamOwner)), "e1", "e3", "e6", "e7")
}

func testIncarnationConflict(t *testing.T, open func(t *testing.T) store.Store) {
	f := setup(t, open)
	a, b := f.points[0].ID, f.points[1].ID
	push(t, f.s, a, batch("dev-a", "inc-1", ev("a1", 1, kindStamp, "card:1"), ev("a2", 2, kindStamp, "card:1")))
	// A copy of the database pushes other events under the same seqs.
	clone := []protocol.Event{ev("b1", 1, kindStamp, "card:1"), ev("b2", 2, kindStamp, "card:1"), ev("b3", 3, kindAccepted, "parcel:x:1")}
	for _, req := range []protocol.PushRequest{
		batch("dev-a", "inc-1", clone...),
		batch("dev-a", "inc-1", ev("a1", 1, kindStamp, "card:1"), clone[1], clone[2]), // after a duplicate
	} {
		_, err := f.s.Push(t.Context(), a, req, t0)
		if !errors.Is(err, store.ErrIncarnationConflict) {
			t.Fatalf("Push of a clone: %v, want ErrIncarnationConflict", err)
		}
	}
	if n := lastAcked(t, f.s, a, "dev-a", "inc-1"); n != 2 {
		t.Fatalf("LastAcked = %d after the conflict, want 2", n)
	}
	wantIDs(t, "owner stream after the conflict", eventIDs(t, pullAll(t, f.s, b, protocol.StreamOwner)), "a1", "a2")
	// Nothing of the refused batch was kept: the clone, in an incarnation
	// of its own, gets all three applied (not duplicates).
	res := push(t, f.s, a, batch("dev-a", "inc-2", clone...))
	wantStatuses(t, res, protocol.StatusApplied, protocol.StatusApplied, protocol.StatusApplied)
	if len(res.Results[2].Warnings) != 0 {
		t.Fatalf("first acceptance of the parcel has warnings %v", res.Results[2].Warnings)
	}
	wantIDs(t, "owner stream", eventIDs(t, pullAll(t, f.s, b, protocol.StreamOwner)), "a1", "a2", "b1", "b2")
}

func testNewIncarnation(t *testing.T, open func(t *testing.T) store.Store) {
	f := setup(t, open)
	a := f.points[0].ID
	first := push(t, f.s, a, batch("dev-a", "inc-1", ev("e1", 1, kindStamp, "card:1"), ev("e2", 2, kindStamp, "card:1"), ev("e3", 3, kindStamp, "card:1")))
	if n := lastAcked(t, f.s, a, "dev-a", "inc-2"); n != 0 {
		t.Fatalf("a new incarnation starts at %d, want 0", n)
	}
	// The restored database re-pushes an event the server has, then a new one.
	res := push(t, f.s, a, batch("dev-a", "inc-2", ev("e2", 1, kindStamp, "card:1"), ev("e4", 2, kindStamp, "card:1")))
	wantStatuses(t, res, protocol.StatusDuplicate, protocol.StatusApplied)
	if res.Results[0].ServerSeq != first.Results[1].ServerSeq {
		t.Fatalf("re-pushed event: server_seq %d, want its first %d", res.Results[0].ServerSeq, first.Results[1].ServerSeq)
	}
	if res.LastAcked != 2 || lastAcked(t, f.s, a, "dev-a", "inc-2") != 2 {
		t.Fatalf("LastAcked of the new incarnation = %d, want 2", res.LastAcked)
	}
	if n := lastAcked(t, f.s, a, "dev-a", "inc-1"); n != 3 {
		t.Fatalf("LastAcked of the old incarnation = %d, want 3", n)
	}
}

func testTenantIsolation(t *testing.T, open func(t *testing.T) store.Store) {
	f := setup(t, open)
	a1, a2 := f.points[0].ID, f.points[1].ID
	ownerB, err := f.s.CreateOwner(t.Context(), "Owner B")
	if err != nil {
		t.Fatal(err)
	}
	pb, err := f.s.CreatePoint(t.Context(), ownerB.ID, "B's point")
	if err != nil {
		t.Fatal(err)
	}
	b1 := pb.ID
	push(t, f.s, a1, batch("dev-a1", "inc", ev("e1", 1, kindStamp, "card:1"), ev("pa1", 2, kindAccepted, "parcel:p:1")))
	res := push(t, f.s, a2, batch("dev-a2", "inc", ev("pa2", 1, kindAccepted, "parcel:p:1")))
	if !slices.Equal(res.Results[0].Warnings, []string{protocol.WarnLocationConflict}) {
		t.Fatalf("owner A's own conflict: warnings %v", res.Results[0].Warnings)
	}
	// Owner B sees none of it.
	for _, stream := range []string{protocol.StreamPoint, protocol.StreamOwner} {
		if cs := pullAll(t, f.s, b1, stream); len(cs) != 0 {
			t.Fatalf("owner B's point pulls %s from the %s stream", show(cs), stream)
		}
	}
	if xs, err := f.s.Exceptions(t.Context(), ownerB.ID, time.Time{}); err != nil || len(xs) != 0 {
		t.Fatalf("Exceptions(B) = %v, %v; want none", xs, err)
	}
	// The same event id and parcel at owner B are B's own: applied, no conflict.
	res = push(t, f.s, b1, batch("dev-b1", "inc", ev("e1", 1, kindStamp, "card:1"), ev("pa1", 2, kindAccepted, "parcel:p:1")))
	wantStatuses(t, res, protocol.StatusApplied, protocol.StatusApplied)
	if len(res.Results[1].Warnings) != 0 {
		t.Fatalf("owner B's acceptance warns %v about owner A's parcel", res.Results[1].Warnings)
	}
	wantIDs(t, "owner A's stream", eventIDs(t, pullAll(t, f.s, a2, protocol.StreamOwner)), "e1")
	for _, c := range pullAll(t, f.s, a2, protocol.StreamOwner) {
		if c.Origin != a1 {
			t.Fatalf("owner A's stream has a change from %s", c.Origin)
		}
	}
	if xs, err := f.s.Exceptions(t.Context(), f.owner.ID, time.Time{}); err != nil || len(xs) != 1 {
		t.Fatalf("Exceptions(A) = %v, %v; want exactly A's one", xs, err)
	}
	if xs, _ := f.s.Exceptions(t.Context(), ownerB.ID, time.Time{}); len(xs) != 0 {
		t.Fatalf("Exceptions(B) = %v, want none", xs)
	}
}

// wantException checks that the owner has exactly one exception, and that
// each involved point's stream has exactly one exception.raised about it
// while the uninvolved point's has none.
func wantException(t *testing.T, f fixture, kind, entity string, points, events []string, uninvolved string) {
	t.Helper()
	xs, err := f.s.Exceptions(t.Context(), f.owner.ID, t0)
	if err != nil {
		t.Fatalf("Exceptions: %v", err)
	}
	if len(xs) != 1 {
		t.Fatalf("Exceptions = %+v, want one", xs)
	}
	x := xs[0]
	if x.Kind != kind || x.Entity != entity || x.OwnerID != f.owner.ID || x.ID == "" ||
		!slices.Equal(x.Points, points) || !slices.Equal(x.Events, events) || x.RaisedAt.IsZero() || !json.Valid(x.Detail) {
		t.Fatalf("exception = %+v, want %s on %s, points %v, events %v", x, kind, entity, points, events)
	}
	for _, p := range points {
		cs := pullAll(t, f.s, p, protocol.StreamPoint)
		if len(cs) != 1 || cs[0].Kind != core.KindExceptionRaised || cs[0].Entity != entity {
			t.Fatalf("point %s stream = %s, want one %s about %s", p, show(cs), core.KindExceptionRaised, entity)
		}
		var d core.ExceptionData
		if err := json.Unmarshal(cs[0].Data, &d); err != nil || d.ID != x.ID || d.Kind != kind || !slices.Equal(d.Points, points) || !slices.Equal(d.Events, events) {
			t.Fatalf("point %s: exception data %s (%v), want exception %s", p, cs[0].Data, err, x.ID)
		}
	}
	if cs := pullAll(t, f.s, uninvolved, protocol.StreamPoint); len(cs) != 0 {
		t.Fatalf("an uninvolved point got %s", show(cs))
	}
	if later, err := f.s.Exceptions(t.Context(), f.owner.ID, x.RaisedAt.Add(time.Millisecond)); err != nil || len(later) != 0 {
		t.Fatalf("Exceptions since after it = %v, %v; want none", later, err)
	}
}

func testLocationConflict(t *testing.T, open func(t *testing.T) store.Store) {
	f := setup(t, open)
	a, b, c := f.points[0].ID, f.points[1].ID, f.points[2].ID
	// Accepting again at the same point is no conflict.
	res := push(t, f.s, a, batch("dev-a", "inc", ev("ea", 1, kindAccepted, "parcel:x:1"), ev("ea2", 2, kindAccepted, "parcel:x:1")))
	if len(res.Results[0].Warnings)+len(res.Results[1].Warnings) != 0 {
		t.Fatalf("acceptance at one point warns: %+v", res.Results)
	}
	req := batch("dev-b", "inc", ev("eb", 1, kindAccepted, "parcel:x:1"))
	res = push(t, f.s, b, req)
	wantStatuses(t, res, protocol.StatusApplied)
	if !slices.Equal(res.Results[0].Warnings, []string{protocol.WarnLocationConflict}) {
		t.Fatalf("second point's acceptance: warnings %v, want [%s]", res.Results[0].Warnings, protocol.WarnLocationConflict)
	}
	wantException(t, f, protocol.WarnLocationConflict, "parcel:x:1", []string{a, b}, []string{"ea2", "eb"}, c)
	// The retry gets the warning back and raises nothing more.
	again := push(t, f.s, b, req)
	wantStatuses(t, again, protocol.StatusDuplicate)
	if !slices.Equal(again.Results[0].Warnings, []string{protocol.WarnLocationConflict}) || again.Results[0].ServerSeq != res.Results[0].ServerSeq {
		t.Fatalf("duplicate = %+v, want the first result %+v", again.Results[0], res.Results[0])
	}
	wantException(t, f, protocol.WarnLocationConflict, "parcel:x:1", []string{a, b}, []string{"ea2", "eb"}, c)
}

func testDoubleIssue(t *testing.T, open func(t *testing.T) store.Store) {
	f := setup(t, open)
	a, b, c := f.points[0].ID, f.points[1].ID, f.points[2].ID
	push(t, f.s, a, batch("dev-a", "inc", ev("acc", 1, kindAccepted, "parcel:x:1"), ev("iss-a", 2, kindIssued, "parcel:x:1")))
	// A parcel issued at one point and accepted later at another (it came
	// back) is no conflict.
	res := push(t, f.s, c, batch("dev-c", "inc", ev("acc-z", 1, kindAccepted, "parcel:z:9"), ev("iss-z", 2, kindIssued, "parcel:z:9")))
	res2 := push(t, f.s, a, batch("dev-a", "inc", ev("acc-z2", 3, kindAccepted, "parcel:z:9")))
	if len(res.Results[1].Warnings)+len(res2.Results[0].Warnings) != 0 {
		t.Fatalf("issue then acceptance elsewhere warns: %+v %+v", res.Results, res2.Results)
	}
	res = push(t, f.s, b, batch("dev-b", "inc", ev("iss-b", 1, kindIssued, "parcel:x:1")))
	wantStatuses(t, res, protocol.StatusApplied)
	if !slices.Equal(res.Results[0].Warnings, []string{protocol.WarnDoubleIssue}) {
		t.Fatalf("second issue: warnings %v, want [%s]", res.Results[0].Warnings, protocol.WarnDoubleIssue)
	}
	xs, err := f.s.Exceptions(t.Context(), f.owner.ID, time.Time{})
	if err != nil || len(xs) != 1 {
		t.Fatalf("Exceptions = %+v, %v", xs, err)
	}
	// Point c is involved in nothing about parcel:x:1 and has no exception.
	wantException(t, f, protocol.WarnDoubleIssue, "parcel:x:1", []string{a, b}, []string{"iss-a", "iss-b"}, c)
}

func testLoyaltyFanout(t *testing.T, open func(t *testing.T) store.Store) {
	f := setup(t, open)
	a, b, c := f.points[0].ID, f.points[1].ID, f.points[2].ID
	stamp := ev("e1", 1, kindStamp, "card:7")
	stamp.Clerk = 3
	stamp.Payload = json.RawMessage(`{"stamps":1}`)
	res := push(t, f.s, a, batch("dev-a", "inc", stamp, ev("e2", 2, kindAccepted, "parcel:x:1"), ev("e3", 3, "shift.opened", "shift:1")))
	for _, p := range []string{a, b, c} { // the origin too: a restored point gets its own back
		cs := pullAll(t, f.s, p, protocol.StreamOwner)
		if len(cs) != 1 {
			t.Fatalf("point %s owner stream = %s, want the one loyalty movement", p, show(cs))
		}
		ch := cs[0]
		var d core.EventData
		if err := json.Unmarshal(ch.Data, &d); err != nil {
			t.Fatal(err)
		}
		if ch.Kind != kindStamp || ch.Entity != "card:7" || ch.Origin != a || !ch.At.Equal(stamp.OccurredAt) || ch.Seq <= 0 ||
			d.EventID != "e1" || d.ServerSeq != res.Results[0].ServerSeq || d.ClerkID != 3 || !d.OccurredAt.Equal(stamp.OccurredAt) || string(d.Payload) != `{"stamps":1}` {
			t.Fatalf("point %s got %s", p, show(cs))
		}
		if pcs := pullAll(t, f.s, p, protocol.StreamPoint); len(pcs) != 0 {
			t.Fatalf("point %s point stream = %s, want empty", p, show(pcs))
		}
	}
	push(t, f.s, b, batch("dev-b", "inc", ev("e4", 1, "loyalty.reward_redeemed", "card:7")))
	for _, p := range []string{a, b, c} {
		wantIDs(t, "the owner stream", eventIDs(t, pullAll(t, f.s, p, protocol.StreamOwner)), "e1", "e4")
	}
}

func testPullPaging(t *testing.T, open func(t *testing.T) store.Store) {
	f := setup(t, open)
	a, b := f.points[0].ID, f.points[1].ID
	var events []protocol.Event
	for i := range 7 {
		events = append(events, ev(fmt.Sprintf("e%d", i+1), int64(i+1), kindStamp, "card:1"))
	}
	push(t, f.s, a, batch("dev-a", "inc", events...))
	epoch, err := f.s.Epoch(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got []store.Change
	cursor := ""
	for i, want := range []struct {
		n    int
		more bool
	}{{3, true}, {3, true}, {1, false}} {
		page := pull(t, f.s, b, protocol.StreamOwner, cursor, 3)
		if len(page.Changes) != want.n || page.HasMore != want.more || page.Epoch != epoch || page.Stream != protocol.StreamOwner || page.NextCursor == "" {
			t.Fatalf("page %d: %d changes, has_more %v, epoch %q, stream %q; want %d, %v, %q, owner", i, len(page.Changes), page.HasMore, page.Epoch, page.Stream, want.n, want.more, epoch)
		}
		// Reading a page again gives the same page.
		if again := pull(t, f.s, b, protocol.StreamOwner, cursor, 3); !slices.EqualFunc(again.Changes, page.Changes, func(x, y store.Change) bool { return x.Seq == y.Seq }) || again.NextCursor != page.NextCursor {
			t.Fatalf("page %d read twice differs", i)
		}
		got = append(got, page.Changes...)
		cursor = page.NextCursor
	}
	wantIDs(t, "pages", eventIDs(t, got), "e1", "e2", "e3", "e4", "e5", "e6", "e7")
	for i := 1; i < len(got); i++ {
		if got[i].Seq <= got[i-1].Seq {
			t.Fatalf("seqs not increasing: %d after %d", got[i].Seq, got[i-1].Seq)
		}
	}
	end := pull(t, f.s, b, protocol.StreamOwner, cursor, 3)
	if len(end.Changes) != 0 || end.HasMore || end.Changes == nil {
		t.Fatalf("at the end: %s, has_more %v; want an empty list and no more", show(end.Changes), end.HasMore)
	}
	push(t, f.s, a, batch("dev-a", "inc", ev("e8", 8, kindStamp, "card:1")))
	wantIDs(t, "after the end", eventIDs(t, pull(t, f.s, b, protocol.StreamOwner, end.NextCursor, 3).Changes), "e8")
	// limit 0 is the default page, a limit over the maximum is the maximum.
	for _, limit := range []int{0, -1, protocol.MaxPullLimit * 5} {
		if page := pull(t, f.s, b, protocol.StreamOwner, "", limit); len(page.Changes) != 8 || page.HasMore {
			t.Fatalf("limit %d: %d changes, has_more %v", limit, len(page.Changes), page.HasMore)
		}
	}
	// The origin pages through its own movements like any other point's
	// (a restored point gets them back), then sees what others add.
	var own []protocol.Change
	cursor = ""
	for range 10 {
		page := pull(t, f.s, a, protocol.StreamOwner, cursor, 3)
		own, cursor = append(own, page.Changes...), page.NextCursor
		if !page.HasMore {
			break
		}
	}
	if len(own) != 8 {
		t.Fatalf("origin's own owner stream: %s; want its 8 movements", show(own))
	}
	push(t, f.s, b, batch("dev-b", "inc", ev("f1", 1, kindStamp, "card:1")))
	wantIDs(t, "origin after another point's movement", eventIDs(t, pull(t, f.s, a, protocol.StreamOwner, cursor, 3).Changes), "f1")
}

func wantReset(t *testing.T, err error, epoch, what string) {
	t.Helper()
	var pe *protocol.Error
	if !errors.As(err, &pe) || pe.Code != protocol.ErrReset || pe.Epoch != epoch {
		t.Fatalf("%s: %v, want a reset with epoch %q", what, err, epoch)
	}
}

func testPullReset(t *testing.T, open func(t *testing.T) store.Store) {
	f := setup(t, open)
	a, b := f.points[0].ID, f.points[1].ID
	ctx := t.Context()
	push(t, f.s, a, batch("dev-a", "inc", ev("e1", 1, kindStamp, "card:1"), ev("e2", 2, kindStamp, "card:1")))
	page := pull(t, f.s, b, protocol.StreamOwner, "", 1)
	epoch := page.Epoch

	// A cursor of another server (another epoch).
	other := setup(t, open)
	foreign := pull(t, other.s, other.points[0].ID, protocol.StreamOwner, "", 10).NextCursor
	_, err := f.s.Pull(ctx, b, protocol.StreamOwner, foreign, 10)
	wantReset(t, err, epoch, "foreign cursor")
	// A cursor past the stream's end: the owner stream's cursor on the
	// (empty) point stream, and one made past the head.
	_, err = f.s.Pull(ctx, b, protocol.StreamPoint, pull(t, f.s, b, protocol.StreamOwner, "", 10).NextCursor, 10)
	wantReset(t, err, epoch, "cursor ahead of the point stream")
	_, err = f.s.Pull(ctx, b, protocol.StreamOwner, core.EncodeCursor(epoch, 3), 10)
	wantReset(t, err, epoch, "cursor ahead of the owner stream")
	for _, garbage := range []string{"garbage", "%%%", "e30", core.EncodeCursor(epoch, 1) + "x"} {
		_, err = f.s.Pull(ctx, b, protocol.StreamOwner, garbage, 10)
		wantReset(t, err, epoch, "cursor "+garbage)
	}
	if _, err := f.s.Pull(ctx, b, "global", "", 10); err == nil {
		t.Fatal("Pull of an unknown stream: no error")
	}
	// After a restore the store's epoch changes: every old cursor resets.
	rotated, err := f.s.RotateEpoch(ctx)
	if err != nil || rotated == "" || rotated == epoch {
		t.Fatalf("RotateEpoch = %q, %v; want a new epoch", rotated, err)
	}
	if now, err := f.s.Epoch(ctx); err != nil || now != rotated {
		t.Fatalf("Epoch = %q, %v; want %q", now, err, rotated)
	}
	_, err = f.s.Pull(ctx, b, protocol.StreamOwner, page.NextCursor, 10)
	wantReset(t, err, rotated, "cursor of the old epoch")
	fresh := pull(t, f.s, b, protocol.StreamOwner, "", 10)
	if fresh.Epoch != rotated || len(fresh.Changes) != 2 {
		t.Fatalf("pull from the start after the reset: epoch %q, %d changes", fresh.Epoch, len(fresh.Changes))
	}
	if next := pull(t, f.s, b, protocol.StreamOwner, fresh.NextCursor, 10); len(next.Changes) != 0 {
		t.Fatalf("new cursor: %d changes, want 0", len(next.Changes))
	}
}

func samePoint(x, y store.Point) bool {
	return x.ID == y.ID && x.OwnerID == y.OwnerID && x.Name == y.Name && x.DeviceID == y.DeviceID && x.RegisteredAt.Equal(y.RegisteredAt)
}

func sameToken(x, y store.Token) bool {
	return x.ID == y.ID && x.Hash == y.Hash && x.PointID == y.PointID && x.OwnerID == y.OwnerID && x.Refresh == y.Refresh &&
		x.ExpiresAt.Equal(y.ExpiresAt) && x.RevokedAt.Equal(y.RevokedAt)
}

func verifier(code string) func(string) bool {
	return func(hash string) bool { return hash == "hash:"+code }
}

func testActivation(t *testing.T, open func(t *testing.T) store.Store) {
	f := setup(t, open)
	ctx := t.Context()
	p, p2, p3 := f.points[0], f.points[1], f.points[2]
	now := t0
	for _, add := range []struct {
		point, code string
		expires     time.Time
	}{{p.ID, "111", now.Add(time.Hour)}, {p2.ID, "222", now.Add(-time.Minute)}, {p3.ID, "333", now.Add(time.Hour)}} {
		if err := f.s.AddActivation(ctx, add.point, "hash:"+add.code, add.expires); err != nil {
			t.Fatalf("AddActivation: %v", err)
		}
	}
	if err := f.s.AddActivation(ctx, "no-such-point", "hash:x", now.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("AddActivation for an unknown point: %v, want ErrNotFound", err)
	}
	tok := func(id string, refresh bool) store.Token {
		return store.Token{ID: id, Hash: "h-" + id, Refresh: refresh, ExpiresAt: now.Add(24 * time.Hour)}
	}
	for _, c := range []struct{ code, why string }{{"999", "wrong"}, {"222", "expired"}} {
		_, err := f.s.Activate(ctx, verifier(c.code), "dev-x", []store.Token{tok("t-"+c.code, false)}, now)
		if !errors.Is(err, store.ErrActivationInvalid) {
			t.Fatalf("Activate with a %s code: %v, want ErrActivationInvalid", c.why, err)
		}
		if _, err := f.s.TokenByID(ctx, "t-"+c.code); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a %s code stored its token: %v", c.why, err)
		}
	}
	if got, _ := f.s.Point(ctx, p2.ID); got.DeviceID != "" {
		t.Fatalf("an expired code bound its point to %q", got.DeviceID)
	}
	got, err := f.s.Activate(ctx, verifier("111"), "dev-1", []store.Token{tok("acc", false), tok("ref", true)}, now)
	if err != nil {
		t.Fatalf("Activate: %v", err)
	}
	if got.ID != p.ID || got.OwnerID != f.owner.ID || got.DeviceID != "dev-1" || !got.RegisteredAt.Equal(now) || got.Name != p.Name {
		t.Fatalf("Activate = %+v, want point %s bound to dev-1 at %v", got, p.ID, now)
	}
	if stored, err := f.s.Point(ctx, p.ID); err != nil || !samePoint(stored, got) {
		t.Fatalf("Point = %+v, %v; want %+v", stored, err, got)
	}
	for _, id := range []string{"acc", "ref"} {
		tk, err := f.s.TokenByID(ctx, id)
		if err != nil || tk.PointID != p.ID || tk.OwnerID != f.owner.ID || tk.Refresh != (id == "ref") || tk.Hash != "h-"+id {
			t.Fatalf("token %s = %+v, %v", id, tk, err)
		}
	}
	if _, err := f.s.Activate(ctx, verifier("111"), "dev-2", []store.Token{tok("acc2", false)}, now); !errors.Is(err, store.ErrActivationInvalid) {
		t.Fatalf("second use of a code: %v, want ErrActivationInvalid", err)
	}
	if stored, _ := f.s.Point(ctx, p.ID); stored.DeviceID != "dev-1" {
		t.Fatalf("a used code rebound the point to %q", stored.DeviceID)
	}
	// Two installers racing with one code: one wins.
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for g := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[g] = f.s.Activate(ctx, verifier("333"), fmt.Sprintf("racer-%d", g), []store.Token{tok(fmt.Sprintf("race-%d", g), false)}, now)
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, store.ErrActivationInvalid):
			t.Fatalf("racing Activate: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d of 2 racing activations won, want 1 (%v)", won, errs)
	}
}

func testTokens(t *testing.T, open func(t *testing.T) store.Store) {
	f := setup(t, open)
	ctx := t.Context()
	tk := store.Token{ID: "tok1", Hash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA", PointID: f.points[0].ID, OwnerID: f.owner.ID,
		Refresh: true, ExpiresAt: t0.Add(30 * 24 * time.Hour)}
	if err := f.s.PutToken(ctx, tk); err != nil {
		t.Fatalf("PutToken: %v", err)
	}
	got, err := f.s.TokenByID(ctx, "tok1")
	if err != nil || !sameToken(got, tk) {
		t.Fatalf("TokenByID = %+v, %v; want %+v", got, err, tk)
	}
	if err := f.s.RevokeToken(ctx, "tok1", t0.Add(time.Hour)); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	if err := f.s.RevokeToken(ctx, "tok1", t0.Add(2*time.Hour)); err != nil {
		t.Fatalf("RevokeToken again: %v", err)
	}
	got, err = f.s.TokenByID(ctx, "tok1")
	if err != nil || !got.RevokedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("revoked token = %+v, %v; want revoked at the first revocation %v", got, err, t0.Add(time.Hour))
	}
	if _, err := f.s.TokenByID(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("TokenByID(unknown): %v, want ErrNotFound", err)
	}
	if err := f.s.RevokeToken(ctx, "nope", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("RevokeToken(unknown): %v, want ErrNotFound", err)
	}
}

func testOwnersAndPoints(t *testing.T, open func(t *testing.T) store.Store) {
	f := setup(t, open)
	ctx := t.Context()
	if err := f.s.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	p := f.points[0]
	got, err := f.s.Point(ctx, p.ID)
	if err != nil || got.ID != p.ID || got.OwnerID != f.owner.ID || got.Name != "Point 1" || got.DeviceID != "" || !got.RegisteredAt.IsZero() {
		t.Fatalf("Point = %+v, %v", got, err)
	}
	if _, err := f.s.Point(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Point(unknown): %v", err)
	}
	if _, err := f.s.CreatePoint(ctx, "nope", "x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("CreatePoint(unknown owner): %v", err)
	}
	if _, err := f.s.Push(ctx, "nope", batch("d", "i", ev("e1", 1, kindStamp, "card:1")), t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Push as an unknown point: %v", err)
	}
	if _, err := f.s.Pull(ctx, "nope", protocol.StreamPoint, "", 10); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Pull as an unknown point: %v", err)
	}
	var pe *protocol.Error
	if _, err := f.s.Push(ctx, p.ID, batch("d", "i"), t0); !errors.As(err, &pe) || pe.Code != protocol.ErrBadRequest {
		t.Fatalf("Push of an empty batch: %v, want bad_request", err)
	}
	e1, err := f.s.Epoch(ctx)
	if err != nil || e1 == "" {
		t.Fatalf("Epoch = %q, %v", e1, err)
	}
	if e2, _ := f.s.Epoch(ctx); e2 != e1 {
		t.Fatalf("Epoch changed by itself: %q then %q", e1, e2)
	}
}

// testConcurrentCursor: points push for one owner at the same time while
// another point pages the owner stream; it must see every movement
// exactly once, in increasing seq, none skipped by a late commit.
func testConcurrentCursor(t *testing.T, open func(t *testing.T) store.Store) {
	f := setup(t, open)
	ctx := t.Context()
	reader := f.points[2].ID
	writers := []string{f.points[0].ID, f.points[1].ID}
	for i := range 2 {
		p, err := f.s.CreatePoint(ctx, f.owner.ID, fmt.Sprintf("Writer %d", i))
		if err != nil {
			t.Fatal(err)
		}
		writers = append(writers, p.ID)
	}
	const batches, perBatch = 10, 5
	done := make(chan struct{})
	errs := make(chan error, len(writers))
	var wg sync.WaitGroup
	for w, point := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seq := int64(0)
			for bt := range batches {
				var events []protocol.Event
				for k := range perBatch {
					seq++
					events = append(events, ev(fmt.Sprintf("w%d-b%d-%d", w, bt, k), seq, kindStamp, fmt.Sprintf("card:%d", k)))
				}
				if _, err := f.s.Push(ctx, point, batch(fmt.Sprintf("dev-%d", w), "inc", events...), time.Now()); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	seen := map[string]int{}
	var last int64
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 100000 {
			t.Fatal("reader never caught up")
		}
		final := false
		select {
		case <-done:
			final = true // every push has committed before this pull
		default:
		}
		res, err := f.s.Pull(ctx, reader, protocol.StreamOwner, cursor, 7)
		if err != nil {
			t.Fatalf("Pull: %v", err)
		}
		for _, c := range res.Changes {
			if c.Seq <= last {
				t.Fatalf("seq %d after %d", c.Seq, last)
			}
			last = c.Seq
		}
		for _, id := range eventIDs(t, res.Changes) {
			seen[id]++
		}
		cursor = res.NextCursor
		if final && !res.HasMore {
			break
		}
	}
	close(errs)
	for err := range errs {
		t.Fatalf("writer: %v", err)
	}
	want := len(writers) * batches * perBatch
	if len(seen) != want {
		t.Fatalf("reader saw %d distinct movements, want %d", len(seen), want)
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("movement %s seen %d times", id, n)
		}
	}
}

// testDuplicatesInsideBatch: an event id repeated inside one batch is a
// duplicate of its first occurrence (applied or rejected), as if that one
// had been stored already; its seq still counts. Two malformed ids are
// not the same event.
func testDuplicatesInsideBatch(t *testing.T, open func(t *testing.T) store.Store) {
	f := setup(t, open)
	a, b := f.points[0].ID, f.points[1].ID
	broken := ev("bad", 6, kindStamp, "card:1")
	broken.Payload = json.RawMessage(`{"stamps": `)
	brokenAgain := broken
	brokenAgain.ClientSeq = 7
	req := batch("dev-a", "inc-1",
		ev("e1", 1, kindStamp, "card:1"), ev("e2", 2, kindAccepted, "parcel:x:1"),
		ev("e1", 3, kindStamp, "card:1"), ev("e2", 4, kindAccepted, "parcel:x:1"), ev("e3", 5, kindStamp, "card:1"),
		broken, brokenAgain, ev("", 8, kindStamp, "card:1"), ev("", 9, kindStamp, "card:1"))
	res := push(t, f.s, a, req)
	wantStatuses(t, res, protocol.StatusApplied, protocol.StatusApplied, protocol.StatusDuplicate, protocol.StatusDuplicate,
		protocol.StatusApplied, protocol.StatusRejected, protocol.StatusDuplicate, protocol.StatusRejected, protocol.StatusRejected)
	if res.LastAcked != 9 {
		t.Fatalf("LastAcked = %d, want 9", res.LastAcked)
	}
	for _, c := range []struct{ dup, of int }{{2, 0}, {3, 1}, {6, 5}} {
		d, o := res.Results[c.dup], res.Results[c.of]
		if d.ID != req.Events[c.dup].ID || d.ServerSeq != o.ServerSeq || d.Code != o.Code || d.Message != o.Message {
			t.Fatalf("result %d = %+v, want the result of %d (%+v)", c.dup, d, c.of, o)
		}
	}
	if res.Results[4].ServerSeq <= res.Results[1].ServerSeq {
		t.Fatalf("server_seq of e3 %d after e2's %d: the duplicates took seqs", res.Results[4].ServerSeq, res.Results[1].ServerSeq)
	}
	wantIDs(t, "owner stream", eventIDs(t, pullAll(t, f.s, b, protocol.StreamOwner)), "e1", "e3")
	// Sent again, every event gets its first result.
	again := push(t, f.s, a, req)
	for i, r := range again.Results {
		if r.Status != protocol.StatusDuplicate || r.ServerSeq != res.Results[i].ServerSeq || r.Code != res.Results[i].Code {
			t.Fatalf("again %d = %+v, want a duplicate of %+v", i, r, res.Results[i])
		}
	}
	wantIDs(t, "owner stream", eventIDs(t, pullAll(t, f.s, b, protocol.StreamOwner)), "e1", "e3")
}

// testBigBatch: a batch of the most events a push takes, which the
// engines write in several statements per table: every event gets its
// result in order, the applied ones consecutive server_seqs, the
// projections and streams see each once, in order, and a parcel
// conflict is found wherever it falls in the batch.
func testBigBatch(t *testing.T, open func(t *testing.T) store.Store) {
	f := setup(t, open)
	a, b, c := f.points[0].ID, f.points[1].ID, f.points[2].ID
	n := protocol.MaxBatchEvents
	// Point b holds parcel 303 already: a's acceptance of it conflicts.
	push(t, f.s, b, batch("dev-b", "inc", ev("b-303", 1, kindAccepted, "parcel:x:303")))

	var events []protocol.Event
	var stamps []string
	for i := range n {
		id := fmt.Sprintf("big-%03d", i)
		var e protocol.Event
		switch {
		case i == 123: // poison: rejected alone
			e = ev(id, int64(i+1), kindStamp, "card:1")
			e.Payload = json.RawMessage(`{"stamps": `)
		case i == 400: // an id of this batch again
			e = ev("big-011", int64(i+1), kindAccepted, "parcel:x:11")
		case i%5 == 0:
			e = ev(id, int64(i+1), kindStamp, fmt.Sprintf("card:%d", i%7))
			stamps = append(stamps, id)
		case i%5 == 2: // the parcel accepted just before
			e = ev(id, int64(i+1), kindIssued, fmt.Sprintf("parcel:x:%d", i-1))
		default:
			e = ev(id, int64(i+1), kindAccepted, fmt.Sprintf("parcel:x:%d", i))
		}
		events = append(events, e)
	}
	req := batch("dev-a", "inc", events...)
	res := push(t, f.s, a, req)
	if len(res.Results) != n || res.LastAcked != int64(n) {
		t.Fatalf("%d results, LastAcked %d; want %d and %d", len(res.Results), res.LastAcked, n, n)
	}
	var seq int64
	for i, r := range res.Results {
		want := protocol.StatusApplied
		switch i {
		case 123:
			want = protocol.StatusRejected
		case 400:
			want = protocol.StatusDuplicate
		}
		if r.ID != events[i].ID || r.Status != want {
			t.Fatalf("result %d = %+v, want %s of %s", i, r, want, events[i].ID)
		}
		if want != protocol.StatusApplied {
			continue
		}
		if seq != 0 && r.ServerSeq != seq+1 {
			t.Fatalf("result %d: server_seq %d after %d, want consecutive", i, r.ServerSeq, seq)
		}
		seq = r.ServerSeq
		wantWarn := i == 303
		if got := slices.Equal(r.Warnings, []string{protocol.WarnLocationConflict}); got != wantWarn || (!wantWarn && len(r.Warnings) != 0) {
			t.Fatalf("result %d warnings %v", i, r.Warnings)
		}
	}
	if d, o := res.Results[400], res.Results[11]; d.ServerSeq != o.ServerSeq {
		t.Fatalf("the repeated id: server_seq %d, want %d", d.ServerSeq, o.ServerSeq)
	}
	if lastAcked(t, f.s, a, "dev-a", "inc") != int64(n) {
		t.Fatalf("stored LastAcked != %d", n)
	}
	wantIDs(t, "owner stream", eventIDs(t, pullAll(t, f.s, c, protocol.StreamOwner)), stamps...)
	wantException(t, f, protocol.WarnLocationConflict, "parcel:x:303", []string{b, a}, []string{"b-303", "big-303"}, c)

	// The projection holds the last word on each parcel: a parcel issued
	// at a is no conflict when b accepts it, one still at a is.
	later := push(t, f.s, b, batch("dev-b", "inc", ev("b-6", 2, kindAccepted, "parcel:x:6"), ev("b-8", 3, kindAccepted, "parcel:x:8")))
	if len(later.Results[0].Warnings) != 0 || !slices.Equal(later.Results[1].Warnings, []string{protocol.WarnLocationConflict}) {
		t.Fatalf("after the big batch: warnings %v and %v; want none (parcel 6 was issued) and a conflict (8 is at a)",
			later.Results[0].Warnings, later.Results[1].Warnings)
	}

	// The whole batch again: every event gets its first result back.
	again := push(t, f.s, a, req)
	if len(again.Results) != n || again.LastAcked != int64(n) {
		t.Fatalf("again: %d results, LastAcked %d", len(again.Results), again.LastAcked)
	}
	for i, r := range again.Results {
		first := res.Results[i]
		if r.Status != protocol.StatusDuplicate || r.ID != first.ID || r.ServerSeq != first.ServerSeq || r.Code != first.Code ||
			!slices.Equal(r.Warnings, first.Warnings) {
			t.Fatalf("again %d = %+v, want a duplicate of %+v", i, r, first)
		}
	}
}
