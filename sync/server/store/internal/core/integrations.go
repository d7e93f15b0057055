package core

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// The integrations (store.Integrations) on top of the engines' SQL, as
// the push is: the rules here, the statements in sqlitestore and pgstore
// (their integrations*.go), the same suite (storetest.RunIntegrations).

// Kinds of the changes the integrations put on streams, and of the
// exception a changed manifest raises.
const (
	KindManifestPublished    = "manifest.published"
	KindManifestWithdrawn    = "manifest.withdrawn"
	ExceptionManifestChanged = "manifest_changed"
	// OriginCRM is the origin of CRM movements on the owner stream.
	OriginCRM = "crm"
)

// StoredManifest is the published version of a partner's manifest.
type StoredManifest struct {
	OwnerID     string
	PartnerID   string
	ManifestID  string
	PointID     string
	Version     int64
	BodyHash    string
	Parcels     []protocol.ManifestParcel
	Response    protocol.ManifestResponse
	PublishedAt time.Time
}

// OutboxItem is an applied event queued for the webhooks by the push
// that applied it (InsertEvents, in the push's transaction).
type OutboxItem struct {
	N          int64
	OwnerID    string
	EventID    string
	PointID    string
	Kind       string
	Entity     string
	Payload    []byte
	OccurredAt time.Time
	Found      bool // false: the event is gone (never, but the queue does not rely on it)
}

// LoyaltyEvent is an applied loyalty event of an owner, in server_seq
// order, for the loyalty read model.
type LoyaltyEvent struct {
	ServerSeq  int64
	EventID    string
	PointID    string
	Kind       string
	Payload    []byte
	OccurredAt time.Time
}

// CardRow is a loyalty card in the read model.
type CardRow struct {
	Card     string
	Code     string
	Customer string
	Revoked  bool
}

// MovementRow is one signed change of a card's balance in the read
// model: from a point's event or from the CRM.
type MovementRow struct {
	ID         string
	Card       string
	PointID    string // "" for the CRM
	Origin     string // "point" or OriginCRM
	Kind       string // earn, redeem, adjust, reverse, expire, transfer
	Amount     int64  // signed
	EventID    string
	Key        string // the CRM's key
	OccurredAt time.Time
}

// Movement kinds of the read model.
const (
	MoveEarn     = "earn"
	MoveRedeem   = "redeem"
	MoveAdjust   = "adjust"
	MoveReverse  = "reverse"
	MoveExpire   = "expire"
	MoveTransfer = "transfer"
)

// IntegrationsTx is an engine's write transaction for the integrations.
// Its first three methods are WriteTx's (the owner counter, the streams
// and the exceptions are the push's own).
type IntegrationsTx interface {
	NextServerSeq(ctx context.Context, ownerID string) (int64, error)
	AppendChange(ctx context.Context, ownerID, stream string, c store.Change) (seq int64, err error)
	InsertException(ctx context.Context, x store.Exception) error
	// LockOwner serialises with the owner's pushes until commit.
	LockOwner(ctx context.Context, ownerID string) error
	// PointOwner is the owner of a point, store.ErrNotFound if none.
	PointOwner(ctx context.Context, pointID string) (string, error)
	Partner(ctx context.Context, id string) (store.Partner, error)

	// Idempotent is the stored answer to a key in a scope.
	Idempotent(ctx context.Context, scope, key string) (hash string, response []byte, found bool, err error)
	PutIdempotent(ctx context.Context, scope, key, hash string, response []byte, now time.Time) error

	Manifest(ctx context.Context, partnerID, manifestID string) (StoredManifest, bool, error)
	PutManifest(ctx context.Context, m StoredManifest) error
	// AcceptedEvent is the id of the latest applied parcel.accepted of
	// entity at the point.
	AcceptedEvent(ctx context.Context, ownerID, pointID, entity string) (string, bool, error)

	Webhooks(ctx context.Context, ownerID string) ([]store.Webhook, error)
	// InsertDelivery adds a delivery; one per (webhook, event): a second
	// is ignored.
	InsertDelivery(ctx context.Context, d store.Delivery) error
	// Outbox are the oldest queued events, at most limit (locked against
	// other senders where the engine has row locks).
	Outbox(ctx context.Context, limit int) ([]OutboxItem, error)
	DeleteOutbox(ctx context.Context, ns []int64) error

	// LoyaltyCursor is the owner's read model position (the server_seq
	// of the last event it took); SetLoyaltyCursor moves it.
	LoyaltyCursor(ctx context.Context, ownerID string) (int64, error)
	SetLoyaltyCursor(ctx context.Context, ownerID string, seq int64) error
	// LoyaltyEvents are the owner's applied events of the kinds after
	// seq, in server_seq order, at most limit.
	LoyaltyEvents(ctx context.Context, ownerID string, after int64, kinds []string, limit int) ([]LoyaltyEvent, error)
	PutCard(ctx context.Context, ownerID string, c CardRow) error
	RevokeCard(ctx context.Context, ownerID, card string) error
	// InsertMovement adds a movement; a known id is ignored.
	InsertMovement(ctx context.Context, ownerID string, m MovementRow) error
	CardByCode(ctx context.Context, ownerID, code string) (CardRow, bool, error)
	Balance(ctx context.Context, ownerID, card string) (int64, error)
	// The card balances a CRM movement moves too (overdrawn.go).
	BalanceTx
}

