package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/internal/core"
)

// writeTx is core.WriteTx on the writer connection's transaction; the
// single writer is what serialises an owner's pushes. Every lookup and
// write of a push takes the whole batch: a handful of statements a
// batch, whatever its size. Store.Push runs it as a pushTx, whose
// statements were prepared once when the store opened; a bare writeTx
// (the integrations') prepares them in its transaction.
type writeTx struct{ tx *sql.Tx }

// pushTx is a writeTx whose statements come prepared (pushStmts).
type pushTx struct {
	writeTx
	st *pushStmts
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// The push's statements. Rows are inserted rowsPerInsert to a statement
// (at 18 columns, well under SQLite's 32,766 parameters), the rest of a
// batch one row a statement: both texts fixed, so both prepared once.
const rowsPerInsert = 50

// rowsSQL is "head (…), (…), … tail" with n row placeholders.
func rowsSQL(head, row, tail string, n int) string {
	return head + " " + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ") + " " + tail
}

const (
	sqlEventResults = `SELECT event_id, status, code, message, server_seq, warnings FROM events
		WHERE owner_id = ? AND event_id IN (SELECT value FROM json_each(?))`
	sqlLastAcked    = `SELECT last_acked FROM devices WHERE point_id = ? AND device_id = ? AND incarnation = ?`
	sqlSetLastAcked = `INSERT INTO devices(point_id, device_id, incarnation, last_acked, updated_at) VALUES(?, ?, ?, ?, ?)
		ON CONFLICT(point_id, device_id, incarnation) DO UPDATE SET last_acked = excluded.last_acked, updated_at = excluded.updated_at`
	sqlTakeSeqs = `UPDATE owners SET seq = seq + ? WHERE id = ? RETURNING seq`
	sqlParcels  = `SELECT entity, point_id, status, last_event FROM parcels
		WHERE owner_id = ? AND entity IN (SELECT value FROM json_each(?))`
	sqlStreamHead = `INSERT INTO stream_heads(stream, owner_id, seq) VALUES(?, ?, ?)
		ON CONFLICT(stream) DO UPDATE SET seq = seq + excluded.seq RETURNING seq`
	sqlPointOwner = `SELECT owner_id FROM points WHERE id = ?`

	eventsHead = `INSERT INTO events(owner_id, event_id, point_id, device_id, incarnation, client_seq, kind, entity,
		occurred_at, received_at, clerk_id, shift_id, payload, status, code, message, server_seq, warnings) VALUES`
	eventsRow   = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	parcelsHead = `INSERT INTO parcels(owner_id, entity, point_id, status, last_event, updated_at) VALUES`
	parcelsRow  = `(?, ?, ?, ?, ?, ?)`
	parcelsTail = `ON CONFLICT(owner_id, entity) DO UPDATE SET point_id = excluded.point_id, status = excluded.status,
		last_event = excluded.last_event, updated_at = excluded.updated_at`
	changesHead = `INSERT INTO changes(stream, seq, owner_id, kind, entity, origin, at, data) VALUES`
	changesRow  = `(?, ?, ?, ?, ?, ?, ?, ?)`
)

// rowsInsert is one table's multi-row INSERT: its texts for a full
// statement and for one row.
type rowsInsert struct{ full, one string }

func newRowsInsert(head, row, tail string) rowsInsert {
	return rowsInsert{full: rowsSQL(head, row, tail, rowsPerInsert), one: rowsSQL(head, row, tail, 1)}
}

var (
	insertEvents  = newRowsInsert(eventsHead, eventsRow, "")
	insertParcels = newRowsInsert(parcelsHead, parcelsRow, parcelsTail)
	insertChanges = newRowsInsert(changesHead, changesRow, "")
)

// pushStmts are the push's statements, prepared once on the writer
// connection when the store opens; a push's transaction takes them with
// Tx.StmtContext, which reuses the connection's prepared statement.
type pushStmts struct{ byText map[string]*sql.Stmt }

func preparePush(ctx context.Context, db *sql.DB) (*pushStmts, error) {
	p := &pushStmts{byText: map[string]*sql.Stmt{}}
	for _, q := range []string{sqlEventResults, sqlLastAcked, sqlSetLastAcked, sqlTakeSeqs, sqlParcels, sqlStreamHead, sqlPointOwner,
		insertEvents.full, insertEvents.one, insertParcels.full, insertParcels.one, insertChanges.full, insertChanges.one} {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			p.close()
			return nil, fmt.Errorf("prepare %q: %w", q, err)
		}
		p.byText[q] = st
	}
	return p, nil
}

