// Package sqlitestore is the sync server's embedded store: one SQLite
// file (modernc, no cgo) in WAL mode with durable commits, one writer
// connection (so writes queue in Go and never meet SQLITE_BUSY) and a
// pool of read-only connections, migrated at open from the numbered
// scripts in migrations/sqlite. The rules live in store/internal/core;
// this package is their SQL.
package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/internal/core"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver
)

// ApplicationID marks a file as a SmartPoint sync server database
// ("SPSV"); the counter's own database is "SPCT".
const ApplicationID = 0x53505356

// Store is an open server database.
type Store struct {
	w, r *sql.DB
	path string
	st   *stmts // the writes' statements, prepared on w
}

var _ store.Store = (*Store)(nil)

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	// An acknowledged push must survive a power cut.
	q.Add("_pragma", "synchronous(FULL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
		// A statement that writes many rows keeps the pages it changes
		// in a statement journal (to undo itself alone on an error);
		// in a temp file past 64 KiB, which a multi-row insert of a
		// push always passed: a tenth of the push went on that file.
		q.Add("_pragma", "temp_store(MEMORY)")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path, migrates it and
// creates its epoch on first use.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("sqlitestore: %w", err)
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlitestore: %s: %w", path, err)
	}
	if err := backfillCardBalances(ctx, w); err != nil { // once, after the owner_features migration (overdrawn.go)
		w.Close()
		return nil, fmt.Errorf("sqlitestore: %s: %w", path, err)
	}
	if _, err := w.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES('epoch', ?) ON CONFLICT(key) DO NOTHING`, core.NewID()); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlitestore: epoch: %w", err)
	}
	st, err := prepareStmts(ctx, w)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlitestore: %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		st.close()
		w.Close()
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	return &Store{w: w, r: r, path: path, st: st}, nil
}

// Close closes both pools.
func (s *Store) Close() error {
	s.st.close()
	return errors.Join(s.r.Close(), s.w.Close())
}

// Ping says whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.r.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

// tx runs fn in one immediate transaction on the writer connection.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// ms and fromMs convert times; the zero time is NULL.
func ms(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

func fromMs(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return err
}

// Epoch is the store's history id.
func (s *Store) Epoch(ctx context.Context) (string, error) {
	var e string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'epoch'`).Scan(&e)
	return e, err
}

// RotateEpoch gives the store a new history id (after a restore): every
// cursor handed out before is a reset.
func (s *Store) RotateEpoch(ctx context.Context) (string, error) {
	e := core.NewID()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES('epoch', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, e)
		return err
	})
	if err != nil {
		return "", err
	}
	return e, nil
}

// CreateOwner adds an owner.
func (s *Store) CreateOwner(ctx context.Context, name string) (store.Owner, error) {
	o := store.Owner{ID: core.NewID(), Name: name, CreatedAt: core.Millis(time.Now())}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO owners(id, name, created_at) VALUES(?, ?, ?)`, o.ID, o.Name, ms(o.CreatedAt))
		return err
	})
	if err != nil {
		return store.Owner{}, err
	}
	return o, nil
}

// CreatePoint adds a point to an owner; ErrNotFound for an unknown owner.
func (s *Store) CreatePoint(ctx context.Context, ownerID, name string) (store.Point, error) {
	p := store.Point{ID: core.NewID(), OwnerID: ownerID, Name: name}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM owners WHERE id = ?`, ownerID).Scan(&one); err != nil {
			return notFound(err, "owner "+ownerID)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO points(id, owner_id, name, created_at) VALUES(?, ?, ?, ?)`,
			p.ID, ownerID, name, time.Now().UnixMilli())
		return err
	})
	if err != nil {
		return store.Point{}, err
	}
	return p, nil
}

const pointCols = `id, owner_id, name, device_id, registered_at`

func scanPoint(row interface{ Scan(...any) error }) (store.Point, error) {
	var p store.Point
	var reg sql.NullInt64
	if err := row.Scan(&p.ID, &p.OwnerID, &p.Name, &p.DeviceID, &reg); err != nil {
		return store.Point{}, err
	}
	p.RegisteredAt = fromMs(reg)
	return p, nil
}

// Point is one point; ErrNotFound if there is none.
func (s *Store) Point(ctx context.Context, id string) (store.Point, error) {
	p, err := scanPoint(s.r.QueryRowContext(ctx, `SELECT `+pointCols+` FROM points WHERE id = ?`, id))
	if err != nil {
		return store.Point{}, notFound(err, "point "+id)
	}
	return p, nil
}

// AddActivation stores a one-time code's hash for a point.
func (s *Store) AddActivation(ctx context.Context, pointID, codeHash string, expires time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM points WHERE id = ?`, pointID).Scan(&one); err != nil {
			return notFound(err, "point "+pointID)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO activations(id, point_id, hash, expires_at, created_at) VALUES(?, ?, ?, ?, ?)`,
			core.NewID(), pointID, codeHash, expires.UnixMilli(), time.Now().UnixMilli())
		return err
	})
}

// Activate consumes the code that verify accepts. The (slow) hash checks
// run on a reader before the write transaction, so they never hold the
// writer; the write takes the code only if it is still unused and
// unexpired, so two racing activations cannot both win.
func (s *Store) Activate(ctx context.Context, verify func(hash string) bool, deviceID string, tokens []store.Token, now time.Time) (store.Point, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, hash FROM activations WHERE used_at IS NULL AND expires_at > ? ORDER BY created_at`, now.UnixMilli())
	if err != nil {
		return store.Point{}, err
	}
	var match string
	for rows.Next() {
		var id, hash string
		if err := rows.Scan(&id, &hash); err != nil {
			rows.Close()
			return store.Point{}, err
		}
		if verify(hash) {
			match = id
			break
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return store.Point{}, err
	}
	if match == "" {
		return store.Point{}, store.ErrActivationInvalid
	}
	var p store.Point
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var pointID string
		err := tx.QueryRowContext(ctx, `UPDATE activations SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ? RETURNING point_id`,
			now.UnixMilli(), match, now.UnixMilli()).Scan(&pointID)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrActivationInvalid
		}
		if err != nil {
			return err
		}
		p, err = scanPoint(tx.QueryRowContext(ctx, `UPDATE points SET device_id = ?, registered_at = ? WHERE id = ? RETURNING `+pointCols,
			deviceID, now.UnixMilli(), pointID))
		if err != nil {
			return err
		}
		for _, t := range tokens {
			t.PointID, t.OwnerID = p.ID, p.OwnerID
			if err := putToken(ctx, tx, t); err != nil {
				return err
			}
		}
		return publishSubscription(ctx, tx, p, now) // the owner's plan (owner_settings.go)
	})
	if err != nil {
		return store.Point{}, err
	}
	return p, nil
}

