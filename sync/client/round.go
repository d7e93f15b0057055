package client

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/sync/protocol"
)

const (
	maxBatch    = protocol.MaxBatchEvents
	maxPull     = protocol.MaxPullLimit
	defaultPull = protocol.DefaultPull
	// envelope is room left in a push body for everything but the events.
	envelope = 1 << 10
	// maxResets bounds how often one stream may be reset in a round (a
	// server that keeps answering reset must not loop the client).
	maxResets = 2
)

// RoundResult is what one round did.
type RoundResult struct {
	Applied    int `json:"applied"`    // events the cloud took for the first time
	Duplicates int `json:"duplicates"` // events it already had (an answer got lost): acknowledged
	Rejected   int `json:"rejected"`   // events it refused for good (see Problems)
	Batches    int `json:"batches"`
	Pulled     int `json:"pulled"` // changes received, all streams
	// Resets are the streams the server reset (it was restored): pulled
	// again from the start.
	Resets []string `json:"resets,omitempty"`
	// Rotated: the database was found restored or copied and started a
	// new incarnation, pushing its events again.
	Rotated   bool  `json:"rotated"`
	Refreshed bool  `json:"refreshed"` // the access token was renewed
	Waiting   int64 `json:"waiting"`   // events still unacknowledged afterwards
}

// Pushed is how many events the cloud acknowledged in the round.
func (r RoundResult) Pushed() int { return r.Applied + r.Duplicates + r.Rejected }

// Round runs one full sync now: hello, push the outbox, pull every
// stream. It waits for a running round to end first.
func (c *Client) Round(ctx context.Context) (RoundResult, error) {
	c.round.Lock()
	defer c.round.Unlock()
	c.update(func(s *Status) { s.Syncing = true })
	var res RoundResult
	st, err := c.doRound(ctx, &res)
	if c.opt.Apply != nil && st != nil && st.registered() && ctx.Err() == nil {
		if e := c.opt.Apply(ctx); e != nil {
			c.log.Warn("sync: apply pulled changes", "err", e)
		}
	}
	now := c.opt.Clock.Now()
	if err == nil {
		err = local(c.db.Tx(ctx, func(tx *sql.Tx) error {
			return put(tx, keyLastSync, i64(now.UnixMilli()), keyLastAttempt, i64(now.UnixMilli()), keyLastError, "")
		}))
		st.lastSync = now
	} else if ctx.Err() == nil {
		// Kept for the next client on this database (best effort: the
		// database may be what failed).
		if e := c.db.Tx(ctx, func(tx *sql.Tx) error {
			return put(tx, keyLastAttempt, i64(now.UnixMilli()), keyLastError, encodeError(err))
		}); e != nil {
			c.log.Debug("sync: keep the round's error", "err", e)
		}
	}
	if st != nil {
		if e := c.refreshCounts(context.WithoutCancel(ctx), st); e != nil && err == nil {
			err = e
		}
	}
	res.Waiting = c.Status().Waiting
	cancelled := ctx.Err() != nil
	c.update(func(s *Status) {
		s.Syncing = false
		switch {
		case err == nil:
			s.Online, s.LastError, s.LastSync, s.NextTry = true, nil, now, time.Time{}
		case !cancelled:
			s.Online, s.LastError = false, err
		}
	})
	if err != nil {
		switch {
		case cancelled:
		case errs.Has(err, ErrProtocol), errs.Has(err, ErrLocal), errs.Has(err, ErrConflict):
			c.log.Warn("sync: round failed", "err", err)
		default: // offline, busy, not registered …: the status shows it
			c.log.Info("sync: round failed", "err", err)
		}
		return res, err
	}
	c.log.Info("sync: round", "applied", res.Applied, "duplicates", res.Duplicates, "rejected", res.Rejected,
		"pulled", res.Pulled, "waiting", res.Waiting, "rotated", res.Rotated)
	return res, nil
}

func (c *Client) doRound(ctx context.Context, res *RoundResult) (*state, error) {
	st, err := loadState(ctx, c.db)
	if err != nil {
		return nil, err
	}
	if !st.registered() || c.serverURL(st) == "" {
		return st, errs.New(ErrNotRegistered)
	}
	hr, err := c.hello(ctx, st, res)
	if err != nil {
		return st, err
	}
	if err := c.push(ctx, st, res); err != nil {
		return st, err
	}
	streams := hr.Streams
	if len(streams) == 0 {
		streams = []string{protocol.StreamPoint, protocol.StreamOwner}
	}
	for _, s := range streams {
		if err := c.pull(ctx, st, res, s, hr.Epoch); err != nil {
			return st, err
		}
	}
	return st, nil
}

