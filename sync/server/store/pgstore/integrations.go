package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/internal/core"
)

// The integrations (store.Integrations) on PostgreSQL: the rules are
// core's, the statements here. A write that touches an owner's streams
// or loyalty read model first locks the owner's row as a push does
// (FOR NO KEY UPDATE), so it runs between the owner's pushes; the
// webhook queue and deliveries are taken with SKIP LOCKED, so several
// servers on one database share them without sending one twice.

var _ store.Integrations = (*Store)(nil)

// intTx is core.IntegrationsTx on a transaction; the stream, exception
// and owner-counter methods are the push's own (writeTx).
type intTx struct{ writeTx }

var _ core.IntegrationsTx = intTx{}

func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

func ownerExists(ctx context.Context, tx pgx.Tx, ownerID string) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM owners WHERE id = $1`, ownerID).Scan(&one)
	return notFound(err, "owner "+ownerID)
}

// CreatePartner registers a partner of an owner.
func (s *Store) CreatePartner(ctx context.Context, ownerID, code, name string, now time.Time) (store.Partner, error) {
	p := store.Partner{ID: core.NewID(), OwnerID: ownerID, Code: code, Name: name, CreatedAt: core.Millis(now)}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if err := ownerExists(ctx, tx, ownerID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO partners(id, owner_id, code, name, created_at) VALUES($1, $2, $3, $4, $5)`,
			p.ID, ownerID, code, name, p.CreatedAt)
		if isUnique(err) {
			return fmt.Errorf("partner %q: %w", code, store.ErrExists)
		}
		return err
	})
	if err != nil {
		return store.Partner{}, err
	}
	return p, nil
}

const partnerQuery = `SELECT id, owner_id, code, name, created_at FROM partners WHERE id = $1`

func scanPartner(row pgx.Row) (store.Partner, error) {
	var p store.Partner
	if err := row.Scan(&p.ID, &p.OwnerID, &p.Code, &p.Name, &p.CreatedAt); err != nil {
		return store.Partner{}, notFound(err, "partner")
	}
	p.CreatedAt = p.CreatedAt.UTC()
	return p, nil
}

// Partner is one partner; ErrNotFound if none.
func (s *Store) Partner(ctx context.Context, id string) (store.Partner, error) {
	return scanPartner(s.pool.QueryRow(ctx, partnerQuery, id))
}

// PutAPIKey stores a key.
func (s *Store) PutAPIKey(ctx context.Context, k store.APIKey) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		if err := ownerExists(ctx, tx, k.OwnerID); err != nil {
			return err
		}
		var partner *string
		if k.PartnerID != "" {
			var one int
			if err := tx.QueryRow(ctx, `SELECT 1 FROM partners WHERE id = $1 AND owner_id = $2`, k.PartnerID, k.OwnerID).Scan(&one); err != nil {
				return notFound(err, "partner "+k.PartnerID)
			}
			partner = &k.PartnerID
		}
		_, err := tx.Exec(ctx, `INSERT INTO api_keys(id, hash, kind, owner_id, partner_id, name, created_at, revoked_at)
			VALUES($1, $2, $3, $4, $5, $6, $7, $8)`, k.ID, k.Hash, k.Kind, k.OwnerID, partner, k.Name, k.CreatedAt, ts(k.RevokedAt))
		return err
	})
}

// APIKeyByID finds a key by its public id; ErrNotFound if none.
func (s *Store) APIKeyByID(ctx context.Context, id string) (store.APIKey, error) {
	var k store.APIKey
	var partner *string
	var revoked *time.Time
	err := s.pool.QueryRow(ctx, `SELECT id, hash, kind, owner_id, partner_id, name, created_at, revoked_at FROM api_keys WHERE id = $1`, id).
		Scan(&k.ID, &k.Hash, &k.Kind, &k.OwnerID, &partner, &k.Name, &k.CreatedAt, &revoked)
	if err != nil {
		return store.APIKey{}, notFound(err, "api key")
	}
	if partner != nil {
		k.PartnerID = *partner
	}
	k.CreatedAt, k.RevokedAt = k.CreatedAt.UTC(), fromTs(revoked)
	return k, nil
}

