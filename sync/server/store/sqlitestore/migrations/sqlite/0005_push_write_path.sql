-- SmartPoint sync server (embedded SQLite), schema version 5: a lighter
-- write path for the push, which inserts into events more than anything
-- else.
--
-- The webhook outbox is filled by the push itself, a statement per batch
-- (InsertEvents, core.WebhookEventKeys), not by a trigger run for every
-- row inserted: the trigger's per-row program and its webhooks lookup
-- were about a quarter of a push's cost. Same rows, same order.
DROP TRIGGER events_webhook_outbox;
-- events_owner_kind (owner, kind, occurred_at): no query plan uses it.
-- The dashboard's parcel counts and stock on hand read the owner's
-- events through the primary key (owner_id, …), which the planner
-- prefers since it needs the rows anyway (EXPLAIN QUERY PLAN: "SEARCH
-- events USING PRIMARY KEY (owner_id=?)"); the loyalty catch-up reads
-- events_server_seq. Every push still wrote it for every event.
DROP INDEX events_owner_kind;