// hello opens the round. A server that holds more of this incarnation
// than the database has events means the database went back in time
// (restored from a backup, or an old copy): a new incarnation starts and
// everything is pushed again. A server that holds less (it was restored)
// gets everything after what it holds again.
func (c *Client) hello(ctx context.Context, st *state, res *RoundResult) (protocol.HelloResponse, error) {
	var hr protocol.HelloResponse
	top, err := maxSeq(ctx, c.db)
	if err != nil {
		return hr, err
	}
	err = c.call(ctx, st, res, request{method: http.MethodPost, path: protocol.PathHello, body: protocol.HelloRequest{
		Protocol:     protocol.Version,
		AppVersion:   c.appVersion(),
		DeviceID:     st.deviceID,
		Incarnation:  st.incarnation,
		MaxClientSeq: top,
		Epochs:       st.epochs(),
	}}, &hr)
	if err != nil {
		return hr, err
	}
	if hr.MinProtocol > protocol.Version {
		return hr, errs.New(ErrUpdateNeeded, "Version", hr.MinProtocol)
	}
	if !hr.ServerTime.IsZero() {
		skew := hr.ServerTime.Sub(c.opt.Clock.Now()).Round(time.Second)
		c.update(func(s *Status) { s.ClockSkew = skew })
	}
	serverAcked := hr.LastAcked
	if serverAcked > top {
		c.log.Warn("sync: the server holds more events of this database than it has: restored or copied",
			"server_acked", serverAcked, "local_max", top)
		if err := c.rotate(ctx, st, res); err != nil {
			return hr, err
		}
		serverAcked = 0
	}
	kv := []string{keyServerEpoch, hr.Epoch}
	if serverAcked < st.lastAcked {
		c.log.Warn("sync: the server holds fewer events than it acknowledged: pushing them again",
			"server_acked", serverAcked, "local_acked", st.lastAcked)
		st.lastAcked = serverAcked
		kv = append(kv, keyLastAcked, i64(serverAcked))
	}
	st.serverEpoch = hr.Epoch
	if err := local(c.db.Tx(ctx, func(tx *sql.Tx) error { return put(tx, kv...) })); err != nil {
		return hr, err
	}
	// A new epoch: the server was restored; what was pulled under the old
	// one is pulled again from the start.
	for _, name := range slices.Sorted(maps.Keys(st.streams)) {
		if e := st.streams[name].Epoch; e != "" && hr.Epoch != "" && e != hr.Epoch {
			c.log.Warn("sync: the server's epoch changed: pulling the stream again", "stream", name)
			if err := c.resetStream(ctx, st, res, name, hr.Epoch); err != nil {
				return hr, err
			}
		}
	}
	return hr, nil
}

// rotate starts a new incarnation: a new sequence space on the server,
// into which every event the database holds is pushed again.
func (c *Client) rotate(ctx context.Context, st *state, res *RoundResult) error {
	inc := c.ids.New()
	if err := c.db.Tx(ctx, func(tx *sql.Tx) error {
		return put(tx, keyIncarnation, inc, keyLastAcked, "0")
	}); err != nil {
		return local(err)
	}
	c.log.Warn("sync: new incarnation", "old", st.incarnation, "new", inc)
	st.incarnation, st.lastAcked = inc, 0
	res.Rotated = true
	return nil
}