// hashJSON is the hex SHA-256 of v's JSON: how two requests are told
// apart (the decoded request, so spacing and key order do not count).
func hashJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// NewUUID is a random (version 4) UUID, the counter's form of movement
// and event ids.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// ManifestEntity is a manifest's entity on a stream, as the counter
// names its own ("manifest:<partner>:<number>").
func ManifestEntity(partner, manifestID string) string {
	return "manifest:" + partner + ":" + manifestID
}

// ParcelEntity is a parcel's entity, as the counter names it.
func ParcelEntity(partner, track string) string { return "parcel:" + partner + ":" + track }

// PublishManifest publishes one version of a partner's manifest inside
// tx (see store.Integrations.PublishManifest).
func PublishManifest(ctx context.Context, tx IntegrationsTx, partnerID, idemKey string, req protocol.ManifestRequest, now time.Time) (protocol.ManifestResponse, error) {
	now = Millis(now)
	req = req.Normalized()
	partner, err := tx.Partner(ctx, partnerID)
	if err != nil {
		return protocol.ManifestResponse{}, err
	}
	if err := tx.LockOwner(ctx, partner.OwnerID); err != nil {
		return protocol.ManifestResponse{}, err
	}
	hash, err := hashJSON(req)
	if err != nil {
		return protocol.ManifestResponse{}, err
	}
	scope := "partner:" + partnerID
	if h, body, found, err := tx.Idempotent(ctx, scope, idemKey); err != nil {
		return protocol.ManifestResponse{}, err
	} else if found {
		if h != hash {
			return protocol.ManifestResponse{}, fmt.Errorf("%w: Idempotency-Key %q was used for another request", store.ErrIdempotencyConflict, idemKey)
		}
		var res protocol.ManifestResponse
		return res, json.Unmarshal(body, &res)
	}
	owner, err := tx.PointOwner(ctx, req.PointID)
	if errors.Is(err, store.ErrNotFound) || err == nil && owner != partner.OwnerID {
		// Another owner's point looks like no point at all.
		return protocol.ManifestResponse{}, fmt.Errorf("point %s: %w", req.PointID, store.ErrNotFound)
	}
	if err != nil {
		return protocol.ManifestResponse{}, err
	}
	prev, found, err := tx.Manifest(ctx, partnerID, req.ManifestID)
	if err != nil {
		return protocol.ManifestResponse{}, err
	}
	remember := func(res protocol.ManifestResponse) (protocol.ManifestResponse, error) {
		body, err := json.Marshal(res)
		if err != nil {
			return protocol.ManifestResponse{}, err
		}
		return res, tx.PutIdempotent(ctx, scope, idemKey, hash, body, now)
	}
	if found {
		switch {
		case req.Version == prev.Version && hash == prev.BodyHash:
			return remember(prev.Response) // the same version again, under a new key
		case req.Version == prev.Version:
			return protocol.ManifestResponse{}, fmt.Errorf("%w: version %d of manifest %s was published with other content; send version %d",
				store.ErrStaleVersion, req.Version, req.ManifestID, prev.Version+1)
		case req.Version < prev.Version:
			return protocol.ManifestResponse{}, fmt.Errorf("%w: version %d of manifest %s is older than the published version %d",
				store.ErrStaleVersion, req.Version, req.ManifestID, prev.Version)
		}
	}

	entity := ManifestEntity(partner.Code, req.ManifestID)
	origin := "partner:" + partner.Code
	data, err := json.Marshal(protocol.ManifestData{Partner: partner.Code, ManifestID: req.ManifestID, Version: req.Version,
		PointID: req.PointID, Parcels: req.Parcels, PublishedAt: now})
	if err != nil {
		return protocol.ManifestResponse{}, err
	}
	if _, err := tx.AppendChange(ctx, owner, PointStream(req.PointID), store.Change{Kind: KindManifestPublished, Entity: entity,
		Origin: origin, At: now, Data: data}); err != nil {
		return protocol.ManifestResponse{}, err
	}
	res := protocol.ManifestResponse{ManifestID: req.ManifestID, Version: req.Version, PointID: req.PointID,
		Parcels: len(req.Parcels), PublishedAt: now}
	if found {
		res.Replaced = prev.Version
		if prev.PointID != req.PointID {
			gone, err := json.Marshal(protocol.ManifestData{Partner: partner.Code, ManifestID: req.ManifestID, Version: req.Version,
				PointID: req.PointID, Parcels: []protocol.ManifestParcel{}, PublishedAt: now})
			if err != nil {
				return protocol.ManifestResponse{}, err
			}
			if _, err := tx.AppendChange(ctx, owner, PointStream(prev.PointID), store.Change{Kind: KindManifestWithdrawn, Entity: entity,
				Origin: origin, At: now, Data: gone}); err != nil {
				return protocol.ManifestResponse{}, err
			}
		}
		for _, d := range diffManifest(prev, req) {
			parcel := ParcelEntity(partner.Code, d.Track)
			eventID, accepted, err := tx.AcceptedEvent(ctx, owner, prev.PointID, parcel)
			if err != nil {
				return protocol.ManifestResponse{}, err
			}
			if !accepted {
				continue
			}
			d.Partner, d.ManifestID, d.VersionBefore, d.Version = partner.Code, req.ManifestID, prev.Version, req.Version
			detail, err := json.Marshal(d)
			if err != nil {
				return protocol.ManifestResponse{}, err
			}
			x := store.Exception{ID: NewID(), OwnerID: owner, Kind: ExceptionManifestChanged, Entity: parcel,
				Points: []string{prev.PointID}, Events: []string{eventID}, RaisedAt: now, Detail: detail}
			if err := raiseOn(ctx, tx, origin, x); err != nil {
				return protocol.ManifestResponse{}, err
			}
			res.Changed = append(res.Changed, d.Track)
		}
	}
	if err := tx.PutManifest(ctx, StoredManifest{OwnerID: owner, PartnerID: partnerID, ManifestID: req.ManifestID, PointID: req.PointID,
		Version: req.Version, BodyHash: hash, Parcels: req.Parcels, Response: res, PublishedAt: now}); err != nil {
		return protocol.ManifestResponse{}, err
	}
	return remember(res)
}

