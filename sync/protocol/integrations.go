package protocol

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The integrations API: what partners, an owner's CRM or cash register
// and the owner's own tools call, with API keys an administrator issues
// (smartpoint-cloud partner add, apikey add, owner token). Every key
// belongs to one owner; what a key reaches is that owner's data only.
//
//   - Partners (carriers, marketplaces) publish versioned manifests to
//     the owner's points; each version goes onto the point's stream.
//   - The CRM reads a loyalty card's balance and stamps or redeems; each
//     movement goes onto the owner's stream for the points.
//   - The owner reads a dashboard of the points and the webhook delivery
//     log; webhooks (subscriptions made with smartpoint-cloud webhook
//     add) carry parcel and loyalty events to the owner's systems.

// Paths of the integrations API, version 1. {code} is a loyalty card's
// code as printed on it (case, dashes and spaces do not matter).
const (
	PathPartnerManifests = "/v1/partner/manifests"
	PathCRMCard          = "/v1/crm/cards/{code}"
	PathCRMStamps        = "/v1/crm/cards/{code}/stamps"
	PathCRMRedeem        = "/v1/crm/cards/{code}/redeem"
	PathOwnerDashboard   = "/v1/owner/dashboard"
	PathOwnerDeliveries  = "/v1/owner/webhooks/deliveries"
)

// IdempotencyKeyHeader names a partner request: the same key with the
// same body gets the first answer again; with another body, 409
// idempotency_conflict.
const IdempotencyKeyHeader = "Idempotency-Key"

// SignatureHeader signs a webhook delivery: "t=<unix seconds>,v1=<hex
// HMAC-SHA256 of the subscription's secret over t + "." + body>".
const SignatureHeader = "X-SmartPoint-Signature"

// Error codes of the integrations API (all 409).
const (
	ErrIdempotencyConflict = "idempotency_conflict" // the Idempotency-Key (or a CRM key) was used for another request
	ErrStaleVersion        = "stale_version"        // a manifest version at or below the one published
	ErrInsufficientBalance = "insufficient_balance" // a redemption over the card's balance
	ErrCardRevoked         = "card_revoked"         // the card was revoked (lost, merged): use its replacement
)

// Limits of integrations requests (besides MaxBodyBytes).
const (
	ManifestParcelsLimit = 5000            // parcels in one manifest version
	CardAmountLimit      = 1_000_000       // stamps or points in one CRM movement
	CODLimit             = 100_000_000_000 // cash on delivery, minor units
)

// ManifestRequest is one version of a partner's manifest for a point:
// the parcels the partner sends there. A later version replaces the
// earlier one as a whole.
type ManifestRequest struct {
	PointID    string           `json:"point_id"`
	ManifestID string           `json:"manifest_id"`
	Version    int64            `json:"version"`
	Parcels    []ManifestParcel `json:"parcels"`
}

// ManifestParcel is one parcel of a manifest. Track is stored upper-cased
// (the counter's form); COD is in minor units (kopecks).
type ManifestParcel struct {
	Track          string `json:"track"`
	RecipientName  string `json:"recipient_name"`
	RecipientPhone string `json:"recipient_phone"`
	Size           string `json:"size"` // S, M, L, XL or ""
	COD            int64  `json:"cod"`
	PickupCode     string `json:"pickup_code"`
}

// ManifestResponse is the answer to a published manifest version.
type ManifestResponse struct {
	ManifestID string `json:"manifest_id"`
	Version    int64  `json:"version"`
	PointID    string `json:"point_id"`
	Parcels    int    `json:"parcels"`
	// Replaced is the version this one replaced (none for a new manifest).
	Replaced int64 `json:"replaced_version,omitempty"`
	// Changed are the tracks whose parcel this version changed after the
	// point had accepted it: each raised a manifest_changed exception on
	// the point's stream (the acceptance stands).
	Changed     []string  `json:"changed_after_acceptance,omitempty"`
	PublishedAt time.Time `json:"published_at"`
}

// ManifestData is the Data of a manifest.published change on a point's
// stream (and of manifest.withdrawn on the stream of a point a later
// version moved the manifest away from, with no parcels).
type ManifestData struct {
	Partner     string           `json:"partner"` // the partner's code, as in the counter's parcel entities
	ManifestID  string           `json:"manifest_id"`
	Version     int64            `json:"version"`
	PointID     string           `json:"point_id"`
	Parcels     []ManifestParcel `json:"parcels"`
	PublishedAt time.Time        `json:"published_at"`
}

// CardResponse is a loyalty card as the server knows it from the owner's
// points and the CRM.
type CardResponse struct {
	Card     string `json:"card"` // the card's uuid
	Code     string `json:"code"`
	Customer string `json:"customer"` // the customer's uuid (no personal data)
	// Balance is the sum of the card's movements the server holds;
	// movements made offline and not yet pushed are not in it.
	Balance int64 `json:"balance"`
	Revoked bool  `json:"revoked"`
}

