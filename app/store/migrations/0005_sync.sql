-- Cloud sync state of the counter (sync/client). The outbox is the events table itself:
-- events.seq is the client_seq, events.id the event id.

-- One row per key: device_id (made once per database, here), incarnation (this copy of the
-- database's history: a new one when the client finds it was restored or copied),
-- base_url, point_id, owner_id, point_name, access_token, access_expires, refresh_token
-- (secrets: never logged, never shown), last_acked (the highest seq the server acknowledged
-- for this incarnation), server_epoch, last_sync_at, and stream.<name>.epoch /
-- stream.<name>.cursor per pulled stream.
CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- A random UUID (version 4) for the device and one for the first incarnation.
INSERT INTO sync_state(key, value)
SELECT k, substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-' ||
          substr('89ab', 1 + (abs(random()) % 4), 1) || substr(h, 18, 3) || '-' || substr(h, 21, 12)
FROM (SELECT 'device_id' AS k, lower(hex(randomblob(16))) AS h
      UNION ALL
      SELECT 'incarnation', lower(hex(randomblob(16))));

-- Events the server refused for good (a business rule, a broken event): the "sync problems"
-- list. They are never sent again in the same incarnation.
CREATE TABLE sync_rejected (
    event_id TEXT    PRIMARY KEY,
    seq      INTEGER NOT NULL,
    code     TEXT    NOT NULL,
    message  TEXT    NOT NULL DEFAULT '',
    at       INTEGER NOT NULL               -- when the server's answer arrived (ms)
);
CREATE INDEX sync_rejected_seq ON sync_rejected(seq);

-- Changes pulled from the cloud, per stream in the stream's commit order. Applying them to
-- the counter's tables is a later step; a stream reset (the server was restored) clears its
-- rows, which are then pulled again from the start.
CREATE TABLE sync_inbox (
    stream      TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    entity      TEXT    NOT NULL,
    origin      TEXT    NOT NULL DEFAULT '',
    at          INTEGER NOT NULL,           -- the server's time of the change (ms)
    data        TEXT    NOT NULL DEFAULT '{}',
    received_at INTEGER NOT NULL,           -- the counter's time of the pull (ms)
    PRIMARY KEY (stream, seq)
) WITHOUT ROWID;
