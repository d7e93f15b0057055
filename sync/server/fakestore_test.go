package server

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// fakeStore is a small in-memory store.Store for the handler tests, with
// the semantics store.go documents: events once per owner by event id, in
// client_seq order per (point, device, incarnation), rejected events
// advancing LastAcked, a gap stopping the batch; every applied event
// with a loyalty kind goes to its owner's stream, which a point pulls
// without its own changes; cursors are "<epoch>.<seq>".
type fakeStore struct {
	mu         sync.Mutex
	epoch      int
	ids        int
	owners     map[string]store.Owner
	points     map[string]store.Point
	acts       []*fakeActivation
	tokens     map[string]store.Token
	devices    map[[3]string]int64             // (point, device, incarnation) → last acked
	seqs       map[[4]string]string            // (point, device, incarnation, seq) → event id
	results    map[string]protocol.EventResult // owner + "/" + event id → first result
	streams    map[string][]protocol.Change    // "point:<id>" or "owner:<id>"
	serverSeq  map[string]int64                // per owner
	closed     bool
	exceptions []store.Exception
}

type fakeActivation struct {
	hash    string
	pointID string
	expires time.Time
	used    bool
}

func newFakeStore(*testing.T) store.Store {
	return &fakeStore{
		epoch:     1,
		owners:    map[string]store.Owner{},
		points:    map[string]store.Point{},
		tokens:    map[string]store.Token{},
		devices:   map[[3]string]int64{},
		seqs:      map[[4]string]string{},
		results:   map[string]protocol.EventResult{},
		streams:   map[string][]protocol.Change{},
		serverSeq: map[string]int64{},
	}
}

func (f *fakeStore) newID(prefix string) string {
	f.ids++
	return fmt.Sprintf("%s%d", prefix, f.ids)
}

func (f *fakeStore) epochLocked() string { return "ep" + strconv.Itoa(f.epoch) }

func (f *fakeStore) Epoch(context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.epochLocked(), nil
}

func (f *fakeStore) RotateEpoch(context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.epoch++
	return f.epochLocked(), nil
}

func (f *fakeStore) CreateOwner(_ context.Context, name string) (store.Owner, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := store.Owner{ID: f.newID("own"), Name: name, CreatedAt: time.Now()}
	f.owners[o.ID] = o
	return o, nil
}

func (f *fakeStore) CreatePoint(_ context.Context, ownerID, name string) (store.Point, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.owners[ownerID]; !ok {
		return store.Point{}, store.ErrNotFound
	}
	p := store.Point{ID: f.newID("pt"), OwnerID: ownerID, Name: name}
	f.points[p.ID] = p
	return p, nil
}

func (f *fakeStore) Point(_ context.Context, id string) (store.Point, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.points[id]
	if !ok {
		return store.Point{}, store.ErrNotFound
	}
	return p, nil
}

func (f *fakeStore) AddActivation(_ context.Context, pointID, hash string, expires time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.points[pointID]; !ok {
		return store.ErrNotFound
	}
	f.acts = append(f.acts, &fakeActivation{hash: hash, pointID: pointID, expires: expires})
	return nil
}

func (f *fakeStore) Activate(_ context.Context, verify func(string) bool, deviceID string, tokens []store.Token, now time.Time) (store.Point, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.acts {
		if a.used || !now.Before(a.expires) || !verify(a.hash) {
			continue
		}
		a.used = true
		p := f.points[a.pointID]
		p.DeviceID, p.RegisteredAt = deviceID, now
		f.points[p.ID] = p
		for _, t := range tokens {
			t.PointID, t.OwnerID = p.ID, p.OwnerID
			f.tokens[t.ID] = t
		}
		return p, nil
	}
	return store.Point{}, store.ErrActivationInvalid
}

func (f *fakeStore) PutToken(_ context.Context, t store.Token) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens[t.ID] = t
	return nil
}

func (f *fakeStore) TokenByID(_ context.Context, id string) (store.Token, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.tokens[id]
	if !ok {
		return store.Token{}, store.ErrNotFound
	}
	return t, nil
}

func (f *fakeStore) RevokeToken(_ context.Context, id string, at time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.tokens[id]
	if !ok {
		return store.ErrNotFound
	}
	t.RevokedAt = at
	f.tokens[id] = t
	return nil
}

func (f *fakeStore) Device(_ context.Context, pointID, deviceID, incarnation string) (store.Device, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return store.Device{PointID: pointID, DeviceID: deviceID, Incarnation: incarnation,
		LastAcked: f.devices[[3]string{pointID, deviceID, incarnation}]}, nil
}

