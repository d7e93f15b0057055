package client

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"smartpoint/app/errs"
	"smartpoint/app/store"
	"smartpoint/sync/protocol"
)

// Keys of the sync_state table (app/store/migrations/0005_sync.sql).
const (
	keyDevice        = "device_id"
	keyIncarnation   = "incarnation"
	keyBaseURL       = "base_url"
	keyPoint         = "point_id"
	keyOwner         = "owner_id"
	keyPointName     = "point_name"
	keyAccess        = "access_token"
	keyAccessExpires = "access_expires"
	keyRefresh       = "refresh_token"
	keyLastAcked     = "last_acked"
	keyServerEpoch   = "server_epoch"
	keyLastSync      = "last_sync_at"
	keyLastAttempt   = "last_attempt_at"
	keyLastError     = "last_error"
	streamPrefix     = "stream."
)

func epochKey(stream string) string  { return streamPrefix + stream + ".epoch" }
func cursorKey(stream string) string { return streamPrefix + stream + ".cursor" }

// cursor is where the counter stands in one pulled stream.
type cursor struct {
	Epoch  string
	Cursor string
}

// state is the sync_state table in memory, read at the start of a round
// and written through as the round goes.
type state struct {
	deviceID    string
	incarnation string
	baseURL     string
	pointID     string
	ownerID     string
	pointName   string
	access      string
	expires     time.Time
	refresh     string
	lastAcked   int64
	serverEpoch string
	lastSync    time.Time
	lastAttempt time.Time
	lastError   string // JSON of the last round's *errs.Error; "" when it went through
	streams     map[string]cursor
}

func (s *state) registered() bool { return s.pointID != "" && s.refresh != "" }

// epochs are the stream epochs the client last saw, for hello.
func (s *state) epochs() map[string]string {
	if len(s.streams) == 0 {
		return nil
	}
	m := make(map[string]string, len(s.streams))
	for k, v := range s.streams {
		if v.Epoch != "" {
			m[k] = v.Epoch
		}
	}
	return m
}

func loadState(ctx context.Context, db *store.DB) (*state, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT key, value FROM sync_state`)
	if err != nil {
		return nil, local(fmt.Errorf("read sync state: %w", err))
	}
	defer rows.Close()
	st := &state{streams: map[string]cursor{}}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, local(err)
		}
		switch k {
		case keyDevice:
			st.deviceID = v
		case keyIncarnation:
			st.incarnation = v
		case keyBaseURL:
			st.baseURL = v
		case keyPoint:
			st.pointID = v
		case keyOwner:
			st.ownerID = v
		case keyPointName:
			st.pointName = v
		case keyAccess:
			st.access = v
		case keyAccessExpires:
			st.expires, _ = time.Parse(time.RFC3339Nano, v)
		case keyRefresh:
			st.refresh = v
		case keyLastAcked:
			st.lastAcked, _ = strconv.ParseInt(v, 10, 64)
		case keyServerEpoch:
			st.serverEpoch = v
		case keyLastSync:
			if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms > 0 {
				st.lastSync = time.UnixMilli(ms)
			}
		case keyLastAttempt:
			if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms > 0 {
				st.lastAttempt = time.UnixMilli(ms)
			}
		case keyLastError:
			st.lastError = v
		default:
			if rest, ok := strings.CutPrefix(k, streamPrefix); ok {
				if name, ok := strings.CutSuffix(rest, ".epoch"); ok {
					c := st.streams[name]
					c.Epoch = v
					st.streams[name] = c
				} else if name, ok := strings.CutSuffix(rest, ".cursor"); ok {
					c := st.streams[name]
					c.Cursor = v
					st.streams[name] = c
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, local(err)
	}
	if st.deviceID == "" || st.incarnation == "" {
		return nil, local(fmt.Errorf("sync state has no device id or incarnation (schema older than 5?)"))
	}
	return st, nil
}

// put writes keys and values (alternating) in tx.
func put(tx *sql.Tx, kv ...string) error {
	for i := 0; i+1 < len(kv); i += 2 {
		if _, err := tx.Exec(`INSERT INTO sync_state(key, value) VALUES(?, ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, kv[i], kv[i+1]); err != nil {
			return fmt.Errorf("sync state %s: %w", kv[i], err)
		}
	}
	return nil
}

// dropStreams forgets every stream's epoch and cursor and what was pulled
// (a new registration: another point's streams).
func dropStreams(tx *sql.Tx) error {
	if _, err := tx.Exec(`DELETE FROM sync_state WHERE key LIKE 'stream.%'`); err != nil {
		return err
	}
	_, err := tx.Exec(`DELETE FROM sync_inbox`)
	return err
}