// push sends the outbox after the last acknowledged event in batches, one
// at a time, in order, and records each event's result.
func (c *Client) push(ctx context.Context, st *state, res *RoundResult) error {
	rotated := res.Rotated
	stalled := false
	for {
		evs, err := c.svc.Events(ctx, st.lastAcked, c.opt.PushBatch)
		if err != nil {
			return local(err)
		}
		if len(evs) == 0 {
			return nil
		}
		batch := c.batch(evs)
		var pr protocol.PushResponse
		err = c.call(ctx, st, res, request{method: http.MethodPost, path: protocol.PathPush, body: protocol.PushRequest{
			Protocol:    protocol.Version,
			DeviceID:    st.deviceID,
			Incarnation: st.incarnation,
			BatchID:     c.ids.New(),
			Events:      batch,
		}}, &pr, protocol.ErrIncarnationConflict)
		if serverCode(err) == protocol.ErrIncarnationConflict {
			// Another database pushes as this one (a copy), or this one
			// was restored and wrote new events over acknowledged numbers.
			if rotated {
				return typed(err)
			}
			c.log.Warn("sync: incarnation conflict: another copy of this database pushes too", "seq", batch[0].ClientSeq)
			if err := c.rotate(ctx, st, res); err != nil {
				return err
			}
			rotated = true
			continue
		}
		if err != nil {
			return err
		}
		res.Batches++
		n := len(pr.Results)
		if n > len(batch) {
			return protocolErr("push: %d results for %d events", n, len(batch))
		}
		if n == 0 {
			// The server looked at nothing: it stands before this batch
			// (it lost events) — once — or something is wrong.
			if !stalled && pr.LastAcked < st.lastAcked {
				stalled = true
				st.lastAcked = pr.LastAcked
				if err := c.db.Tx(ctx, func(tx *sql.Tx) error { return put(tx, keyLastAcked, i64(pr.LastAcked)) }); err != nil {
					return local(err)
				}
				continue
			}
			return protocolErr("push: the server took no event (it stands at %d, the batch starts at %d)", pr.LastAcked, batch[0].ClientSeq)
		}
		stalled = false
		if err := c.record(ctx, st, res, batch[:n], pr.Results); err != nil {
			return err
		}
		if top, err := maxSeq(ctx, c.db); err == nil {
			c.update(func(s *Status) { s.Waiting = max(top-st.lastAcked, 0) })
		}
	}
}

// record stores a batch's results: the last acknowledged seq and the
// refused events, in one transaction.
func (c *Client) record(ctx context.Context, st *state, res *RoundResult, batch []protocol.Event, results []protocol.EventResult) error {
	var applied, dups, rejected int
	now := c.opt.Clock.Now().UnixMilli()
	last := batch[len(batch)-1].ClientSeq
	err := c.db.Tx(ctx, func(tx *sql.Tx) error {
		for i, r := range results {
			ev := batch[i]
			if r.ID != ev.ID {
				return protocolErr("push: result %d is for event %q, not %q", i, r.ID, ev.ID)
			}
			if len(r.Warnings) > 0 {
				c.log.Info("sync: event applied with warnings", "event", ev.ID, "kind", ev.Kind, "warnings", r.Warnings)
			}
			switch {
			case r.Status == protocol.StatusApplied:
				applied++
				continue
			case r.Status == protocol.StatusDuplicate && r.Code == "":
				dups++
				continue
			case r.Status == protocol.StatusRejected, r.Status == protocol.StatusDuplicate:
				// A duplicate with a code repeats an earlier refusal.
			default:
				return protocolErr("push: unknown status %q", r.Status)
			}
			rejected++
			code := r.Code
			if code == "" {
				code = "unknown"
			}
			if _, err := tx.Exec(`INSERT INTO sync_rejected(event_id, seq, code, message, at) VALUES(?, ?, ?, ?, ?)
				ON CONFLICT(event_id) DO NOTHING`, ev.ID, ev.ClientSeq, code, r.Message, now); err != nil {
				return err
			}
			c.log.Warn("sync: event refused by the server", "event", ev.ID, "seq", ev.ClientSeq, "kind", ev.Kind, "code", code)
		}
		return put(tx, keyLastAcked, i64(last))
	})
	if err != nil {
		if errs.Has(err, ErrProtocol) {
			return err
		}
		return local(err)
	}
	st.lastAcked = last
	res.Applied += applied
	res.Duplicates += dups
	res.Rejected += rejected
	return nil
}

// batch turns the next events into a push batch within the body limit.
func (c *Client) batch(evs []counter.Event) []protocol.Event {
	out := make([]protocol.Event, 0, len(evs))
	size := envelope
	for _, e := range evs {
		pe := wireEvent(e)
		b, err := json.Marshal(pe)
		if err != nil { // cannot happen: wireEvent makes the payload valid JSON
			b = pe.Payload
		}
		if len(out) > 0 && size+len(b)+1 > protocol.MaxBodyBytes {
			break
		}
		size += len(b) + 1
		out = append(out, pe)
	}
	return out
}

// wireEvent is an event of the log as pushed. A payload over the
// protocol's limit is sent as a stand-in of just over the limit, which
// the server refuses alone (too_large) and the event lands in the sync
// problems list; a payload that is not JSON goes as a JSON string.
func wireEvent(e counter.Event) protocol.Event {
	payload := e.Payload
	switch {
	case len(payload) > protocol.MaxEventPayload:
		payload = json.RawMessage(`"` + strings.Repeat("x", protocol.MaxEventPayload-1) + `"`)
	case !json.Valid(payload):
		b, _ := json.Marshal(string(payload))
		payload = b
	}
	return protocol.Event{
		ID:         e.ID,
		ClientSeq:  e.Seq,
		Kind:       e.Kind,
		Entity:     e.Entity,
		OccurredAt: e.At.UTC(),
		Clerk:      e.ClerkID,
		Shift:      e.ShiftID,
		Payload:    payload,
	}
}