// raiseOn records an exception and puts it on the stream of each point
// involved, as a push's exceptions are (raise).
func raiseOn(ctx context.Context, tx IntegrationsTx, origin string, x store.Exception) error {
	if err := tx.InsertException(ctx, x); err != nil {
		return err
	}
	data, err := json.Marshal(ExceptionData{ID: x.ID, Kind: x.Kind, Entity: x.Entity, Points: x.Points, Events: x.Events, RaisedAt: x.RaisedAt, Detail: x.Detail})
	if err != nil {
		return err
	}
	for i, p := range x.Points {
		if slices.Contains(x.Points[:i], p) {
			continue
		}
		if _, err := tx.AppendChange(ctx, x.OwnerID, PointStream(p), store.Change{Kind: KindExceptionRaised, Entity: x.Entity,
			Origin: origin, At: x.RaisedAt, Data: data}); err != nil {
			return err
		}
	}
	return nil
}

// ManifestChange is the Detail of a manifest_changed exception: what a
// later version changed about a parcel the point had accepted. Names and
// phones are named, not copied; the amount to collect is shown.
type ManifestChange struct {
	Partner       string   `json:"partner"`
	ManifestID    string   `json:"manifest_id"`
	VersionBefore int64    `json:"version_before"`
	Version       int64    `json:"version"`
	Track         string   `json:"track"`
	Changes       []string `json:"changes"` // removed, point, recipient_name, recipient_phone, size, cod, pickup_code
	CODBefore     *int64   `json:"cod_before,omitempty"`
	CODAfter      *int64   `json:"cod_after,omitempty"`
	PointBefore   string   `json:"point_before,omitempty"`
	PointAfter    string   `json:"point_after,omitempty"`
}

