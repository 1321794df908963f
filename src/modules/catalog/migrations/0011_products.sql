CREATE TABLE products (
  sku TEXT PRIMARY KEY,                 -- immutable once created
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  unit TEXT NOT NULL CHECK (unit IN ('piece', 'litre', 'kg')),
  price INTEGER NOT NULL CHECK (price >= 0),          -- minor units, before VAT
  vat_rate INTEGER NOT NULL CHECK (vat_rate BETWEEN 0 AND 10000),  -- hundredths of a percent
  unit_cost INTEGER NOT NULL CHECK (unit_cost >= 0),  -- minor units
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX products_name ON products (name COLLATE NOCASE);
