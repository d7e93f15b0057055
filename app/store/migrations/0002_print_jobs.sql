-- The durable print queue: a job is committed here before it is sent, so a
-- receipt survives an offline printer and an app restart. Local to the
-- counter PC (not in the event log, not synced): it is about a device.
CREATE TABLE print_jobs (
    id          INTEGER PRIMARY KEY,
    printer     TEXT    NOT NULL,                -- printer config id
    kind        TEXT    NOT NULL,                -- receipt, accept_act, return_slip, cell_label, …
    title       TEXT    NOT NULL DEFAULT '',     -- what the clerk sees in the queue
    data        BLOB    NOT NULL,                -- the bytes for the printer
    doc         BLOB,                            -- the layout, for the preview (opaque here)
    state       TEXT    NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued','printing','done','cancelled')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT    NOT NULL DEFAULT '',
    clerk       TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    printed_at  INTEGER,
    reprint_of  INTEGER REFERENCES print_jobs(id)
);
CREATE INDEX print_jobs_waiting ON print_jobs(printer, id) WHERE state IN ('queued','printing');
CREATE INDEX print_jobs_recent ON print_jobs(created_at);