// diffManifest lists the parcels of prev that req changes, by track.
func diffManifest(prev StoredManifest, req protocol.ManifestRequest) []ManifestChange {
	next := make(map[string]protocol.ManifestParcel, len(req.Parcels))
	for _, p := range req.Parcels {
		next[p.Track] = p
	}
	var out []ManifestChange
	for _, old := range prev.Parcels {
		c := ManifestChange{Track: old.Track}
		p, ok := next[old.Track]
		switch {
		case !ok:
			c.Changes = []string{"removed"}
		default:
			if prev.PointID != req.PointID {
				c.Changes = append(c.Changes, "point")
				c.PointBefore, c.PointAfter = prev.PointID, req.PointID
			}
			if old.RecipientName != p.RecipientName {
				c.Changes = append(c.Changes, "recipient_name")
			}
			if old.RecipientPhone != p.RecipientPhone {
				c.Changes = append(c.Changes, "recipient_phone")
			}
			if old.Size != p.Size {
				c.Changes = append(c.Changes, "size")
			}
			if old.COD != p.COD {
				c.Changes = append(c.Changes, "cod")
				before, after := old.COD, p.COD
				c.CODBefore, c.CODAfter = &before, &after
			}
			if old.PickupCode != p.PickupCode {
				c.Changes = append(c.Changes, "pickup_code")
			}
		}
		if len(c.Changes) > 0 {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b ManifestChange) int {
		switch {
		case a.Track < b.Track:
			return -1
		case a.Track > b.Track:
			return 1
		}
		return 0
	})
	return out
}

// WebhookKinds are the event kinds that may become webhooks: the
// engines' InsertEvents queue the applied events of these kinds in the
// outbox (WebhookEventKeys).
var WebhookKinds = []string{
	KindParcelAccepted, KindParcelIssued, KindParcelReturned,
	"loyalty.customer_created", "loyalty.card_issued", "loyalty.stamp_earned", "loyalty.points_earned",
	"loyalty.reward_earned", "loyalty.reward_redeemed",
}

var webhookKind = func() map[string]bool {
	m := make(map[string]bool, len(WebhookKinds))
	for _, k := range WebhookKinds {
		m[k] = true
	}
	return m
}()

// WebhookEventKeys are the keys of the applied events of WebhookKinds
// among events, in order: what InsertEvents queues in the owner's
// webhook outbox when the owner has an active webhook. It is done once
// a batch, in the statement that follows the events' insert, rather
// than by a trigger: a per-row trigger was a quarter of the push's cost.
func WebhookEventKeys(events []StoredEvent) []string {
	var out []string
	for i := range events {
		if e := &events[i]; e.Status == protocol.StatusApplied && webhookKind[e.Event.Kind] {
			out = append(out, e.Key)
		}
	}
	return out
}

// loyaltyWebhooks maps loyalty kinds to webhook types and the payload
// fields they carry (app/loyalty/doc.go, "Webhooks").
var loyaltyWebhooks = map[string]struct {
	typ    string
	fields []string
}{
	"loyalty.customer_created": {protocol.WebhookCustomerCreated, []string{"customer", "masked_phone", "consent_at"}},
	"loyalty.card_issued":      {protocol.WebhookCardIssued, []string{"card", "code", "customer", "programme", "reason", "replaces"}},
	"loyalty.stamp_earned":     {protocol.WebhookStampEarned, []string{"card", "customer", "movement", "amount", "balance", "rewards_available", "visit_at"}},
	"loyalty.points_earned":    {protocol.WebhookStampEarned, []string{"card", "customer", "movement", "amount", "balance", "rewards_available", "visit_at"}},
	"loyalty.reward_earned":    {protocol.WebhookRewardEarned, []string{"card", "customer", "rewards", "rewards_available", "reward"}},
	"loyalty.reward_redeemed":  {protocol.WebhookRewardRedeemed, []string{"card", "customer", "movement", "amount", "balance", "reward"}},
}

