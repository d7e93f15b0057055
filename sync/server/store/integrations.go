package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"smartpoint/sync/protocol"
)

// Errors of the integrations the server maps to protocol codes.
var (
	ErrExists              = errors.New("already exists")
	ErrIdempotencyConflict = errors.New("the key was used for another request")
	ErrStaleVersion        = errors.New("manifest version at or below the published one")
	ErrInsufficientBalance = errors.New("the card's balance is short")
	ErrCardRevoked         = errors.New("the card was revoked")
)

// Kinds of API keys: what a key may call.
const (
	KeyPartner = "partner" // publishes manifests to the owner's points
	KeyCRM     = "crm"     // reads cards, stamps and redeems
	KeyOwner   = "owner"   // the dashboard and the webhook delivery log
)

// Partner is a carrier or marketplace registered by an owner; Code is
// the partner's code in the counter's parcel entities
// ("parcel:<code>:<track>").
type Partner struct {
	ID        string
	OwnerID   string
	Code      string
	Name      string
	CreatedAt time.Time
}

// APIKey is an integration's key as stored: "<id>.<secret>" like a
// token, the secret argon2id-hashed, never kept in clear.
type APIKey struct {
	ID        string
	Hash      string
	Kind      string // KeyPartner, KeyCRM, KeyOwner
	OwnerID   string
	PartnerID string // KeyPartner only
	Name      string
	CreatedAt time.Time
	RevokedAt time.Time
}

// Webhook is an owner's subscription. The secret signs the deliveries
// (HMAC), so unlike keys it is kept in clear.
type Webhook struct {
	ID        string
	OwnerID   string
	URL       string
	Secret    string
	CreatedAt time.Time
}

// Delivery is one webhook event for one subscription, with what the
// sender needs (URL, secret, body) and where it stands.
type Delivery struct {
	protocol.Delivery
	OwnerID string
	Secret  string
	Data    json.RawMessage // the event's data
	EventAt time.Time       // the event's time (WebhookEvent.CreatedAt)
}

// DeliveryAttempt is the outcome of one attempt to send a delivery.
type DeliveryAttempt struct {
	At        time.Time
	Status    int    // the receiver's HTTP status; 0 without an answer
	Error     string // why it failed, for the log
	Delivered bool
	// NextAt is when to try again; zero gives up (the delivery failed).
	NextAt time.Time
}

// CardMovement is a CRM stamp or redemption.
type CardMovement struct {
	Kind   string // protocol.MovementStamp or MovementRedeem
	Amount int64  // positive
	Key    string // idempotency key, per owner
}

// Integrations is what the integrations API keeps, beside Store: partners
// and API keys, manifests, webhooks and their deliveries, the loyalty
// read model behind the CRM, and the owner's dashboard. Both engines
// implement it; storetest.RunIntegrations checks them alike.
type Integrations interface {
	// CreatePartner registers a partner of an owner: ErrNotFound for an
	// unknown owner, ErrExists when the owner has that code already.
	CreatePartner(ctx context.Context, ownerID, code, name string, now time.Time) (Partner, error)
	Partner(ctx context.Context, id string) (Partner, error)

	// PutAPIKey stores a key (ErrNotFound for an unknown owner or partner).
	PutAPIKey(ctx context.Context, k APIKey) error
	APIKeyByID(ctx context.Context, id string) (APIKey, error)
	RevokeAPIKey(ctx context.Context, id string, at time.Time) error

	// PublishManifest publishes a version of a partner's manifest to a
	// point of the partner's owner, once per idempotency key: the same
	// key and request give the first answer back, the same key with
	// another request ErrIdempotencyConflict. A point of another owner
	// (or none) is ErrNotFound; a version at or below the published one
	// (other than the same version again, unchanged) ErrStaleVersion.
	// The manifest goes onto the point's stream; parcels the version
	// changes after the point accepted them raise manifest_changed
	// exceptions there.
	PublishManifest(ctx context.Context, partnerID, idempotencyKey string, req protocol.ManifestRequest, now time.Time) (protocol.ManifestResponse, error)

	// CreateWebhook adds a subscription (ErrNotFound for an unknown owner).
	CreateWebhook(ctx context.Context, ownerID, url, secret string, now time.Time) (Webhook, error)
	// QueueWebhooks turns up to limit queued events (queued by the push
	// that applied them, in its transaction) into deliveries, one per
	// subscription of their owner; it returns how many events it took.
	QueueWebhooks(ctx context.Context, now time.Time, limit int) (int, error)
	// ClaimDeliveries takes up to limit pending deliveries due at now and
	// puts their next attempt lease later, so a crashed sender's
	// deliveries are tried again then and two senders never share one.
	ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Delivery, error)
	// RecordDelivery records an attempt of a claimed delivery.
	RecordDelivery(ctx context.Context, id string, a DeliveryAttempt) error
	// Deliveries is the owner's delivery log, newest first; status ""
	// is every status.
	Deliveries(ctx context.Context, ownerID, status string, limit int) ([]protocol.Delivery, error)

	// Card is a card of the owner by its code (normalised), with its
	// balance from every movement the server holds; ErrNotFound if the
	// owner has no such card.
	Card(ctx context.Context, ownerID, code string) (protocol.CardResponse, error)
	// MoveCard stamps or redeems through the CRM, once per key: the
	// movement goes onto the owner's stream (origin "crm") and to the
	// webhooks. ErrInsufficientBalance for a redemption over the
	// balance, ErrCardRevoked for a revoked card, ErrIdempotencyConflict
	// for a key used for another movement.
	MoveCard(ctx context.Context, ownerID, code string, m CardMovement, now time.Time) (protocol.CardMovementResponse, error)

	// Dashboard is the owner's figures per point over [from, to).
	Dashboard(ctx context.Context, ownerID string, from, to, now time.Time) (protocol.Dashboard, error)
}