// CardMovementRequest stamps or redeems through the CRM. Key makes it
// idempotent: the same key again gets the first answer.
type CardMovementRequest struct {
	Amount int64  `json:"amount"`
	Key    string `json:"key"`
}

// CardMovementResponse is a CRM movement as recorded.
type CardMovementResponse struct {
	Movement  string    `json:"movement"` // its uuid
	EventID   string    `json:"event_id"` // of the change on the owner's stream (and of the webhook)
	Card      string    `json:"card"`
	Code      string    `json:"code"`
	Kind      string    `json:"kind"`   // stamp or redeem
	Amount    int64     `json:"amount"` // as asked, positive
	Balance   int64     `json:"balance"`
	Key       string    `json:"key"`
	CreatedAt time.Time `json:"created_at"`
}

// Kinds of CRM movements (CardMovementResponse.Kind).
const (
	MovementStamp  = "stamp"
	MovementRedeem = "redeem"
)

// Webhook event types (WebhookEvent.Type). Parcel types carry
// WebhookParcel-shaped data; loyalty types the fields of the counter's
// event named in app/loyalty/doc.go, with point_id.
const (
	WebhookParcelAccepted  = "parcel.accepted"
	WebhookParcelIssued    = "parcel.issued"
	WebhookParcelReturned  = "parcel.returned"
	WebhookCustomerCreated = "customer.created"
	WebhookCardIssued      = "card.issued"
	WebhookStampEarned     = "stamp.earned"
	WebhookRewardEarned    = "reward.earned"
	WebhookRewardRedeemed  = "reward.redeemed"
)

// WebhookEvent is the body of a webhook delivery. ID is the event's id:
// a delivery retried, or a duplicate, has the same one.
type WebhookEvent struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	CreatedAt time.Time       `json:"created_at"`
	Data      json.RawMessage `json:"data"`
}

// WebhookParcel is the data of the parcel.* webhooks.
type WebhookParcel struct {
	PointID    string    `json:"point_id"`
	Partner    string    `json:"partner"` // the partner's code
	Track      string    `json:"track"`
	Entity     string    `json:"entity"` // parcel:<partner>:<track>
	OccurredAt time.Time `json:"occurred_at"`
	// Details is the counter's event payload as pushed (app/counter:
	// accepted: cell, size, damaged, deadline …; issued: handover, cod,
	// pay_method …; returned: act, box).
	Details json.RawMessage `json:"details"`
}

// Delivery states.
const (
	DeliveryPending   = "pending"   // not sent yet, or to be retried at next_at
	DeliveryDelivered = "delivered" // the receiver answered 2xx
	DeliveryFailed    = "failed"    // every attempt failed; no more retries
)

// Delivery is one webhook event for one subscription, as the log shows it.
type Delivery struct {
	ID            string    `json:"id"`
	WebhookID     string    `json:"webhook_id"`
	URL           string    `json:"url"`
	EventID       string    `json:"event_id"`
	Type          string    `json:"type"`
	Status        string    `json:"status"`
	Attempts      int       `json:"attempts"`
	CreatedAt     time.Time `json:"created_at"`
	NextAt        time.Time `json:"next_at,omitzero"` // pending: when the next attempt is due
	LastAttemptAt time.Time `json:"last_attempt_at,omitzero"`
	LastStatus    int       `json:"last_status,omitempty"` // HTTP status of the last attempt (none: no answer)
	LastError     string    `json:"last_error,omitempty"`
	DeliveredAt   time.Time `json:"delivered_at,omitzero"`
}

// DeliveriesResponse is the delivery log, newest first.
type DeliveriesResponse struct {
	Deliveries []Delivery `json:"deliveries"`
}

// DashboardPoint is one point's figures over the dashboard's range
// (stock on hand and open exceptions: as of its end).
type DashboardPoint struct {
	PointID string `json:"point_id"`
	Name    string `json:"name"`
	Figures
}

// Figures are a dashboard's numbers, per point or in total.
type Figures struct {
	EventsPushed    int64 `json:"events_pushed"`   // received in the range (server clock)
	EventsRejected  int64 `json:"events_rejected"` // of those, rejected
	ParcelsAccepted int64 `json:"parcels_accepted"`
	ParcelsIssued   int64 `json:"parcels_issued"`
	ParcelsReturned int64 `json:"parcels_returned"`
	// StockOnHand counts the parcels whose last event up to the range's
	// end is an acceptance here (accepted − issued − returned, per parcel).
	StockOnHand      int64 `json:"stock_on_hand"`
	StampsEarned     int64 `json:"stamps_earned"` // stamps or points, summed
	Redemptions      int64 `json:"redemptions"`   // how many
	Redeemed         int64 `json:"redeemed"`      // stamps or points, summed
	ExceptionsRaised int64 `json:"exceptions_raised"`
	ExceptionsOpen   int64 `json:"exceptions_open"`
}

