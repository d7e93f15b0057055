-- SmartPoint sync server (PostgreSQL), schema version 2: only the
-- indexes of events that a query reads. Every push writes each of them
-- for every event, and the (owner, entity) one at a random place, so it
-- cost more the bigger the table grew.
--
-- events_device_seq (point, device, incarnation, client_seq): no query
-- reads it; a client_seq is taken once per incarnation by the push
-- itself (core.Push: an acknowledged seq with a new event id is an
-- incarnation conflict, and the batch is rolled back), under the
-- owner's lock. The device's place is the devices row.
DROP INDEX events_device_seq;
-- events_entity (owner, entity): no query reads it; where a parcel stands
-- is the parcels projection.
DROP INDEX events_entity;
