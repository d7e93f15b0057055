package core

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// Push applies one batch of a point inside tx (research/sync.md §2.2).
// For each event, in order:
//
//   - an event key the owner already has → StatusDuplicate with the
//     stored result (and LastAcked moves on if this is the next seq: a
//     new incarnation re-pushing events the server holds);
//   - a new key at a client_seq already acknowledged → another event
//     took that seq: ErrIncarnationConflict, and the caller rolls the
//     whole batch back;
//   - a client_seq past LastAcked+1 → a gap: stop, the prefix so far is
//     the answer;
//   - otherwise protocol.CheckEvent rejects it (recorded, LastAcked
//     moves on) or it is applied: server_seq, projections, streams.
//
// The batch is decided first, in memory, from one lookup of every key
// it carries (an event id repeated inside the batch is a duplicate of
// its first occurrence, as if that had been stored already); then the
// applied events take their server_seqs in one go, the parcel
// projection is read and written once for all of them, and the events,
// the stream changes and the device's place are written a statement per
// table, not per event. The outcome is what applying the events one by
// one would give.
func Push(ctx context.Context, tx WriteTx, ownerID, pointID string, req protocol.PushRequest, now time.Time) (store.PushResult, error) {
	now = Millis(now)
	last, err := tx.LastAcked(ctx, pointID, req.DeviceID, req.Incarnation)
	if err != nil {
		return store.PushResult{}, err
	}
	start := last
	keys := make([]string, len(req.Events))
	for i, e := range req.Events {
		keys[i] = eventKey(pointID, req, e)
	}
	known, err := tx.EventResults(ctx, ownerID, keys)
	if err != nil {
		return store.PushResult{}, err
	}

	// Decide every event, in order, without writing anything.
	steps := make([]step, 0, len(req.Events))
	inBatch := map[string]int{} // key → the step that records it
	applied := 0
	for i, e := range req.Events {
		key := keys[i]
		if prev, found := known[key]; found {
			steps = append(steps, step{kind: stepDuplicate, event: e, prev: prev, of: -1})
			if e.ClientSeq == last+1 {
				last = e.ClientSeq
			}
			continue
		}
		if j, found := inBatch[key]; found {
			steps = append(steps, step{kind: stepDuplicate, event: e, of: j})
			if e.ClientSeq == last+1 {
				last = e.ClientSeq
			}
			continue
		}
		if e.ClientSeq <= last {
			return store.PushResult{}, fmt.Errorf("%w: client_seq %d of device %s incarnation %s was acknowledged for another event than %q",
				store.ErrIncarnationConflict, e.ClientSeq, req.DeviceID, req.Incarnation, e.ID)
		}
		if e.ClientSeq > last+1 {
			break
		}
		st := step{kind: stepApplied, event: e, of: -1, stored: StoredEvent{
			OwnerID: ownerID, Key: key, PointID: pointID, DeviceID: req.DeviceID, Incarnation: req.Incarnation,
			Event: e, ReceivedAt: now, Status: protocol.StatusApplied,
		}}
		if code, msg := protocol.CheckEvent(e); code != "" {
			st.kind = stepRejected
			st.stored.Status, st.stored.Code, st.stored.Message = protocol.StatusRejected, code, msg
			// What failed the check is kept only as far as it is storable text.
			st.stored.Event.Kind = Clean(e.Kind, protocol.MaxKindLength)
			st.stored.Event.Entity = Clean(e.Entity, protocol.MaxEntityLength)
			if len(e.Payload) > protocol.MaxEventPayload {
				st.stored.Event.Payload = nil
			}
		} else {
			applied++
		}
		inBatch[key] = len(steps)
		steps = append(steps, st)
		last = e.ClientSeq
	}

	if applied > 0 {
		top, err := tx.TakeServerSeqs(ctx, ownerID, applied)
		if err != nil {
			return store.PushResult{}, err
		}
		seq := top - int64(applied)
		for i := range steps {
			if steps[i].kind == stepApplied {
				seq++
				steps[i].stored.ServerSeq = seq
			}
		}
		if err := projectAll(ctx, tx, ownerID, pointID, steps, now); err != nil {
			return store.PushResult{}, err
		}
		// Card balances and the overdrawn exception (overdrawn.go).
		if err := projectBalances(ctx, tx, ownerID, pointID, steps, now); err != nil {
			return store.PushResult{}, err
		}
	}

	out := store.PushResult{Results: make([]protocol.EventResult, len(steps))}
	var records []StoredEvent
	var loyalty []store.Change
	for i, st := range steps {
		switch st.kind {
		case stepDuplicate:
			prev := st.prev
			if st.of >= 0 {
				prev = steps[st.of].result()
			}
			prev.ID = st.event.ID
			prev.Status = protocol.StatusDuplicate
			out.Results[i] = prev
			continue
		case stepApplied:
			if strings.HasPrefix(st.event.Kind, LoyaltyPrefix) {
				e := st.event
				// validUTF8: json.Valid lets invalid UTF-8 in strings through,
				// which PostgreSQL's json refuses (the whole push failed).
				data, err := json.Marshal(EventData{EventID: e.ID, ServerSeq: st.stored.ServerSeq, OccurredAt: e.OccurredAt, ClerkID: e.Clerk, Payload: validUTF8(e.Payload)})
				if err != nil {
					return store.PushResult{}, err
				}
				loyalty = append(loyalty, store.Change{Kind: e.Kind, Entity: e.Entity, Origin: pointID, At: Millis(e.OccurredAt), Data: data})
			}
		}
		res := st.result()
		res.ID = st.event.ID
		out.Results[i] = res
		records = append(records, st.stored)
	}
	if len(records) > 0 {
		if err := tx.InsertEvents(ctx, records); err != nil {
			return store.PushResult{}, err
		}
	}
	if len(loyalty) > 0 {
		if _, err := tx.AppendChanges(ctx, ownerID, OwnerStream(ownerID), loyalty); err != nil {
			return store.PushResult{}, err
		}
	}
	for _, st := range steps {
		for _, x := range st.raised {
			if err := raise(ctx, tx, pointID, x); err != nil {
				return store.PushResult{}, err
			}
		}
	}
	if last != start {
		if err := tx.SetLastAcked(ctx, pointID, req.DeviceID, req.Incarnation, last, now); err != nil {
			return store.PushResult{}, err
		}
	}
	out.LastAcked = last
	return out, nil
}

