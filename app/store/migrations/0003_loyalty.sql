-- The point's own loyalty programme (package app/loyalty): programme, customers, cards and
-- the ledger of stamps or points. Balances are never stored: a card's balance is the sum of
-- its movements, which equals the sum of what is left of its lots. Times are Unix ms (UTC).

-- One programme is active at a time; config is its JSON rules (kind, stamps per reward,
-- accrual, life, tiers, promotions, caps, cooldown, PIN threshold, anonymisation).
CREATE TABLE loyalty_programmes (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('stamp','points')),
    config     TEXT    NOT NULL,                       -- JSON
    active     INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX loyalty_programmes_one_active ON loyalty_programmes((1)) WHERE active = 1;

-- A member. Personal data (phone, name) lives only here, never in the event log, so that
-- anonymisation really erases it. A merged duplicate keeps its phone as an alias of the
-- customer it was merged into.
CREATE TABLE loyalty_customers (
    id               INTEGER PRIMARY KEY,
    uuid             TEXT    NOT NULL UNIQUE,
    phone            TEXT,                             -- E.164; NULL once anonymised
    name             TEXT    NOT NULL DEFAULT '',
    name_norm        TEXT    NOT NULL DEFAULT '',      -- lower-case name for search
    consent_at       INTEGER NOT NULL,                 -- when the customer agreed to take part
    consent_clerk_id INTEGER REFERENCES clerks(id),    -- who recorded the consent
    created_at       INTEGER NOT NULL,
    last_visit_at    INTEGER,                          -- last accrual or redemption
    anonymised_at    INTEGER,
    merged_into      INTEGER REFERENCES loyalty_customers(id),
    merged_at        INTEGER,
    CHECK (anonymised_at IS NULL OR (phone IS NULL AND name = '' AND name_norm = '')),
    CHECK ((merged_into IS NULL) = (merged_at IS NULL)),
    CHECK (merged_into IS NULL OR merged_into <> id)
);
-- One active customer per phone; anonymised and merged rows do not count.
CREATE UNIQUE INDEX loyalty_customers_phone_active ON loyalty_customers(phone)
    WHERE anonymised_at IS NULL AND merged_into IS NULL;
-- Every phone, aliases of merged customers included (look-up by a duplicate's number).
CREATE INDEX loyalty_customers_phone ON loyalty_customers(phone) WHERE phone IS NOT NULL;
-- Duplicates merged into a customer (anonymising or merging them follows these).
CREATE INDEX loyalty_customers_merged ON loyalty_customers(merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX loyalty_customers_inactive ON loyalty_customers(coalesce(last_visit_at, created_at))
    WHERE anonymised_at IS NULL AND merged_into IS NULL;

-- A card is how the counter recognises a member (printed code / QR). A lost card is revoked
-- and replaced; its balance moves to the new card by transfer movements.
CREATE TABLE loyalty_cards (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT    NOT NULL UNIQUE,
    code          TEXT    NOT NULL UNIQUE,             -- 11 Crockford base32 chars, last one a check
    customer_id   INTEGER NOT NULL REFERENCES loyalty_customers(id),
    programme_id  INTEGER NOT NULL REFERENCES loyalty_programmes(id),
    status        TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active','revoked')),
    issued_at     INTEGER NOT NULL,
    issued_by     INTEGER REFERENCES clerks(id),
    revoked_at    INTEGER,
    revoke_reason TEXT    NOT NULL DEFAULT '',         -- lost, merged, anonymised
    replaced_by   INTEGER REFERENCES loyalty_cards(id),
    CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
);
CREATE UNIQUE INDEX loyalty_cards_one_active ON loyalty_cards(customer_id, programme_id) WHERE status = 'active';
CREATE INDEX loyalty_cards_customer ON loyalty_cards(customer_id);

-- The ledger. A row with remaining NOT NULL is a lot (earn, positive adjust, transfer in):
-- what is left of it and when that expires. A row with a negative amount spends lots
-- (redeem, expire, reverse, negative adjust, transfer out) and records which ones in
-- loyalty_movement_lots. An accrual refused by a cap or cooldown is an earn of 0, so that
-- its key stays used.
CREATE TABLE loyalty_movements (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT    NOT NULL UNIQUE,
    card_id     INTEGER NOT NULL REFERENCES loyalty_cards(id),
    kind        TEXT    NOT NULL CHECK (kind IN ('earn','redeem','adjust','expire','reverse','transfer')),
    amount      INTEGER NOT NULL,                      -- stamps or points, signed
    remaining   INTEGER,                               -- lots only
    expires_at  INTEGER,                               -- lots only; NULL never
    idem_key    TEXT    UNIQUE,                        -- the pickup an earn rewards (handover:H-2026-000001)
    visit_at    INTEGER,                               -- earn: when the pickup happened
    parcels     INTEGER,                               -- earn: parcels of the pickup
    detail      TEXT    NOT NULL DEFAULT '{}',         -- JSON: how an earn was computed
    clerk_id    INTEGER REFERENCES clerks(id),
    approved_by INTEGER REFERENCES clerks(id),         -- the manager who confirmed a redemption
    shift_id    INTEGER REFERENCES shifts(id),
    at          INTEGER NOT NULL,
    reason      TEXT    NOT NULL DEFAULT '',
    ref         TEXT    NOT NULL DEFAULT '',           -- handover number; the other card of a transfer
    CHECK ((remaining IS NOT NULL) = (amount > 0 OR kind = 'earn')),
    CHECK (remaining IS NULL OR (remaining >= 0 AND remaining <= amount)),
    CHECK (kind <> 'earn' OR amount >= 0),
    CHECK (kind NOT IN ('redeem','expire','reverse') OR amount < 0),
    CHECK (kind NOT IN ('adjust','transfer') OR amount <> 0)
);
CREATE INDEX loyalty_movements_card ON loyalty_movements(card_id, id);
-- Live lots of a card in spending order (soonest expiry first), covering the balance sum.
CREATE INDEX loyalty_lots_live ON loyalty_movements(card_id, expires_at, id, remaining) WHERE remaining > 0;
-- Lots due to expire, for the expiry sweep and the "expiring soon" list.
CREATE INDEX loyalty_lots_expiry ON loyalty_movements(expires_at) WHERE remaining > 0 AND expires_at IS NOT NULL;
-- Accruals by time, for the suspicious-activity report.
CREATE INDEX loyalty_movements_earn ON loyalty_movements(visit_at) WHERE kind = 'earn';

CREATE TABLE loyalty_movement_lots (
    spend_id INTEGER NOT NULL REFERENCES loyalty_movements(id),
    lot_id   INTEGER NOT NULL REFERENCES loyalty_movements(id),
    amount   INTEGER NOT NULL CHECK (amount > 0),
    PRIMARY KEY (spend_id, lot_id)
) WITHOUT ROWID;
CREATE INDEX loyalty_movement_lots_lot ON loyalty_movement_lots(lot_id);

-- Small bookkeeping values of the loyalty package (the catch-up watermark).
CREATE TABLE loyalty_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
