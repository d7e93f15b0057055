package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/internal/core"
)

// The integrations (store.Integrations) on SQLite: the rules are
// core's, the statements here. Every write runs on the single writer
// connection, which is also what serialises it with the owner's pushes.

var _ store.Integrations = (*Store)(nil)

// intTx is core.IntegrationsTx on the writer's transaction; the stream,
// exception and owner-counter methods are the push's own (writeTx).
type intTx struct{ writeTx }

var _ core.IntegrationsTx = intTx{}

func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// CreatePartner registers a partner of an owner.
func (s *Store) CreatePartner(ctx context.Context, ownerID, code, name string, now time.Time) (store.Partner, error) {
	p := store.Partner{ID: core.NewID(), OwnerID: ownerID, Code: code, Name: name, CreatedAt: core.Millis(now)}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM owners WHERE id = ?`, ownerID).Scan(&one); err != nil {
			return notFound(err, "owner "+ownerID)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO partners(id, owner_id, code, name, created_at) VALUES(?, ?, ?, ?, ?)`,
			p.ID, ownerID, code, name, p.CreatedAt.UnixMilli())
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

func scanPartner(row interface{ Scan(...any) error }) (store.Partner, error) {
	var p store.Partner
	var at int64
	if err := row.Scan(&p.ID, &p.OwnerID, &p.Code, &p.Name, &at); err != nil {
		return store.Partner{}, notFound(err, "partner")
	}
	p.CreatedAt = time.UnixMilli(at).UTC()
	return p, nil
}

const partnerQuery = `SELECT id, owner_id, code, name, created_at FROM partners WHERE id = ?`

// Partner is one partner; ErrNotFound if none.
func (s *Store) Partner(ctx context.Context, id string) (store.Partner, error) {
	return scanPartner(s.r.QueryRowContext(ctx, partnerQuery, id))
}

// PutAPIKey stores a key.
func (s *Store) PutAPIKey(ctx context.Context, k store.APIKey) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM owners WHERE id = ?`, k.OwnerID).Scan(&one); err != nil {
			return notFound(err, "owner "+k.OwnerID)
		}
		var partner any
		if k.PartnerID != "" {
			if err := tx.QueryRowContext(ctx, `SELECT 1 FROM partners WHERE id = ? AND owner_id = ?`, k.PartnerID, k.OwnerID).Scan(&one); err != nil {
				return notFound(err, "partner "+k.PartnerID)
			}
			partner = k.PartnerID
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO api_keys(id, hash, kind, owner_id, partner_id, name, created_at, revoked_at)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?)`, k.ID, k.Hash, k.Kind, k.OwnerID, partner, k.Name, k.CreatedAt.UnixMilli(), ms(k.RevokedAt))
		return err
	})
}

// APIKeyByID finds a key by its public id; ErrNotFound if none.
func (s *Store) APIKeyByID(ctx context.Context, id string) (store.APIKey, error) {
	var k store.APIKey
	var partner sql.NullString
	var created int64
	var revoked sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT id, hash, kind, owner_id, partner_id, name, created_at, revoked_at FROM api_keys WHERE id = ?`, id).
		Scan(&k.ID, &k.Hash, &k.Kind, &k.OwnerID, &partner, &k.Name, &created, &revoked)
	if err != nil {
		return store.APIKey{}, notFound(err, "api key")
	}
	k.PartnerID, k.CreatedAt, k.RevokedAt = partner.String, time.UnixMilli(created).UTC(), fromMs(revoked)
	return k, nil
}

// RevokeAPIKey revokes a key (the first revocation's time stays).
func (s *Store) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`, at.UnixMilli(), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("api key: %w", store.ErrNotFound)
		}
		return nil
	})
}

// PublishManifest publishes a manifest version in one transaction.
func (s *Store) PublishManifest(ctx context.Context, partnerID, idemKey string, req protocol.ManifestRequest, now time.Time) (protocol.ManifestResponse, error) {
	if err := req.Validate(); err != nil {
		return protocol.ManifestResponse{}, err
	}
	var res protocol.ManifestResponse
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = core.PublishManifest(ctx, intTx{writeTx{tx, s.st}}, partnerID, idemKey, req, now)
		return err
	})
	return res, err
}