// RevokeAPIKey revokes a key (the first revocation's time stays).
func (s *Store) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2`, at, id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("api key: %w", store.ErrNotFound)
	}
	return nil
}

// PublishManifest publishes a manifest version in one transaction,
// holding the owner's row lock.
func (s *Store) PublishManifest(ctx context.Context, partnerID, idemKey string, req protocol.ManifestRequest, now time.Time) (protocol.ManifestResponse, error) {
	if err := req.Validate(); err != nil {
		return protocol.ManifestResponse{}, err
	}
	var res protocol.ManifestResponse
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		res, err = core.PublishManifest(ctx, intTx{writeTx{tx}}, partnerID, idemKey, req, now)
		return err
	})
	return res, err
}

// CreateWebhook adds a subscription.
func (s *Store) CreateWebhook(ctx context.Context, ownerID, url, secret string, now time.Time) (store.Webhook, error) {
	h := store.Webhook{ID: core.NewID(), OwnerID: ownerID, URL: url, Secret: secret, CreatedAt: core.Millis(now)}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if err := ownerExists(ctx, tx, ownerID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO webhooks(id, owner_id, url, secret, created_at) VALUES($1, $2, $3, $4, $5)`,
			h.ID, ownerID, url, secret, h.CreatedAt)
		return err
	})
	if err != nil {
		return store.Webhook{}, err
	}
	return h, nil
}

// QueueWebhooks turns queued events into deliveries.
func (s *Store) QueueWebhooks(ctx context.Context, now time.Time, limit int) (int, error) {
	var n int
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		n, err = core.QueueWebhooks(ctx, intTx{writeTx{tx}}, now, limit)
		return err
	})
	return n, err
}

const deliveryCols = `d.id, d.owner_id, d.webhook_id, w.url, w.secret, d.event_id, d.type, d.data, d.event_at, d.created_at, d.status,
	d.attempts, d.next_at, d.last_attempt_at, d.last_status, d.last_error, d.delivered_at`

func scanDelivery(row pgx.Row) (store.Delivery, error) {
	var d store.Delivery
	var data []byte
	var next, last, delivered *time.Time
	if err := row.Scan(&d.ID, &d.OwnerID, &d.WebhookID, &d.URL, &d.Secret, &d.EventID, &d.Type, &data, &d.EventAt, &d.CreatedAt, &d.Status,
		&d.Attempts, &next, &last, &d.LastStatus, &d.LastError, &delivered); err != nil {
		return store.Delivery{}, err
	}
	d.Data, d.EventAt, d.CreatedAt = data, d.EventAt.UTC(), d.CreatedAt.UTC()
	d.NextAt, d.LastAttemptAt, d.DeliveredAt = fromTs(next), fromTs(last), fromTs(delivered)
	return d, nil
}

// ClaimDeliveries takes due deliveries (skipping those another sender
// holds) and leases them.
func (s *Store) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Delivery, error) {
	var out []store.Delivery
	err := s.tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+deliveryCols+` FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
			WHERE d.status = 'pending' AND d.next_at <= $1 ORDER BY d.next_at, d.created_at LIMIT $2 FOR UPDATE OF d SKIP LOCKED`, now, limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			d, err := scanDelivery(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		ids := make([]string, len(out))
		for i, d := range out {
			ids[i] = d.ID
		}
		_, err = tx.Exec(ctx, `UPDATE webhook_deliveries SET next_at = $1 WHERE id = ANY($2)`, now.Add(lease), ids)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RecordDelivery records an attempt.
func (s *Store) RecordDelivery(ctx context.Context, id string, a store.DeliveryAttempt) error {
	status, next := protocol.DeliveryPending, ts(a.NextAt)
	var delivered any
	switch {
	case a.Delivered:
		status, next, delivered = protocol.DeliveryDelivered, nil, a.At
	case a.NextAt.IsZero():
		status = protocol.DeliveryFailed
	}
	tag, err := s.pool.Exec(ctx, `UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = $1, last_status = $2,
		last_error = $3, status = $4, next_at = $5, delivered_at = $6 WHERE id = $7 AND status = 'pending'`,
		a.At, a.Status, core.Clean(a.Error, 500), status, next, delivered, id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("pending delivery %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// Deliveries is the owner's delivery log, newest first.
func (s *Store) Deliveries(ctx context.Context, ownerID, status string, limit int) ([]protocol.Delivery, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+deliveryCols+` FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
		WHERE d.owner_id = $1 AND ($2 = '' OR d.status = $2) ORDER BY d.created_at DESC, d.event_at DESC, d.id LIMIT $3`,
		ownerID, status, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []protocol.Delivery{}
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d.Delivery)
	}
	return out, rows.Err()
}

// Card is a card of the owner by code, its read model caught up first.
func (s *Store) Card(ctx context.Context, ownerID, code string) (protocol.CardResponse, error) {
	var res protocol.CardResponse
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		res, err = core.Card(ctx, intTx{writeTx{tx}}, ownerID, code)
		return err
	})
	return res, err
}

// MoveCard stamps or redeems through the CRM in one transaction.
func (s *Store) MoveCard(ctx context.Context, ownerID, code string, m store.CardMovement, now time.Time) (protocol.CardMovementResponse, error) {
	var res protocol.CardMovementResponse
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		res, err = core.MoveCard(ctx, intTx{writeTx{tx}}, ownerID, code, m, now)
		return err
	})
	return res, err
}

