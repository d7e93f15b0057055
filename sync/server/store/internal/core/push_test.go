package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// Push decides a batch at once and writes it a statement per table; it
// must give exactly what applying the events one by one gave (the
// algorithm it replaced, pushOneByOne below, on the same in-memory
// store): the same results, the same errors, the same rows, the same
// stream seqs, batch after batch of random pushes full of duplicates
// (stored and inside the batch), malformed events, gaps, incarnation
// conflicts and parcels seen at two points.
func TestPushSameAsOneByOne(t *testing.T) {
	for seed := range uint64(40) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { comparePushes(t, seed) })
	}
}

func comparePushes(t *testing.T, seed uint64) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 99))
	batched, single := newFakeTx(), newFakeTx()
	const owner = "owner-1"
	// What each (point, device, incarnation) has pushed: its next seq and
	// the ids it used, so batches can repeat them.
	type dev struct{ point, device, inc string }
	devs := []dev{{"p1", "d1", "i1"}, {"p1", "d1", "i2"}, {"p2", "d2", "i1"}, {"p3", "d3", "i1"}}
	nextSeq := map[dev]int64{}
	var used []protocol.Event
	entities := []string{"parcel:x:1", "parcel:x:2", "parcel:x:3", "parcel:y:1"}
	kinds := []string{KindParcelAccepted, KindParcelAccepted, KindParcelIssued, KindParcelReturned, "loyalty.stamp_earned", "loyalty.reward_redeemed", "clerk.login"}
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	conflicts, dups, rejected := 0, 0, 0
	for round := range 60 {
		d := devs[rng.IntN(len(devs))]
		seq := nextSeq[d]
		if rng.IntN(8) == 0 {
			seq = max(0, seq-int64(rng.IntN(3))) // start over acknowledged seqs (a resend or a copy)
		}
		var events []protocol.Event
		for range 1 + rng.IntN(12) {
			seq++
			if rng.IntN(15) == 0 {
				seq++ // a gap
			}
			var e protocol.Event
			switch r := rng.IntN(20); {
			case r < 3 && len(used) > 0: // an event the owner may have already
				e = used[rng.IntN(len(used))]
			case r < 5 && len(events) > 0: // an id of this batch again
				e = events[rng.IntN(len(events))]
			default:
				kind := kinds[rng.IntN(len(kinds))]
				entity := entities[rng.IntN(len(entities))]
				if strings.HasPrefix(kind, "loyalty.") {
					entity = fmt.Sprintf("card:%d", rng.IntN(3))
				}
				e = protocol.Event{ID: fmt.Sprintf("e%d-%d", round, len(events)), Kind: kind, Entity: entity,
					OccurredAt: at.Add(time.Duration(round*100+len(events)) * time.Second), Clerk: int64(rng.IntN(3)),
					Shift: int64(rng.IntN(2)), Payload: json.RawMessage(fmt.Sprintf(`{"n": %d}`, round))}
				switch rng.IntN(25) {
				case 0:
					e.ID = ""
				case 1:
					e.Payload = json.RawMessage(`{"broken": `)
				case 2:
					e.Payload = json.RawMessage(`"` + strings.Repeat("z", protocol.MaxEventPayload) + `"`)
				case 3:
					e.Kind = "bad kind\x00"
				}
			}
			e.ClientSeq = seq
			events = append(events, e)
		}
		req := protocol.PushRequest{Protocol: protocol.Version, DeviceID: d.device, Incarnation: d.inc, Events: events}
		now := at.Add(time.Duration(round) * time.Minute)

		b0, s0 := batched.clone(), single.clone()
		got, gerr := Push(ctx, batched, owner, d.point, req, now)
		want, werr := pushOneByOne(ctx, single, owner, d.point, req, now)
		if (gerr != nil) != (werr != nil) || (gerr != nil && !errors.Is(gerr, store.ErrIncarnationConflict)) {
			t.Fatalf("round %d: Push error %v, one by one %v", round, gerr, werr)
		}
		if gerr != nil { // the engine rolls the transaction back
			batched, single = b0, s0
			conflicts++
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: Push = %+v\none by one = %+v", round, got, want)
		}
		if diff := batched.diff(single); diff != "" {
			t.Fatalf("round %d: stores differ: %s", round, diff)
		}
		for _, r := range got.Results {
			switch r.Status {
			case protocol.StatusDuplicate:
				dups++
			case protocol.StatusRejected:
				rejected++
			}
		}
		nextSeq[d] = max(nextSeq[d], got.LastAcked)
		used = append(used, events...)
	}
	t.Logf("%d events, %d duplicates, %d rejected, %d conflicts, %d exceptions, %d owner changes",
		len(batched.events), dups, rejected, conflicts, len(batched.exceptions), len(batched.streams["owner:"+owner]))
}

