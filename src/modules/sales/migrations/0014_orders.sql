CREATE TABLE orders (
  id TEXT PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,       -- SO-000001, gap-free
  customer_id TEXT NOT NULL REFERENCES customers (id),
  customer_name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('placed', 'shipped', 'completed', 'cancelled')),
  currency TEXT NOT NULL,
  subtotal INTEGER NOT NULL,
  vat_total INTEGER NOT NULL,
  total INTEGER NOT NULL CHECK (total >= 0),
  notes TEXT,
  placed_on TEXT NOT NULL,           -- the farm's calendar date
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX orders_customer ON orders (customer_id, status);
CREATE INDEX orders_status ON orders (status, id);
CREATE INDEX orders_placed_on ON orders (placed_on);

CREATE TABLE order_lines (
  order_id TEXT NOT NULL REFERENCES orders (id),
  line_no INTEGER NOT NULL,
  sku TEXT NOT NULL REFERENCES products (sku),
  name TEXT NOT NULL,
  qty INTEGER NOT NULL CHECK (qty > 0),
  unit TEXT NOT NULL,
  unit_price INTEGER NOT NULL,
  vat_rate INTEGER NOT NULL,
  net INTEGER NOT NULL,
  vat INTEGER NOT NULL,
  total INTEGER NOT NULL,
  PRIMARY KEY (order_id, line_no)
);