// pull reads one stream page by page until the server has no more,
// storing each page with the stream's new cursor and epoch in one
// transaction. A reset (the server's history changed) drops the stream's
// cursor and what was pulled, and starts over.
func (c *Client) pull(ctx context.Context, st *state, res *RoundResult, stream, epoch string) error {
	cur := st.streams[stream]
	if cur.Epoch == "" && cur.Cursor == "" {
		cur.Epoch = epoch
	}
	resets := 0
	for {
		// The epoch travels inside the opaque cursor: the server answers
		// reset to a cursor of another epoch.
		q := url.Values{"stream": {stream}, "limit": {strconv.Itoa(c.opt.PullLimit)}}
		if cur.Cursor != "" {
			q.Set("cursor", cur.Cursor)
		}
		var pr protocol.PullResponse
		err := c.call(ctx, st, res, request{method: http.MethodGet, path: protocol.PathPull, query: q}, &pr, protocol.ErrReset)
		if serverCode(err) == protocol.ErrReset {
			resets++
			if resets > maxResets {
				return protocolErr("pull %s: reset %d times in one round", stream, resets)
			}
			var pe *protocol.Error
			errors.As(err, &pe)
			c.log.Warn("sync: stream reset by the server: pulling it again", "stream", stream, "epoch", pe.Epoch)
			if err := c.resetStream(ctx, st, res, stream, pe.Epoch); err != nil {
				return err
			}
			cur = st.streams[stream]
			continue
		}
		if err != nil {
			return err
		}
		if pr.Stream != "" && pr.Stream != stream {
			return protocolErr("pull %s: the answer is for stream %q", stream, pr.Stream)
		}
		if pr.HasMore && (pr.NextCursor == "" || pr.NextCursor == cur.Cursor) {
			return protocolErr("pull %s: has_more without progress", stream)
		}
		next := cursor{Epoch: cur.Epoch, Cursor: pr.NextCursor}
		if pr.Epoch != "" {
			next.Epoch = pr.Epoch
		}
		if pr.NextCursor == "" {
			next.Cursor = cur.Cursor
		}
		if err := c.storePage(ctx, stream, next, pr.Changes); err != nil {
			return err
		}
		cur = next
		st.streams[stream] = cur
		res.Pulled += len(pr.Changes)
		if !pr.HasMore {
			return nil
		}
	}
}

// resetStream drops a stream's cursor and what was pulled from it: it is
// pulled again from the start (the server's history changed).
func (c *Client) resetStream(ctx context.Context, st *state, res *RoundResult, stream, epoch string) error {
	if err := c.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`DELETE FROM sync_inbox WHERE stream = ?`, stream); err != nil {
			return err
		}
		return put(tx, epochKey(stream), epoch, cursorKey(stream), "")
	}); err != nil {
		return local(err)
	}
	st.streams[stream] = cursor{Epoch: epoch}
	if !slices.Contains(res.Resets, stream) {
		res.Resets = append(res.Resets, stream)
	}
	return nil
}

// storePage keeps a page's changes and the stream's new place together.
func (c *Client) storePage(ctx context.Context, stream string, cur cursor, changes []protocol.Change) error {
	now := c.opt.Clock.Now().UnixMilli()
	return local(c.db.Tx(ctx, func(tx *sql.Tx) error {
		if len(changes) > 0 {
			stmt, err := tx.Prepare(`INSERT INTO sync_inbox(stream, seq, kind, entity, origin, at, data, received_at)
				VALUES(?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT(stream, seq) DO UPDATE SET kind = excluded.kind, entity = excluded.entity,
					origin = excluded.origin, at = excluded.at, data = excluded.data, received_at = excluded.received_at`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for _, ch := range changes {
				data := string(ch.Data)
				if data == "" {
					data = "{}"
				}
				if _, err := stmt.Exec(stream, ch.Seq, ch.Kind, ch.Entity, ch.Origin, ch.At.UnixMilli(), data, now); err != nil {
					return err
				}
			}
		}
		return put(tx, epochKey(stream), cur.Epoch, cursorKey(stream), cur.Cursor)
	}))
}