// Dashboard catches the loyalty read model up, then reads the figures in
// one REPEATABLE READ snapshot.
func (s *Store) Dashboard(ctx context.Context, ownerID string, from, to, now time.Time) (protocol.Dashboard, error) {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if err := ownerExists(ctx, tx, ownerID); err != nil {
			return err
		}
		return core.CatchUpLoyalty(ctx, intTx{writeTx{tx}}, ownerID)
	})
	if err != nil {
		return protocol.Dashboard{}, err
	}
	var d protocol.Dashboard
	err = pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		d, err = core.Dashboard(ctx, dashTx{tx}, dashboardSQL, ownerID, from, to, now)
		return err
	})
	return d, err
}

// --- core.IntegrationsTx ---

func (t intTx) LockOwner(ctx context.Context, ownerID string) error {
	var id string
	err := t.tx.QueryRow(ctx, `SELECT id FROM owners WHERE id = $1 FOR NO KEY UPDATE`, ownerID).Scan(&id)
	return notFound(err, "owner "+ownerID)
}

func (t intTx) PointOwner(ctx context.Context, pointID string) (string, error) {
	var owner string
	err := t.tx.QueryRow(ctx, `SELECT owner_id FROM points WHERE id = $1`, pointID).Scan(&owner)
	return owner, notFound(err, "point "+pointID)
}

func (t intTx) Partner(ctx context.Context, id string) (store.Partner, error) {
	return scanPartner(t.tx.QueryRow(ctx, partnerQuery, id))
}

func (t intTx) Idempotent(ctx context.Context, scope, key string) (string, []byte, bool, error) {
	var hash string
	var resp []byte
	err := t.tx.QueryRow(ctx, `SELECT hash, response FROM idempotency WHERE scope = $1 AND key = $2`, scope, key).Scan(&hash, &resp)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil, false, nil
	}
	return hash, resp, err == nil, err
}

func (t intTx) PutIdempotent(ctx context.Context, scope, key, hash string, response []byte, now time.Time) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO idempotency(scope, key, hash, response, created_at) VALUES($1, $2, $3, $4, $5)`,
		scope, key, hash, string(response), now)
	return err
}

func (t intTx) Manifest(ctx context.Context, partnerID, manifestID string) (core.StoredManifest, bool, error) {
	m := core.StoredManifest{PartnerID: partnerID, ManifestID: manifestID}
	var parcels, resp []byte
	err := t.tx.QueryRow(ctx, `SELECT owner_id, point_id, version, hash, parcels, response, published_at FROM manifests
		WHERE partner_id = $1 AND manifest_id = $2`, partnerID, manifestID).Scan(&m.OwnerID, &m.PointID, &m.Version, &m.BodyHash, &parcels, &resp, &m.PublishedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return m, false, nil
	}
	if err != nil {
		return m, false, err
	}
	if err := json.Unmarshal(parcels, &m.Parcels); err != nil {
		return m, false, fmt.Errorf("manifest %s parcels: %w", manifestID, err)
	}
	if err := json.Unmarshal(resp, &m.Response); err != nil {
		return m, false, fmt.Errorf("manifest %s response: %w", manifestID, err)
	}
	m.PublishedAt = m.PublishedAt.UTC()
	return m, true, nil
}

func (t intTx) PutManifest(ctx context.Context, m core.StoredManifest) error {
	parcels, err := json.Marshal(m.Parcels)
	if err != nil {
		return err
	}
	resp, err := json.Marshal(m.Response)
	if err != nil {
		return err
	}
	_, err = t.tx.Exec(ctx, `INSERT INTO manifests(partner_id, manifest_id, owner_id, point_id, version, hash, parcels, response, published_at)
		VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (partner_id, manifest_id) DO UPDATE SET point_id = excluded.point_id, version = excluded.version, hash = excluded.hash,
			parcels = excluded.parcels, response = excluded.response, published_at = excluded.published_at`,
		m.PartnerID, m.ManifestID, m.OwnerID, m.PointID, m.Version, m.BodyHash, string(parcels), string(resp), m.PublishedAt)
	return err
}

func (t intTx) AcceptedEvent(ctx context.Context, ownerID, pointID, entity string) (string, bool, error) {
	var id string
	err := t.tx.QueryRow(ctx, `SELECT event_id FROM events
		WHERE owner_id = $1 AND entity = $2 AND point_id = $3 AND kind = 'parcel.accepted' AND status = 'applied'
		ORDER BY server_seq DESC LIMIT 1`, ownerID, entity, pointID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return id, err == nil, err
}

func (t intTx) Webhooks(ctx context.Context, ownerID string) ([]store.Webhook, error) {
	rows, err := t.tx.Query(ctx, `SELECT id, url, secret, created_at FROM webhooks WHERE owner_id = $1 AND disabled_at IS NULL ORDER BY created_at, id`, ownerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Webhook
	for rows.Next() {
		h := store.Webhook{OwnerID: ownerID}
		if err := rows.Scan(&h.ID, &h.URL, &h.Secret, &h.CreatedAt); err != nil {
			return nil, err
		}
		h.CreatedAt = h.CreatedAt.UTC()
		out = append(out, h)
	}
	return out, rows.Err()
}

func (t intTx) InsertDelivery(ctx context.Context, d store.Delivery) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO webhook_deliveries(id, owner_id, webhook_id, event_id, type, data, event_at, created_at, status, next_at)
		VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (webhook_id, event_id) DO NOTHING`,
		d.ID, d.OwnerID, d.WebhookID, d.EventID, d.Type, string(d.Data), d.EventAt, d.CreatedAt, d.Status, ts(d.NextAt))
	return err
}

