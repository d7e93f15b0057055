package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/internal/core"
)

// writeTx is core.WriteTx on a transaction that holds the owner's row
// lock. A push's lookups and writes take the whole batch in one
// statement each (its keys or rows as arrays, unnest), so a batch of 500
// events costs about ten round trips, not thousands; pgx prepares each
// statement once per connection and reuses it.
type writeTx struct{ tx pgx.Tx }

// nullable is v as an array element: nil (NULL) for 0.
func nullable(v int64) *int64 {
	if v == 0 {
		return nil
	}
	return &v
}

// EventResults and Parcels look the batch up with one primary-key probe
// per key (a LATERAL subquery with LIMIT, which the planner keeps whole),
// so a lookup costs the batch's size whatever the statistics say. Written
// as "owner_id = $1 AND event_id = ANY($2)", it is planned on a table not
// analysed yet (a new store's first minute) as a scan of all the owner's
// rows filtered by the array: every push slower than the one before.
func (w writeTx) EventResults(ctx context.Context, ownerID string, keys []string) (map[string]protocol.EventResult, error) {
	rows, err := w.tx.Query(ctx, `SELECT e.event_id, e.status, e.code, e.message, e.server_seq, e.warnings
		FROM unnest($2::text[]) AS k(key), LATERAL (
			SELECT event_id, status, code, message, server_seq, warnings FROM events
			WHERE owner_id = $1 AND event_id = k.key LIMIT 1) AS e`, ownerID, keys)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]protocol.EventResult{}
	for rows.Next() {
		var key string
		var r protocol.EventResult
		var seq *int64
		if err := rows.Scan(&key, &r.Status, &r.Code, &r.Message, &seq, &r.Warnings); err != nil {
			return nil, err
		}
		if seq != nil {
			r.ServerSeq = *seq
		}
		if len(r.Warnings) == 0 {
			r.Warnings = nil
		}
		out[key] = r
	}
	return out, rows.Err()
}

func (w writeTx) LastAcked(ctx context.Context, pointID, deviceID, incarnation string) (int64, error) {
	var n int64
	err := w.tx.QueryRow(ctx, `SELECT last_acked FROM devices WHERE point_id = $1 AND device_id = $2 AND incarnation = $3`,
		pointID, deviceID, incarnation).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return n, err
}

func (w writeTx) SetLastAcked(ctx context.Context, pointID, deviceID, incarnation string, lastAcked int64, now time.Time) error {
	_, err := w.tx.Exec(ctx, `INSERT INTO devices(point_id, device_id, incarnation, last_acked, updated_at) VALUES($1, $2, $3, $4, $5)
		ON CONFLICT (point_id, device_id, incarnation) DO UPDATE SET last_acked = excluded.last_acked, updated_at = excluded.updated_at`,
		pointID, deviceID, incarnation, lastAcked, now)
	return err
}

func (w writeTx) NextServerSeq(ctx context.Context, ownerID string) (int64, error) {
	return w.TakeServerSeqs(ctx, ownerID, 1)
}

func (w writeTx) TakeServerSeqs(ctx context.Context, ownerID string, n int) (int64, error) {
	var seq int64
	err := w.tx.QueryRow(ctx, `UPDATE owners SET seq = seq + $2 WHERE id = $1 RETURNING seq`, ownerID, n).Scan(&seq)
	return seq, err
}

