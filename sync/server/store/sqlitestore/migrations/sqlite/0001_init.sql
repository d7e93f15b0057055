-- SmartPoint sync server (embedded SQLite), schema version 1.
-- Times are Unix milliseconds (UTC); JSON is kept as text; an empty
-- string or NULL stands for "none". Every row belongs to an owner.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- seq is the owner's counter: server_seq of its events. Pushes of one
-- owner run one after the other (one writer connection).
CREATE TABLE owners (
    id         TEXT    PRIMARY KEY,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    seq        INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE points (
    id            TEXT    PRIMARY KEY,
    owner_id      TEXT    NOT NULL REFERENCES owners(id),
    name          TEXT    NOT NULL,
    device_id     TEXT    NOT NULL DEFAULT '',
    registered_at INTEGER,
    created_at    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX points_owner ON points(owner_id);

-- One-time codes, hashed (argon2id PHC, checked by the caller).
CREATE TABLE activations (
    id         TEXT    PRIMARY KEY,
    point_id   TEXT    NOT NULL REFERENCES points(id),
    hash       TEXT    NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX activations_open ON activations(expires_at) WHERE used_at IS NULL;

CREATE TABLE tokens (
    id         TEXT    PRIMARY KEY,
    hash       TEXT    NOT NULL,
    point_id   TEXT    NOT NULL REFERENCES points(id),
    owner_id   TEXT    NOT NULL REFERENCES owners(id),
    refresh    INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
) WITHOUT ROWID;
CREATE INDEX tokens_point ON tokens(point_id);

-- Where each (point, device, incarnation) stands: its highest
-- acknowledged client_seq.
CREATE TABLE devices (
    point_id    TEXT    NOT NULL REFERENCES points(id),
    device_id   TEXT    NOT NULL,
    incarnation TEXT    NOT NULL,
    last_acked  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (point_id, device_id, incarnation)
) WITHOUT ROWID;

-- Every event pushed and acknowledged, applied or rejected, with the
-- result a duplicate gets back. event_id is unique per owner.
CREATE TABLE events (
    owner_id    TEXT    NOT NULL REFERENCES owners(id),
    event_id    TEXT    NOT NULL,
    point_id    TEXT    NOT NULL REFERENCES points(id),
    device_id   TEXT    NOT NULL,
    incarnation TEXT    NOT NULL,
    client_seq  INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    entity      TEXT    NOT NULL,
    occurred_at INTEGER,
    received_at INTEGER NOT NULL,
    clerk_id    INTEGER,
    shift_id    INTEGER,
    payload     BLOB,
    status      TEXT    NOT NULL CHECK (status IN ('applied', 'rejected')),
    code        TEXT    NOT NULL DEFAULT '',
    message     TEXT    NOT NULL DEFAULT '',
    server_seq  INTEGER,
    warnings    TEXT    NOT NULL DEFAULT '[]',
    PRIMARY KEY (owner_id, event_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX events_device_seq ON events(point_id, device_id, incarnation, client_seq);
CREATE UNIQUE INDEX events_server_seq ON events(owner_id, server_seq) WHERE server_seq IS NOT NULL;
CREATE INDEX events_entity ON events(owner_id, entity);

-- Streams: a counter row per stream (its head), and the changes with a
-- seq taken from it in the writing transaction, so seqs commit in order.
CREATE TABLE stream_heads (
    stream   TEXT    PRIMARY KEY,
    owner_id TEXT    NOT NULL REFERENCES owners(id),
    seq      INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE changes (
    stream   TEXT    NOT NULL,
    seq      INTEGER NOT NULL,
    owner_id TEXT    NOT NULL REFERENCES owners(id),
    kind     TEXT    NOT NULL,
    entity   TEXT    NOT NULL,
    origin   TEXT    NOT NULL DEFAULT '',
    at       INTEGER NOT NULL,
    data     TEXT    NOT NULL,
    PRIMARY KEY (stream, seq)
) WITHOUT ROWID;

-- Where the server last saw each parcel, for conflict detection.
CREATE TABLE parcels (
    owner_id   TEXT    NOT NULL REFERENCES owners(id),
    entity     TEXT    NOT NULL,
    point_id   TEXT    NOT NULL REFERENCES points(id),
    status     TEXT    NOT NULL,
    last_event TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (owner_id, entity)
) WITHOUT ROWID;

CREATE TABLE exceptions (
    n         INTEGER PRIMARY KEY AUTOINCREMENT,
    id        TEXT    NOT NULL UNIQUE,
    owner_id  TEXT    NOT NULL REFERENCES owners(id),
    kind      TEXT    NOT NULL,
    entity    TEXT    NOT NULL,
    points    TEXT    NOT NULL, -- JSON array of point ids
    events    TEXT    NOT NULL, -- JSON array of event ids
    raised_at INTEGER NOT NULL,
    detail    TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX exceptions_owner ON exceptions(owner_id, raised_at);
