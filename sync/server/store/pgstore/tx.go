package pgstore

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/internal/core"
)

// writeTx is core.WriteTx on a transaction that holds the owner's row lock.
type writeTx struct{ tx pgx.Tx }

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func (w writeTx) EventResult(ctx context.Context, ownerID, key string) (protocol.EventResult, bool, error) {
	var r protocol.EventResult
	var seq *int64
	err := w.tx.QueryRow(ctx, `SELECT status, code, message, server_seq, warnings FROM events WHERE owner_id = $1 AND event_id = $2`,
		ownerID, key).Scan(&r.Status, &r.Code, &r.Message, &seq, &r.Warnings)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	if seq != nil {
		r.ServerSeq = *seq
	}
	if len(r.Warnings) == 0 {
		r.Warnings = nil
	}
	return r, true, nil
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
	var seq int64
	err := w.tx.QueryRow(ctx, `UPDATE owners SET seq = seq + 1 WHERE id = $1 RETURNING seq`, ownerID).Scan(&seq)
	return seq, err
}

func (w writeTx) InsertEvent(ctx context.Context, e core.StoredEvent) error {
	warnings := e.Warnings
	if warnings == nil {
		warnings = []string{}
	}
	var payload []byte
	if e.Event.Payload != nil {
		payload = []byte(e.Event.Payload)
	}
	_, err := w.tx.Exec(ctx, `INSERT INTO events(owner_id, event_id, point_id, device_id, incarnation, client_seq, kind, entity,
		occurred_at, received_at, clerk_id, shift_id, payload, status, code, message, server_seq, warnings)
		VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		e.OwnerID, e.Key, e.PointID, e.DeviceID, e.Incarnation, e.Event.ClientSeq, e.Event.Kind, e.Event.Entity,
		ts(e.Event.OccurredAt), e.ReceivedAt, nullInt(e.Event.Clerk), nullInt(e.Event.Shift), payload,
		e.Status, e.Code, e.Message, nullInt(e.ServerSeq), warnings)
	return err
}

func (w writeTx) Parcel(ctx context.Context, ownerID, entity string) (core.Parcel, bool, error) {
	p := core.Parcel{Entity: entity}
	err := w.tx.QueryRow(ctx, `SELECT point_id, status, last_event FROM parcels WHERE owner_id = $1 AND entity = $2`,
		ownerID, entity).Scan(&p.PointID, &p.Status, &p.LastEvent)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, false, nil
	}
	return p, err == nil, err
}

func (w writeTx) PutParcel(ctx context.Context, ownerID string, p core.Parcel, now time.Time) error {
	_, err := w.tx.Exec(ctx, `INSERT INTO parcels(owner_id, entity, point_id, status, last_event, updated_at) VALUES($1, $2, $3, $4, $5, $6)
		ON CONFLICT (owner_id, entity) DO UPDATE SET point_id = excluded.point_id, status = excluded.status,
			last_event = excluded.last_event, updated_at = excluded.updated_at`,
		ownerID, p.Entity, p.PointID, p.Status, p.LastEvent, now)
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
	var seq int64
	// The upsert takes the stream's row lock until commit: the next
	// writer of this stream waits, so seqs commit in order.
	err := w.tx.QueryRow(ctx, `INSERT INTO stream_heads(stream, owner_id, seq) VALUES($1, $2, 1)
		ON CONFLICT (stream) DO UPDATE SET seq = stream_heads.seq + 1 RETURNING seq`, stream, ownerID).Scan(&seq)
	if err != nil {
		return 0, err
	}
	_, err = w.tx.Exec(ctx, `INSERT INTO changes(stream, seq, owner_id, kind, entity, origin, at, data) VALUES($1, $2, $3, $4, $5, $6, $7, $8)`,
		stream, seq, ownerID, c.Kind, c.Entity, c.Origin, c.At, []byte(c.Data))
	return seq, err
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
