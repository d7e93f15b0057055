// Package core is the part of the server store that does not depend on
// the database engine: the push algorithm (dedup by event id, the
// client_seq check, rejections, projections and exceptions), the pull
// paging and the opaque cursor. The engines (sqlitestore, pgstore) give
// it their transactions through WriteTx and ReadTx, each method one or
// two statements of their own SQL, so both engines run exactly the same
// rules and the shared suite (storetest) checks them on both.
package core

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// NewID is a random identifier (26 characters of base32, 130 bits) for
// owners, points, exceptions and epochs.
func NewID() string { return rand.Text() }

// Stream keys as stored: one stream per point, one per owner.
func PointStream(pointID string) string { return "point:" + pointID }
func OwnerStream(ownerID string) string { return "owner:" + ownerID }

// Kinds the server projects (the counter's names, app/counter/events.go).
const (
	KindParcelAccepted = "parcel.accepted"
	KindParcelIssued   = "parcel.issued"
	KindParcelReturned = "parcel.returned"
	LoyaltyPrefix      = "loyalty."
	// KindExceptionRaised is the change an exception puts on the
	// streams of the points involved.
	KindExceptionRaised = protocol.KindExceptionRaised
)

// Parcel statuses kept for conflict detection: where the server last
// saw the parcel and what happened to it there.
const (
	ParcelAccepted = "accepted" // in the custody of Point
	ParcelIssued   = "issued"   // handed to the recipient at Point
	ParcelReturned = "returned" // handed back to the partner at Point
)

// Parcel is the projection row of one parcel of an owner.
type Parcel struct {
	Entity    string
	PointID   string
	Status    string
	LastEvent string
}

// StoredEvent is an event as recorded: applied or rejected, with the
// result a duplicate gets back.
type StoredEvent struct {
	OwnerID     string
	Key         string // the event id, or a stand-in for a malformed one (see eventKey)
	PointID     string
	DeviceID    string
	Incarnation string
	Event       protocol.Event
	ReceivedAt  time.Time
	Status      string // protocol.StatusApplied or StatusRejected
	Code        string
	Message     string
	ServerSeq   int64 // 0 for rejected events
	Warnings    []string
}

// WriteTx is an engine's write transaction, already holding the owner's
// lock (pushes of one owner run one after the other). A push calls the
// batch methods (EventResults, TakeServerSeqs, InsertEvents, Parcels,
// PutParcels, AppendChanges) a few times a batch, never once an event:
// every lookup and every write takes the whole batch at once.
type WriteTx interface {
	// EventResults are the stored results of the owner's events with
	// these keys, by key; keys the owner does not have are left out.
	EventResults(ctx context.Context, ownerID string, keys []string) (map[string]protocol.EventResult, error)
	// LastAcked is the device's highest acknowledged client_seq in this
	// incarnation, 0 when unknown.
	LastAcked(ctx context.Context, pointID, deviceID, incarnation string) (int64, error)
	SetLastAcked(ctx context.Context, pointID, deviceID, incarnation string, lastAcked int64, now time.Time) error
	// NextServerSeq takes the owner's next server_seq (the owner counter row).
	NextServerSeq(ctx context.Context, ownerID string) (int64, error)
	// TakeServerSeqs takes the owner's next n server_seqs at once and
	// returns the last one: they are last-n+1 … last.
	TakeServerSeqs(ctx context.Context, ownerID string, n int) (last int64, err error)
	// InsertEvents records events, all of one owner, point, device and
	// incarnation (a push's).
	InsertEvents(ctx context.Context, events []StoredEvent) error
	// Parcels are the owner's projection rows of these entities, by
	// entity; entities without one are left out.
	Parcels(ctx context.Context, ownerID string, entities []string) (map[string]Parcel, error)
	// PutParcels writes projection rows, at most one per entity.
	PutParcels(ctx context.Context, ownerID string, ps []Parcel, now time.Time) error
	InsertException(ctx context.Context, x store.Exception) error
	// AppendChange adds c to a stream with the stream's next seq, taken
	// from the stream's counter row in this transaction: the row stays
	// locked until commit, so seqs of one stream commit in order and a
	// reader can never see seq n+1 before n.
	AppendChange(ctx context.Context, ownerID, stream string, c store.Change) (seq int64, err error)
	// AppendChanges is AppendChange of cs, in order, taking their seqs
	// from the counter row at once; it returns the last one (the first is
	// last-len(cs)+1).
	AppendChanges(ctx context.Context, ownerID, stream string, cs []store.Change) (last int64, err error)
	// The card balances behind the overdrawn exception (overdrawn.go).
	BalanceTx
}

// ReadTx is an engine's read transaction: one snapshot for all calls.
type ReadTx interface {
	Epoch(ctx context.Context) (string, error)
	// PointOwner is the owner of a point, store.ErrNotFound if none.
	PointOwner(ctx context.Context, pointID string) (string, error)
	// Head is the stream's highest seq (0 for a stream never written).
	Head(ctx context.Context, stream string) (int64, error)
	// Changes are the stream's changes after seq, in seq order, leaving
	// out those whose origin is excludeOrigin (when not ""), at most limit.
	Changes(ctx context.Context, stream string, after int64, excludeOrigin string, limit int) ([]store.Change, error)
}

// EventData is the Data of a change made from an event (loyalty
// movements on the owner stream): what another point needs to apply it
// once, by event id.
type EventData struct {
	EventID    string          `json:"event_id"`
	ServerSeq  int64           `json:"server_seq"`
	OccurredAt time.Time       `json:"occurred_at"`
	ClerkID    int64           `json:"clerk_id,omitempty"`
	Payload    json.RawMessage `json:"payload"`
}

// ExceptionData is the Data of an exception.raised change.
type ExceptionData = protocol.ExceptionData

// Millis truncates t to what both engines keep (milliseconds), in UTC.
func Millis(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Millisecond)
}

// Clean makes a string from the network safe to store as text on any
// engine: valid UTF-8, no NUL, at most limit bytes. Only rejected events
// need it (accepted ones passed CheckEvent).
func Clean(s string, limit int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	if len(s) > limit {
		s = s[:limit]
		for len(s) > 0 && !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}
