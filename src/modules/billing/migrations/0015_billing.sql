CREATE TABLE invoices (
  id TEXT PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,           -- INV-000001, gap-free
  order_id TEXT UNIQUE,                  -- null for an invoice without an order
  order_number TEXT,
  customer_id TEXT NOT NULL REFERENCES customers (id),
  customer_name TEXT NOT NULL,
  customer_email TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('issued', 'partially_paid', 'paid', 'void')),
  issue_date TEXT NOT NULL,
  due_date TEXT NOT NULL,
  currency TEXT NOT NULL,
  subtotal INTEGER NOT NULL,
  vat_total INTEGER NOT NULL,
  total INTEGER NOT NULL CHECK (total >= 0),
  amount_paid INTEGER NOT NULL DEFAULT 0,
  notes TEXT,
  credit_note_number TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK (amount_paid >= 0 AND amount_paid <= total)
);
CREATE INDEX invoices_customer ON invoices (customer_id, id);
CREATE INDEX invoices_status_due ON invoices (status, due_date);

CREATE TABLE invoice_lines (
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
);

CREATE TABLE payments (
  id TEXT PRIMARY KEY,
  invoice_id TEXT NOT NULL REFERENCES invoices (id),
  amount INTEGER NOT NULL CHECK (amount > 0),
  method TEXT NOT NULL CHECK (method IN ('cash', 'bank', 'bkash', 'card')),
  reference TEXT,
  received_at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX payments_invoice ON payments (invoice_id);

CREATE TABLE credit_notes (
  id TEXT PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,           -- CN-000001, gap-free
  invoice_id TEXT NOT NULL UNIQUE REFERENCES invoices (id),
  amount INTEGER NOT NULL,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

-- Orders cancelled before their invoice was issued: the invoicer skips them.
CREATE TABLE billing_cancelled_orders (
  order_id TEXT PRIMARY KEY,
  cancelled_at INTEGER NOT NULL
);
