package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/internal/core"
)

// Settings pushed by the owner and subscriptions (store.OwnerSettings) on
// PostgreSQL: the rules are core's (owner_settings.go), the statements
// here. A point's settings row and an owner's subscription row are locked
// by their upsert until commit, so versions and the streams' order agree.

var _ store.OwnerSettings = (*Store)(nil)

// ownerTx is core.OwnerTx on a transaction.
type ownerTx struct{ intTx }

var _ core.OwnerTx = ownerTx{}

func (t ownerTx) PutPointSettings(ctx context.Context, ownerID, pointID string, settings []byte, now time.Time) (int64, error) {
	var v int64
	err := t.tx.QueryRow(ctx, `INSERT INTO point_settings(point_id, owner_id, version, settings, pushed_at) VALUES($1, $2, 1, $3::json, $4)
		ON CONFLICT (point_id) DO UPDATE SET version = point_settings.version + 1, settings = excluded.settings, pushed_at = excluded.pushed_at
		RETURNING version`, pointID, ownerID, string(settings), now).Scan(&v)
	return v, err
}

func (t ownerTx) OwnerPoints(ctx context.Context, ownerID string) ([]string, error) {
	var one int
	if err := t.tx.QueryRow(ctx, `SELECT 1 FROM owners WHERE id = $1`, ownerID).Scan(&one); err != nil {
		return nil, notFound(err, "owner "+ownerID)
	}
	rows, err := t.tx.Query(ctx, `SELECT id FROM points WHERE owner_id = $1 ORDER BY created_at, id`, ownerID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

func (t ownerTx) PutSubscription(ctx context.Context, ownerID string, s protocol.Subscription, now time.Time) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO subscriptions(owner_id, plan, status, paid_until, updated_at) VALUES($1, $2, $3, $4, $5)
		ON CONFLICT (owner_id) DO UPDATE SET plan = excluded.plan, status = excluded.status, paid_until = excluded.paid_until,
			updated_at = excluded.updated_at`, ownerID, s.Plan, s.Status, s.PaidUntil, now)
	return err
}

// LockedSubscription shares the row's lock: a SetSubscription under way
// commits first, and this reads what it wrote (so a registering point
// never gets an older plan after the newer one).
func (t ownerTx) LockedSubscription(ctx context.Context, ownerID string) (protocol.Subscription, bool, error) {
	s, err := subscription(ctx, t.tx, ownerID, " FOR SHARE")
	if errors.Is(err, store.ErrNotFound) {
		return protocol.Subscription{}, false, nil
	}
	return s, err == nil, err
}

type queryRower interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func subscription(ctx context.Context, db queryRower, ownerID, lock string) (protocol.Subscription, error) {
	var s protocol.Subscription
	err := db.QueryRow(ctx, `SELECT plan, status, paid_until FROM subscriptions WHERE owner_id = $1`+lock, ownerID).Scan(&s.Plan, &s.Status, &s.PaidUntil)
	if err != nil {
		return protocol.Subscription{}, notFound(err, "subscription of owner "+ownerID)
	}
	s.PaidUntil = s.PaidUntil.UTC()
	return s, nil
}

// PushSettings records a settings push to a point of the owner.
func (s *Store) PushSettings(ctx context.Context, ownerID, pointID string, set protocol.PointSettings, now time.Time) (protocol.SettingsResponse, error) {
	var res protocol.SettingsResponse
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		res, err = core.PushSettings(ctx, ownerTx{intTx{writeTx{tx}}}, ownerID, pointID, set, now)
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
	var version *int64
	var raw []byte
	var pushed *time.Time
	err := s.pool.QueryRow(ctx, `SELECT p.owner_id, ps.version, ps.settings::text, ps.pushed_at
		FROM points p LEFT JOIN point_settings ps ON ps.point_id = p.id WHERE p.id = $1`, pointID).Scan(&owner, &version, &raw, &pushed)
	if err == nil && owner != ownerID {
		err = pgx.ErrNoRows // another owner's point looks like none
	}
	if err != nil {
		return protocol.SettingsResponse{}, notFound(err, "point "+pointID)
	}
	res := protocol.SettingsResponse{PointID: pointID}
	if version != nil {
		res.Version, res.PushedAt = *version, fromTs(pushed)
		if res.Settings, err = core.DecodeSettings(raw); err != nil {
			return protocol.SettingsResponse{}, fmt.Errorf("point %s: %w", pointID, err)
		}
	}
	return res, nil
}

// SetSubscription stores the owner's plan and puts it on every point's stream.
func (s *Store) SetSubscription(ctx context.Context, ownerID string, sub protocol.Subscription, now time.Time) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		return core.SetSubscription(ctx, ownerTx{intTx{writeTx{tx}}}, ownerID, sub, now)
	})
}

// Subscription is the owner's plan; ErrNotFound when none was set.
func (s *Store) Subscription(ctx context.Context, ownerID string) (protocol.Subscription, error) {
	return subscription(ctx, s.pool, ownerID, "")
}

// publishSubscription gives a point that registers the owner's plan
// (Activate's transaction).
func publishSubscription(ctx context.Context, tx pgx.Tx, p store.Point, now time.Time) error {
	return core.PublishSubscription(ctx, ownerTx{intTx{writeTx{tx}}}, p.OwnerID, p.ID, now)
}
