-- SmartPoint sync server (embedded SQLite), schema version 3: the
-- integrations API (store.Integrations) — partners and API keys,
-- manifests, webhooks and their deliveries, the loyalty read model behind
-- the CRM. Times are Unix milliseconds (UTC), as in 0001.

-- Carriers and marketplaces of an owner; code is the partner's code in
-- the counters' parcel entities (parcel:<code>:<track>).
CREATE TABLE partners (
    id         TEXT    PRIMARY KEY,
    owner_id   TEXT    NOT NULL REFERENCES owners(id),
    code       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (owner_id, code)
) WITHOUT ROWID;

-- API keys "<id>.<secret>": the secret argon2id-hashed, like tokens.
CREATE TABLE api_keys (
    id         TEXT    PRIMARY KEY,
    hash       TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('partner', 'crm', 'owner')),
    owner_id   TEXT    NOT NULL REFERENCES owners(id),
    partner_id TEXT    REFERENCES partners(id),
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    CHECK ((kind = 'partner') = (partner_id IS NOT NULL))
) WITHOUT ROWID;
CREATE INDEX api_keys_owner ON api_keys(owner_id);

-- Answers to idempotent requests: scope is "partner:<id>" (the
-- Idempotency-Key of a manifest) or "crm:<owner>" (a CRM movement's key).
CREATE TABLE idempotency (
    scope      TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    hash       TEXT    NOT NULL, -- of the request
    response   TEXT    NOT NULL, -- JSON
    created_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
) WITHOUT ROWID;

-- The published version of each manifest of a partner.
CREATE TABLE manifests (
    partner_id   TEXT    NOT NULL REFERENCES partners(id),
    manifest_id  TEXT    NOT NULL,
    owner_id     TEXT    NOT NULL REFERENCES owners(id),
    point_id     TEXT    NOT NULL REFERENCES points(id),
    version      INTEGER NOT NULL,
    hash         TEXT    NOT NULL,
    parcels      TEXT    NOT NULL, -- JSON array of protocol.ManifestParcel
    response     TEXT    NOT NULL, -- JSON protocol.ManifestResponse
    published_at INTEGER NOT NULL,
    PRIMARY KEY (partner_id, manifest_id)
) WITHOUT ROWID;
-- manifest_changed looks for the acceptance of a parcel at a point.
CREATE INDEX events_accepted ON events(owner_id, entity, point_id) WHERE kind = 'parcel.accepted' AND status = 'applied';

-- An owner's webhook subscriptions. The secret signs the deliveries
-- (HMAC-SHA256), so it is kept in clear.
CREATE TABLE webhooks (
    id          TEXT    PRIMARY KEY,
    owner_id    TEXT    NOT NULL REFERENCES owners(id),
    url         TEXT    NOT NULL,
    secret      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    disabled_at INTEGER
) WITHOUT ROWID;
CREATE INDEX webhooks_owner ON webhooks(owner_id) WHERE disabled_at IS NULL;

-- Applied events that may become webhooks, queued by the push that
-- applies them, in its transaction (the trigger below); the delivery
-- worker turns them into deliveries. The kinds are core.WebhookKinds.
CREATE TABLE webhook_outbox (
    n        INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id TEXT    NOT NULL,
    event_id TEXT    NOT NULL
);

CREATE TRIGGER events_webhook_outbox AFTER INSERT ON events
WHEN NEW.status = 'applied'
 AND NEW.kind IN ('parcel.accepted', 'parcel.issued', 'parcel.returned',
                  'loyalty.customer_created', 'loyalty.card_issued', 'loyalty.stamp_earned', 'loyalty.points_earned',
                  'loyalty.reward_earned', 'loyalty.reward_redeemed')
 AND EXISTS (SELECT 1 FROM webhooks WHERE owner_id = NEW.owner_id AND disabled_at IS NULL)
BEGIN
    INSERT INTO webhook_outbox(owner_id, event_id) VALUES (NEW.owner_id, NEW.event_id);
END;

-- One event for one subscription, and where its delivery stands.
CREATE TABLE webhook_deliveries (
    id              TEXT    PRIMARY KEY,
    owner_id        TEXT    NOT NULL REFERENCES owners(id),
    webhook_id      TEXT    NOT NULL REFERENCES webhooks(id),
    event_id        TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    data            TEXT    NOT NULL, -- JSON
    event_at        INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_at         INTEGER,
    last_attempt_at INTEGER,
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    delivered_at    INTEGER,
    UNIQUE (webhook_id, event_id)
) WITHOUT ROWID;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_owner ON webhook_deliveries(owner_id, created_at);

-- The loyalty read model: cards by code and signed movements, caught up
-- from the owner's events (core.CatchUpLoyalty) plus the CRM's own.
CREATE TABLE loyalty_state (
    owner_id TEXT    PRIMARY KEY REFERENCES owners(id),
    last_seq INTEGER NOT NULL -- server_seq of the last event taken
) WITHOUT ROWID;

CREATE TABLE loyalty_cards (
    owner_id TEXT    NOT NULL REFERENCES owners(id),
    card     TEXT    NOT NULL,
    code     TEXT    NOT NULL,
    customer TEXT    NOT NULL,
    revoked  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (owner_id, card)
) WITHOUT ROWID;
CREATE INDEX loyalty_cards_code ON loyalty_cards(owner_id, code);

CREATE TABLE loyalty_movements (
    owner_id    TEXT    NOT NULL REFERENCES owners(id),
    id          TEXT    NOT NULL,
    card        TEXT    NOT NULL,
    point_id    TEXT    NOT NULL DEFAULT '', -- '' for the CRM
    origin      TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    amount      INTEGER NOT NULL,            -- signed
    event_id    TEXT    NOT NULL,
    key         TEXT    NOT NULL DEFAULT '',
    occurred_at INTEGER NOT NULL,
    PRIMARY KEY (owner_id, id)
) WITHOUT ROWID;
CREATE INDEX loyalty_movements_card ON loyalty_movements(owner_id, card);
CREATE INDEX loyalty_movements_time ON loyalty_movements(owner_id, occurred_at);

-- The dashboard counts an owner's events by time.
CREATE INDEX events_owner_received ON events(owner_id, received_at);
CREATE INDEX events_owner_kind ON events(owner_id, kind, occurred_at);
