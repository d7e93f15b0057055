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
// batch, whatever its size, each prepared once when the store opened
// (stmts).
type writeTx struct {
	tx *sql.Tx
	st *stmts
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
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
	// The applied events of the webhook kinds, queued for the delivery
	// worker when the owner has an active webhook (in array order: the
	// outbox's n is the order they are delivered in).
	sqlQueueOutbox = `INSERT INTO webhook_outbox(owner_id, event_id)
		SELECT ?1, value FROM json_each(?2)
		WHERE EXISTS (SELECT 1 FROM webhooks WHERE owner_id = ?1 AND disabled_at IS NULL) ORDER BY key`
	sqlInsertException = `INSERT INTO exceptions(id, owner_id, kind, entity, points, events, raised_at, detail) VALUES(?, ?, ?, ?, ?, ?, ?, ?)`
)

// rowsInsert is a multi-row INSERT: INSERT INTO t(cols) SELECT … FROM
// (VALUES (…), (…), …). The values every row shares (a push's owner,
// point, device…) are bound once, as ?1…?k in the SELECT list, which
// SQLite numbers before the rows' plain ?s; only what differs is bound
// per row (binding is a C allocation per text value in modernc's driver).
type rowsInsert struct {
	head   string // INSERT INTO t(cols) SELECT <?1…?k and column1…>
	shared int    // k
	row    string // (?, ?, …): one row's own values
	tail   string // after the VALUES, e.g. an upsert clause
	perRow int    // the ?s in row
}

// maxRows is the most rows one statement takes: 256 events are 3,333
// parameters, well under SQLite's 32,766. A batch of n rows is inserted
// in statements of the powers of two that sum to n (500 = 256 + 128 + 64
// + 32 + 16 + 4), so a handful of fixed texts, each prepared once, serve
// every size.
const maxRows = 256

// text is the statement for n rows.
func (ri rowsInsert) text(n int) string {
	var b strings.Builder
	b.WriteString(ri.head)
	b.WriteString(" FROM (VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(ri.row)
	}
	b.WriteString(")")
	if ri.tail != "" {
		// "WHERE true" tells SQLite the ON of an upsert is not a join's.
		b.WriteString(" WHERE true ")
		b.WriteString(ri.tail)
	}
	return b.String()
}

// sizes are the row counts a statement is prepared for: maxRows and the
// powers of two below it.
func sizes() []int {
	var out []int
	for n := maxRows; n >= 1; n /= 2 {
		out = append(out, n)
	}
	return out
}

