-- Users, sessions and API tokens (SECURITY.md SR-13..SR-19). Secrets are stored hashed.
CREATE TABLE users (
  id            TEXT PRIMARY KEY,             -- UUIDv7
  username      TEXT NOT NULL UNIQUE,         -- lower-case
  role          TEXT NOT NULL,
  password_hash TEXT NOT NULL,                -- argon2id, parameters inside the string
  active        INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
  id           TEXT PRIMARY KEY,              -- BLAKE2b of the cookie value, hex
  user_id      TEXT NOT NULL REFERENCES users (id),
  csrf_token   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,              -- absolute limit
  revoked_at   INTEGER,
  remote_ip    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id           TEXT PRIMARY KEY,              -- UUIDv7, shown to the user
  user_id      TEXT NOT NULL REFERENCES users (id),
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,          -- BLAKE2b of the token, hex
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER,
  revoked_at   INTEGER,
  last_used_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