const (
	stepDuplicate = iota // the owner has the key (stored, or earlier in this batch)
	stepRejected         // new, refused by CheckEvent: recorded
	stepApplied          // new, applied: recorded with a server_seq
)

// step is what Push decided for one event of the batch.
type step struct {
	kind   int
	event  protocol.Event
	prev   protocol.EventResult // a duplicate of a stored event: its stored result
	of     int                  // a duplicate of an event of this batch: its step, else -1
	stored StoredEvent          // rejected, applied: the record
	raised []store.Exception    // applied: the exceptions it raises
}

// result is the step's result as stored (what a duplicate gets back),
// without the event id.
func (st step) result() protocol.EventResult {
	r := protocol.EventResult{Status: st.stored.Status, ServerSeq: st.stored.ServerSeq, Code: st.stored.Code, Message: st.stored.Message}
	if len(st.stored.Warnings) > 0 {
		r.Warnings = st.stored.Warnings
	}
	return r
}

// parcelStatus is the status a parcel event leaves its parcel in, "" for
// other kinds.
func parcelStatus(kind string) string {
	switch kind {
	case KindParcelAccepted:
		return ParcelAccepted
	case KindParcelIssued:
		return ParcelIssued
	case KindParcelReturned:
		return ParcelReturned
	}
	return ""
}