func (f *fakeStore) Push(_ context.Context, pointID string, req protocol.PushRequest, now time.Time) (store.PushResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.points[pointID]
	if !ok {
		return store.PushResult{}, store.ErrNotFound
	}
	dev := [3]string{pointID, req.DeviceID, req.Incarnation}
	last := f.devices[dev]
	var out store.PushResult
	for _, e := range req.Events {
		key := p.OwnerID + "/" + e.ID
		seqKey := [4]string{dev[0], dev[1], dev[2], strconv.FormatInt(e.ClientSeq, 10)}
		if r, ok := f.results[key]; ok {
			r.Status = protocol.StatusDuplicate
			out.Results = append(out.Results, r)
			continue
		}
		if e.ClientSeq <= last {
			if f.seqs[seqKey] != e.ID {
				return store.PushResult{}, store.ErrIncarnationConflict
			}
			continue
		}
		if e.ClientSeq > last+1 {
			break // a gap: the rest is sent again
		}
		r := protocol.EventResult{ID: e.ID, Status: protocol.StatusApplied}
		if code, msg := protocol.CheckEvent(e); code != "" {
			r = protocol.EventResult{ID: e.ID, Status: protocol.StatusRejected, Code: code, Message: msg}
		} else {
			f.serverSeq[p.OwnerID]++
			r.ServerSeq = f.serverSeq[p.OwnerID]
			if strings.HasPrefix(e.Kind, "loyalty.") {
				s := "owner:" + p.OwnerID
				f.streams[s] = append(f.streams[s], protocol.Change{Seq: int64(len(f.streams[s]) + 1), Kind: e.Kind,
					Entity: e.Entity, Origin: pointID, At: now, Data: e.Payload})
			}
		}
		f.results[key] = r
		f.seqs[seqKey] = e.ID
		last = e.ClientSeq
		out.Results = append(out.Results, r)
	}
	f.devices[dev] = last
	out.LastAcked = last
	return out, nil
}

func (f *fakeStore) Pull(_ context.Context, pointID, stream, cursor string, limit int) (protocol.PullResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.points[pointID]
	if !ok {
		return protocol.PullResponse{}, store.ErrNotFound
	}
	key := "point:" + p.ID
	if stream == protocol.StreamOwner {
		key = "owner:" + p.OwnerID
	}
	all := f.streams[key]
	after := 0
	if cursor != "" {
		ep, n, _ := strings.Cut(cursor, ".")
		seq, err := strconv.Atoi(n)
		if ep != f.epochLocked() || err != nil || seq > len(all) {
			return protocol.PullResponse{}, &protocol.Error{Code: protocol.ErrReset,
				Message: "the stream changed; pull it again from the start", Epoch: f.epochLocked()}
		}
		after = seq
	}
	// The owner stream leaves out what the pulling point sent itself.
	res := protocol.PullResponse{Epoch: f.epochLocked(), Stream: stream, Changes: []protocol.Change{}}
	end := after
	for _, c := range all[after:] {
		if len(res.Changes) == limit {
			res.HasMore = true
			break
		}
		end = int(c.Seq)
		if stream == protocol.StreamOwner && c.Origin == pointID {
			continue
		}
		res.Changes = append(res.Changes, c)
	}
	if !res.HasMore {
		end = len(all)
	}
	res.NextCursor = f.epochLocked() + "." + strconv.Itoa(end)
	return res, nil
}

func (f *fakeStore) Exceptions(_ context.Context, ownerID string, since time.Time) ([]store.Exception, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []store.Exception
	for _, e := range f.exceptions {
		if e.OwnerID == ownerID && !e.RaisedAt.Before(since) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (f *fakeStore) Ping(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return fmt.Errorf("closed")
	}
	return nil
}

func (f *fakeStore) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}

// hookStore wraps a store (the fake or a real one) to hold a push or
// fail a ping when a test says so.
type hookStore struct {
	store.Store
	beforePush func()
	ping       func() error
}

func (h *hookStore) Push(ctx context.Context, pointID string, req protocol.PushRequest, now time.Time) (store.PushResult, error) {
	if h.beforePush != nil {
		h.beforePush()
	}
	return h.Store.Push(ctx, pointID, req, now)
}

func (h *hookStore) Ping(ctx context.Context) error {
	if h.ping != nil {
		if err := h.ping(); err != nil {
			return err
		}
	}
	return h.Store.Ping(ctx)
}