func i64(v int64) string { return strconv.FormatInt(v, 10) }

// maxSeq is the highest event sequence the counter database holds.
func maxSeq(ctx context.Context, db *store.DB) (int64, error) {
	var n int64
	err := db.R.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM events`).Scan(&n)
	return n, local(err)
}

// Problem is an event the server refused for good: the "sync problems"
// list. It is never sent again in the same incarnation.
type Problem struct {
	EventID string    `json:"event_id"`
	Seq     int64     `json:"seq"`
	Kind    string    `json:"kind"`
	Entity  string    `json:"entity"`
	Code    string    `json:"code"`
	Message string    `json:"message"`
	At      time.Time `json:"at"`
}

// Problems lists the refused events, newest first, at most limit.
func (c *Client) Problems(ctx context.Context, limit int) ([]Problem, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := c.db.R.QueryContext(ctx, `SELECT r.event_id, r.seq, coalesce(e.kind, ''), coalesce(e.entity, ''),
			r.code, r.message, r.at
		FROM sync_rejected r LEFT JOIN events e ON e.id = r.event_id
		ORDER BY r.seq DESC LIMIT ?`, limit)
	if err != nil {
		return nil, local(err)
	}
	defer rows.Close()
	var out []Problem
	for rows.Next() {
		var p Problem
		var at int64
		if err := rows.Scan(&p.EventID, &p.Seq, &p.Kind, &p.Entity, &p.Code, &p.Message, &at); err != nil {
			return nil, local(err)
		}
		p.At = time.UnixMilli(at)
		out = append(out, p)
	}
	return out, local(rows.Err())
}

// Inbox is one change pulled from the cloud and kept in sync_inbox.
type Inbox struct {
	Stream string
	protocol.Change
	ReceivedAt time.Time
}

// InboxChanges lists what was pulled from a stream, in its order, after
// seq (exclusive), at most limit: the input of the step that will apply
// cloud changes to the counter's tables.
func (c *Client) InboxChanges(ctx context.Context, stream string, afterSeq int64, limit int) ([]Inbox, error) {
	rows, err := c.db.R.QueryContext(ctx, `SELECT stream, seq, kind, entity, origin, at, data, received_at
		FROM sync_inbox WHERE stream = ? AND seq > ? ORDER BY seq LIMIT ?`, stream, afterSeq, limit)
	if err != nil {
		return nil, local(err)
	}
	defer rows.Close()
	var out []Inbox
	for rows.Next() {
		var in Inbox
		var at, recv int64
		var data string
		if err := rows.Scan(&in.Stream, &in.Seq, &in.Kind, &in.Entity, &in.Origin, &at, &data, &recv); err != nil {
			return nil, local(err)
		}
		in.At, in.ReceivedAt, in.Data = time.UnixMilli(at), time.UnixMilli(recv), []byte(data)
		out = append(out, in)
	}
	return out, local(rows.Err())
}

// putTokens stores what registration or refresh gave.
func putTokens(tx *sql.Tx, t protocol.Tokens) error {
	kv := []string{keyAccess, t.AccessToken, keyRefresh, t.RefreshToken,
		keyAccessExpires, t.ExpiresAt.UTC().Format(time.RFC3339Nano)}
	if t.PointID != "" {
		kv = append(kv, keyPoint, t.PointID)
	}
	if t.OwnerID != "" {
		kv = append(kv, keyOwner, t.OwnerID)
	}
	if t.PointName != "" {
		kv = append(kv, keyPointName, t.PointName)
	}
	return put(tx, kv...)
}

// storedError is how the last round's error is kept, so a new client
// (the app started again, spctl sync status) shows it.
type storedError struct {
	Code errs.Code      `json:"code"`
	Args map[string]any `json:"args,omitempty"`
}

// encodeError keeps a typed error's code and arguments; "" for none.
func encodeError(err error) string {
	if err == nil {
		return ""
	}
	e, ok := errors.AsType[*errs.Error](err)
	if !ok {
		return ""
	}
	b, _ := json.Marshal(storedError{Code: e.Code, Args: e.Args})
	return string(b)
}

// decodeStoredError gives the kept error back, as the typed error (without
// its cause).
func decodeStoredError(s string) error {
	var se storedError
	if s == "" || json.Unmarshal([]byte(s), &se) != nil || se.Code == "" {
		return nil
	}
	e := errs.New(se.Code)
	for k, v := range se.Args {
		e.Args[k] = v
	}
	return e
}