// WebhookFor is the webhook an applied event makes, if any: parcel
// events as protocol.WebhookParcel; loyalty events as their payload's
// public fields plus point_id (empty from the CRM), origin ("point" or
// "crm") and, for stamp.earned, unit ("stamps" or "points"). An earn of
// 0 (capped, cooldown) makes none. A payload that is not an object makes
// none rather than a broken one.
func WebhookFor(pointID, kind, entity string, payload []byte, at time.Time) (typ string, data json.RawMessage, ok bool) {
	var fields map[string]json.RawMessage
	if json.Unmarshal(payload, &fields) != nil || fields == nil {
		return "", nil, false
	}
	str := func(k string) string {
		var s string
		_ = json.Unmarshal(fields[k], &s)
		return s
	}
	switch kind {
	case KindParcelAccepted, KindParcelIssued, KindParcelReturned:
		partner, track := str("partner"), str("track")
		if partner == "" || track == "" { // the entity says it too: parcel:<partner>:<track>
			if rest, ok := strings.CutPrefix(entity, "parcel:"); ok {
				if p, t, ok := strings.Cut(rest, ":"); ok && p != "" {
					partner, track = p, t
				}
			}
		}
		b, err := json.Marshal(protocol.WebhookParcel{PointID: pointID, Partner: partner, Track: track, Entity: entity,
			OccurredAt: Millis(at), Details: json.RawMessage(payload)})
		if err != nil {
			return "", nil, false
		}
		return kind, validUTF8(b), true
	}
	m, known := loyaltyWebhooks[kind]
	if !known {
		return "", nil, false
	}
	if m.typ == protocol.WebhookStampEarned {
		if n, ok := number(fields["amount"]); !ok || n <= 0 {
			return "", nil, false
		}
	}
	out := make(map[string]json.RawMessage, len(m.fields)+3)
	for _, f := range m.fields {
		if v, ok := fields[f]; ok {
			out[f] = v
		}
	}
	origin := "point"
	if pointID == "" {
		origin = OriginCRM
	}
	out["point_id"], _ = json.Marshal(pointID)
	out["origin"], _ = json.Marshal(origin)
	switch kind {
	case "loyalty.stamp_earned":
		out["unit"] = json.RawMessage(`"stamps"`)
	case "loyalty.points_earned":
		out["unit"] = json.RawMessage(`"points"`)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", nil, false
	}
	return m.typ, validUTF8(b), true
}

// validUTF8 is JSON that any engine stores: encoding/json lets invalid
// UTF-8 inside strings through, which PostgreSQL refuses (and a refused
// delivery would block the queue); decoding and encoding again puts
// U+FFFD in its place.
func validUTF8(b []byte) json.RawMessage {
	if utf8.Valid(b) {
		return b
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return json.RawMessage(`{}`)
	}
	out, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`{}`)
	}
	return out
}

// number reads a JSON number that is a whole number within int64.
func number(raw json.RawMessage) (int64, bool) {
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		return 0, false
	}
	if v, err := n.Int64(); err == nil {
		return v, true
	}
	f, err := strconv.ParseFloat(n.String(), 64)
	if err != nil || f != float64(int64(f)) {
		return 0, false
	}
	return int64(f), true
}

// QueueWebhooks turns up to limit queued events into deliveries inside
// tx (see store.Integrations.QueueWebhooks).
func QueueWebhooks(ctx context.Context, tx IntegrationsTx, now time.Time, limit int) (int, error) {
	now = Millis(now)
	items, err := tx.Outbox(ctx, limit)
	if err != nil || len(items) == 0 {
		return 0, err
	}
	hooks := map[string][]store.Webhook{}
	ns := make([]int64, 0, len(items))
	for _, it := range items {
		ns = append(ns, it.N)
		if !it.Found {
			continue
		}
		typ, data, ok := WebhookFor(it.PointID, it.Kind, it.Entity, it.Payload, it.OccurredAt)
		if !ok {
			continue
		}
		if err := deliver(ctx, tx, hooks, it.OwnerID, it.EventID, typ, data, it.OccurredAt, now); err != nil {
			return 0, err
		}
	}
	return len(items), tx.DeleteOutbox(ctx, ns)
}

