-- Idempotency-Key records (DESIGN.md §7, SR-11): the first successful response to a
-- creating POST, stored in the same transaction as its effect, replayed on a retry.
CREATE TABLE idempotency_keys (
  scope TEXT NOT NULL,          -- the caller: user id
  key TEXT NOT NULL,            -- the client's Idempotency-Key
  fingerprint TEXT NOT NULL,    -- hash of method, path and body
  status INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,  -- microseconds UTC
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