func putToken(ctx context.Context, tx *sql.Tx, t store.Token) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO tokens(id, hash, point_id, owner_id, refresh, expires_at, revoked_at) VALUES(?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET expires_at = excluded.expires_at, revoked_at = excluded.revoked_at`,
		t.ID, t.Hash, t.PointID, t.OwnerID, t.Refresh, t.ExpiresAt.UnixMilli(), ms(t.RevokedAt))
	return err
}

// PutToken stores a token.
func (s *Store) PutToken(ctx context.Context, t store.Token) error {
	return s.tx(ctx, func(tx *sql.Tx) error { return putToken(ctx, tx, t) })
}

// TokenByID finds a token by its public id; ErrNotFound if none.
func (s *Store) TokenByID(ctx context.Context, id string) (store.Token, error) {
	var t store.Token
	var exp int64
	var rev sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT id, hash, point_id, owner_id, refresh, expires_at, revoked_at FROM tokens WHERE id = ?`, id).
		Scan(&t.ID, &t.Hash, &t.PointID, &t.OwnerID, &t.Refresh, &exp, &rev)
	if err != nil {
		return store.Token{}, notFound(err, "token")
	}
	t.ExpiresAt, t.RevokedAt = time.UnixMilli(exp).UTC(), fromMs(rev)
	return t, nil
}

// RevokeToken revokes a token (the first revocation's time stays).
func (s *Store) RevokeToken(ctx context.Context, id string, at time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`, at.UnixMilli(), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("token: %w", store.ErrNotFound)
		}
		return nil
	})
}

// Device is the push state of (point, device, incarnation).
func (s *Store) Device(ctx context.Context, pointID, deviceID, incarnation string) (store.Device, error) {
	d := store.Device{PointID: pointID, DeviceID: deviceID, Incarnation: incarnation}
	err := s.r.QueryRowContext(ctx, `SELECT last_acked FROM devices WHERE point_id = ? AND device_id = ? AND incarnation = ?`,
		pointID, deviceID, incarnation).Scan(&d.LastAcked)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return store.Device{}, err
	}
	return d, nil
}

// Push applies a batch as the point, in one transaction (core.Push).
func (s *Store) Push(ctx context.Context, pointID string, req protocol.PushRequest, now time.Time) (store.PushResult, error) {
	if err := req.Validate(); err != nil {
		return store.PushResult{}, err
	}
	var res store.PushResult
	err := s.tx(ctx, func(tx *sql.Tx) error {
		w := writeTx{tx, s.st}
		st, err := w.stmt(ctx, sqlPointOwner)
		if err != nil {
			return err
		}
		var owner string
		if err := st.QueryRowContext(ctx, pointID).Scan(&owner); err != nil {
			return notFound(err, "point "+pointID)
		}
		res, err = core.Push(ctx, w, owner, pointID, req, now)
		return err
	})
	if err != nil {
		return store.PushResult{}, err
	}
	return res, nil
}

// Pull reads a page of a stream in one read transaction (one snapshot).
func (s *Store) Pull(ctx context.Context, pointID, stream, cursor string, limit int) (protocol.PullResponse, error) {
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return protocol.PullResponse{}, err
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	return core.Pull(ctx, readTx{tx}, pointID, stream, cursor, limit)
}

// Exceptions are the owner's exceptions raised since a time, oldest first.
func (s *Store) Exceptions(ctx context.Context, ownerID string, since time.Time) ([]store.Exception, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, owner_id, kind, entity, points, events, raised_at, detail
		FROM exceptions WHERE owner_id = ? AND raised_at >= ? ORDER BY raised_at, n`, ownerID, since.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Exception
	for rows.Next() {
		var x store.Exception
		var points, events, detail string
		var at int64
		if err := rows.Scan(&x.ID, &x.OwnerID, &x.Kind, &x.Entity, &points, &events, &at, &detail); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(points), &x.Points); err != nil {
			return nil, fmt.Errorf("exception %s points: %w", x.ID, err)
		}
		if err := json.Unmarshal([]byte(events), &x.Events); err != nil {
			return nil, fmt.Errorf("exception %s events: %w", x.ID, err)
		}
		x.RaisedAt, x.Detail = time.UnixMilli(at).UTC(), json.RawMessage(detail)
		out = append(out, x)
	}
	return out, rows.Err()
}
