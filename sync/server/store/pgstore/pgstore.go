// Package pgstore is the sync server's store on PostgreSQL (pgx v5, a
// connection pool), for many points. It runs the same rules as the
// embedded SQLite store (store/internal/core) and passes the same suite
// (storetest); migrations are its own, in migrations/postgres.
//
// Ordering: a push locks its owner's row first (SELECT … FOR NO KEY
// UPDATE: it does not block inserts that only reference the owner), so
// one owner's pushes run one after the other while different owners'
// run in parallel; a stream's seq comes from its counter row, updated in
// the writing transaction, so seqs commit in order and a reader paging
// with a cursor never skips a change that commits late (research/sync.md
// §4.2). A pull reads in one REPEATABLE READ snapshot.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/internal/core"
)

// Store is an open PostgreSQL store.
type Store struct {
	pool *pgxpool.Pool
}

var _ store.Store = (*Store)(nil)

// Open connects to the database named by dsn (a postgres:// URL or
// key=value string; pgxpool's pool_max_conns and friends apply), migrates
// it and creates its epoch on first use.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: connect: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	if err := backfillCardBalances(ctx, pool); err != nil { // once, after the owner_features migration (overdrawn.go)
		pool.Close()
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO meta(key, value) VALUES('epoch', $1) ON CONFLICT (key) DO NOTHING`, core.NewID()); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: epoch: %w", err)
	}
	return &Store{pool: pool}, nil
}

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Ping says whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{}, fn)
}

// ts is a time as a parameter: the zero time is NULL.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// fromTs is a scanned nullable time, in UTC.
func fromTs(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func notFound(err error, what string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return err
}

// Epoch is the store's history id.
func (s *Store) Epoch(ctx context.Context) (string, error) {
	var e string
	err := s.pool.QueryRow(ctx, `SELECT value FROM meta WHERE key = 'epoch'`).Scan(&e)
	return e, err
}

// RotateEpoch gives the store a new history id (after a restore): every
// cursor handed out before is a reset.
func (s *Store) RotateEpoch(ctx context.Context) (string, error) {
	e := core.NewID()
	_, err := s.pool.Exec(ctx, `INSERT INTO meta(key, value) VALUES('epoch', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, e)
	if err != nil {
		return "", err
	}
	return e, nil
}

// CreateOwner adds an owner.
func (s *Store) CreateOwner(ctx context.Context, name string) (store.Owner, error) {
	o := store.Owner{ID: core.NewID(), Name: name, CreatedAt: core.Millis(time.Now())}
	if _, err := s.pool.Exec(ctx, `INSERT INTO owners(id, name, created_at) VALUES($1, $2, $3)`, o.ID, o.Name, o.CreatedAt); err != nil {
		return store.Owner{}, err
	}
	return o, nil
}

// CreatePoint adds a point to an owner; ErrNotFound for an unknown owner.
func (s *Store) CreatePoint(ctx context.Context, ownerID, name string) (store.Point, error) {
	p := store.Point{ID: core.NewID(), OwnerID: ownerID, Name: name}
	var id string
	err := s.pool.QueryRow(ctx, `INSERT INTO points(id, owner_id, name, created_at)
		SELECT $1, id, $3, now() FROM owners WHERE id = $2 RETURNING id`, p.ID, ownerID, name).Scan(&id)
	if err != nil {
		return store.Point{}, notFound(err, "owner "+ownerID)
	}
	return p, nil
}

const pointCols = `id, owner_id, name, device_id, registered_at`

func scanPoint(row pgx.Row) (store.Point, error) {
	var p store.Point
	var reg *time.Time
	if err := row.Scan(&p.ID, &p.OwnerID, &p.Name, &p.DeviceID, &reg); err != nil {
		return store.Point{}, err
	}
	p.RegisteredAt = fromTs(reg)
	return p, nil
}

// Point is one point; ErrNotFound if there is none.
func (s *Store) Point(ctx context.Context, id string) (store.Point, error) {
	p, err := scanPoint(s.pool.QueryRow(ctx, `SELECT `+pointCols+` FROM points WHERE id = $1`, id))
	if err != nil {
		return store.Point{}, notFound(err, "point "+id)
	}
	return p, nil
}

// AddActivation stores a one-time code's hash for a point.
func (s *Store) AddActivation(ctx context.Context, pointID, codeHash string, expires time.Time) error {
	var id string
	err := s.pool.QueryRow(ctx, `INSERT INTO activations(id, point_id, hash, expires_at, created_at)
		SELECT $1, id, $3, $4, now() FROM points WHERE id = $2 RETURNING id`, core.NewID(), pointID, codeHash, expires).Scan(&id)
	return notFound(err, "point "+pointID)
}