// CreateWebhook adds a subscription.
func (s *Store) CreateWebhook(ctx context.Context, ownerID, url, secret string, now time.Time) (store.Webhook, error) {
	h := store.Webhook{ID: core.NewID(), OwnerID: ownerID, URL: url, Secret: secret, CreatedAt: core.Millis(now)}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM owners WHERE id = ?`, ownerID).Scan(&one); err != nil {
			return notFound(err, "owner "+ownerID)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO webhooks(id, owner_id, url, secret, created_at) VALUES(?, ?, ?, ?, ?)`,
			h.ID, ownerID, url, secret, h.CreatedAt.UnixMilli())
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
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = core.QueueWebhooks(ctx, intTx{writeTx{tx, s.st}}, now, limit)
		return err
	})
	return n, err
}

const deliveryCols = `d.id, d.owner_id, d.webhook_id, w.url, w.secret, d.event_id, d.type, d.data, d.event_at, d.created_at, d.status,
	d.attempts, d.next_at, d.last_attempt_at, d.last_status, d.last_error, d.delivered_at`

func scanDelivery(row interface{ Scan(...any) error }) (store.Delivery, error) {
	var d store.Delivery
	var data string
	var eventAt, created int64
	var next, last, delivered sql.NullInt64
	if err := row.Scan(&d.ID, &d.OwnerID, &d.WebhookID, &d.URL, &d.Secret, &d.EventID, &d.Type, &data, &eventAt, &created, &d.Status,
		&d.Attempts, &next, &last, &d.LastStatus, &d.LastError, &delivered); err != nil {
		return store.Delivery{}, err
	}
	d.Data, d.EventAt, d.CreatedAt = json.RawMessage(data), time.UnixMilli(eventAt).UTC(), time.UnixMilli(created).UTC()
	d.NextAt, d.LastAttemptAt, d.DeliveredAt = fromMs(next), fromMs(last), fromMs(delivered)
	return d, nil
}

// ClaimDeliveries takes due deliveries and leases them.
func (s *Store) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Delivery, error) {
	var out []store.Delivery
	err := s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+deliveryCols+` FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
			WHERE d.status = 'pending' AND d.next_at <= ? ORDER BY d.next_at, d.created_at LIMIT ?`, now.UnixMilli(), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDelivery(rows)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		until := now.Add(lease).UnixMilli()
		for _, d := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET next_at = ? WHERE id = ?`, until, d.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RecordDelivery records an attempt.
func (s *Store) RecordDelivery(ctx context.Context, id string, a store.DeliveryAttempt) error {
	status, next, delivered := protocol.DeliveryPending, ms(a.NextAt), any(nil)
	switch {
	case a.Delivered:
		status, next, delivered = protocol.DeliveryDelivered, nil, a.At.UnixMilli()
	case a.NextAt.IsZero():
		status = protocol.DeliveryFailed
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = ?, last_status = ?,
			last_error = ?, status = ?, next_at = ?, delivered_at = ? WHERE id = ? AND status = 'pending'`,
			a.At.UnixMilli(), a.Status, core.Clean(a.Error, 500), status, next, delivered, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("pending delivery %s: %w", id, store.ErrNotFound)
		}
		return nil
	})
}

// Deliveries is the owner's delivery log, newest first.
func (s *Store) Deliveries(ctx context.Context, ownerID, status string, limit int) ([]protocol.Delivery, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+deliveryCols+` FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
		WHERE d.owner_id = ? AND (? = '' OR d.status = ?) ORDER BY d.created_at DESC, d.event_at DESC, d.id LIMIT ?`,
		ownerID, status, status, limit)
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
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = core.Card(ctx, intTx{writeTx{tx, s.st}}, ownerID, code)
		return err
	})
	return res, err
}

// MoveCard stamps or redeems through the CRM in one transaction.
func (s *Store) MoveCard(ctx context.Context, ownerID, code string, m store.CardMovement, now time.Time) (protocol.CardMovementResponse, error) {
	var res protocol.CardMovementResponse
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = core.MoveCard(ctx, intTx{writeTx{tx, s.st}}, ownerID, code, m, now)
		return err
	})
	return res, err
}

