-- The outbox and audit trail (DESIGN.md §6): appended in the same transaction as the change.
CREATE TABLE events_log (
  seq            INTEGER PRIMARY KEY,        -- gap-free per database
  id             TEXT NOT NULL UNIQUE,       -- UUIDv7, the dedupe key
  type           TEXT NOT NULL,
  aggregate_type TEXT NOT NULL,
  aggregate_id   TEXT NOT NULL,
  occurred_at    INTEGER NOT NULL,           -- microseconds since the epoch, UTC
  actor          TEXT NOT NULL,
  data           TEXT NOT NULL               -- JSON object
);
CREATE INDEX events_log_aggregate ON events_log (aggregate_type, aggregate_id, seq);

-- Durable consumers: the last event each has applied, advanced in the same transaction
-- as the consumer's effect.
CREATE TABLE consumer_offsets (
  consumer   TEXT PRIMARY KEY,
  last_seq   INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
