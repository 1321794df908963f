-- Order lines are stored in their primary key's B-tree (WITHOUT ROWID): one B-tree insert per
-- line instead of two (the rowid table and the key's index). Same columns, same key.
CREATE TABLE order_lines_v2 (
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
) WITHOUT ROWID;
INSERT INTO order_lines_v2 SELECT order_id, line_no, sku, name, qty, unit, unit_price, vat_rate,
  net, vat, total FROM order_lines;
DROP TABLE order_lines;
ALTER TABLE order_lines_v2 RENAME TO order_lines;