// Dashboard catches the loyalty read model up, then reads the figures in
// one read transaction (one WAL snapshot).
func (s *Store) Dashboard(ctx context.Context, ownerID string, from, to, now time.Time) (protocol.Dashboard, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM owners WHERE id = ?`, ownerID).Scan(&one); err != nil {
			return notFound(err, "owner "+ownerID)
		}
		return core.CatchUpLoyalty(ctx, intTx{writeTx{tx, s.st}}, ownerID)
	})
	if err != nil {
		return protocol.Dashboard{}, err
	}
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return protocol.Dashboard{}, err
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	return core.Dashboard(ctx, dashTx{tx}, dashboardSQL, ownerID, from, to, now)
}

// --- core.IntegrationsTx ---

func (t intTx) LockOwner(context.Context, string) error { return nil } // the single writer holds everything

func (t intTx) PointOwner(ctx context.Context, pointID string) (string, error) {
	var owner string
	err := t.tx.QueryRowContext(ctx, `SELECT owner_id FROM points WHERE id = ?`, pointID).Scan(&owner)
	return owner, notFound(err, "point "+pointID)
}

func (t intTx) Partner(ctx context.Context, id string) (store.Partner, error) {
	return scanPartner(t.tx.QueryRowContext(ctx, partnerQuery, id))
}

func (t intTx) Idempotent(ctx context.Context, scope, key string) (string, []byte, bool, error) {
	var hash, resp string
	err := t.tx.QueryRowContext(ctx, `SELECT hash, response FROM idempotency WHERE scope = ? AND key = ?`, scope, key).Scan(&hash, &resp)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, false, nil
	}
	return hash, []byte(resp), err == nil, err
}

func (t intTx) PutIdempotent(ctx context.Context, scope, key, hash string, response []byte, now time.Time) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO idempotency(scope, key, hash, response, created_at) VALUES(?, ?, ?, ?, ?)`,
		scope, key, hash, string(response), now.UnixMilli())
	return err
}

func (t intTx) Manifest(ctx context.Context, partnerID, manifestID string) (core.StoredManifest, bool, error) {
	m := core.StoredManifest{PartnerID: partnerID, ManifestID: manifestID}
	var parcels, resp string
	var at int64
	err := t.tx.QueryRowContext(ctx, `SELECT owner_id, point_id, version, hash, parcels, response, published_at FROM manifests
		WHERE partner_id = ? AND manifest_id = ?`, partnerID, manifestID).Scan(&m.OwnerID, &m.PointID, &m.Version, &m.BodyHash, &parcels, &resp, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return m, false, nil
	}
	if err != nil {
		return m, false, err
	}
	if err := json.Unmarshal([]byte(parcels), &m.Parcels); err != nil {
		return m, false, fmt.Errorf("manifest %s parcels: %w", manifestID, err)
	}
	if err := json.Unmarshal([]byte(resp), &m.Response); err != nil {
		return m, false, fmt.Errorf("manifest %s response: %w", manifestID, err)
	}
	m.PublishedAt = time.UnixMilli(at).UTC()
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
	_, err = t.tx.ExecContext(ctx, `INSERT INTO manifests(partner_id, manifest_id, owner_id, point_id, version, hash, parcels, response, published_at)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(partner_id, manifest_id) DO UPDATE SET point_id = excluded.point_id, version = excluded.version, hash = excluded.hash,
			parcels = excluded.parcels, response = excluded.response, published_at = excluded.published_at`,
		m.PartnerID, m.ManifestID, m.OwnerID, m.PointID, m.Version, m.BodyHash, string(parcels), string(resp), m.PublishedAt.UnixMilli())
	return err
}

