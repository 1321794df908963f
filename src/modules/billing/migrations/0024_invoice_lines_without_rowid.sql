-- Invoice lines are stored in their primary key's B-tree (WITHOUT ROWID): one B-tree insert
-- per line instead of two. Same columns, same key.
CREATE TABLE invoice_lines_v2 (
  invoice_id TEXT NOT NULL REFERENCES invoices (id),
  line_no INTEGER NOT NULL,
  sku TEXT,
  description TEXT NOT NULL,
  qty INTEGER NOT NULL,
  unit TEXT NOT NULL,
  unit_price INTEGER NOT NULL,
  vat_rate INTEGER NOT NULL,
  net INTEGER NOT NULL,
  vat INTEGER NOT NULL,
  total INTEGER NOT NULL,
  PRIMARY KEY (invoice_id, line_no)
) WITHOUT ROWID;
INSERT INTO invoice_lines_v2 SELECT invoice_id, line_no, sku, description, qty, unit, unit_price,
  vat_rate, net, vat, total FROM invoice_lines;
DROP TABLE invoice_lines;
ALTER TABLE invoice_lines_v2 RENAME TO invoice_lines;
