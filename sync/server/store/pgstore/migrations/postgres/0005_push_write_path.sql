-- SmartPoint sync server (PostgreSQL), schema version 5: a lighter write
-- path for the push, which inserts into events more than anything else.
--
-- The webhook outbox is filled by the push itself, a statement per batch
-- (InsertEvents, core.WebhookEventKeys), not by a PL/pgSQL trigger run
-- for every row inserted. Same rows, same order.
DROP TRIGGER events_webhook_outbox ON events;
DROP FUNCTION sp_webhook_outbox();
-- The foreign keys of the rows a push writes, checked by PostgreSQL one
-- row at a time (an internal trigger and a KEY SHARE lookup of the owner
-- and the point for each event, parcel and change): about 40 % of the
-- server's work for a push. Those rows are only ever written with the
-- owner and point the push (or the integration) has just read, under
-- the owner's lock, and owners and points are never deleted. The SQLite
-- store keeps its foreign keys: there the check is a cheap lookup (about
-- a tenth of a push) and dropping one means rebuilding the table.
ALTER TABLE events DROP CONSTRAINT events_owner_id_fkey, DROP CONSTRAINT events_point_id_fkey;
ALTER TABLE parcels DROP CONSTRAINT parcels_owner_id_fkey, DROP CONSTRAINT parcels_point_id_fkey;
ALTER TABLE changes DROP CONSTRAINT changes_owner_id_fkey;
