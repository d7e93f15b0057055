-- The events table as an ordinary (rowid) table. As WITHOUT ROWID it kept every event, payload
-- and all, inside its primary-key B-tree, ordered by (owner, event id): rows of a few hundred
-- bytes that split pages on every insert. Now rows are appended in arrival order and the key
-- lives in a thin unique index; the push inserts into events more than anything else.
CREATE TABLE events_rowid (
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
    warnings    TEXT    NOT NULL DEFAULT '[]'
);
INSERT INTO events_rowid(owner_id, event_id, point_id, device_id, incarnation, client_seq, kind, entity, occurred_at,
    received_at, clerk_id, shift_id, payload, status, code, message, server_seq, warnings)
SELECT owner_id, event_id, point_id, device_id, incarnation, client_seq, kind, entity, occurred_at,
    received_at, clerk_id, shift_id, payload, status, code, message, server_seq, warnings
FROM events ORDER BY received_at, owner_id, event_id;
DROP TABLE events;
ALTER TABLE events_rowid RENAME TO events;
CREATE UNIQUE INDEX events_key ON events(owner_id, event_id);
CREATE UNIQUE INDEX events_server_seq ON events(owner_id, server_seq) WHERE server_seq IS NOT NULL;
CREATE INDEX events_accepted ON events(owner_id, entity, point_id) WHERE kind = 'parcel.accepted' AND status = 'applied';
CREATE INDEX events_owner_received ON events(owner_id, received_at);