// AcceptedEvent names its index: without statistics SQLite's planner
// prefers the primary key's owner_id prefix, a scan of all the owner's
// events for each parcel of a manifest (EXPLAIN QUERY PLAN).
func (t intTx) AcceptedEvent(ctx context.Context, ownerID, pointID, entity string) (string, bool, error) {
	var id string
	err := t.tx.QueryRowContext(ctx, `SELECT event_id FROM events INDEXED BY events_accepted
		WHERE owner_id = ? AND entity = ? AND point_id = ? AND kind = 'parcel.accepted' AND status = 'applied'
		ORDER BY server_seq DESC LIMIT 1`, ownerID, entity, pointID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return id, err == nil, err
}

func (t intTx) Webhooks(ctx context.Context, ownerID string) ([]store.Webhook, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT id, url, secret, created_at FROM webhooks WHERE owner_id = ? AND disabled_at IS NULL ORDER BY created_at, id`, ownerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Webhook
	for rows.Next() {
		h := store.Webhook{OwnerID: ownerID}
		var at int64
		if err := rows.Scan(&h.ID, &h.URL, &h.Secret, &at); err != nil {
			return nil, err
		}
		h.CreatedAt = time.UnixMilli(at).UTC()
		out = append(out, h)
	}
	return out, rows.Err()
}

func (t intTx) InsertDelivery(ctx context.Context, d store.Delivery) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO webhook_deliveries(id, owner_id, webhook_id, event_id, type, data, event_at, created_at, status, next_at)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(webhook_id, event_id) DO NOTHING`,
		d.ID, d.OwnerID, d.WebhookID, d.EventID, d.Type, string(d.Data), d.EventAt.UnixMilli(), d.CreatedAt.UnixMilli(), d.Status, ms(d.NextAt))
	return err
}

func (t intTx) Outbox(ctx context.Context, limit int) ([]core.OutboxItem, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT o.n, o.owner_id, o.event_id, e.point_id, e.kind, e.entity, e.payload, e.occurred_at
		FROM webhook_outbox o LEFT JOIN events e ON e.owner_id = o.owner_id AND e.event_id = o.event_id
		ORDER BY o.n LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.OutboxItem
	for rows.Next() {
		var it core.OutboxItem
		var point, kind, entity sql.NullString
		var payload []byte
		var at sql.NullInt64
		if err := rows.Scan(&it.N, &it.OwnerID, &it.EventID, &point, &kind, &entity, &payload, &at); err != nil {
			return nil, err
		}
		it.Found = kind.Valid
		it.PointID, it.Kind, it.Entity, it.Payload, it.OccurredAt = point.String, kind.String, entity.String, payload, fromMs(at)
		out = append(out, it)
	}
	return out, rows.Err()
}

func (t intTx) DeleteOutbox(ctx context.Context, ns []int64) error {
	if len(ns) == 0 {
		return nil
	}
	b, err := json.Marshal(ns)
	if err != nil {
		return err
	}
	_, err = t.tx.ExecContext(ctx, `DELETE FROM webhook_outbox WHERE n IN (SELECT value FROM json_each(?))`, string(b))
	return err
}

func (t intTx) LoyaltyCursor(ctx context.Context, ownerID string) (int64, error) {
	var seq int64
	err := t.tx.QueryRowContext(ctx, `SELECT last_seq FROM loyalty_state WHERE owner_id = ?`, ownerID).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return seq, err
}

func (t intTx) SetLoyaltyCursor(ctx context.Context, ownerID string, seq int64) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO loyalty_state(owner_id, last_seq) VALUES(?, ?)
		ON CONFLICT(owner_id) DO UPDATE SET last_seq = excluded.last_seq`, ownerID, seq)
	return err
}

func (t intTx) LoyaltyEvents(ctx context.Context, ownerID string, after int64, kinds []string, limit int) ([]core.LoyaltyEvent, error) {
	list, err := json.Marshal(kinds)
	if err != nil {
		return nil, err
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT server_seq, event_id, point_id, kind, payload, occurred_at FROM events
		WHERE owner_id = ? AND server_seq > ? AND kind IN (SELECT value FROM json_each(?)) ORDER BY server_seq LIMIT ?`,
		ownerID, after, string(list), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.LoyaltyEvent
	for rows.Next() {
		var e core.LoyaltyEvent
		var at sql.NullInt64
		if err := rows.Scan(&e.ServerSeq, &e.EventID, &e.PointID, &e.Kind, &e.Payload, &at); err != nil {
			return nil, err
		}
		e.OccurredAt = fromMs(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

func (t intTx) PutCard(ctx context.Context, ownerID string, c core.CardRow) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO loyalty_cards(owner_id, card, code, customer, revoked) VALUES(?, ?, ?, ?, ?)
		ON CONFLICT(owner_id, card) DO UPDATE SET code = excluded.code, customer = excluded.customer`,
		ownerID, c.Card, c.Code, c.Customer, c.Revoked)
	return err
}

func (t intTx) RevokeCard(ctx context.Context, ownerID, card string) error {
	// A revocation seen before the issue (never from one counter, but the
	// read model does not rely on it) leaves a row without a code.
	_, err := t.tx.ExecContext(ctx, `INSERT INTO loyalty_cards(owner_id, card, code, customer, revoked) VALUES(?, ?, '', '', 1)
		ON CONFLICT(owner_id, card) DO UPDATE SET revoked = 1`, ownerID, card)
	return err
}

func (t intTx) InsertMovement(ctx context.Context, ownerID string, m core.MovementRow) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO loyalty_movements(owner_id, id, card, point_id, origin, kind, amount, event_id, key, occurred_at)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(owner_id, id) DO NOTHING`,
		ownerID, m.ID, m.Card, m.PointID, m.Origin, m.Kind, m.Amount, m.EventID, m.Key, m.OccurredAt.UnixMilli())
	return err
}