// A batch costs a few statements, not a few per event.
func TestPushStatementsPerBatch(t *testing.T) {
	tx := newFakeTx()
	var events []protocol.Event
	for i := range protocol.MaxBatchEvents {
		kind, entity := KindParcelAccepted, fmt.Sprintf("parcel:x:%d", i)
		if i%3 == 0 {
			kind, entity = "loyalty.stamp_earned", "card:1"
		}
		events = append(events, protocol.Event{ID: fmt.Sprintf("e%d", i), ClientSeq: int64(i + 1), Kind: kind, Entity: entity,
			OccurredAt: time.Now(), Payload: json.RawMessage(`{}`)})
	}
	req := protocol.PushRequest{Protocol: protocol.Version, DeviceID: "d", Incarnation: "i", Events: events}
	res, err := Push(context.Background(), tx, "o", "p", req, time.Now())
	if err != nil || len(res.Results) != len(events) {
		t.Fatalf("Push = %d results, %v", len(res.Results), err)
	}
	if tx.calls > 10 {
		t.Fatalf("%d calls for a batch of %d", tx.calls, len(events))
	}
}

// pushOneByOne is the algorithm Push replaced: each event looked up,
// decided and written on its own.
func pushOneByOne(ctx context.Context, tx *fakeTx, ownerID, pointID string, req protocol.PushRequest, now time.Time) (store.PushResult, error) {
	now = Millis(now)
	last, err := tx.LastAcked(ctx, pointID, req.DeviceID, req.Incarnation)
	if err != nil {
		return store.PushResult{}, err
	}
	start := last
	out := store.PushResult{Results: make([]protocol.EventResult, 0, len(req.Events))}
	for _, e := range req.Events {
		key := eventKey(pointID, req, e)
		prev, found := tx.eventResult(ownerID, key)
		if found {
			prev.ID = e.ID
			prev.Status = protocol.StatusDuplicate
			out.Results = append(out.Results, prev)
			if e.ClientSeq == last+1 {
				last = e.ClientSeq
			}
			continue
		}
		if e.ClientSeq <= last {
			return store.PushResult{}, fmt.Errorf("%w: client_seq %d", store.ErrIncarnationConflict, e.ClientSeq)
		}
		if e.ClientSeq > last+1 {
			break
		}
		res, err := applyOne(ctx, tx, ownerID, pointID, req, key, e, now)
		if err != nil {
			return store.PushResult{}, err
		}
		out.Results = append(out.Results, res)
		last = e.ClientSeq
	}
	if last != start {
		if err := tx.SetLastAcked(ctx, pointID, req.DeviceID, req.Incarnation, last, now); err != nil {
			return store.PushResult{}, err
		}
	}
	out.LastAcked = last
	return out, nil
}