func (p *pushStmts) close() {
	for _, st := range p.byText {
		st.Close()
	}
}

// stmter gives a transaction the statement of a text; it is closed with
// the transaction.
type stmter func(ctx context.Context, query string) (*sql.Stmt, error)

func (w writeTx) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	return w.tx.PrepareContext(ctx, query)
}

func (p pushTx) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := p.st.byText[query]; ok {
		return p.tx.StmtContext(ctx, st), nil
	}
	return p.tx.PrepareContext(ctx, query)
}

// insertRows inserts n rows with ins, rowsPerInsert to a statement and
// the rest one by one; args appends row i's values.
func insertRows(ctx context.Context, stmt stmter, ins rowsInsert, n int, args func(i int, dst []any) ([]any, error)) error {
	if n == 0 {
		return nil
	}
	var full, one *sql.Stmt
	var err error
	var a []any
	for i := 0; i < n; {
		k, st := 1, &one
		if n-i >= rowsPerInsert {
			k, st = rowsPerInsert, &full
		}
		if *st == nil {
			q := ins.one
			if k > 1 {
				q = ins.full
			}
			if *st, err = stmt(ctx, q); err != nil {
				return err
			}
		}
		a = a[:0]
		for j := i; j < i+k; j++ {
			if a, err = args(j, a); err != nil {
				return err
			}
		}
		if _, err := (*st).ExecContext(ctx, a...); err != nil {
			return err
		}
		i += k
	}
	return nil
}

// jsonList is a list of strings as one JSON array, for json_each: one
// statement, one argument, whatever the batch's size.
func jsonList(list []string) (string, error) {
	b, err := json.Marshal(list)
	return string(b), err
}

func (w writeTx) EventResults(ctx context.Context, ownerID string, keys []string) (map[string]protocol.EventResult, error) {
	return eventResults(ctx, w.prepare, ownerID, keys)
}

func (p pushTx) EventResults(ctx context.Context, ownerID string, keys []string) (map[string]protocol.EventResult, error) {
	return eventResults(ctx, p.prepare, ownerID, keys)
}

func eventResults(ctx context.Context, stmt stmter, ownerID string, keys []string) (map[string]protocol.EventResult, error) {
	list, err := jsonList(keys)
	if err != nil {
		return nil, err
	}
	st, err := stmt(ctx, sqlEventResults)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, ownerID, list)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]protocol.EventResult{}
	for rows.Next() {
		var key, warnings string
		var r protocol.EventResult
		var seq sql.NullInt64
		if err := rows.Scan(&key, &r.Status, &r.Code, &r.Message, &seq, &warnings); err != nil {
			return nil, err
		}
		r.ServerSeq = seq.Int64
		if warnings != "[]" {
			if err := json.Unmarshal([]byte(warnings), &r.Warnings); err != nil {
				return nil, err
			}
			if len(r.Warnings) == 0 {
				r.Warnings = nil
			}
		}
		out[key] = r
	}
	return out, rows.Err()
}

func (w writeTx) LastAcked(ctx context.Context, pointID, deviceID, incarnation string) (int64, error) {
	return lastAcked(ctx, w.prepare, pointID, deviceID, incarnation)
}

func (p pushTx) LastAcked(ctx context.Context, pointID, deviceID, incarnation string) (int64, error) {
	return lastAcked(ctx, p.prepare, pointID, deviceID, incarnation)
}

func lastAcked(ctx context.Context, stmt stmter, pointID, deviceID, incarnation string) (int64, error) {
	st, err := stmt(ctx, sqlLastAcked)
	if err != nil {
		return 0, err
	}
	var n int64
	err = st.QueryRowContext(ctx, pointID, deviceID, incarnation).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, err
}

func (w writeTx) SetLastAcked(ctx context.Context, pointID, deviceID, incarnation string, lastAcked int64, now time.Time) error {
	return setLastAcked(ctx, w.prepare, pointID, deviceID, incarnation, lastAcked, now)
}

func (p pushTx) SetLastAcked(ctx context.Context, pointID, deviceID, incarnation string, lastAcked int64, now time.Time) error {
	return setLastAcked(ctx, p.prepare, pointID, deviceID, incarnation, lastAcked, now)
}

func setLastAcked(ctx context.Context, stmt stmter, pointID, deviceID, incarnation string, lastAcked int64, now time.Time) error {
	st, err := stmt(ctx, sqlSetLastAcked)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(ctx, pointID, deviceID, incarnation, lastAcked, now.UnixMilli())
	return err
}

func (w writeTx) NextServerSeq(ctx context.Context, ownerID string) (int64, error) {
	return w.TakeServerSeqs(ctx, ownerID, 1)
}

