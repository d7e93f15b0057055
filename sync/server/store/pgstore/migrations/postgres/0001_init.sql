-- SmartPoint sync server (PostgreSQL), schema version 1. The same tables
-- as the SQLite store; times are timestamptz, JSON is json (kept as sent).
-- Every row belongs to an owner.

CREATE TABLE meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- seq is the owner's counter: server_seq of its events. A push locks its
-- owner's row first (SELECT … FOR NO KEY UPDATE), so pushes of one owner run one
-- after the other and never deadlock.
CREATE TABLE owners (
    id         text        PRIMARY KEY,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL,
    seq        bigint      NOT NULL DEFAULT 0
);

CREATE TABLE points (
    id            text        PRIMARY KEY,
    owner_id      text        NOT NULL REFERENCES owners(id),
    name          text        NOT NULL,
    device_id     text        NOT NULL DEFAULT '',
    registered_at timestamptz,
    created_at    timestamptz NOT NULL
);
CREATE INDEX points_owner ON points(owner_id);

-- One-time codes, hashed (argon2id PHC, checked by the caller).
CREATE TABLE activations (
    id         text        PRIMARY KEY,
    point_id   text        NOT NULL REFERENCES points(id),
    hash       text        NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL
);
CREATE INDEX activations_open ON activations(expires_at) WHERE used_at IS NULL;

CREATE TABLE tokens (
    id         text        PRIMARY KEY,
    hash       text        NOT NULL,
    point_id   text        NOT NULL REFERENCES points(id),
    owner_id   text        NOT NULL REFERENCES owners(id),
    refresh    boolean     NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX tokens_point ON tokens(point_id);

-- Where each (point, device, incarnation) stands: its highest
-- acknowledged client_seq.
CREATE TABLE devices (
    point_id    text        NOT NULL REFERENCES points(id),
    device_id   text        NOT NULL,
    incarnation text        NOT NULL,
    last_acked  bigint      NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (point_id, device_id, incarnation)
);

-- Every event pushed and acknowledged, applied or rejected, with the
-- result a duplicate gets back. event_id is unique per owner. The payload
-- is bytea: a rejected event's may not even be JSON.
CREATE TABLE events (
    owner_id    text        NOT NULL REFERENCES owners(id),
    event_id    text        NOT NULL,
    point_id    text        NOT NULL REFERENCES points(id),
    device_id   text        NOT NULL,
    incarnation text        NOT NULL,
    client_seq  bigint      NOT NULL,
    kind        text        NOT NULL,
    entity      text        NOT NULL,
    occurred_at timestamptz,
    received_at timestamptz NOT NULL,
    clerk_id    bigint,
    shift_id    bigint,
    payload     bytea,
    status      text        NOT NULL CHECK (status IN ('applied', 'rejected')),
    code        text        NOT NULL DEFAULT '',
    message     text        NOT NULL DEFAULT '',
    server_seq  bigint,
    warnings    text[]      NOT NULL DEFAULT '{}',
    PRIMARY KEY (owner_id, event_id)
);
CREATE UNIQUE INDEX events_device_seq ON events(point_id, device_id, incarnation, client_seq);
CREATE UNIQUE INDEX events_server_seq ON events(owner_id, server_seq) WHERE server_seq IS NOT NULL;
CREATE INDEX events_entity ON events(owner_id, entity);

-- Streams: a counter row per stream (its head), and the changes with a
-- seq taken from it in the writing transaction. The row lock is held to
-- commit, so seqs of a stream commit in order and a reader never sees
-- seq n+1 before n (research/sync.md §4.2); no sequence or bigserial.
CREATE TABLE stream_heads (
    stream   text   PRIMARY KEY,
    owner_id text   NOT NULL REFERENCES owners(id),
    seq      bigint NOT NULL
);

CREATE TABLE changes (
    stream   text        NOT NULL,
    seq      bigint      NOT NULL,
    owner_id text        NOT NULL REFERENCES owners(id),
    kind     text        NOT NULL,
    entity   text        NOT NULL,
    origin   text        NOT NULL DEFAULT '',
    at       timestamptz NOT NULL,
    data     json        NOT NULL,
    PRIMARY KEY (stream, seq)
);

-- Where the server last saw each parcel, for conflict detection.
CREATE TABLE parcels (
    owner_id   text        NOT NULL REFERENCES owners(id),
    entity     text        NOT NULL,
    point_id   text        NOT NULL REFERENCES points(id),
    status     text        NOT NULL,
    last_event text        NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (owner_id, entity)
);

CREATE TABLE exceptions (
    n         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id        text        NOT NULL UNIQUE,
    owner_id  text        NOT NULL REFERENCES owners(id),
    kind      text        NOT NULL,
    entity    text        NOT NULL,
    points    text[]      NOT NULL,
    events    text[]      NOT NULL,
    raised_at timestamptz NOT NULL,
    detail    json        NOT NULL DEFAULT '{}'
);
CREATE INDEX exceptions_owner ON exceptions(owner_id, raised_at);