// InsertEvents inserts the batch in one statement: a column a parameter
// (an array), the columns every row shares once. warnings, an array per
// row, travels as a JSON array text.
func (w writeTx) InsertEvents(ctx context.Context, events []core.StoredEvent) error {
	if len(events) == 0 {
		return nil
	}
	n := len(events)
	var (
		keys, kinds, entities, statuses, codes, messages, warnings = make([]string, n), make([]string, n), make([]string, n),
			make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		seqs, clerks, shifts, serverSeqs = make([]int64, n), make([]*int64, n), make([]*int64, n), make([]*int64, n)
		occurred                         = make([]*time.Time, n)
		payloads                         = make([][]byte, n)
	)
	first := events[0]
	for i := range events {
		e := &events[i]
		if e.OwnerID != first.OwnerID || e.PointID != first.PointID || e.DeviceID != first.DeviceID ||
			e.Incarnation != first.Incarnation || !e.ReceivedAt.Equal(first.ReceivedAt) {
			return errors.New("pgstore: InsertEvents of more than one push")
		}
		keys[i], seqs[i], kinds[i], entities[i] = e.Key, e.Event.ClientSeq, e.Event.Kind, e.Event.Entity
		if !e.Event.OccurredAt.IsZero() {
			occurred[i] = &e.Event.OccurredAt
		}
		clerks[i], shifts[i], serverSeqs[i] = nullable(e.Event.Clerk), nullable(e.Event.Shift), nullable(e.ServerSeq)
		if e.Event.Payload != nil {
			payloads[i] = []byte(e.Event.Payload)
		}
		statuses[i], codes[i], messages[i] = e.Status, e.Code, e.Message
		warnings[i] = "[]"
		if len(e.Warnings) > 0 {
			b, err := json.Marshal(e.Warnings)
			if err != nil {
				return err
			}
			warnings[i] = string(b)
		}
	}
	_, err := w.tx.Exec(ctx, `INSERT INTO events(owner_id, event_id, point_id, device_id, incarnation, client_seq, kind, entity,
		occurred_at, received_at, clerk_id, shift_id, payload, status, code, message, server_seq, warnings)
		SELECT $1, u.event_id, $2, $3, $4, u.client_seq, u.kind, u.entity, u.occurred_at, $5, u.clerk_id, u.shift_id, u.payload,
			u.status, u.code, u.message, u.server_seq,
			CASE WHEN u.warnings = '[]' THEN '{}'::text[] ELSE ARRAY(SELECT json_array_elements_text(u.warnings::json)) END
		FROM unnest($6::text[], $7::bigint[], $8::text[], $9::text[], $10::timestamptz[], $11::bigint[], $12::bigint[],
			$13::bytea[], $14::text[], $15::text[], $16::text[], $17::bigint[], $18::text[])
			AS u(event_id, client_seq, kind, entity, occurred_at, clerk_id, shift_id, payload, status, code, message, server_seq, warnings)`,
		first.OwnerID, first.PointID, first.DeviceID, first.Incarnation, first.ReceivedAt,
		keys, seqs, kinds, entities, occurred, clerks, shifts, payloads, statuses, codes, messages, serverSeqs, warnings)
	if err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	// The applied events of the webhook kinds, queued for the delivery
	// worker when the owner has an active webhook, in the batch's order
	// (the outbox's n is the order they are delivered in).
	if hooked := core.WebhookEventKeys(events); len(hooked) > 0 {
		_, err = w.tx.Exec(ctx, `INSERT INTO webhook_outbox(owner_id, event_id)
			SELECT $1, u.key FROM unnest($2::text[]) WITH ORDINALITY AS u(key, i)
			WHERE EXISTS (SELECT 1 FROM webhooks WHERE owner_id = $1 AND disabled_at IS NULL) ORDER BY u.i`, first.OwnerID, hooked)
		if err != nil {
			return fmt.Errorf("queue webhooks: %w", err)
		}
	}
	return nil
}

func (w writeTx) Parcels(ctx context.Context, ownerID string, entities []string) (map[string]core.Parcel, error) {
	rows, err := w.tx.Query(ctx, `SELECT p.entity, p.point_id, p.status, p.last_event
		FROM unnest($2::text[]) AS k(key), LATERAL (
			SELECT entity, point_id, status, last_event FROM parcels
			WHERE owner_id = $1 AND entity = k.key LIMIT 1) AS p`, ownerID, entities)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]core.Parcel{}
	for rows.Next() {
		var p core.Parcel
		if err := rows.Scan(&p.Entity, &p.PointID, &p.Status, &p.LastEvent); err != nil {
			return nil, err
		}
		out[p.Entity] = p
	}
	return out, rows.Err()
}

func (w writeTx) PutParcels(ctx context.Context, ownerID string, ps []core.Parcel, now time.Time) error {
	if len(ps) == 0 {
		return nil
	}
	entities, points, statuses, events := make([]string, len(ps)), make([]string, len(ps)), make([]string, len(ps)), make([]string, len(ps))
	for i, p := range ps {
		entities[i], points[i], statuses[i], events[i] = p.Entity, p.PointID, p.Status, p.LastEvent
	}
	_, err := w.tx.Exec(ctx, `INSERT INTO parcels(owner_id, entity, point_id, status, last_event, updated_at)
		SELECT $1, u.entity, u.point_id, u.status, u.last_event, $2
		FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS u(entity, point_id, status, last_event)
		ON CONFLICT (owner_id, entity) DO UPDATE SET point_id = excluded.point_id, status = excluded.status,
			last_event = excluded.last_event, updated_at = excluded.updated_at`,
		ownerID, now, entities, points, statuses, events)
	return err
}

