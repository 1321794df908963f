CREATE TABLE customers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,          -- stored lower-case
  phone TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('b2b', 'b2c')),
  payment_terms_days INTEGER NOT NULL CHECK (payment_terms_days BETWEEN 0 AND 365),
  credit_limit INTEGER CHECK (credit_limit IS NULL OR credit_limit >= 0),  -- minor units
  archived INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX customers_name ON customers (name COLLATE NOCASE);