func applyOne(ctx context.Context, tx *fakeTx, ownerID, pointID string, req protocol.PushRequest, key string, e protocol.Event, now time.Time) (protocol.EventResult, error) {
	stored := StoredEvent{
		OwnerID: ownerID, Key: key, PointID: pointID, DeviceID: req.DeviceID, Incarnation: req.Incarnation,
		Event: e, ReceivedAt: now,
	}
	if code, msg := protocol.CheckEvent(e); code != "" {
		stored.Status, stored.Code, stored.Message = protocol.StatusRejected, code, msg
		stored.Event.Kind = Clean(e.Kind, protocol.MaxKindLength)
		stored.Event.Entity = Clean(e.Entity, protocol.MaxEntityLength)
		if len(e.Payload) > protocol.MaxEventPayload {
			stored.Event.Payload = nil
		}
		tx.insertEvent(stored)
		return protocol.EventResult{ID: e.ID, Status: protocol.StatusRejected, Code: code, Message: msg}, nil
	}
	seq, err := tx.NextServerSeq(ctx, ownerID)
	if err != nil {
		return protocol.EventResult{}, err
	}
	stored.Status, stored.ServerSeq = protocol.StatusApplied, seq
	var exceptions []store.Exception
	if status := parcelStatus(e.Kind); status != "" {
		prev, found := tx.parcels[ownerID+"|"+e.Entity]
		if found && prev.PointID != pointID {
			x, err := conflict(ownerID, pointID, e, status, prev, now)
			if err != nil {
				return protocol.EventResult{}, err
			}
			if x != nil {
				exceptions = append(exceptions, *x)
			}
		}
		tx.parcels[ownerID+"|"+e.Entity] = Parcel{Entity: e.Entity, PointID: pointID, Status: status, LastEvent: e.ID}
	}
	for _, x := range exceptions {
		stored.Warnings = append(stored.Warnings, x.Kind)
	}
	tx.insertEvent(stored)
	if strings.HasPrefix(e.Kind, LoyaltyPrefix) {
		data, err := json.Marshal(EventData{EventID: e.ID, ServerSeq: seq, OccurredAt: e.OccurredAt, ClerkID: e.Clerk, Payload: e.Payload})
		if err != nil {
			return protocol.EventResult{}, err
		}
		c := store.Change{Kind: e.Kind, Entity: e.Entity, Origin: pointID, At: Millis(e.OccurredAt), Data: data}
		if _, err := tx.AppendChange(ctx, ownerID, OwnerStream(ownerID), c); err != nil {
			return protocol.EventResult{}, err
		}
	}
	for _, x := range exceptions {
		if err := raise(ctx, tx, pointID, x); err != nil {
			return protocol.EventResult{}, err
		}
	}
	return protocol.EventResult{ID: e.ID, Status: protocol.StatusApplied, ServerSeq: seq, Warnings: stored.Warnings}, nil
}

// fakeTx is an in-memory WriteTx; calls counts the statements an engine
// would run.
type fakeTx struct {
	events     map[string]StoredEvent // owner|key
	devices    map[string]int64
	ownerSeq   map[string]int64
	parcels    map[string]Parcel // owner|entity
	streams    map[string][]store.Change
	exceptions []store.Exception
	calls      int
	balances   map[string]CardBalance // owner|card (overdrawn_test.go)
}

func newFakeTx() *fakeTx {
	return &fakeTx{events: map[string]StoredEvent{}, devices: map[string]int64{}, ownerSeq: map[string]int64{},
		parcels: map[string]Parcel{}, streams: map[string][]store.Change{}}
}

func (f *fakeTx) clone() *fakeTx {
	c := &fakeTx{events: maps.Clone(f.events), devices: maps.Clone(f.devices), ownerSeq: maps.Clone(f.ownerSeq),
		parcels: maps.Clone(f.parcels), streams: map[string][]store.Change{}, exceptions: slices.Clone(f.exceptions), balances: maps.Clone(f.balances)}
	for k, v := range f.streams {
		c.streams[k] = slices.Clone(v)
	}
	return c
}

// diff compares two stores, exception ids aside (they are random).
func (f *fakeTx) diff(g *fakeTx) string {
	strip := func(x *fakeTx) (any, any, any) {
		xs := slices.Clone(x.exceptions)
		for i := range xs {
			xs[i].ID = ""
		}
		streams := map[string][]store.Change{}
		for k, cs := range x.streams {
			for _, c := range cs {
				if c.Kind == KindExceptionRaised {
					var d ExceptionData
					_ = json.Unmarshal(c.Data, &d)
					d.ID = ""
					c.Data, _ = json.Marshal(d)
				}
				streams[k] = append(streams[k], c)
			}
		}
		return xs, streams, nil
	}
	fx, fs, _ := strip(f)
	gx, gs, _ := strip(g)
	switch {
	case !reflect.DeepEqual(f.events, g.events):
		return fmt.Sprintf("events\n%+v\n%+v", f.events, g.events)
	case !reflect.DeepEqual(f.devices, g.devices):
		return fmt.Sprintf("devices %v %v", f.devices, g.devices)
	case !reflect.DeepEqual(f.ownerSeq, g.ownerSeq):
		return fmt.Sprintf("owner seqs %v %v", f.ownerSeq, g.ownerSeq)
	case !reflect.DeepEqual(f.parcels, g.parcels):
		return fmt.Sprintf("parcels %v %v", f.parcels, g.parcels)
	case !reflect.DeepEqual(fx, gx):
		return fmt.Sprintf("exceptions %+v %+v", fx, gx)
	case !reflect.DeepEqual(fs, gs):
		return fmt.Sprintf("streams %+v %+v", fs, gs)
	}
	return ""
}

