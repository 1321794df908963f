-- Analytics views (issue 4): tables kept up to date by the `analytics.views` consumer and
-- recomputed from the source tables by `smartdairy analytics rebuild`. Amounts are minor
-- units; days and hours are in the farm's time zone. A cancelled order counts in
-- analytics_orders_by_status only; every other sales view counts orders not cancelled.

-- What each order was last counted as: its status when the consumer last applied it.
CREATE TABLE analytics_order_facts (
  order_id TEXT PRIMARY KEY,
  status   TEXT NOT NULL
);

CREATE TABLE analytics_sales_by_hour (
  hour      TEXT PRIMARY KEY,  -- 'YYYY-MM-DDTHH:00', local
  orders    INTEGER NOT NULL,
  subtotal  INTEGER NOT NULL,
  vat_total INTEGER NOT NULL,
  total     INTEGER NOT NULL
);

CREATE TABLE analytics_sales_by_day (
  day       TEXT PRIMARY KEY,  -- 'YYYY-MM-DD', local (the order's placed_on)
  orders    INTEGER NOT NULL,
  subtotal  INTEGER NOT NULL,
  vat_total INTEGER NOT NULL,
  total     INTEGER NOT NULL
);

CREATE TABLE analytics_revenue_by_product (
  day   TEXT NOT NULL,
  sku   TEXT NOT NULL,
  qty   INTEGER NOT NULL,
  net   INTEGER NOT NULL,
  vat   INTEGER NOT NULL,
  total INTEGER NOT NULL,
  PRIMARY KEY (day, sku)
);

CREATE TABLE analytics_revenue_by_customer (
  day         TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  orders      INTEGER NOT NULL,
  subtotal    INTEGER NOT NULL,
  vat_total   INTEGER NOT NULL,
  total       INTEGER NOT NULL,
  PRIMARY KEY (day, customer_id)
);

CREATE TABLE analytics_orders_by_status (
  status TEXT PRIMARY KEY,
  orders INTEGER NOT NULL,
  total  INTEGER NOT NULL
);

-- The seed's stock_snapshot.
CREATE TABLE analytics_stock_levels (
  sku           TEXT PRIMARY KEY,
  on_hand       INTEGER NOT NULL,
  reserved      INTEGER NOT NULL,
  reorder_point INTEGER NOT NULL
);

-- Open invoices (issued or partly paid, something still due): the source of AR ageing,
-- bucketed by due date when read, so that ageing moves with the calendar.
CREATE TABLE analytics_receivables (
  invoice_id  TEXT PRIMARY KEY,
  number      TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  due_date    TEXT NOT NULL,
  total       INTEGER NOT NULL,
  amount_due  INTEGER NOT NULL
);
CREATE INDEX analytics_receivables_due ON analytics_receivables (due_date);

CREATE TABLE analytics_cash_by_day (
  day      TEXT NOT NULL,  -- the local day the payment was received
  method   TEXT NOT NULL,
  payments INTEGER NOT NULL,
  amount   INTEGER NOT NULL,
  PRIMARY KEY (day, method)
);
