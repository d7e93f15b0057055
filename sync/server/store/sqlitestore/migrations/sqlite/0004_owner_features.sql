-- SmartPoint sync server (embedded SQLite): card balances behind the
-- overdrawn exception, settings pushed by the owner, the owners'
-- subscriptions. Times are Unix milliseconds (UTC), as in 0001.

-- Each card's balance from every movement of the owner's points and CRM
-- (core.CardMoves), kept by the push in its transaction. overdrawn: below
-- zero and the exception raised (once per drop). takers: the points whose
-- events took from the card, with their latest such event, as JSON
-- [{"point","event"}] (at most one per point of the owner).
CREATE TABLE card_balances (
    owner_id   TEXT    NOT NULL REFERENCES owners(id),
    card       TEXT    NOT NULL,
    balance    INTEGER NOT NULL,
    overdrawn  INTEGER NOT NULL DEFAULT 0,
    takers     TEXT    NOT NULL DEFAULT '[]',
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (owner_id, card)
) WITHOUT ROWID;

-- The balances of what the store already holds are computed once, in Go,
-- at the next open (sqlitestore.backfillCardBalances), which deletes this.
INSERT INTO meta(key, value) VALUES ('card_balances_backfill', 'pending');

-- The last settings push of each point: its version (1, 2 … per point)
-- and the settings as pushed (JSON, protocol.PointSettings).
CREATE TABLE point_settings (
    point_id  TEXT    PRIMARY KEY REFERENCES points(id),
    owner_id  TEXT    NOT NULL REFERENCES owners(id),
    version   INTEGER NOT NULL,
    settings  TEXT    NOT NULL,
    pushed_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Each owner's plan, as the cloud operator set it (smartpoint-cloud plan
-- set). Information for the counters and the owner: sync never depends on it.
CREATE TABLE subscriptions (
    owner_id   TEXT    PRIMARY KEY REFERENCES owners(id),
    plan       TEXT    NOT NULL,
    status     TEXT    NOT NULL CHECK (status IN ('active', 'grace', 'suspended')),
    paid_until INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
