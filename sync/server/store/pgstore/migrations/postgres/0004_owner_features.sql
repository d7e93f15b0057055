-- SmartPoint sync server (PostgreSQL): card balances behind the overdrawn
-- exception, settings pushed by the owner, the owners' subscriptions. The
-- same tables as the SQLite store's.

-- Each card's balance from every movement of the owner's points and CRM
-- (core.CardMoves), kept by the push in its transaction (under the
-- owner's lock). overdrawn: below zero and the exception raised (once per
-- drop). takers: the points whose events took from the card, with their
-- latest such event, [{"point","event"}] (at most one per point).
CREATE TABLE card_balances (
    owner_id   text        NOT NULL REFERENCES owners(id),
    card       text        NOT NULL,
    balance    bigint      NOT NULL,
    overdrawn  boolean     NOT NULL DEFAULT false,
    takers     json        NOT NULL DEFAULT '[]',
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (owner_id, card)
);

-- The balances of what the store already holds are computed once, in Go,
-- at the next open (pgstore.backfillCardBalances), which deletes this.
INSERT INTO meta(key, value) VALUES ('card_balances_backfill', 'pending');

-- The last settings push of each point: its version (1, 2 … per point)
-- and the settings as pushed (protocol.PointSettings).
CREATE TABLE point_settings (
    point_id  text        PRIMARY KEY REFERENCES points(id),
    owner_id  text        NOT NULL REFERENCES owners(id),
    version   bigint      NOT NULL,
    settings  json        NOT NULL,
    pushed_at timestamptz NOT NULL
);

-- Each owner's plan, as the cloud operator set it (smartpoint-cloud plan
-- set). Information for the counters and the owner: sync never depends on it.
CREATE TABLE subscriptions (
    owner_id   text        PRIMARY KEY REFERENCES owners(id),
    plan       text        NOT NULL,
    status     text        NOT NULL CHECK (status IN ('active', 'grace', 'suspended')),
    paid_until timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
