-- Applying what the counter pulls from the cloud (package app/inbox): loyalty from the owner's
-- other points, exceptions, partner manifests, the owner's settings and the subscription.

-- When a pulled change was applied (NULL: still to apply). Applied changes stay a while as the
-- record of what the cloud sent, then are pruned; a stream reset deletes its rows as before and
-- the changes pulled again are applied again, which changes nothing (every apply is idempotent).
ALTER TABLE sync_inbox ADD COLUMN applied_at INTEGER;
CREATE INDEX sync_inbox_pending ON sync_inbox(stream, seq) WHERE applied_at IS NULL;
CREATE INDEX sync_inbox_applied ON sync_inbox(applied_at) WHERE applied_at IS NOT NULL;

-- Where a loyalty row came from: '' for this point, else the cloud id of the point that wrote
-- it. Customers of other points carry only their masked phone (the event log never holds a
-- phone), so they are recognised here by their card, not by number.
ALTER TABLE loyalty_customers ADD COLUMN origin TEXT NOT NULL DEFAULT '';
ALTER TABLE loyalty_customers ADD COLUMN masked_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE loyalty_cards ADD COLUMN origin TEXT NOT NULL DEFAULT '';
ALTER TABLE loyalty_movements ADD COLUMN origin TEXT NOT NULL DEFAULT '';
-- A spend another point made that found less here than it took (the card was redeemed at two
-- points while offline): what it could not draw. The cloud raises an 'overdrawn' exception
-- for the owner; here the card's balance stays at what its lots hold. Invariant: for every
-- card, sum(amount) + sum(deficit) = sum(remaining).
ALTER TABLE loyalty_movements ADD COLUMN deficit INTEGER NOT NULL DEFAULT 0 CHECK (deficit >= 0);

-- The card-signing public keys of the owner's other points (from their
-- loyalty.card_key_created events): a card QR signed by any of them is genuine.
CREATE TABLE loyalty_card_keys (
    origin     TEXT    PRIMARY KEY,
    public_key TEXT    NOT NULL,
    at         INTEGER NOT NULL
) WITHOUT ROWID;

-- Exceptions the cloud raised about this point's parcels or cards (the same parcel accepted at
-- two points, a card overdrawn, a manifest changed after acceptance): shown until a manager
-- marks them seen.
CREATE TABLE cloud_exceptions (
    id          TEXT    PRIMARY KEY,
    kind        TEXT    NOT NULL,
    entity      TEXT    NOT NULL,
    detail      TEXT    NOT NULL DEFAULT '{}',   -- JSON as the cloud sent it
    raised_at   INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    seen_at     INTEGER,
    seen_by     INTEGER REFERENCES clerks(id)
) WITHOUT ROWID;
CREATE INDEX cloud_exceptions_open ON cloud_exceptions(raised_at) WHERE seen_at IS NULL;

-- Pulled changes that could not be applied (broken data, a partner this point does not
-- serve): kept for the sync problems list instead of blocking the changes after them.
CREATE TABLE sync_inbox_failed (
    stream    TEXT    NOT NULL,
    seq       INTEGER NOT NULL,
    kind      TEXT    NOT NULL,
    entity    TEXT    NOT NULL,
    origin    TEXT    NOT NULL DEFAULT '',
    data      TEXT    NOT NULL DEFAULT '{}',
    error     TEXT    NOT NULL,
    failed_at INTEGER NOT NULL,
    PRIMARY KEY (stream, seq)
) WITHOUT ROWID;
