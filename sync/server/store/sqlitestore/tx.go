package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/internal/core"
)

// writeTx is core.WriteTx on the writer connection's transaction; the
// single writer is what serialises an owner's pushes.
type writeTx struct{ tx *sql.Tx }

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func (w writeTx) EventResult(ctx context.Context, ownerID, key string) (protocol.EventResult, bool, error) {
	var r protocol.EventResult
	var seq sql.NullInt64
	var warnings string
	err := w.tx.QueryRowContext(ctx, `SELECT status, code, message, server_seq, warnings FROM events WHERE owner_id = ? AND event_id = ?`,
		ownerID, key).Scan(&r.Status, &r.Code, &r.Message, &seq, &warnings)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	r.ServerSeq = seq.Int64
	if err := json.Unmarshal([]byte(warnings), &r.Warnings); err != nil {
		return r, false, err
	}
	if len(r.Warnings) == 0 {
		r.Warnings = nil
	}
	return r, true, nil
}

func (w writeTx) LastAcked(ctx context.Context, pointID, deviceID, incarnation string) (int64, error) {
	var n int64
	err := w.tx.QueryRowContext(ctx, `SELECT last_acked FROM devices WHERE point_id = ? AND device_id = ? AND incarnation = ?`,
		pointID, deviceID, incarnation).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, err
}

func (w writeTx) SetLastAcked(ctx context.Context, pointID, deviceID, incarnation string, lastAcked int64, now time.Time) error {
	_, err := w.tx.ExecContext(ctx, `INSERT INTO devices(point_id, device_id, incarnation, last_acked, updated_at) VALUES(?, ?, ?, ?, ?)
		ON CONFLICT(point_id, device_id, incarnation) DO UPDATE SET last_acked = excluded.last_acked, updated_at = excluded.updated_at`,
		pointID, deviceID, incarnation, lastAcked, now.UnixMilli())
	return err
}

func (w writeTx) NextServerSeq(ctx context.Context, ownerID string) (int64, error) {
	var seq int64
	err := w.tx.QueryRowContext(ctx, `UPDATE owners SET seq = seq + 1 WHERE id = ? RETURNING seq`, ownerID).Scan(&seq)
	return seq, err
}

func (w writeTx) InsertEvent(ctx context.Context, e core.StoredEvent) error {
	warnings, err := json.Marshal(e.Warnings)
	if err != nil {
		return err
	}
	if e.Warnings == nil {
		warnings = []byte("[]")
	}
	var payload any
	if e.Event.Payload != nil {
		payload = []byte(e.Event.Payload)
	}
	_, err = w.tx.ExecContext(ctx, `INSERT INTO events(owner_id, event_id, point_id, device_id, incarnation, client_seq, kind, entity,
		occurred_at, received_at, clerk_id, shift_id, payload, status, code, message, server_seq, warnings)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.OwnerID, e.Key, e.PointID, e.DeviceID, e.Incarnation, e.Event.ClientSeq, e.Event.Kind, e.Event.Entity,
		ms(e.Event.OccurredAt), e.ReceivedAt.UnixMilli(), nullInt(e.Event.Clerk), nullInt(e.Event.Shift), payload,
		e.Status, e.Code, e.Message, nullInt(e.ServerSeq), string(warnings))
	return err
}

func (w writeTx) Parcel(ctx context.Context, ownerID, entity string) (core.Parcel, bool, error) {
	p := core.Parcel{Entity: entity}
	err := w.tx.QueryRowContext(ctx, `SELECT point_id, status, last_event FROM parcels WHERE owner_id = ? AND entity = ?`,
		ownerID, entity).Scan(&p.PointID, &p.Status, &p.LastEvent)
	if errors.Is(err, sql.ErrNoRows) {
		return p, false, nil
	}
	return p, err == nil, err
}

func (w writeTx) PutParcel(ctx context.Context, ownerID string, p core.Parcel, now time.Time) error {
	_, err := w.tx.ExecContext(ctx, `INSERT INTO parcels(owner_id, entity, point_id, status, last_event, updated_at) VALUES(?, ?, ?, ?, ?, ?)
		ON CONFLICT(owner_id, entity) DO UPDATE SET point_id = excluded.point_id, status = excluded.status,
			last_event = excluded.last_event, updated_at = excluded.updated_at`,
		ownerID, p.Entity, p.PointID, p.Status, p.LastEvent, now.UnixMilli())
	return err
}

func (w writeTx) InsertException(ctx context.Context, x store.Exception) error {
	points, err := json.Marshal(x.Points)
	if err != nil {
		return err
	}
	events, err := json.Marshal(x.Events)
	if err != nil {
		return err
	}
	detail := string(x.Detail)
	if detail == "" {
		detail = "{}"
	}
	_, err = w.tx.ExecContext(ctx, `INSERT INTO exceptions(id, owner_id, kind, entity, points, events, raised_at, detail) VALUES(?, ?, ?, ?, ?, ?, ?, ?)`,
		x.ID, x.OwnerID, x.Kind, x.Entity, string(points), string(events), x.RaisedAt.UnixMilli(), detail)
	return err
}

func (w writeTx) AppendChange(ctx context.Context, ownerID, stream string, c store.Change) (int64, error) {
	var seq int64
	err := w.tx.QueryRowContext(ctx, `INSERT INTO stream_heads(stream, owner_id, seq) VALUES(?, ?, 1)
		ON CONFLICT(stream) DO UPDATE SET seq = seq + 1 RETURNING seq`, stream, ownerID).Scan(&seq)
	if err != nil {
		return 0, err
	}
	_, err = w.tx.ExecContext(ctx, `INSERT INTO changes(stream, seq, owner_id, kind, entity, origin, at, data) VALUES(?, ?, ?, ?, ?, ?, ?, ?)`,
		stream, seq, ownerID, c.Kind, c.Entity, c.Origin, c.At.UnixMilli(), string(c.Data))
	return seq, err
}

// readTx is core.ReadTx on a reader's transaction (one WAL snapshot).
type readTx struct{ tx *sql.Tx }

func (r readTx) Epoch(ctx context.Context) (string, error) {
	var e string
	err := r.tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'epoch'`).Scan(&e)
	return e, err
}

func (r readTx) PointOwner(ctx context.Context, pointID string) (string, error) {
	var owner string
	err := r.tx.QueryRowContext(ctx, `SELECT owner_id FROM points WHERE id = ?`, pointID).Scan(&owner)
	return owner, notFound(err, "point "+pointID)
}

func (r readTx) Head(ctx context.Context, stream string) (int64, error) {
	var seq int64
	err := r.tx.QueryRowContext(ctx, `SELECT seq FROM stream_heads WHERE stream = ?`, stream).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return seq, err
}

func (r readTx) Changes(ctx context.Context, stream string, after int64, excludeOrigin string, limit int) ([]store.Change, error) {
	rows, err := r.tx.QueryContext(ctx, `SELECT seq, kind, entity, origin, at, data FROM changes
		WHERE stream = ? AND seq > ? AND (? = '' OR origin <> ?) ORDER BY seq LIMIT ?`,
		stream, after, excludeOrigin, excludeOrigin, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Change
	for rows.Next() {
		var c store.Change
		var at int64
		var data string
		if err := rows.Scan(&c.Seq, &c.Kind, &c.Entity, &c.Origin, &at, &data); err != nil {
			return nil, err
		}
		c.At, c.Data = time.UnixMilli(at).UTC(), json.RawMessage(data)
		out = append(out, c)
	}
	return out, rows.Err()
}
