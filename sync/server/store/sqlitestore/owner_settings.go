package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/internal/core"
)

// Settings pushed by the owner and subscriptions (store.OwnerSettings) on
// SQLite: the rules are core's (owner_settings.go), the statements here.
// The single writer serialises the version bumps and the streams.

var _ store.OwnerSettings = (*Store)(nil)

// ownerTx is core.OwnerTx on the writer's transaction.
type ownerTx struct{ intTx }

var _ core.OwnerTx = ownerTx{}

func (t ownerTx) PutPointSettings(ctx context.Context, ownerID, pointID string, settings []byte, now time.Time) (int64, error) {
	var v int64
	err := t.tx.QueryRowContext(ctx, `INSERT INTO point_settings(point_id, owner_id, version, settings, pushed_at) VALUES(?, ?, 1, ?, ?)
		ON CONFLICT(point_id) DO UPDATE SET version = version + 1, settings = excluded.settings, pushed_at = excluded.pushed_at
		RETURNING version`, pointID, ownerID, string(settings), now.UnixMilli()).Scan(&v)
	return v, err
}

func (t ownerTx) OwnerPoints(ctx context.Context, ownerID string) ([]string, error) {
	var one int
	if err := t.tx.QueryRowContext(ctx, `SELECT 1 FROM owners WHERE id = ?`, ownerID).Scan(&one); err != nil {
		return nil, notFound(err, "owner "+ownerID)
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT id FROM points WHERE owner_id = ? ORDER BY created_at, id`, ownerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func (t ownerTx) PutSubscription(ctx context.Context, ownerID string, s protocol.Subscription, now time.Time) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO subscriptions(owner_id, plan, status, paid_until, updated_at) VALUES(?, ?, ?, ?, ?)
		ON CONFLICT(owner_id) DO UPDATE SET plan = excluded.plan, status = excluded.status, paid_until = excluded.paid_until,
			updated_at = excluded.updated_at`, ownerID, s.Plan, s.Status, s.PaidUntil.UnixMilli(), now.UnixMilli())
	return err
}

// LockedSubscription needs no lock here: the single writer holds everything.
func (t ownerTx) LockedSubscription(ctx context.Context, ownerID string) (protocol.Subscription, bool, error) {
	s, err := subscription(ctx, t.tx, ownerID)
	if errors.Is(err, store.ErrNotFound) {
		return protocol.Subscription{}, false, nil
	}
	return s, err == nil, err
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func subscription(ctx context.Context, db queryRower, ownerID string) (protocol.Subscription, error) {
	var s protocol.Subscription
	var paid int64
	err := db.QueryRowContext(ctx, `SELECT plan, status, paid_until FROM subscriptions WHERE owner_id = ?`, ownerID).Scan(&s.Plan, &s.Status, &paid)
	if err != nil {
		return protocol.Subscription{}, notFound(err, "subscription of owner "+ownerID)
	}
	s.PaidUntil = time.UnixMilli(paid).UTC()
	return s, nil
}

// PushSettings records a settings push to a point of the owner.
func (s *Store) PushSettings(ctx context.Context, ownerID, pointID string, set protocol.PointSettings, now time.Time) (protocol.SettingsResponse, error) {
	var res protocol.SettingsResponse
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = core.PushSettings(ctx, ownerTx{intTx{writeTx{tx, s.st}}}, ownerID, pointID, set, now)
		return err
	})
	if err != nil {
		return protocol.SettingsResponse{}, err
	}
	return res, nil
}

// PointSettings is the point's last settings push.
func (s *Store) PointSettings(ctx context.Context, ownerID, pointID string) (protocol.SettingsResponse, error) {
	var owner string
	var version, pushed sql.NullInt64
	var raw sql.NullString
	err := s.r.QueryRowContext(ctx, `SELECT p.owner_id, ps.version, ps.settings, ps.pushed_at
		FROM points p LEFT JOIN point_settings ps ON ps.point_id = p.id WHERE p.id = ?`, pointID).Scan(&owner, &version, &raw, &pushed)
	if err == nil && owner != ownerID {
		err = sql.ErrNoRows // another owner's point looks like none
	}
	if err != nil {
		return protocol.SettingsResponse{}, notFound(err, "point "+pointID)
	}
	res := protocol.SettingsResponse{PointID: pointID, Version: version.Int64}
	if raw.Valid {
		if res.Settings, err = core.DecodeSettings([]byte(raw.String)); err != nil {
			return protocol.SettingsResponse{}, fmt.Errorf("point %s: %w", pointID, err)
		}
		res.PushedAt = fromMs(pushed)
	}
	return res, nil
}

// SetSubscription stores the owner's plan and puts it on every point's stream.
func (s *Store) SetSubscription(ctx context.Context, ownerID string, sub protocol.Subscription, now time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		return core.SetSubscription(ctx, ownerTx{intTx{writeTx{tx, s.st}}}, ownerID, sub, now)
	})
}

// Subscription is the owner's plan; ErrNotFound when none was set.
func (s *Store) Subscription(ctx context.Context, ownerID string) (protocol.Subscription, error) {
	return subscription(ctx, s.r, ownerID)
}

// publishSubscription gives a point that registers the owner's plan
// (Activate's transaction).
func publishSubscription(ctx context.Context, tx *sql.Tx, p store.Point, now time.Time) error {
	return core.PublishSubscription(ctx, ownerTx{intTx{writeTx{tx: tx}}}, p.OwnerID, p.ID, now)
}
