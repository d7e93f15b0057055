-- SmartPoint counter database, schema version 1.
-- Times are Unix milliseconds (UTC). Money is in minor units (tyiyn, kopecks, para).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- The append-only event log: parcel history, audit log, loyalty ledger and sync outbox in one.
CREATE TABLE events (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    id       TEXT    NOT NULL UNIQUE,          -- UUIDv7
    kind     TEXT    NOT NULL,                 -- parcel.accepted, shift.opened …
    entity   TEXT    NOT NULL,                 -- parcel:<partner>:<track>, clerk:<id>, shift:<id> …
    clerk_id INTEGER,
    shift_id INTEGER,
    at       INTEGER NOT NULL,
    payload  TEXT    NOT NULL DEFAULT '{}'     -- JSON
);
CREATE INDEX events_entity ON events(entity, seq);
CREATE INDEX events_at ON events(at);
CREATE INDEX events_shift ON events(shift_id) WHERE shift_id IS NOT NULL;

-- History cannot be rewritten, whoever holds the database.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TABLE partners (
    id           INTEGER PRIMARY KEY,
    code         TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    countries    TEXT    NOT NULL DEFAULT '[]',  -- JSON array
    storage_days INTEGER NOT NULL DEFAULT 7 CHECK (storage_days BETWEEN 1 AND 365),
    return_days  INTEGER NOT NULL DEFAULT 3 CHECK (return_days BETWEEN 0 AND 365),
    return_rules TEXT    NOT NULL DEFAULT '',
    rules        TEXT    NOT NULL DEFAULT '[]',  -- JSON array of scan rules
    active       INTEGER NOT NULL DEFAULT 1,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE cells (
    id        INTEGER PRIMARY KEY,
    label     TEXT    NOT NULL UNIQUE,           -- A-1-01
    rack      TEXT    NOT NULL,
    shelf     INTEGER NOT NULL,
    pos       INTEGER NOT NULL,
    size      TEXT    NOT NULL CHECK (size IN ('S','M','L','XL')),
    capacity  INTEGER NOT NULL CHECK (capacity > 0),
    occupied  INTEGER NOT NULL DEFAULT 0 CHECK (occupied >= 0),
    active    INTEGER NOT NULL DEFAULT 1
);
-- the cell picker walks this in order and stops at the first cell with room
CREATE INDEX cells_free ON cells(size, occupied, rack, shelf, pos) WHERE active = 1;

CREATE TABLE clerks (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    role            TEXT    NOT NULL CHECK (role IN ('clerk','manager','owner')),
    pin_hash        TEXT    NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL
);

CREATE TABLE shifts (
    id        INTEGER PRIMARY KEY,
    clerk_id  INTEGER NOT NULL REFERENCES clerks(id),
    opened_at INTEGER NOT NULL,
    closed_at INTEGER
);
-- At most one open shift at the point.
CREATE UNIQUE INDEX shifts_one_open ON shifts((1)) WHERE closed_at IS NULL;

CREATE TABLE manifests (
    id          INTEGER PRIMARY KEY,
    partner_id  INTEGER NOT NULL REFERENCES partners(id),
    number      TEXT    NOT NULL,               -- partner's manifest number, or content hash
    sha256      TEXT    NOT NULL,
    filename    TEXT    NOT NULL DEFAULT '',
    courier     TEXT    NOT NULL DEFAULT '',
    rows        INTEGER NOT NULL DEFAULT 0,
    imported_at INTEGER NOT NULL,
    clerk_id    INTEGER REFERENCES clerks(id),
    UNIQUE (partner_id, number)
);

-- A delivery is one acceptance session: a courier's drop, usually against one manifest.
CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    partner_id  INTEGER REFERENCES partners(id),
    manifest_id INTEGER REFERENCES manifests(id),
    courier     TEXT    NOT NULL DEFAULT '',
    opened_at   INTEGER NOT NULL,
    closed_at   INTEGER,
    clerk_id    INTEGER NOT NULL REFERENCES clerks(id),
    shift_id    INTEGER NOT NULL REFERENCES shifts(id)
);

CREATE TABLE return_boxes (
    id         INTEGER PRIMARY KEY,
    number     TEXT    NOT NULL UNIQUE,          -- 000123, printed as RBOX-000123
    partner_id INTEGER NOT NULL REFERENCES partners(id),
    status     TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open','handed')),
    created_at INTEGER NOT NULL,
    act_id     INTEGER REFERENCES return_acts(id)
);

CREATE TABLE return_acts (
    id         INTEGER PRIMARY KEY,
    number     TEXT    NOT NULL UNIQUE,          -- R-2026-000001
    partner_id INTEGER NOT NULL REFERENCES partners(id),
    courier    TEXT    NOT NULL DEFAULT '',
    parcels    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    clerk_id   INTEGER NOT NULL REFERENCES clerks(id),
    shift_id   INTEGER NOT NULL REFERENCES shifts(id)
);

-- A handover is one visit of a customer at the counter: what was issued, refused, paid.
CREATE TABLE handovers (
    id         INTEGER PRIMARY KEY,
    number     TEXT    NOT NULL UNIQUE,          -- H-2026-000001
    recipient  TEXT    NOT NULL DEFAULT '',      -- recipient key (phone or name)
    issued     INTEGER NOT NULL,
    refused    INTEGER NOT NULL,
    cash_due   INTEGER NOT NULL DEFAULT 0,
    cash_paid  INTEGER NOT NULL DEFAULT 0,
    pay_method TEXT    NOT NULL DEFAULT '',
    at         INTEGER NOT NULL,
    clerk_id   INTEGER NOT NULL REFERENCES clerks(id),
    shift_id   INTEGER NOT NULL REFERENCES shifts(id)
);