// Dashboard is GET /v1/owner/dashboard: each point of the owner, the
// CRM's loyalty movements, and the totals (points and CRM).
type Dashboard struct {
	OwnerID     string           `json:"owner_id"`
	From        time.Time        `json:"from"`
	To          time.Time        `json:"to"`
	Points      []DashboardPoint `json:"points"`
	CRM         Figures          `json:"crm"`
	Totals      Figures          `json:"totals"`
	GeneratedAt time.Time        `json:"generated_at"`
}

// Add adds o's figures to f.
func (f *Figures) Add(o Figures) {
	f.EventsPushed += o.EventsPushed
	f.EventsRejected += o.EventsRejected
	f.ParcelsAccepted += o.ParcelsAccepted
	f.ParcelsIssued += o.ParcelsIssued
	f.ParcelsReturned += o.ParcelsReturned
	f.StockOnHand += o.StockOnHand
	f.StampsEarned += o.StampsEarned
	f.Redemptions += o.Redemptions
	f.Redeemed += o.Redeemed
	f.ExceptionsRaised += o.ExceptionsRaised
	f.ExceptionsOpen += o.ExceptionsOpen
}

// Validate checks a manifest version: identifiers, a positive version,
// 1 to ManifestParcelsLimit parcels with distinct tracks (after
// upper-casing), sane text and amounts.
func (r *ManifestRequest) Validate() error {
	if err := checkID("point_id", r.PointID); err != nil {
		return err
	}
	if err := checkID("manifest_id", r.ManifestID); err != nil {
		return err
	}
	if r.Version < 1 {
		return bad("version: 1 or more")
	}
	if len(r.Parcels) == 0 {
		return bad("parcels: at least one")
	}
	if len(r.Parcels) > ManifestParcelsLimit {
		return &Error{Code: ErrTooLarge, Message: fmt.Sprintf("%d parcels; at most %d a manifest", len(r.Parcels), ManifestParcelsLimit)}
	}
	seen := make(map[string]int, len(r.Parcels))
	for i, p := range r.Parcels {
		if err := checkID(fmt.Sprintf("parcels[%d].track", i), p.Track); err != nil {
			return err
		}
		track := strings.ToUpper(p.Track)
		if j, dup := seen[track]; dup {
			return bad("parcels[%d].track: %q repeats parcels[%d]", i, p.Track, j)
		}
		seen[track] = i
		if err := checkText(fmt.Sprintf("parcels[%d].recipient_name", i), p.RecipientName, 200, true); err != nil {
			return err
		}
		if err := checkText(fmt.Sprintf("parcels[%d].recipient_phone", i), p.RecipientPhone, 32, true); err != nil {
			return err
		}
		switch p.Size {
		case "", "S", "M", "L", "XL":
		default:
			return bad("parcels[%d].size: S, M, L, XL or empty", i)
		}
		if p.COD < 0 || p.COD > CODLimit {
			return bad("parcels[%d].cod: 0 to %d (minor units)", i, int64(CODLimit))
		}
		if err := checkText(fmt.Sprintf("parcels[%d].pickup_code", i), p.PickupCode, 32, true); err != nil {
			return err
		}
	}
	return nil
}

// Normalized is the request as stored and compared: tracks upper-cased.
func (r ManifestRequest) Normalized() ManifestRequest {
	out := r
	out.Parcels = make([]ManifestParcel, len(r.Parcels))
	for i, p := range r.Parcels {
		p.Track = strings.ToUpper(p.Track)
		out.Parcels[i] = p
	}
	return out
}

// Validate checks a CRM movement: 1 to CardAmountLimit, and a key.
func (r *CardMovementRequest) Validate() error {
	if r.Amount < 1 || r.Amount > CardAmountLimit {
		return bad("amount: 1 to %d", CardAmountLimit)
	}
	return checkID("key", r.Key)
}

// CheckIdempotencyKey accepts an Idempotency-Key: an identifier (1 to
// MaxIDLength printable ASCII characters).
func CheckIdempotencyKey(key string) error {
	if key == "" {
		return bad("the %s header is required (a new one per manifest version, the same one when retrying)", IdempotencyKeyHeader)
	}
	return checkID(IdempotencyKeyHeader, key)
}

// NormalizeCardCode is a card code as the counter stores it: upper case,
// without spaces and dashes, O read as 0 and I, L as 1 (Crockford). It
// does not check the code's check character; an unknown code is simply
// not found.
func NormalizeCardCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case ' ', '-':
			continue
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		b.WriteRune(r)
	}
	return b.String()
}
