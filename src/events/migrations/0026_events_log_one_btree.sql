-- The outbox as one B-tree: seq is the rowid, and the two secondary indexes go. Nothing reads
-- events by id or by aggregate (consumers, the stream and GET /api/v1/events read by seq), and
-- each index cost every append a B-tree insert with a 36-character key. The id stays a UUIDv7
-- made by the server — unique by construction — and remains the dedupe key downstream.
CREATE TABLE events_log_v2 (
  seq            INTEGER PRIMARY KEY,        -- gap-free per database
  id             TEXT NOT NULL,              -- UUIDv7, the dedupe key
  type           TEXT NOT NULL,
  aggregate_type TEXT NOT NULL,
  aggregate_id   TEXT NOT NULL,
  occurred_at    INTEGER NOT NULL,           -- microseconds since the epoch, UTC
  actor          TEXT NOT NULL,
  data           TEXT NOT NULL               -- JSON object
);
INSERT INTO events_log_v2 (seq, id, type, aggregate_type, aggregate_id, occurred_at, actor, data)
  SELECT seq, id, type, aggregate_type, aggregate_id, occurred_at, actor, data FROM events_log;
DROP TABLE events_log;
ALTER TABLE events_log_v2 RENAME TO events_log;