func (t intTx) Outbox(ctx context.Context, limit int) ([]core.OutboxItem, error) {
	rows, err := t.tx.Query(ctx, `SELECT o.n, o.owner_id, o.event_id, e.point_id, e.kind, e.entity, e.payload, e.occurred_at
		FROM webhook_outbox o LEFT JOIN events e ON e.owner_id = o.owner_id AND e.event_id = o.event_id
		ORDER BY o.n LIMIT $1 FOR UPDATE OF o SKIP LOCKED`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.OutboxItem
	for rows.Next() {
		var it core.OutboxItem
		var point, kind, entity *string
		var at *time.Time
		if err := rows.Scan(&it.N, &it.OwnerID, &it.EventID, &point, &kind, &entity, &it.Payload, &at); err != nil {
			return nil, err
		}
		if kind != nil {
			it.Found, it.PointID, it.Kind, it.Entity = true, *point, *kind, *entity
		}
		it.OccurredAt = fromTs(at)
		out = append(out, it)
	}
	return out, rows.Err()
}

func (t intTx) DeleteOutbox(ctx context.Context, ns []int64) error {
	if len(ns) == 0 {
		return nil
	}
	_, err := t.tx.Exec(ctx, `DELETE FROM webhook_outbox WHERE n = ANY($1)`, ns)
	return err
}

func (t intTx) LoyaltyCursor(ctx context.Context, ownerID string) (int64, error) {
	var seq int64
	err := t.tx.QueryRow(ctx, `SELECT last_seq FROM loyalty_state WHERE owner_id = $1`, ownerID).Scan(&seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return seq, err
}

func (t intTx) SetLoyaltyCursor(ctx context.Context, ownerID string, seq int64) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO loyalty_state(owner_id, last_seq) VALUES($1, $2)
		ON CONFLICT (owner_id) DO UPDATE SET last_seq = excluded.last_seq`, ownerID, seq)
	return err
}

func (t intTx) LoyaltyEvents(ctx context.Context, ownerID string, after int64, kinds []string, limit int) ([]core.LoyaltyEvent, error) {
	rows, err := t.tx.Query(ctx, `SELECT server_seq, event_id, point_id, kind, payload, occurred_at FROM events
		WHERE owner_id = $1 AND server_seq > $2 AND kind = ANY($3) ORDER BY server_seq LIMIT $4`, ownerID, after, kinds, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.LoyaltyEvent
	for rows.Next() {
		var e core.LoyaltyEvent
		var at *time.Time
		if err := rows.Scan(&e.ServerSeq, &e.EventID, &e.PointID, &e.Kind, &e.Payload, &at); err != nil {
			return nil, err
		}
		e.OccurredAt = fromTs(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

func (t intTx) PutCard(ctx context.Context, ownerID string, c core.CardRow) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO loyalty_cards(owner_id, card, code, customer, revoked) VALUES($1, $2, $3, $4, $5)
		ON CONFLICT (owner_id, card) DO UPDATE SET code = excluded.code, customer = excluded.customer`,
		ownerID, c.Card, c.Code, c.Customer, c.Revoked)
	return err
}