CREATE TABLE parcels (
    id              INTEGER PRIMARY KEY,
    partner_id      INTEGER NOT NULL REFERENCES partners(id),
    track           TEXT    NOT NULL,
    order_no        TEXT    NOT NULL DEFAULT '',
    pickup_code     TEXT    NOT NULL DEFAULT '',
    recipient_name  TEXT    NOT NULL DEFAULT '',
    recipient_phone TEXT    NOT NULL DEFAULT '',   -- E.164
    recipient_key   TEXT    NOT NULL DEFAULT '',   -- phone, else lower-case name: groups a customer's parcels
    name_norm       TEXT    NOT NULL DEFAULT '',   -- lower-case name for prefix search
    size            TEXT    NOT NULL DEFAULT '' CHECK (size IN ('','S','M','L','XL')),
    cod_amount      INTEGER NOT NULL DEFAULT 0 CHECK (cod_amount >= 0),
    currency        TEXT    NOT NULL DEFAULT '',
    weight_grams    INTEGER NOT NULL DEFAULT 0,
    note            TEXT    NOT NULL DEFAULT '',
    manifest_id     INTEGER REFERENCES manifests(id),
    status          TEXT    NOT NULL CHECK (status IN ('expected','stored','issued','to_return','boxed','returned')),
    cell_id         INTEGER REFERENCES cells(id),
    unexpected      INTEGER NOT NULL DEFAULT 0,
    damaged         INTEGER NOT NULL DEFAULT 0,
    damage_note     TEXT    NOT NULL DEFAULT '',
    delivery_id     INTEGER REFERENCES deliveries(id),
    accepted_at     INTEGER,
    deadline_at     INTEGER,
    issued_at       INTEGER,
    handover_id     INTEGER REFERENCES handovers(id),
    return_reason   TEXT    NOT NULL DEFAULT '',   -- refused:<reason> | expired | damaged
    return_note     TEXT    NOT NULL DEFAULT '',
    return_box_id   INTEGER REFERENCES return_boxes(id),
    return_act_id   INTEGER REFERENCES return_acts(id),
    updated_at      INTEGER NOT NULL,
    UNIQUE (track, partner_id),   -- also serves look-ups by track alone
    -- a parcel sits in a cell exactly while it is on the shelves
    CHECK ((status IN ('stored','to_return')) = (cell_id IS NOT NULL))
);
CREATE INDEX parcels_pickup ON parcels(pickup_code) WHERE pickup_code <> '';
CREATE INDEX parcels_order ON parcels(order_no) WHERE order_no <> '';
CREATE INDEX parcels_phone ON parcels(recipient_phone) WHERE recipient_phone <> '';
-- last-4-digits search is for parcels that have arrived; skipping manifest rows keeps imports fast
CREATE INDEX parcels_phone4 ON parcels(substr(recipient_phone, -4)) WHERE recipient_phone <> '' AND status <> 'expected';
CREATE INDEX parcels_name ON parcels(name_norm) WHERE name_norm <> '';
CREATE INDEX parcels_onhand ON parcels(recipient_key) WHERE status IN ('stored','to_return');
CREATE INDEX parcels_cell ON parcels(cell_id) WHERE cell_id IS NOT NULL;
-- only parcels on the shelves: manifest rows (expected) would double the import's index work
CREATE INDEX parcels_status ON parcels(status, deadline_at) WHERE status IN ('stored','to_return');
-- the Stock screen pages through the parcels at the point (on the shelves or packed in a
-- return box) by row number in acceptance order: these hold only those parcels, and every
-- column a stock filter tests, so a page is read from the index alone however deep it is
CREATE INDEX parcels_stock ON parcels(accepted_at, id, partner_id, status, cell_id, deadline_at)
    WHERE status IN ('stored','to_return','boxed');
CREATE INDEX parcels_stock_partner ON parcels(partner_id, accepted_at, id, status, cell_id, deadline_at)
    WHERE status IN ('stored','to_return','boxed');
CREATE INDEX parcels_manifest ON parcels(manifest_id) WHERE manifest_id IS NOT NULL;
CREATE INDEX parcels_delivery ON parcels(delivery_id) WHERE delivery_id IS NOT NULL;
CREATE INDEX parcels_box ON parcels(return_box_id) WHERE return_box_id IS NOT NULL;

CREATE TABLE inventories (
    id          INTEGER PRIMARY KEY,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    clerk_id    INTEGER NOT NULL REFERENCES clerks(id),
    shift_id    INTEGER NOT NULL REFERENCES shifts(id)
);
CREATE TABLE inventory_scans (
    inventory_id INTEGER NOT NULL REFERENCES inventories(id),
    cell_id      INTEGER NOT NULL REFERENCES cells(id),
    parcel_id    INTEGER REFERENCES parcels(id),    -- NULL: the cell itself was scanned
    code         TEXT    NOT NULL DEFAULT '',        -- raw code when no parcel matched
    at           INTEGER NOT NULL
);
CREATE INDEX inventory_scans_inv ON inventory_scans(inventory_id, cell_id);

-- Counters for human-readable document numbers (acts, handovers, boxes).
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
