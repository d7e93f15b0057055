package store

import (
	"context"
	"time"

	"smartpoint/sync/protocol"
)

// OwnerSettings is what the owner and the cloud operator push to the
// owner's points, beside Store: the counters' settings (per point,
// versioned) and the owner's subscription. Each goes onto the points'
// streams (StreamPoint) as protocol.KindSettingsPushed and
// KindSubscriptionChanged. Both engines implement it;
// storetest.RunOwnerSettings checks them alike.
type OwnerSettings interface {
	// PushSettings records a push of settings to a point of the owner:
	// the point's next version, and the settings.pushed change on its
	// stream. A point of another owner (or none) is ErrNotFound.
	PushSettings(ctx context.Context, ownerID, pointID string, s protocol.PointSettings, now time.Time) (protocol.SettingsResponse, error)
	// PointSettings is the point's last push (version 0 and no settings
	// before the first); ErrNotFound as PushSettings.
	PointSettings(ctx context.Context, ownerID, pointID string) (protocol.SettingsResponse, error)

	// SetSubscription stores the owner's plan and puts it on the stream
	// of every point of the owner (a point registered later gets it when
	// it registers); ErrNotFound for an unknown owner.
	SetSubscription(ctx context.Context, ownerID string, sub protocol.Subscription, now time.Time) error
	// Subscription is the owner's plan; ErrNotFound when none was set.
	Subscription(ctx context.Context, ownerID string) (protocol.Subscription, error)
}
