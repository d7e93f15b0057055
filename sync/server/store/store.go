// Package store is the reference cloud server's storage: one interface,
// two engines — SQLite (sqlitestore, the embedded default: the server runs
// with no set-up) and PostgreSQL (pgstore, for many points) — and one
// shared test suite (storetest) that both must pass.
//
// Tenancy: every row belongs to an owner; every method that reads or
// writes a point's data takes the point (and through it the owner) from
// the authenticated token, never from the request body, so one point's
// token cannot reach another owner's data.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"smartpoint/sync/protocol"
)

// Errors the server maps to protocol codes.
var (
	ErrNotFound            = errors.New("not found")
	ErrActivationInvalid   = errors.New("activation code unknown, used or expired")
	ErrIncarnationConflict = errors.New("another database pushes as this device and incarnation")
)

// Owner is a business with one or more points.
type Owner struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// Point is a pickup point of an owner, registered by one counter device.
type Point struct {
	ID           string
	OwnerID      string
	Name         string
	DeviceID     string // "" until registered
	RegisteredAt time.Time
}

// Activation is a one-time code an owner gives the installer of a point.
type Activation struct {
	Code      string // shown once; stored hashed
	PointID   string
	ExpiresAt time.Time
}

// Token is an access or refresh token as stored: hashed (argon2id, PHC),
// looked up by its public id.
type Token struct {
	ID        string // the part before the dot, in clear
	Hash      string // of the secret part
	PointID   string
	OwnerID   string
	Refresh   bool
	ExpiresAt time.Time
	RevokedAt time.Time
}

// Device is where a device's pushes stand: per incarnation, the highest
// client_seq applied (rejected events count: they are never retried).
type Device struct {
	PointID     string
	DeviceID    string
	Incarnation string
	LastAcked   int64
}

// PushResult is the outcome of one batch.
type PushResult struct {
	Results   []protocol.EventResult // a prefix of the batch, in order
	LastAcked int64
}

// Change is one entry of a stream, as stored.
type Change = protocol.Change

// Exception is a conflict surfaced to points and owner: the same parcel
// accepted at two points, a card overdrawn by offline redemptions at two
// points, a manifest changed after acceptance.
type Exception struct {
	ID       string
	OwnerID  string
	Kind     string   // location_conflict, double_issue, overdrawn, manifest_changed
	Entity   string   // parcel:<partner>:<track>, card:<uuid>
	Points   []string // the points involved
	Events   []string // the event ids that raised it
	RaisedAt time.Time
	Detail   json.RawMessage
}

// Store is everything the server keeps. Implementations are safe for
// concurrent use; every method is one transaction.
type Store interface {
	// Epoch is the store's history id: it changes when the database is
	// restored from a backup (RotateEpoch, run by the restore command).
	Epoch(ctx context.Context) (string, error)
	RotateEpoch(ctx context.Context) (string, error)

	CreateOwner(ctx context.Context, name string) (Owner, error)
	CreatePoint(ctx context.Context, ownerID, name string) (Point, error)
	Point(ctx context.Context, id string) (Point, error)
	// AddActivation stores a one-time code's hash for a point.
	AddActivation(ctx context.Context, pointID, codeHash string, expires time.Time) error
	// Activate consumes a code (matched by the caller's verify function
	// over the stored hashes of unexpired, unused codes), binds the point
	// to the device and stores the new tokens, all at once.
	Activate(ctx context.Context, verify func(hash string) bool, deviceID string, tokens []Token, now time.Time) (Point, error)

	// PutToken stores a token; a known id gets the new expiry and
	// revocation (a refresh token's life slides with use).
	PutToken(ctx context.Context, t Token) error
	TokenByID(ctx context.Context, id string) (Token, error)
	RevokeToken(ctx context.Context, id string, at time.Time) error

	// Device is the push state of (point, device, incarnation); zero
	// LastAcked for a new incarnation.
	Device(ctx context.Context, pointID, deviceID, incarnation string) (Device, error)

	// Push applies a batch as the point: each event once by event id
	// (a known id gives its first result back), in client_seq order;
	// events rejected by check are recorded as rejected and still
	// advance LastAcked; a client_seq already taken by another event id
	// is ErrIncarnationConflict. Applied events get the point's and the
	// owner's stream sequence and may raise exceptions (returned as
	// warnings).
	Push(ctx context.Context, pointID string, req protocol.PushRequest, now time.Time) (PushResult, error)

	// Pull reads a stream after a cursor ("" from the start), at most
	// limit changes, in commit order.
	Pull(ctx context.Context, pointID, stream, cursor string, limit int) (protocol.PullResponse, error)

	Exceptions(ctx context.Context, ownerID string, since time.Time) ([]Exception, error)

	// Ping says whether the store answers (readiness).
	Ping(ctx context.Context) error
	Close() error
}