var (
	insertEvents = &rowsInsert{
		head: `INSERT INTO events(owner_id, event_id, point_id, device_id, incarnation, client_seq, kind, entity,
			occurred_at, received_at, clerk_id, shift_id, payload, status, code, message, server_seq, warnings)
			SELECT ?1, column1, ?2, ?3, ?4, column2, column3, column4, column5, ?5, column6, column7, column8,
			column9, column10, column11, column12, column13`,
		shared: 5,
		row:    `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		perRow: 13,
	}
	insertParcels = &rowsInsert{
		head:   `INSERT INTO parcels(owner_id, entity, point_id, status, last_event, updated_at) SELECT ?1, column1, column2, column3, column4, ?2`,
		shared: 2,
		row:    `(?, ?, ?, ?)`,
		perRow: 4,
		tail: `ON CONFLICT(owner_id, entity) DO UPDATE SET point_id = excluded.point_id, status = excluded.status,
			last_event = excluded.last_event, updated_at = excluded.updated_at`,
	}
	insertChanges = &rowsInsert{
		head:   `INSERT INTO changes(stream, seq, owner_id, kind, entity, origin, at, data) SELECT ?1, column1, ?2, column2, column3, column4, column5, column6`,
		shared: 2,
		row:    `(?, ?, ?, ?, ?, ?)`,
		perRow: 6,
	}
)

// stmts are the write statements, prepared once on the writer
// connection when the store opens; a transaction takes them with
// Tx.StmtContext, which reuses the connection's prepared statement.
type stmts struct {
	byText map[string]*sql.Stmt
	rows   map[*rowsInsert]map[int]*sql.Stmt // by row count (sizes)
}

func prepareStmts(ctx context.Context, db *sql.DB) (*stmts, error) {
	p := &stmts{byText: map[string]*sql.Stmt{}, rows: map[*rowsInsert]map[int]*sql.Stmt{}}
	prepare := func(q string) (*sql.Stmt, error) {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			p.close()
			return nil, fmt.Errorf("prepare %.60q…: %w", q, err)
		}
		return st, nil
	}
	for _, q := range []string{sqlEventResults, sqlLastAcked, sqlSetLastAcked, sqlTakeSeqs, sqlParcels, sqlStreamHead, sqlPointOwner,
		sqlQueueOutbox, sqlInsertException} {
		st, err := prepare(q)
		if err != nil {
			return nil, err
		}
		p.byText[q] = st
	}
	for _, ri := range []*rowsInsert{insertEvents, insertParcels, insertChanges} {
		p.rows[ri] = map[int]*sql.Stmt{}
		for _, n := range sizes() {
			st, err := prepare(ri.text(n))
			if err != nil {
				return nil, err
			}
			p.rows[ri][n] = st
		}
	}
	return p, nil
}

func (p *stmts) close() {
	for _, st := range p.byText {
		st.Close()
	}
	for _, m := range p.rows {
		for _, st := range m {
			st.Close()
		}
	}
}

// stmt is the transaction's statement of a text: the prepared one, or
// one prepared now for a text outside the set.
func (w writeTx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if w.st != nil {
		if st, ok := w.st.byText[query]; ok {
			return w.tx.StmtContext(ctx, st), nil
		}
	}
	return w.tx.PrepareContext(ctx, query)
}

// rowsStmt is the transaction's statement of ri for n rows (one of
// sizes).
func (w writeTx) rowsStmt(ctx context.Context, ri *rowsInsert, n int) (*sql.Stmt, error) {
	if w.st != nil {
		if st, ok := w.st.rows[ri][n]; ok {
			return w.tx.StmtContext(ctx, st), nil
		}
	}
	return w.tx.PrepareContext(ctx, ri.text(n))
}

// insertRows inserts n rows with ri: shared are ?1…?k, row appends row
// i's own values.
func (w writeTx) insertRows(ctx context.Context, ri *rowsInsert, n int, shared []any, row func(i int, dst []any) ([]any, error)) error {
	if len(shared) != ri.shared {
		return fmt.Errorf("insert: %d shared values, want %d", len(shared), ri.shared)
	}
	args := make([]any, 0, len(shared)+min(n, maxRows)*ri.perRow)
	for i := 0; i < n; {
		k := maxRows
		for k > n-i {
			k /= 2
		}
		st, err := w.rowsStmt(ctx, ri, k)
		if err != nil {
			return err
		}
		args = append(args[:0], shared...)
		for j := i; j < i+k; j++ {
			if args, err = row(j, args); err != nil {
				return err
			}
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
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
	list, err := jsonList(keys)
	if err != nil {
		return nil, err
	}
	st, err := w.stmt(ctx, sqlEventResults)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, ownerID, list)
	if err != nil {
		return nil, fmt.Errorf("event results: %w", err)
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
				return nil, fmt.Errorf("event %s warnings: %w", key, err)
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
	st, err := w.stmt(ctx, sqlLastAcked)
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
	st, err := w.stmt(ctx, sqlSetLastAcked)
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
	st, err := w.stmt(ctx, sqlTakeSeqs)
	if err != nil {
		return 0, err
	}
	var seq int64
	err = st.QueryRowContext(ctx, n, ownerID).Scan(&seq)
	return seq, err
}

// InsertEvents inserts a push's events and queues those that may become
// webhooks.
func (w writeTx) InsertEvents(ctx context.Context, events []core.StoredEvent) error {
	if len(events) == 0 {
		return nil
	}
	first := &events[0]
	shared := []any{first.OwnerID, first.PointID, first.DeviceID, first.Incarnation, first.ReceivedAt.UnixMilli()}
	err := w.insertRows(ctx, insertEvents, len(events), shared, func(i int, a []any) ([]any, error) {
		e := &events[i]
		if e.OwnerID != first.OwnerID || e.PointID != first.PointID || e.DeviceID != first.DeviceID ||
			e.Incarnation != first.Incarnation || !e.ReceivedAt.Equal(first.ReceivedAt) {
			return nil, errors.New("events of more than one push")
		}
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
		return append(a, e.Key, e.Event.ClientSeq, e.Event.Kind, e.Event.Entity, ms(e.Event.OccurredAt),
			nullInt(e.Event.Clerk), nullInt(e.Event.Shift), payload, e.Status, e.Code, e.Message, nullInt(e.ServerSeq), warnings), nil
	})
	if err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	keys := core.WebhookEventKeys(events)
	if len(keys) == 0 {
		return nil
	}
	list, err := jsonList(keys)
	if err != nil {
		return err
	}
	st, err := w.stmt(ctx, sqlQueueOutbox)
	if err != nil {
		return err
	}
	if _, err := st.ExecContext(ctx, first.OwnerID, list); err != nil {
		return fmt.Errorf("queue webhooks: %w", err)
	}
	return nil
}

func (w writeTx) Parcels(ctx context.Context, ownerID string, entities []string) (map[string]core.Parcel, error) {
	list, err := jsonList(entities)
	if err != nil {
		return nil, err
	}
	st, err := w.stmt(ctx, sqlParcels)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, ownerID, list)
	if err != nil {
		return nil, fmt.Errorf("parcels: %w", err)
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
	err := w.insertRows(ctx, insertParcels, len(ps), []any{ownerID, now.UnixMilli()}, func(i int, a []any) ([]any, error) {
		p := &ps[i]
		return append(a, p.Entity, p.PointID, p.Status, p.LastEvent), nil
	})
	if err != nil {
		return fmt.Errorf("put parcels: %w", err)
	}
	return nil
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
	st, err := w.stmt(ctx, sqlInsertException)
	if err != nil {
		return err
	}
	if _, err = st.ExecContext(ctx, x.ID, x.OwnerID, x.Kind, x.Entity, string(points), string(events), x.RaisedAt.UnixMilli(), detail); err != nil {
		return fmt.Errorf("insert exception: %w", err)
	}
	return nil
}

func (w writeTx) AppendChange(ctx context.Context, ownerID, stream string, c store.Change) (int64, error) {
	return w.AppendChanges(ctx, ownerID, stream, []store.Change{c})
}

// AppendChanges takes the changes' seqs from the stream's head in one
// statement and inserts them in a few.
func (w writeTx) AppendChanges(ctx context.Context, ownerID, stream string, cs []store.Change) (int64, error) {
	st, err := w.stmt(ctx, sqlStreamHead)
	if err != nil {
		return 0, err
	}
	var last int64
	if err := st.QueryRowContext(ctx, stream, ownerID, len(cs)).Scan(&last); err != nil {
		return 0, fmt.Errorf("stream %s head: %w", stream, err)
	}
	first := last - int64(len(cs)) + 1
	err = w.insertRows(ctx, insertChanges, len(cs), []any{stream, ownerID}, func(i int, a []any) ([]any, error) {
		c := &cs[i]
		return append(a, first+int64(i), c.Kind, c.Entity, c.Origin, c.At.UnixMilli(), string(c.Data)), nil
	})
	if err != nil {
		return 0, fmt.Errorf("stream %s: %w", stream, err)
	}
	return last, nil
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
