-- Stock per SKU. The invariant 0 <= reserved <= on_hand holds in every committed state.
CREATE TABLE stock_items (
  sku TEXT PRIMARY KEY REFERENCES products (sku),
  on_hand INTEGER NOT NULL DEFAULT 0,
  reserved INTEGER NOT NULL DEFAULT 0,
  reorder_point INTEGER NOT NULL DEFAULT 0 CHECK (reorder_point >= 0),
  updated_at INTEGER NOT NULL,
  CHECK (reserved >= 0 AND reserved <= on_hand)
);

-- Every change of on-hand stock, signed.
CREATE TABLE stock_moves (
  id TEXT PRIMARY KEY,
  sku TEXT NOT NULL REFERENCES products (sku),
  qty INTEGER NOT NULL CHECK (qty <> 0),
  reason TEXT NOT NULL CHECK (reason IN ('receipt', 'count', 'damage', 'production', 'return',
                                         'shipment')),
  reference TEXT,
  note TEXT,
  unit_cost INTEGER NOT NULL,
  on_hand_after INTEGER NOT NULL,
  actor TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX stock_moves_sku ON stock_moves (sku, id);

-- Stock held for an order (or by hand) until it ships or is released.
CREATE TABLE reservations (
  id TEXT PRIMARY KEY,
  sku TEXT NOT NULL REFERENCES products (sku),
  qty INTEGER NOT NULL CHECK (qty > 0),
  order_id TEXT,                  -- null for a reservation made by hand
  reference TEXT,
  status TEXT NOT NULL CHECK (status IN ('active', 'released', 'shipped')),
  actor TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  closed_at INTEGER
);
CREATE INDEX reservations_order ON reservations (order_id);
CREATE INDEX reservations_sku ON reservations (sku, status);