func (w writeTx) TakeServerSeqs(ctx context.Context, ownerID string, n int) (int64, error) {
	return takeSeqs(ctx, w.prepare, ownerID, n)
}

func (p pushTx) TakeServerSeqs(ctx context.Context, ownerID string, n int) (int64, error) {
	return takeSeqs(ctx, p.prepare, ownerID, n)
}

func takeSeqs(ctx context.Context, stmt stmter, ownerID string, n int) (int64, error) {
	st, err := stmt(ctx, sqlTakeSeqs)
	if err != nil {
		return 0, err
	}
	var seq int64
	err = st.QueryRowContext(ctx, n, ownerID).Scan(&seq)
	return seq, err
}

func (w writeTx) InsertEvents(ctx context.Context, events []core.StoredEvent) error {
	return insertEventRows(ctx, w.prepare, events)
}

func (p pushTx) InsertEvents(ctx context.Context, events []core.StoredEvent) error {
	return insertEventRows(ctx, p.prepare, events)
}

func insertEventRows(ctx context.Context, stmt stmter, events []core.StoredEvent) error {
	return insertRows(ctx, stmt, insertEvents, len(events), func(i int, a []any) ([]any, error) {
		e := &events[i]
		warnings := "[]"
		if len(e.Warnings) > 0 {
			b, err := json.Marshal(e.Warnings)
			if err != nil {
				return nil, err
			}
			warnings = string(b)
		}
		var payload any
		if e.Event.Payload != nil {
			payload = []byte(e.Event.Payload)
		}
		return append(a, e.OwnerID, e.Key, e.PointID, e.DeviceID, e.Incarnation, e.Event.ClientSeq, e.Event.Kind, e.Event.Entity,
			ms(e.Event.OccurredAt), e.ReceivedAt.UnixMilli(), nullInt(e.Event.Clerk), nullInt(e.Event.Shift), payload,
			e.Status, e.Code, e.Message, nullInt(e.ServerSeq), warnings), nil
	})
}

func (w writeTx) Parcels(ctx context.Context, ownerID string, entities []string) (map[string]core.Parcel, error) {
	return parcels(ctx, w.prepare, ownerID, entities)
}

func (p pushTx) Parcels(ctx context.Context, ownerID string, entities []string) (map[string]core.Parcel, error) {
	return parcels(ctx, p.prepare, ownerID, entities)
}

func parcels(ctx context.Context, stmt stmter, ownerID string, entities []string) (map[string]core.Parcel, error) {
	list, err := jsonList(entities)
	if err != nil {
		return nil, err
	}
	st, err := stmt(ctx, sqlParcels)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, ownerID, list)
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
	return putParcels(ctx, w.prepare, ownerID, ps, now)
}

func (p pushTx) PutParcels(ctx context.Context, ownerID string, ps []core.Parcel, now time.Time) error {
	return putParcels(ctx, p.prepare, ownerID, ps, now)
}

func putParcels(ctx context.Context, stmt stmter, ownerID string, ps []core.Parcel, now time.Time) error {
	return insertRows(ctx, stmt, insertParcels, len(ps), func(i int, a []any) ([]any, error) {
		p := ps[i]
		return append(a, ownerID, p.Entity, p.PointID, p.Status, p.LastEvent, now.UnixMilli()), nil
	})
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
	return w.AppendChanges(ctx, ownerID, stream, []store.Change{c})
}

func (w writeTx) AppendChanges(ctx context.Context, ownerID, stream string, cs []store.Change) (int64, error) {
	return appendChanges(ctx, w.prepare, ownerID, stream, cs)
}

func (p pushTx) AppendChanges(ctx context.Context, ownerID, stream string, cs []store.Change) (int64, error) {
	return appendChanges(ctx, p.prepare, ownerID, stream, cs)
}

func appendChanges(ctx context.Context, stmt stmter, ownerID, stream string, cs []store.Change) (int64, error) {
	st, err := stmt(ctx, sqlStreamHead)
	if err != nil {
		return 0, err
	}
	var last int64
	if err := st.QueryRowContext(ctx, stream, ownerID, len(cs)).Scan(&last); err != nil {
		return 0, err
	}
	first := last - int64(len(cs)) + 1
	err = insertRows(ctx, stmt, insertChanges, len(cs), func(i int, a []any) ([]any, error) {
		c := cs[i]
		return append(a, stream, first+int64(i), ownerID, c.Kind, c.Entity, c.Origin, c.At.UnixMilli(), string(c.Data)), nil
	})
	return last, err
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