func (w writeTx) InsertException(ctx context.Context, x store.Exception) error {
	detail := []byte(x.Detail)
	if len(detail) == 0 {
		detail = []byte("{}")
	}
	_, err := w.tx.Exec(ctx, `INSERT INTO exceptions(id, owner_id, kind, entity, points, events, raised_at, detail) VALUES($1, $2, $3, $4, $5, $6, $7, $8)`,
		x.ID, x.OwnerID, x.Kind, x.Entity, x.Points, x.Events, x.RaisedAt, detail)
	return err
}

func (w writeTx) AppendChange(ctx context.Context, ownerID, stream string, c store.Change) (int64, error) {
	return w.AppendChanges(ctx, ownerID, stream, []store.Change{c})
}

// AppendChanges takes the changes' seqs from the stream's head and
// inserts them in one statement (one round trip). The head's upsert
// takes the stream's row lock until commit: the next writer of this
// stream waits, so seqs commit in order.
func (w writeTx) AppendChanges(ctx context.Context, ownerID, stream string, cs []store.Change) (int64, error) {
	n := len(cs)
	kinds, entities, origins, data := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	ats := make([]time.Time, n)
	for i, c := range cs {
		kinds[i], entities[i], origins[i], ats[i], data[i] = c.Kind, c.Entity, c.Origin, c.At, string(c.Data)
	}
	var last int64
	err := w.tx.QueryRow(ctx, `WITH head AS (
			INSERT INTO stream_heads(stream, owner_id, seq) VALUES($1, $2, $3)
			ON CONFLICT (stream) DO UPDATE SET seq = stream_heads.seq + excluded.seq RETURNING seq),
		rows AS (
			INSERT INTO changes(stream, seq, owner_id, kind, entity, origin, at, data)
			SELECT $1, head.seq - $3 + u.i, $2, u.kind, u.entity, u.origin, u.at, u.data::json
			FROM head, unnest($4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[])
				WITH ORDINALITY AS u(kind, entity, origin, at, data, i))
		SELECT seq FROM head`, stream, ownerID, n, kinds, entities, origins, ats, data).Scan(&last)
	if err != nil {
		return 0, fmt.Errorf("stream %s: %w", stream, err)
	}
	return last, nil
}

// readTx is core.ReadTx on a REPEATABLE READ, read-only transaction.
type readTx struct{ tx pgx.Tx }

func (r readTx) Epoch(ctx context.Context) (string, error) {
	var e string
	err := r.tx.QueryRow(ctx, `SELECT value FROM meta WHERE key = 'epoch'`).Scan(&e)
	return e, err
}

func (r readTx) PointOwner(ctx context.Context, pointID string) (string, error) {
	var owner string
	err := r.tx.QueryRow(ctx, `SELECT owner_id FROM points WHERE id = $1`, pointID).Scan(&owner)
	return owner, notFound(err, "point "+pointID)
}

func (r readTx) Head(ctx context.Context, stream string) (int64, error) {
	var seq int64
	err := r.tx.QueryRow(ctx, `SELECT seq FROM stream_heads WHERE stream = $1`, stream).Scan(&seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return seq, err
}

func (r readTx) Changes(ctx context.Context, stream string, after int64, excludeOrigin string, limit int) ([]store.Change, error) {
	rows, err := r.tx.Query(ctx, `SELECT seq, kind, entity, origin, at, data FROM changes
		WHERE stream = $1 AND seq > $2 AND ($3 = '' OR origin <> $3) ORDER BY seq LIMIT $4`,
		stream, after, excludeOrigin, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Change
	for rows.Next() {
		var c store.Change
		var data []byte
		if err := rows.Scan(&c.Seq, &c.Kind, &c.Entity, &c.Origin, &c.At, &data); err != nil {
			return nil, err
		}
		c.At, c.Data = c.At.UTC(), data
		out = append(out, c)
	}
	return out, rows.Err()
}