// Activate consumes the code that verify accepts. The (slow) hash checks
// run before the write transaction; the write takes the code only if it
// is still unused and unexpired, so two racing activations cannot both
// win.
func (s *Store) Activate(ctx context.Context, verify func(hash string) bool, deviceID string, tokens []store.Token, now time.Time) (store.Point, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, hash FROM activations WHERE used_at IS NULL AND expires_at > $1 ORDER BY created_at`, now)
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
	err = s.tx(ctx, func(tx pgx.Tx) error {
		var pointID string
		err := tx.QueryRow(ctx, `UPDATE activations SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1 RETURNING point_id`,
			now, match).Scan(&pointID)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrActivationInvalid
		}
		if err != nil {
			return err
		}
		p, err = scanPoint(tx.QueryRow(ctx, `UPDATE points SET device_id = $1, registered_at = $2 WHERE id = $3 RETURNING `+pointCols,
			deviceID, now, pointID))
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

// execer is a pool or a transaction.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

func putToken(ctx context.Context, db execer, t store.Token) error {
	_, err := db.Exec(ctx, `INSERT INTO tokens(id, hash, point_id, owner_id, refresh, expires_at, revoked_at) VALUES($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT(id) DO UPDATE SET expires_at = excluded.expires_at, revoked_at = excluded.revoked_at`,
		t.ID, t.Hash, t.PointID, t.OwnerID, t.Refresh, t.ExpiresAt, ts(t.RevokedAt))
	return err
}

// PutToken stores a token.
func (s *Store) PutToken(ctx context.Context, t store.Token) error {
	return putToken(ctx, s.pool, t)
}

// TokenByID finds a token by its public id; ErrNotFound if none.
func (s *Store) TokenByID(ctx context.Context, id string) (store.Token, error) {
	var t store.Token
	var rev *time.Time
	err := s.pool.QueryRow(ctx, `SELECT id, hash, point_id, owner_id, refresh, expires_at, revoked_at FROM tokens WHERE id = $1`, id).
		Scan(&t.ID, &t.Hash, &t.PointID, &t.OwnerID, &t.Refresh, &t.ExpiresAt, &rev)
	if err != nil {
		return store.Token{}, notFound(err, "token")
	}
	t.ExpiresAt, t.RevokedAt = t.ExpiresAt.UTC(), fromTs(rev)
	return t, nil
}

// RevokeToken revokes a token (the first revocation's time stays).
func (s *Store) RevokeToken(ctx context.Context, id string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2`, at, id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("token: %w", store.ErrNotFound)
	}
	return nil
}

// Device is the push state of (point, device, incarnation).
func (s *Store) Device(ctx context.Context, pointID, deviceID, incarnation string) (store.Device, error) {
	d := store.Device{PointID: pointID, DeviceID: deviceID, Incarnation: incarnation}
	err := s.pool.QueryRow(ctx, `SELECT last_acked FROM devices WHERE point_id = $1 AND device_id = $2 AND incarnation = $3`,
		pointID, deviceID, incarnation).Scan(&d.LastAcked)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return store.Device{}, err
	}
	return d, nil
}

// Push applies a batch as the point, in one transaction (core.Push),
// holding the owner's row lock.
func (s *Store) Push(ctx context.Context, pointID string, req protocol.PushRequest, now time.Time) (store.PushResult, error) {
	if err := req.Validate(); err != nil {
		return store.PushResult{}, err
	}
	var res store.PushResult
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var owner string
		err := tx.QueryRow(ctx, `SELECT o.id FROM points p JOIN owners o ON o.id = p.owner_id WHERE p.id = $1 FOR NO KEY UPDATE OF o`, pointID).Scan(&owner)
		if err != nil {
			return notFound(err, "point "+pointID)
		}
		res, err = core.Push(ctx, writeTx{tx}, owner, pointID, req, now)
		return err
	})
	if err != nil {
		return store.PushResult{}, err
	}
	return res, nil
}

// Pull reads a page of a stream in one REPEATABLE READ snapshot.
func (s *Store) Pull(ctx context.Context, pointID, stream, cursor string, limit int) (protocol.PullResponse, error) {
	var res protocol.PullResponse
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		res, err = core.Pull(ctx, readTx{tx}, pointID, stream, cursor, limit)
		return err
	})
	return res, err
}

// Exceptions are the owner's exceptions raised since a time, oldest first.
func (s *Store) Exceptions(ctx context.Context, ownerID string, since time.Time) ([]store.Exception, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, owner_id, kind, entity, points, events, raised_at, detail
		FROM exceptions WHERE owner_id = $1 AND raised_at >= $2 ORDER BY raised_at, n`, ownerID, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Exception
	for rows.Next() {
		var x store.Exception
		var detail []byte
		if err := rows.Scan(&x.ID, &x.OwnerID, &x.Kind, &x.Entity, &x.Points, &x.Events, &x.RaisedAt, &detail); err != nil {
			return nil, err
		}
		x.RaisedAt, x.Detail = x.RaisedAt.UTC(), detail
		out = append(out, x)
	}
	return out, rows.Err()
}
