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
func Push(ctx context.Context, tx WriteTx, ownerID, pointID string, req protocol.PushRequest, now time.Time) (store.PushResult, error) {
	now = Millis(now)
	last, err := tx.LastAcked(ctx, pointID, req.DeviceID, req.Incarnation)
	if err != nil {
		return store.PushResult{}, err
	}
	start := last
	out := store.PushResult{Results: make([]protocol.EventResult, 0, len(req.Events))}
	for _, e := range req.Events {
		key := eventKey(pointID, req, e)
		prev, found, err := tx.EventResult(ctx, ownerID, key)
		if err != nil {
			return store.PushResult{}, err
		}
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
			return store.PushResult{}, fmt.Errorf("%w: client_seq %d of device %s incarnation %s was acknowledged for another event than %q",
				store.ErrIncarnationConflict, e.ClientSeq, req.DeviceID, req.Incarnation, e.ID)
		}
		if e.ClientSeq > last+1 {
			break
		}
		res, err := apply(ctx, tx, ownerID, pointID, req, key, e, now)
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

func apply(ctx context.Context, tx WriteTx, ownerID, pointID string, req protocol.PushRequest, key string, e protocol.Event, now time.Time) (protocol.EventResult, error) {
	stored := StoredEvent{
		OwnerID: ownerID, Key: key, PointID: pointID, DeviceID: req.DeviceID, Incarnation: req.Incarnation,
		Event: e, ReceivedAt: now,
	}
	if code, msg := protocol.CheckEvent(e); code != "" {
		stored.Status, stored.Code, stored.Message = protocol.StatusRejected, code, msg
		// What failed the check is kept only as far as it is storable text.
		stored.Event.Kind = Clean(e.Kind, protocol.MaxKindLength)
		stored.Event.Entity = Clean(e.Entity, protocol.MaxEntityLength)
		if len(e.Payload) > protocol.MaxEventPayload {
			stored.Event.Payload = nil
		}
		if err := tx.InsertEvent(ctx, stored); err != nil {
			return protocol.EventResult{}, err
		}
		return protocol.EventResult{ID: e.ID, Status: protocol.StatusRejected, Code: code, Message: msg}, nil
	}
	seq, err := tx.NextServerSeq(ctx, ownerID)
	if err != nil {
		return protocol.EventResult{}, err
	}
	stored.Status, stored.ServerSeq = protocol.StatusApplied, seq
	exceptions, err := project(ctx, tx, ownerID, pointID, e, now)
	if err != nil {
		return protocol.EventResult{}, err
	}
	for _, x := range exceptions {
		stored.Warnings = append(stored.Warnings, x.Kind)
	}
	if err := tx.InsertEvent(ctx, stored); err != nil {
		return protocol.EventResult{}, err
	}
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

// project updates the parcel projection and returns the exceptions the
// event raises (research/sync.md §2.6 a): the event is a physical fact,
// so it is applied either way; the conflict is surfaced, not decided.
func project(ctx context.Context, tx WriteTx, ownerID, pointID string, e protocol.Event, now time.Time) ([]store.Exception, error) {
	var status string
	switch e.Kind {
	case KindParcelAccepted:
		status = ParcelAccepted
	case KindParcelIssued:
		status = ParcelIssued
	case KindParcelReturned:
		status = ParcelReturned
	default:
		return nil, nil
	}
	prev, found, err := tx.Parcel(ctx, ownerID, e.Entity)
	if err != nil {
		return nil, err
	}
	var out []store.Exception
	if found && prev.PointID != pointID {
		var kind string
		switch {
		case status == ParcelAccepted && prev.Status == ParcelAccepted:
			kind = protocol.WarnLocationConflict // in custody at another point
		case status == ParcelIssued && prev.Status == ParcelIssued:
			kind = protocol.WarnDoubleIssue // already handed over at another point
		}
		if kind != "" {
			detail, err := json.Marshal(map[string]string{
				"status_before": prev.Status, "point_before": prev.PointID, "event_before": prev.LastEvent,
				"point": pointID, "event": e.ID, "kind": e.Kind,
			})
			if err != nil {
				return nil, err
			}
			out = append(out, store.Exception{
				ID: NewID(), OwnerID: ownerID, Kind: kind, Entity: e.Entity,
				Points: []string{prev.PointID, pointID}, Events: []string{prev.LastEvent, e.ID},
				RaisedAt: now, Detail: detail,
			})
		}
	}
	if err := tx.PutParcel(ctx, ownerID, Parcel{Entity: e.Entity, PointID: pointID, Status: status, LastEvent: e.ID}, now); err != nil {
		return nil, err
	}
	return out, nil
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
		if _, err := tx.AppendChange(ctx, x.OwnerID, PointStream(p), c); err != nil {
			return err
		}
	}
	return nil
}