// projectAll updates the parcel projection with the applied events, in
// order, and notes on each the exceptions it raises (research/sync.md
// §2.6 a): the event is a physical fact, so it is applied either way;
// the conflict is surfaced, not decided. The rows are read once and
// written once, each in its final state.
func projectAll(ctx context.Context, tx WriteTx, ownerID, pointID string, steps []step, now time.Time) error {
	var entities []string
	seen := map[string]bool{}
	for _, st := range steps {
		if st.kind == stepApplied && parcelStatus(st.event.Kind) != "" && !seen[st.event.Entity] {
			seen[st.event.Entity] = true
			entities = append(entities, st.event.Entity)
		}
	}
	if len(entities) == 0 {
		return nil
	}
	parcels, err := tx.Parcels(ctx, ownerID, entities)
	if err != nil {
		return err
	}
	if parcels == nil {
		parcels = map[string]Parcel{}
	}
	for i := range steps {
		st := &steps[i]
		status := parcelStatus(st.event.Kind)
		if st.kind != stepApplied || status == "" {
			continue
		}
		e := st.event
		prev, found := parcels[e.Entity]
		if found && prev.PointID != pointID {
			x, err := conflict(ownerID, pointID, e, status, prev, now)
			if err != nil {
				return err
			}
			if x != nil {
				st.raised = append(st.raised, *x)
				st.stored.Warnings = append(st.stored.Warnings, x.Kind)
			}
		}
		parcels[e.Entity] = Parcel{Entity: e.Entity, PointID: pointID, Status: status, LastEvent: e.ID}
	}
	out := make([]Parcel, len(entities))
	for i, ent := range entities {
		out[i] = parcels[ent]
	}
	return tx.PutParcels(ctx, ownerID, out, now)
}

// conflict is the exception an event raises about a parcel last seen at
// another point, nil when none.
func conflict(ownerID, pointID string, e protocol.Event, status string, prev Parcel, now time.Time) (*store.Exception, error) {
	var kind string
	switch {
	case status == ParcelAccepted && prev.Status == ParcelAccepted:
		kind = protocol.WarnLocationConflict // in custody at another point
	case status == ParcelIssued && prev.Status == ParcelIssued:
		kind = protocol.WarnDoubleIssue // already handed over at another point
	default:
		return nil, nil
	}
	detail, err := json.Marshal(map[string]string{
		"status_before": prev.Status, "point_before": prev.PointID, "event_before": prev.LastEvent,
		"point": pointID, "event": e.ID, "kind": e.Kind,
	})
	if err != nil {
		return nil, err
	}
	return &store.Exception{
		ID: NewID(), OwnerID: ownerID, Kind: kind, Entity: e.Entity,
		Points: []string{prev.PointID, pointID}, Events: []string{prev.LastEvent, e.ID},
		RaisedAt: now, Detail: detail,
	}, nil
}

// eventKey is the id the event is stored under. A malformed id (empty,
// too long, not printable ASCII) cannot be one: such an event is stored
// under a stand-in made of its device, incarnation and seq, which no
// valid id can equal (it has spaces), so a retry of it is a duplicate.
func eventKey(pointID string, req protocol.PushRequest, e protocol.Event) string {
	if validID(e.ID) {
		return e.ID
	}
	return "malformed " + pointID + " " + req.DeviceID + " " + req.Incarnation + " " + strconv.FormatInt(e.ClientSeq, 10)
}

func validID(s string) bool {
	if s == "" || len(s) > protocol.MaxIDLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

// raise records an exception and puts it on the stream of every point
// involved.
func raise(ctx context.Context, tx WriteTx, originPoint string, x store.Exception) error {
	if err := tx.InsertException(ctx, x); err != nil {
		return err
	}
	data, err := json.Marshal(ExceptionData{ID: x.ID, Kind: x.Kind, Entity: x.Entity, Points: x.Points, Events: x.Events, RaisedAt: x.RaisedAt, Detail: x.Detail})
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, p := range x.Points {
		if seen[p] {
			continue
		}
		seen[p] = true
		c := store.Change{Kind: KindExceptionRaised, Entity: x.Entity, Origin: originPoint, At: x.RaisedAt, Data: data}
		if _, err := tx.AppendChanges(ctx, x.OwnerID, PointStream(p), []store.Change{c}); err != nil {
			return err
		}
	}
	return nil
}
