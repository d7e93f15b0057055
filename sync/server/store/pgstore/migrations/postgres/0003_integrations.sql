-- SmartPoint sync server (PostgreSQL), schema version 3: the
-- integrations API (store.Integrations) — partners and API keys,
-- manifests, webhooks and their deliveries, the loyalty read model behind
-- the CRM. The same tables as the SQLite store's 0003.

-- Carriers and marketplaces of an owner; code is the partner's code in
-- the counters' parcel entities (parcel:<code>:<track>).
CREATE TABLE partners (
    id         text        PRIMARY KEY,
    owner_id   text        NOT NULL REFERENCES owners(id),
    code       text        NOT NULL,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (owner_id, code)
);

-- API keys "<id>.<secret>": the secret argon2id-hashed, like tokens.
CREATE TABLE api_keys (
    id         text        PRIMARY KEY,
    hash       text        NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('partner', 'crm', 'owner')),
    owner_id   text        NOT NULL REFERENCES owners(id),
    partner_id text        REFERENCES partners(id),
    name       text        NOT NULL,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz,
    CHECK ((kind = 'partner') = (partner_id IS NOT NULL))
);
CREATE INDEX api_keys_owner ON api_keys(owner_id);

-- Answers to idempotent requests: scope is "partner:<id>" (the
-- Idempotency-Key of a manifest) or "crm:<owner>" (a CRM movement's key).
CREATE TABLE idempotency (
    scope      text        NOT NULL,
    key        text        NOT NULL,
    hash       text        NOT NULL, -- of the request
    response   json        NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);

-- The published version of each manifest of a partner.
CREATE TABLE manifests (
    partner_id   text        NOT NULL REFERENCES partners(id),
    manifest_id  text        NOT NULL,
    owner_id     text        NOT NULL REFERENCES owners(id),
    point_id     text        NOT NULL REFERENCES points(id),
    version      bigint      NOT NULL,
    hash         text        NOT NULL,
    parcels      json        NOT NULL, -- protocol.ManifestParcel array
    response     json        NOT NULL, -- protocol.ManifestResponse
    published_at timestamptz NOT NULL,
    PRIMARY KEY (partner_id, manifest_id)
);
-- manifest_changed looks for the acceptance of a parcel at a point.
CREATE INDEX events_accepted ON events(owner_id, entity, point_id) WHERE kind = 'parcel.accepted' AND status = 'applied';

-- An owner's webhook subscriptions. The secret signs the deliveries
-- (HMAC-SHA256), so it is kept in clear.
CREATE TABLE webhooks (
    id          text        PRIMARY KEY,
    owner_id    text        NOT NULL REFERENCES owners(id),
    url         text        NOT NULL,
    secret      text        NOT NULL,
    created_at  timestamptz NOT NULL,
    disabled_at timestamptz
);
CREATE INDEX webhooks_owner ON webhooks(owner_id) WHERE disabled_at IS NULL;

-- Applied events that may become webhooks, queued by the push that
-- applies them, in its transaction (the trigger below); the delivery
-- worker turns them into deliveries. The kinds are core.WebhookKinds.
CREATE TABLE webhook_outbox (
    n        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id text   NOT NULL,
    event_id text   NOT NULL
);

CREATE FUNCTION sp_webhook_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM webhooks WHERE owner_id = NEW.owner_id AND disabled_at IS NULL) THEN
        INSERT INTO webhook_outbox(owner_id, event_id) VALUES (NEW.owner_id, NEW.event_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER events_webhook_outbox AFTER INSERT ON events FOR EACH ROW
WHEN (NEW.status = 'applied'
  AND NEW.kind IN ('parcel.accepted', 'parcel.issued', 'parcel.returned',
                   'loyalty.customer_created', 'loyalty.card_issued', 'loyalty.stamp_earned', 'loyalty.points_earned',
                   'loyalty.reward_earned', 'loyalty.reward_redeemed'))
EXECUTE FUNCTION sp_webhook_outbox();

-- One event for one subscription, and where its delivery stands.
CREATE TABLE webhook_deliveries (
    id              text        PRIMARY KEY,
    owner_id        text        NOT NULL REFERENCES owners(id),
    webhook_id      text        NOT NULL REFERENCES webhooks(id),
    event_id        text        NOT NULL,
    type            text        NOT NULL,
    data            json        NOT NULL,
    event_at        timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,
    status          text        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_at         timestamptz,
    last_attempt_at timestamptz,
    last_status     integer     NOT NULL DEFAULT 0,
    last_error      text        NOT NULL DEFAULT '',
    delivered_at    timestamptz,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_owner ON webhook_deliveries(owner_id, created_at);

-- The loyalty read model: cards by code and signed movements, caught up
-- from the owner's events (core.CatchUpLoyalty) plus the CRM's own.
CREATE TABLE loyalty_state (
    owner_id text   PRIMARY KEY REFERENCES owners(id),
    last_seq bigint NOT NULL -- server_seq of the last event taken
);

CREATE TABLE loyalty_cards (
    owner_id text    NOT NULL REFERENCES owners(id),
    card     text    NOT NULL,
    code     text    NOT NULL,
    customer text    NOT NULL,
    revoked  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (owner_id, card)
);
CREATE INDEX loyalty_cards_code ON loyalty_cards(owner_id, code);

CREATE TABLE loyalty_movements (
    owner_id    text        NOT NULL REFERENCES owners(id),
    id          text        NOT NULL,
    card        text        NOT NULL,
    point_id    text        NOT NULL DEFAULT '', -- '' for the CRM
    origin      text        NOT NULL,
    kind        text        NOT NULL,
    amount      bigint      NOT NULL,            -- signed
    event_id    text        NOT NULL,
    key         text        NOT NULL DEFAULT '',
    occurred_at timestamptz NOT NULL,
    PRIMARY KEY (owner_id, id)
);
CREATE INDEX loyalty_movements_card ON loyalty_movements(owner_id, card);
CREATE INDEX loyalty_movements_time ON loyalty_movements(owner_id, occurred_at);

-- The dashboard counts an owner's events by time.
CREATE INDEX events_owner_received ON events(owner_id, received_at);
CREATE INDEX events_owner_kind ON events(owner_id, kind, occurred_at);
