// Package protocol is the counter ↔ cloud sync protocol, version 1: the
// JSON bodies of every endpoint, the stable error codes, the limits, and
// strict decoders for what arrives from the network. The same types serve
// the client (sync/client) and the reference server (sync/server); the
// OpenAPI 3.1 description (openapi.yaml, served at GET /v1/openapi.yaml)
// is checked against them by a test.
//
// The shape follows research/sync.md §2: the counter's append-only event
// log is the outbox; push sends it in client_seq order with a result per
// event; pull reads a stream with an opaque, commit-ordered cursor; hello
// carries the client's incarnation (a restored or copied database gets a
// new one) and the server's epoch (a restored server gets a new one).
package protocol

import (
	"encoding/json"
	"time"
)

// Version is the protocol this package speaks; MinVersion the oldest a
// server still accepts.
const (
	Version    = 1
	MinVersion = 1
)

// Limits of one request. A push batch is at most MaxBatchEvents events and
// MaxBodyBytes bytes; the client splits its backlog to fit.
const (
	MaxBatchEvents  = 500
	MaxBodyBytes    = 1 << 20 // 1 MiB
	MaxPullLimit    = 1000
	DefaultPull     = 500
	MaxEventPayload = 64 << 10 // one event's payload
	MaxIDLength     = 64
	MaxKindLength   = 64
	MaxEntityLength = 200
)

// Paths of the API, version 1.
const (
	PathRegister = "/v1/points/register"
	PathRefresh  = "/v1/auth/refresh"
	PathHello    = "/v1/sync/hello"
	PathPush     = "/v1/sync/push"
	PathPull     = "/v1/sync/pull"
	PathSpec     = "/v1/openapi.yaml"
	PathHealth   = "/healthz"
	PathReady    = "/readyz"
)

// RegisterRequest makes a counter PC a point of an owner, once, with the
// activation code the owner got for that point.
type RegisterRequest struct {
	Protocol       int    `json:"protocol"`
	ActivationCode string `json:"activation_code"`
	DeviceID       string `json:"device_id"`   // the counter database's id (UUID)
	DeviceName     string `json:"device_name"` // the PC's name, for the owner's list
	AppVersion     string `json:"app_version"`
}

// Tokens are what registration and refresh give: a short-lived access
// token for every call and a long-lived refresh token for new ones. The
// server keeps only their hashes.
type Tokens struct {
	PointID      string    `json:"point_id"`
	OwnerID      string    `json:"owner_id"`
	PointName    string    `json:"point_name"`
	AccessToken  string    `json:"access_token"`
	ExpiresAt    time.Time `json:"expires_at"`
	RefreshToken string    `json:"refresh_token"`
}

// RefreshRequest trades a refresh token for new tokens (the old refresh
// token stops working).
type RefreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// HelloRequest opens a sync round.
type HelloRequest struct {
	Protocol   int    `json:"protocol"`
	AppVersion string `json:"app_version"`
	DeviceID   string `json:"device_id"`
	// Incarnation names this copy of the counter database's history; it
	// changes when the client finds it was restored or copied.
	Incarnation string `json:"incarnation"`
	// MaxClientSeq is the highest event sequence the database holds.
	MaxClientSeq int64 `json:"max_client_seq"`
	// Epochs are the server epochs the client last saw, per stream.
	Epochs map[string]string `json:"epochs,omitempty"`
}

// HelloResponse tells the client where the server stands.
type HelloResponse struct {
	Epoch      string    `json:"epoch"`       // the server's history; changes when it was restored
	ServerTime time.Time `json:"server_time"` // for the clock-skew warning
	// LastAcked is the highest client_seq of this device and incarnation
	// the server holds. Above MaxClientSeq it means the client database
	// went back in time (restored from a backup): the client starts a new
	// incarnation and pushes again.
	LastAcked   int64    `json:"last_acked_client_seq"`
	MinProtocol int      `json:"min_protocol"`
	Streams     []string `json:"streams"` // what this point may pull
}

// Event is one entry of the counter's log, as pushed.
type Event struct {
	ID         string          `json:"event_id"`   // UUIDv7: the global idempotency key
	ClientSeq  int64           `json:"client_seq"` // the log's seq, gapless per incarnation as pushed
	Kind       string          `json:"kind"`       // parcel.accepted, loyalty.stamp_earned …
	Entity     string          `json:"entity"`     // parcel:<partner>:<track>, card:<uuid> …
	OccurredAt time.Time       `json:"occurred_at"`
	Clerk      int64           `json:"clerk_id,omitempty"`
	Shift      int64           `json:"shift_id,omitempty"`
	Payload    json.RawMessage `json:"payload"`
}

