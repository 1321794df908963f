-- Double-entry ledger. Posted entries are immutable: corrections are new, reversing entries.
CREATE TABLE accounts (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('asset', 'liability', 'equity', 'revenue', 'expense'))
);
INSERT INTO accounts (code, name, type) VALUES
  ('1000', 'Cash', 'asset'),
  ('1010', 'Bank', 'asset'),
  ('1020', 'bKash (mobile money)', 'asset'),
  ('1030', 'Card clearing', 'asset'),
  ('1100', 'Accounts receivable', 'asset'),
  ('1300', 'Inventory', 'asset'),
  ('2100', 'Goods received not invoiced', 'liability'),
  ('2200', 'VAT payable', 'liability'),
  ('2300', 'Salaries payable', 'liability'),
  ('3000', 'Owner''s equity', 'equity'),
  ('4000', 'Sales revenue', 'revenue'),
  ('5000', 'Cost of goods sold', 'expense'),
  ('5200', 'Inventory adjustments', 'expense'),
  ('6000', 'Salaries expense', 'expense'),
  ('6100', 'Veterinary and medicine', 'expense'),
  ('6200', 'Feed', 'expense');

CREATE TABLE journal_entries (
  id TEXT PRIMARY KEY,            -- UUIDv7: sorts by posting order
  posted_at INTEGER NOT NULL,     -- microseconds UTC
  posted_on TEXT NOT NULL,        -- the farm's calendar date, YYYY-MM-DD
  memo TEXT NOT NULL,
  source_type TEXT NOT NULL,      -- invoice, payment, shipment, credit_note, stock_adjustment
  source_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  total_debit INTEGER NOT NULL,
  total_credit INTEGER NOT NULL,
  CHECK (total_debit = total_credit AND total_debit > 0)
);
CREATE INDEX journal_entries_source ON journal_entries (source_type, source_id);
CREATE INDEX journal_entries_posted_on ON journal_entries (posted_on);

CREATE TABLE journal_lines (
  entry_id TEXT NOT NULL REFERENCES journal_entries (id),
  line_no INTEGER NOT NULL,
  account_code TEXT NOT NULL REFERENCES accounts (code),
  debit INTEGER NOT NULL CHECK (debit >= 0),
  credit INTEGER NOT NULL CHECK (credit >= 0),
  CHECK ((debit = 0) <> (credit = 0)),
  PRIMARY KEY (entry_id, line_no)
);
CREATE INDEX journal_lines_account ON journal_lines (account_code, entry_id);

CREATE TRIGGER journal_entries_immutable_update BEFORE UPDATE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'posted journal entries are immutable'); END;
CREATE TRIGGER journal_entries_immutable_delete BEFORE DELETE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'posted journal entries are immutable'); END;
CREATE TRIGGER journal_lines_immutable_update BEFORE UPDATE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'posted journal entries are immutable'); END;
CREATE TRIGGER journal_lines_immutable_delete BEFORE DELETE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'posted journal entries are immutable'); END;