func (t intTx) CardByCode(ctx context.Context, ownerID, code string) (core.CardRow, bool, error) {
	var c core.CardRow
	if code == "" {
		return c, false, nil
	}
	// A code is one card's; should two carry it, the one not revoked wins.
	err := t.tx.QueryRowContext(ctx, `SELECT card, code, customer, revoked FROM loyalty_cards WHERE owner_id = ? AND code = ?
		ORDER BY revoked, card LIMIT 1`, ownerID, code).Scan(&c.Card, &c.Code, &c.Customer, &c.Revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	return c, err == nil, err
}

func (t intTx) Balance(ctx context.Context, ownerID, card string) (int64, error) {
	var n int64
	err := t.tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount), 0) FROM loyalty_movements WHERE owner_id = ? AND card = ?`, ownerID, card).Scan(&n)
	return n, err
}

// --- core.DashboardReader ---

type dashTx struct{ tx *sql.Tx }

func (d dashTx) Points(ctx context.Context, ownerID string) ([]store.Point, error) {
	rows, err := d.tx.QueryContext(ctx, `SELECT `+pointCols+` FROM points WHERE owner_id = ? ORDER BY name, id`, ownerID)
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
// ?1 owner, ?2 from, ?3 to (Stock: ?2 to), times in Unix ms.
var dashboardSQL = core.DashboardSQL{
	Events: `SELECT point_id, count(*), count(*) FILTER (WHERE status = 'rejected') FROM events
		WHERE owner_id = ?1 AND received_at >= ?2 AND received_at < ?3 GROUP BY point_id`,
	Parcels: `SELECT point_id,
			count(*) FILTER (WHERE kind = 'parcel.accepted'),
			count(*) FILTER (WHERE kind = 'parcel.issued'),
			count(*) FILTER (WHERE kind = 'parcel.returned')
		FROM events WHERE owner_id = ?1 AND kind IN ('parcel.accepted', 'parcel.issued', 'parcel.returned') AND status = 'applied'
			AND occurred_at >= ?2 AND occurred_at < ?3 GROUP BY point_id`,
	Stock: `SELECT point_id, count(*) FROM (
			SELECT point_id, kind, row_number() OVER (PARTITION BY entity ORDER BY server_seq DESC) AS rn
			FROM events WHERE owner_id = ?1 AND kind IN ('parcel.accepted', 'parcel.issued', 'parcel.returned') AND status = 'applied'
				AND occurred_at < ?2)
		WHERE rn = 1 AND kind = 'parcel.accepted' GROUP BY point_id`,
	Loyalty: `SELECT point_id,
			COALESCE(SUM(amount) FILTER (WHERE kind = 'earn'), 0),
			count(*) FILTER (WHERE kind = 'redeem'),
			COALESCE(-SUM(amount) FILTER (WHERE kind = 'redeem'), 0)
		FROM loyalty_movements WHERE owner_id = ?1 AND occurred_at >= ?2 AND occurred_at < ?3 GROUP BY point_id`,
	Exceptions: `SELECT p.value, count(*) FILTER (WHERE x.raised_at >= ?2), count(*)
		FROM exceptions x, json_each(x.points) p WHERE x.owner_id = ?1 AND x.raised_at < ?3 GROUP BY p.value`,
}

func (d dashTx) Figures(ctx context.Context, query, ownerID string, times []time.Time, scan func(core.Rows) error) error {
	args := []any{ownerID}
	for _, t := range times {
		args = append(args, t.UnixMilli())
	}
	rows, err := d.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return scan(rows)
}
