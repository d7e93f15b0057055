package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// Settings pushed by the owner and the owner's subscription
// (store.OwnerSettings): the rules here, the statements in the engines'
// owner_settings.go, the same suite (storetest.RunOwnerSettings).

// Origins of the changes the owner and the operator put on point streams
// (never a point's id: those are base32 upper case).
const (
	OriginOwner = "owner" // settings.pushed
	OriginCloud = "cloud" // subscription.changed
)

// OwnerTx is an engine's write transaction for settings and subscriptions.
type OwnerTx interface {
	// PointOwner is the owner of a point, store.ErrNotFound if none.
	PointOwner(ctx context.Context, pointID string) (string, error)
	AppendChange(ctx context.Context, ownerID, stream string, c store.Change) (seq int64, err error)
	// PutPointSettings stores a point's push as its next version (the
	// row stays locked until commit) and returns that version.
	PutPointSettings(ctx context.Context, ownerID, pointID string, settings []byte, now time.Time) (version int64, err error)
	// OwnerPoints are the ids of the owner's points; store.ErrNotFound
	// for an unknown owner.
	OwnerPoints(ctx context.Context, ownerID string) ([]string, error)
	// PutSubscription stores the owner's plan (the row stays locked
	// until commit).
	PutSubscription(ctx context.Context, ownerID string, s protocol.Subscription, now time.Time) error
	// LockedSubscription is the owner's plan, the row locked against a
	// concurrent SetSubscription until commit; false when none was set.
	LockedSubscription(ctx context.Context, ownerID string) (protocol.Subscription, bool, error)
}

// SettingsEntity and OwnerEntity are the entities of the changes.
func SettingsEntity(pointID string) string { return "point:" + pointID }
func OwnerEntity(ownerID string) string    { return "owner:" + ownerID }

// PushSettings records a settings push inside tx (see
// store.OwnerSettings.PushSettings).
func PushSettings(ctx context.Context, tx OwnerTx, ownerID, pointID string, s protocol.PointSettings, now time.Time) (protocol.SettingsResponse, error) {
	now = Millis(now)
	if err := s.Validate(); err != nil {
		return protocol.SettingsResponse{}, err
	}
	owner, err := tx.PointOwner(ctx, pointID)
	if errors.Is(err, store.ErrNotFound) || err == nil && owner != ownerID {
		// Another owner's point looks like no point at all.
		return protocol.SettingsResponse{}, fmt.Errorf("point %s: %w", pointID, store.ErrNotFound)
	}
	if err != nil {
		return protocol.SettingsResponse{}, fmt.Errorf("point %s: %w", pointID, err)
	}
	raw, err := json.Marshal(s)
	if err != nil {
		return protocol.SettingsResponse{}, fmt.Errorf("settings: %w", err)
	}
	version, err := tx.PutPointSettings(ctx, ownerID, pointID, raw, now)
	if err != nil {
		return protocol.SettingsResponse{}, fmt.Errorf("store the settings of point %s: %w", pointID, err)
	}
	data, err := json.Marshal(protocol.SettingsPushed{Version: version, Settings: s})
	if err != nil {
		return protocol.SettingsResponse{}, fmt.Errorf("settings change: %w", err)
	}
	c := store.Change{Kind: protocol.KindSettingsPushed, Entity: SettingsEntity(pointID), Origin: OriginOwner, At: now, Data: data}
	if _, err := tx.AppendChange(ctx, ownerID, PointStream(pointID), c); err != nil {
		return protocol.SettingsResponse{}, fmt.Errorf("settings onto the stream of point %s: %w", pointID, err)
	}
	return protocol.SettingsResponse{PointID: pointID, Version: version, Settings: s, PushedAt: now}, nil
}

// SetSubscription stores the owner's plan and puts it on the stream of
// each of the owner's points, inside tx.
func SetSubscription(ctx context.Context, tx OwnerTx, ownerID string, sub protocol.Subscription, now time.Time) error {
	now = Millis(now)
	sub.PaidUntil = Millis(sub.PaidUntil)
	if err := sub.Validate(); err != nil {
		return err
	}
	points, err := tx.OwnerPoints(ctx, ownerID)
	if err != nil {
		return fmt.Errorf("points of owner %s: %w", ownerID, err)
	}
	if err := tx.PutSubscription(ctx, ownerID, sub, now); err != nil {
		return fmt.Errorf("store the subscription of owner %s: %w", ownerID, err)
	}
	for _, p := range points {
		if err := appendSubscription(ctx, tx, ownerID, p, sub, now); err != nil {
			return err
		}
	}
	return nil
}

// PublishSubscription puts the owner's current plan, if any, on a point's
// stream, inside tx: a point registering gets the plan set before it
// existed (and again the one it has, which is harmless: the last wins).
func PublishSubscription(ctx context.Context, tx OwnerTx, ownerID, pointID string, now time.Time) error {
	sub, found, err := tx.LockedSubscription(ctx, ownerID)
	if err != nil {
		return fmt.Errorf("subscription of owner %s: %w", ownerID, err)
	}
	if !found {
		return nil
	}
	return appendSubscription(ctx, tx, ownerID, pointID, sub, Millis(now))
}

func appendSubscription(ctx context.Context, tx OwnerTx, ownerID, pointID string, sub protocol.Subscription, now time.Time) error {
	sub.PaidUntil = sub.PaidUntil.UTC()
	data, err := json.Marshal(sub)
	if err != nil {
		return fmt.Errorf("subscription change: %w", err)
	}
	c := store.Change{Kind: protocol.KindSubscriptionChanged, Entity: OwnerEntity(ownerID), Origin: OriginCloud, At: now, Data: data}
	if _, err := tx.AppendChange(ctx, ownerID, PointStream(pointID), c); err != nil {
		return fmt.Errorf("subscription onto the stream of point %s: %w", pointID, err)
	}
	return nil
}

// DecodeSettings reads stored settings (as PushSettings wrote them).
func DecodeSettings(raw []byte) (protocol.PointSettings, error) {
	var s protocol.PointSettings
	if err := json.Unmarshal(raw, &s); err != nil {
		return protocol.PointSettings{}, fmt.Errorf("stored settings: %w", err)
	}
	return s, nil
}