func (t intTx) RevokeCard(ctx context.Context, ownerID, card string) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO loyalty_cards(owner_id, card, code, customer, revoked) VALUES($1, $2, '', '', true)
		ON CONFLICT (owner_id, card) DO UPDATE SET revoked = true`, ownerID, card)
	return err
}

func (t intTx) InsertMovement(ctx context.Context, ownerID string, m core.MovementRow) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO loyalty_movements(owner_id, id, card, point_id, origin, kind, amount, event_id, key, occurred_at)
		VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (owner_id, id) DO NOTHING`,
		ownerID, m.ID, m.Card, m.PointID, m.Origin, m.Kind, m.Amount, m.EventID, m.Key, m.OccurredAt)
	return err
}

func (t intTx) CardByCode(ctx context.Context, ownerID, code string) (core.CardRow, bool, error) {
	var c core.CardRow
	if code == "" {
		return c, false, nil
	}
	err := t.tx.QueryRow(ctx, `SELECT card, code, customer, revoked FROM loyalty_cards WHERE owner_id = $1 AND code = $2
		ORDER BY revoked, card LIMIT 1`, ownerID, code).Scan(&c.Card, &c.Code, &c.Customer, &c.Revoked)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, false, nil
	}
	return c, err == nil, err
}

func (t intTx) Balance(ctx context.Context, ownerID, card string) (int64, error) {
	var n int64
	err := t.tx.QueryRow(ctx, `SELECT COALESCE(SUM(amount), 0)::bigint FROM loyalty_movements WHERE owner_id = $1 AND card = $2`, ownerID, card).Scan(&n)
	return n, err
}

// --- core.DashboardReader ---

type dashTx struct{ tx pgx.Tx }

func (d dashTx) Points(ctx context.Context, ownerID string) ([]store.Point, error) {
	rows, err := d.tx.Query(ctx, `SELECT `+pointCols+` FROM points WHERE owner_id = $1 ORDER BY name, id`, ownerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Point
	for rows.Next() {
		p, err := scanPoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// dashboardSQL are the dashboard's queries (core.DashboardSQL), bound
// $1 owner, $2 from, $3 to (Stock: $2 to).
var dashboardSQL = core.DashboardSQL{
	Events: `SELECT point_id, count(*), count(*) FILTER (WHERE status = 'rejected') FROM events
		WHERE owner_id = $1 AND received_at >= $2 AND received_at < $3 GROUP BY point_id`,
	Parcels: `SELECT point_id,
			count(*) FILTER (WHERE kind = 'parcel.accepted'),
			count(*) FILTER (WHERE kind = 'parcel.issued'),
			count(*) FILTER (WHERE kind = 'parcel.returned')
		FROM events WHERE owner_id = $1 AND kind IN ('parcel.accepted', 'parcel.issued', 'parcel.returned') AND status = 'applied'
			AND occurred_at >= $2 AND occurred_at < $3 GROUP BY point_id`,
	Stock: `SELECT point_id, count(*) FROM (
			SELECT point_id, kind, row_number() OVER (PARTITION BY entity ORDER BY server_seq DESC) AS rn
			FROM events WHERE owner_id = $1 AND kind IN ('parcel.accepted', 'parcel.issued', 'parcel.returned') AND status = 'applied'
				AND occurred_at < $2) AS last
		WHERE rn = 1 AND kind = 'parcel.accepted' GROUP BY point_id`,
	Loyalty: `SELECT point_id,
			COALESCE(SUM(amount) FILTER (WHERE kind = 'earn'), 0)::bigint,
			count(*) FILTER (WHERE kind = 'redeem'),
			COALESCE(-SUM(amount) FILTER (WHERE kind = 'redeem'), 0)::bigint
		FROM loyalty_movements WHERE owner_id = $1 AND occurred_at >= $2 AND occurred_at < $3 GROUP BY point_id`,
	Exceptions: `SELECT p, count(*) FILTER (WHERE x.raised_at >= $2), count(*)
		FROM exceptions x, unnest(x.points) AS p WHERE x.owner_id = $1 AND x.raised_at < $3 GROUP BY p`,
}

func (d dashTx) Figures(ctx context.Context, query, ownerID string, times []time.Time, scan func(core.Rows) error) error {
	args := []any{ownerID}
	for _, t := range times {
		args = append(args, t)
	}
	rows, err := d.tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return scan(rows)
}