// PushRequest is one batch of the outbox, in client_seq order.
type PushRequest struct {
	Protocol    int     `json:"protocol"`
	DeviceID    string  `json:"device_id"`
	Incarnation string  `json:"incarnation"`
	BatchID     string  `json:"batch_id"` // for the logs only
	Events      []Event `json:"events"`
}

// Event results.
const (
	StatusApplied   = "applied"   // new, applied now
	StatusDuplicate = "duplicate" // seen before: the first result stands
	StatusRejected  = "rejected"  // refused for good (Code says why); never retried
)

// EventResult is the server's answer for one event.
type EventResult struct {
	ID        string   `json:"event_id"`
	Status    string   `json:"status"`
	ServerSeq int64    `json:"server_seq,omitempty"`
	Code      string   `json:"code,omitempty"`     // for rejected
	Message   string   `json:"message,omitempty"`  // for people
	Warnings  []string `json:"warnings,omitempty"` // e.g. location_conflict: applied, and an exception raised
}

// PushResponse answers a batch. Results cover a prefix of the batch in
// order; events after it were not looked at (a gap, or the server ran out
// of time) and are sent again.
type PushResponse struct {
	Epoch     string        `json:"epoch"`
	Results   []EventResult `json:"results"`
	LastAcked int64         `json:"last_acked_client_seq"`
}

// Change is one entry of a pull stream.
type Change struct {
	Seq    int64           `json:"seq"`    // the stream's commit order
	Kind   string          `json:"kind"`   // manifest.published, loyalty.movement, exception.raised …
	Entity string          `json:"entity"` // what it is about
	Origin string          `json:"origin,omitempty"`
	At     time.Time       `json:"at"`
	Data   json.RawMessage `json:"data"`
}

// PullResponse is one page of a stream after a cursor.
type PullResponse struct {
	Epoch      string   `json:"epoch"`
	Stream     string   `json:"stream"`
	Changes    []Change `json:"changes"`
	NextCursor string   `json:"next_cursor"` // opaque: send it back as is
	HasMore    bool     `json:"has_more"`
}

// Streams a point pulls.
const (
	StreamPoint = "point" // manifests for it, exceptions about its parcels and cards, its settings and plan (owner.go)
	StreamOwner = "owner" // loyalty movements, customers and cards of the owner's points (its own included: a restored point gets them back)
)

// Error is every non-2xx body: a stable code (below), a message for
// people, and what helps the client recover.
type Error struct {
	Code       string `json:"code"`
	Message    string `json:"message"`
	Epoch      string `json:"epoch,omitempty"` // reset: the server's epoch now
	Expected   int64  `json:"expected_client_seq,omitempty"`
	MinVersion int    `json:"min_protocol,omitempty"` // version_not_supported
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Error codes: stable, part of the protocol.
const (
	ErrBadRequest          = "bad_request"           // 400: the body is not what the spec says
	ErrTooLarge            = "too_large"             // 413: body over MaxBodyBytes or batch over MaxBatchEvents
	ErrUnauthorized        = "unauthorized"          // 401: no token, or a wrong one
	ErrTokenExpired        = "token_expired"         // 401: refresh and retry
	ErrForbidden           = "forbidden"             // 403: the token does not reach this
	ErrActivationInvalid   = "activation_invalid"    // 403: unknown, used or expired activation code
	ErrNotFound            = "not_found"             // 404
	ErrVersionNotSupported = "version_not_supported" // 426: update the app
	ErrIncarnationConflict = "incarnation_conflict"  // 409: two databases push as one (a copy)
	ErrReset               = "reset"                 // 409: the stream's epoch changed; pull from the start
	ErrRateLimited         = "rate_limited"          // 429: wait Retry-After
	ErrUnavailable         = "unavailable"           // 503: not ready; retry later
	ErrInternal            = "internal"              // 500
)

// Rejection codes of single events (EventResult.Code).
const (
	RejectMalformed   = "malformed"    // the event itself is broken (no id, bad payload)
	RejectKind        = "unknown_kind" // a kind this server does not take
	RejectTooLarge    = "too_large"    // payload over MaxEventPayload
	RejectSeqConflict = "seq_conflict" // the client_seq was taken by another event (a copied database)
)

// Warnings of applied events (EventResult.Warnings).
const (
	WarnLocationConflict = "location_conflict" // the parcel is at another point: an exception was raised
	WarnDoubleIssue      = "double_issue"      // the parcel was already issued elsewhere
	WarnOverdrawn        = "overdrawn"         // a card redeemed at two points offline went below zero
)