func (f *fakeTx) eventResult(ownerID, key string) (protocol.EventResult, bool) {
	e, ok := f.events[ownerID+"|"+key]
	if !ok {
		return protocol.EventResult{}, false
	}
	r := protocol.EventResult{Status: e.Status, Code: e.Code, Message: e.Message, ServerSeq: e.ServerSeq}
	if len(e.Warnings) > 0 {
		r.Warnings = slices.Clone(e.Warnings)
	}
	return r, true
}

func (f *fakeTx) insertEvent(e StoredEvent) {
	k := e.OwnerID + "|" + e.Key
	if _, dup := f.events[k]; dup {
		panic("event stored twice: " + k)
	}
	e.Warnings = slices.Clone(e.Warnings)
	f.events[k] = e
}

func (f *fakeTx) EventResults(_ context.Context, ownerID string, keys []string) (map[string]protocol.EventResult, error) {
	f.calls++
	out := map[string]protocol.EventResult{}
	for _, k := range keys {
		if r, ok := f.eventResult(ownerID, k); ok {
			out[k] = r
		}
	}
	return out, nil
}

func (f *fakeTx) LastAcked(_ context.Context, pointID, deviceID, incarnation string) (int64, error) {
	f.calls++
	return f.devices[pointID+"|"+deviceID+"|"+incarnation], nil
}

func (f *fakeTx) SetLastAcked(_ context.Context, pointID, deviceID, incarnation string, lastAcked int64, _ time.Time) error {
	f.calls++
	f.devices[pointID+"|"+deviceID+"|"+incarnation] = lastAcked
	return nil
}

func (f *fakeTx) NextServerSeq(ctx context.Context, ownerID string) (int64, error) {
	return f.TakeServerSeqs(ctx, ownerID, 1)
}

func (f *fakeTx) TakeServerSeqs(_ context.Context, ownerID string, n int) (int64, error) {
	f.calls++
	f.ownerSeq[ownerID] += int64(n)
	return f.ownerSeq[ownerID], nil
}

func (f *fakeTx) InsertEvents(_ context.Context, events []StoredEvent) error {
	f.calls++
	for _, e := range events {
		f.insertEvent(e)
	}
	return nil
}

func (f *fakeTx) Parcels(_ context.Context, ownerID string, entities []string) (map[string]Parcel, error) {
	f.calls++
	out := map[string]Parcel{}
	for _, e := range entities {
		if p, ok := f.parcels[ownerID+"|"+e]; ok {
			out[e] = p
		}
	}
	return out, nil
}

func (f *fakeTx) PutParcels(_ context.Context, ownerID string, ps []Parcel, _ time.Time) error {
	f.calls++
	seen := map[string]bool{}
	for _, p := range ps {
		if seen[p.Entity] {
			return errors.New("PutParcels: an entity twice")
		}
		seen[p.Entity] = true
		f.parcels[ownerID+"|"+p.Entity] = p
	}
	return nil
}

func (f *fakeTx) InsertException(_ context.Context, x store.Exception) error {
	f.calls++
	f.exceptions = append(f.exceptions, x)
	return nil
}

func (f *fakeTx) AppendChange(ctx context.Context, ownerID, stream string, c store.Change) (int64, error) {
	return f.AppendChanges(ctx, ownerID, stream, []store.Change{c})
}

func (f *fakeTx) AppendChanges(_ context.Context, _, stream string, cs []store.Change) (int64, error) {
	f.calls++
	for _, c := range cs {
		c.Seq = int64(len(f.streams[stream]) + 1)
		f.streams[stream] = append(f.streams[stream], c)
	}
	return int64(len(f.streams[stream])), nil
}