// deliver adds a delivery of an event for each subscription of its owner.
func deliver(ctx context.Context, tx IntegrationsTx, hooks map[string][]store.Webhook, ownerID, eventID, typ string, data json.RawMessage, at, now time.Time) error {
	hs, ok := hooks[ownerID]
	if !ok {
		var err error
		if hs, err = tx.Webhooks(ctx, ownerID); err != nil {
			return err
		}
		hooks[ownerID] = hs
	}
	for _, h := range hs {
		d := store.Delivery{OwnerID: ownerID, Data: data, EventAt: Millis(at)}
		d.ID, d.WebhookID, d.URL, d.EventID, d.Type = NewID(), h.ID, h.URL, eventID, typ
		d.Status, d.CreatedAt, d.NextAt = protocol.DeliveryPending, now, now
		if err := tx.InsertDelivery(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// LoyaltyKinds are the events the loyalty read model takes.
var LoyaltyKinds = []string{
	"loyalty.card_issued", "loyalty.card_revoked", "loyalty.stamp_earned", "loyalty.points_earned",
	"loyalty.reward_redeemed", "loyalty.adjusted", "loyalty.reversed", "loyalty.expired", "loyalty.transferred",
}

const catchUpPage = 1000

// CatchUpLoyalty brings the owner's loyalty read model (cards by code,
// signed movements) up to the events the server holds, holding the
// owner's lock. The balance of a card is the sum of its movements' amounts:
//
//	stamp_earned, points_earned  +amount           (earn; an earn of 0 adds nothing)
//	reward_redeemed              −amount           (redeem: the payload's amount is what was spent)
//	adjusted, reversed, expired  amount as signed  (adjust, reverse, expire)
//	transferred                  −amount on from, +amount on to
//
// read from the payload fields card (from, to) and amount (CardMoves,
// which the card balances behind the overdrawn exception share);
// card_issued gives a card its code (card, code, customer) and
// card_revoked marks it revoked.
func CatchUpLoyalty(ctx context.Context, tx IntegrationsTx, ownerID string) error {
	if err := tx.LockOwner(ctx, ownerID); err != nil {
		return err
	}
	last, err := tx.LoyaltyCursor(ctx, ownerID)
	if err != nil {
		return err
	}
	start := last
	for {
		evs, err := tx.LoyaltyEvents(ctx, ownerID, last, LoyaltyKinds, catchUpPage)
		if err != nil {
			return err
		}
		for _, e := range evs {
			if err := applyLoyalty(ctx, tx, ownerID, e); err != nil {
				return err
			}
			last = e.ServerSeq
		}
		if len(evs) < catchUpPage {
			break
		}
	}
	if last == start {
		return nil
	}
	return tx.SetLoyaltyCursor(ctx, ownerID, last)
}

func applyLoyalty(ctx context.Context, tx IntegrationsTx, ownerID string, e LoyaltyEvent) error {
	switch e.Kind {
	case "loyalty.card_issued":
		p, ok := parseLoyalty(e.Payload)
		if !ok || p.Card == "" || p.Code == "" {
			return nil // not the payload doc.go describes: nothing to take
		}
		return tx.PutCard(ctx, ownerID, CardRow{Card: p.Card, Code: protocol.NormalizeCardCode(p.Code), Customer: p.Customer})
	case "loyalty.card_revoked":
		p, ok := parseLoyalty(e.Payload)
		if !ok || p.Card == "" {
			return nil
		}
		return tx.RevokeCard(ctx, ownerID, p.Card)
	}
	// The movements are the balances' own (CardMoves), so the CRM's
	// balance and the overdrawn exception never disagree.
	for _, m := range CardMoves(e.Kind, e.Payload) {
		if err := tx.InsertMovement(ctx, ownerID, MovementRow{ID: e.EventID + ":" + m.Card, Card: m.Card, PointID: e.PointID, Origin: "point",
			Kind: m.Kind, Amount: m.Amount, EventID: e.EventID, OccurredAt: e.OccurredAt}); err != nil {
			return err
		}
	}
	return nil
}

// Card is a card of the owner by code inside tx, after catching up.
func Card(ctx context.Context, tx IntegrationsTx, ownerID, code string) (protocol.CardResponse, error) {
	if err := CatchUpLoyalty(ctx, tx, ownerID); err != nil {
		return protocol.CardResponse{}, err
	}
	c, found, err := tx.CardByCode(ctx, ownerID, protocol.NormalizeCardCode(code))
	if err != nil {
		return protocol.CardResponse{}, err
	}
	if !found {
		return protocol.CardResponse{}, fmt.Errorf("card: %w", store.ErrNotFound)
	}
	bal, err := tx.Balance(ctx, ownerID, c.Card)
	if err != nil {
		return protocol.CardResponse{}, err
	}
	return protocol.CardResponse{Card: c.Card, Code: c.Code, Customer: c.Customer, Balance: bal, Revoked: c.Revoked}, nil
}

// crmPayload is the payload of a CRM movement on the owner stream: the
// fields of the counter's stamp_earned or reward_redeemed that a point
// needs to record it once (by movement), with origin "crm".
type crmPayload struct {
	Card     string `json:"card"`
	Customer string `json:"customer"`
	Movement string `json:"movement"`
	Key      string `json:"key"`
	Amount   int64  `json:"amount"`
	Balance  int64  `json:"balance"`
	Origin   string `json:"origin"`
}

// MoveCard stamps or redeems through the CRM inside tx (see
// store.Integrations.MoveCard).
func MoveCard(ctx context.Context, tx IntegrationsTx, ownerID, code string, m store.CardMovement, now time.Time) (protocol.CardMovementResponse, error) {
	now = Millis(now)
	if err := CatchUpLoyalty(ctx, tx, ownerID); err != nil {
		return protocol.CardMovementResponse{}, err
	}
	code = protocol.NormalizeCardCode(code)
	hash, err := hashJSON([]any{m.Kind, code, m.Amount})
	if err != nil {
		return protocol.CardMovementResponse{}, err
	}
	scope := "crm:" + ownerID
	if h, body, found, err := tx.Idempotent(ctx, scope, m.Key); err != nil {
		return protocol.CardMovementResponse{}, err
	} else if found {
		if h != hash {
			return protocol.CardMovementResponse{}, fmt.Errorf("%w: key %q was used for another movement", store.ErrIdempotencyConflict, m.Key)
		}
		var res protocol.CardMovementResponse
		return res, json.Unmarshal(body, &res)
	}
	c, found, err := tx.CardByCode(ctx, ownerID, code)
	if err != nil {
		return protocol.CardMovementResponse{}, err
	}
	if !found {
		return protocol.CardMovementResponse{}, fmt.Errorf("card: %w", store.ErrNotFound)
	}
	if c.Revoked {
		return protocol.CardMovementResponse{}, fmt.Errorf("%w: card %s", store.ErrCardRevoked, c.Code)
	}
	bal, err := tx.Balance(ctx, ownerID, c.Card)
	if err != nil {
		return protocol.CardMovementResponse{}, err
	}
	kind, moveKind, signed := "loyalty.stamp_earned", MoveEarn, m.Amount
	if m.Kind == protocol.MovementRedeem {
		if bal < m.Amount {
			return protocol.CardMovementResponse{}, fmt.Errorf("%w: the balance is %d, the redemption %d", store.ErrInsufficientBalance, bal, m.Amount)
		}
		kind, moveKind, signed = "loyalty.reward_redeemed", MoveRedeem, -m.Amount
	}
	res := protocol.CardMovementResponse{Movement: NewUUID(), EventID: NewUUID(), Card: c.Card, Code: c.Code, Kind: m.Kind,
		Amount: m.Amount, Balance: bal + signed, Key: m.Key, CreatedAt: now}
	payload, err := json.Marshal(crmPayload{Card: c.Card, Customer: c.Customer, Movement: res.Movement, Key: "crm:" + m.Key,
		Amount: m.Amount, Balance: res.Balance, Origin: OriginCRM})
	if err != nil {
		return protocol.CardMovementResponse{}, err
	}
	seq, err := tx.NextServerSeq(ctx, ownerID)
	if err != nil {
		return protocol.CardMovementResponse{}, err
	}
	data, err := json.Marshal(EventData{EventID: res.EventID, ServerSeq: seq, OccurredAt: now, Payload: payload})
	if err != nil {
		return protocol.CardMovementResponse{}, err
	}
	entity := "card:" + c.Card
	if _, err := tx.AppendChange(ctx, ownerID, OwnerStream(ownerID), store.Change{Kind: kind, Entity: entity, Origin: OriginCRM, At: now, Data: data}); err != nil {
		return protocol.CardMovementResponse{}, err
	}
	if err := tx.InsertMovement(ctx, ownerID, MovementRow{ID: res.Movement, Card: c.Card, Origin: OriginCRM, Kind: moveKind, Amount: signed,
		EventID: res.EventID, Key: m.Key, OccurredAt: now}); err != nil {
		return protocol.CardMovementResponse{}, err
	}
	if err := moveBalanceCRM(ctx, tx, ownerID, CardMove{Card: c.Card, Kind: moveKind, Amount: signed}, res.EventID, kind, now); err != nil {
		return protocol.CardMovementResponse{}, err
	}
	if typ, wdata, ok := WebhookFor("", kind, entity, payload, now); ok {
		if err := deliver(ctx, tx, map[string][]store.Webhook{}, ownerID, res.EventID, typ, wdata, now, now); err != nil {
			return protocol.CardMovementResponse{}, err
		}
	}
	body, err := json.Marshal(res)
	if err != nil {
		return protocol.CardMovementResponse{}, err
	}
	return res, tx.PutIdempotent(ctx, scope, m.Key, hash, body, now)
}

// Rows are a query's rows on either engine (*sql.Rows, pgx.Rows).
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// DashboardSQL is an engine's text of the dashboard's figure queries.
// Each returns rows of a point id ("" for the CRM) and the int64 figures
// named, in that order. All are bound (owner, from, to), Stock (owner,
// to), the times as the engine keeps them.
type DashboardSQL struct {
	Events     string // events received in [from, to), the rejected among them
	Parcels    string // applied parcel events that occurred in [from, to): accepted, issued, returned
	Stock      string // parcels on hand at to: their last applied event before to is an acceptance
	Loyalty    string // the read model's movements in [from, to): stamps earned, redemptions, amount redeemed
	Exceptions string // exceptions raised in [from, to), raised before to (all open: nothing resolves them yet)
}

// DashboardReader is an engine's read transaction for the dashboard: one
// snapshot.
type DashboardReader interface {
	Points(ctx context.Context, ownerID string) ([]store.Point, error)
	// Figures runs one of the DashboardSQL queries, bound (ownerID,
	// times…), and hands its rows to scan.
	Figures(ctx context.Context, query, ownerID string, times []time.Time, scan func(Rows) error) error
}

// Dashboard assembles the owner's dashboard from r's queries q (the read
// model caught up before).
func Dashboard(ctx context.Context, r DashboardReader, q DashboardSQL, ownerID string, from, to, now time.Time) (protocol.Dashboard, error) {
	from, to = Millis(from), Millis(to)
	points, err := r.Points(ctx, ownerID)
	if err != nil {
		return protocol.Dashboard{}, err
	}
	per := map[string]*protocol.Figures{}
	span, at := []time.Time{from, to}, []time.Time{to}
	for _, fq := range []struct {
		query string
		times []time.Time
		n     int
		set   func(f *protocol.Figures, v []int64)
	}{
		{q.Events, span, 2, func(f *protocol.Figures, v []int64) { f.EventsPushed, f.EventsRejected = v[0], v[1] }},
		{q.Parcels, span, 3, func(f *protocol.Figures, v []int64) {
			f.ParcelsAccepted, f.ParcelsIssued, f.ParcelsReturned = v[0], v[1], v[2]
		}},
		{q.Stock, at, 1, func(f *protocol.Figures, v []int64) { f.StockOnHand = v[0] }},
		{q.Loyalty, span, 3, func(f *protocol.Figures, v []int64) { f.StampsEarned, f.Redemptions, f.Redeemed = v[0], v[1], v[2] }},
		{q.Exceptions, span, 2, func(f *protocol.Figures, v []int64) { f.ExceptionsRaised, f.ExceptionsOpen = v[0], v[1] }},
	} {
		err := r.Figures(ctx, fq.query, ownerID, fq.times, func(rows Rows) error {
			var point string
			v := make([]int64, fq.n)
			dest := []any{&point}
			for i := range v {
				dest = append(dest, &v[i])
			}
			for rows.Next() {
				if err := rows.Scan(dest...); err != nil {
					return err
				}
				if per[point] == nil {
					per[point] = &protocol.Figures{}
				}
				var f protocol.Figures
				fq.set(&f, v)
				per[point].Add(f)
			}
			return rows.Err()
		})
		if err != nil {
			return protocol.Dashboard{}, fmt.Errorf("dashboard: %w", err)
		}
	}
	d := protocol.Dashboard{OwnerID: ownerID, From: from, To: to, Points: make([]protocol.DashboardPoint, 0, len(points)), GeneratedAt: Millis(now)}
	for _, p := range points {
		row := protocol.DashboardPoint{PointID: p.ID, Name: p.Name}
		if f := per[p.ID]; f != nil {
			row.Figures = *f
		}
		d.Points = append(d.Points, row)
		d.Totals.Add(row.Figures)
	}
	if f := per[""]; f != nil {
		d.CRM = *f
		d.Totals.Add(d.CRM)
	}
	return d, nil
}
