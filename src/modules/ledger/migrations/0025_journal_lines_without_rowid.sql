-- Journal lines are stored in their primary key's B-tree (WITHOUT ROWID): two B-tree inserts
-- per posting instead of three. Same columns, key, index and immutability triggers.
CREATE TABLE journal_lines_v2 (
  entry_id TEXT NOT NULL REFERENCES journal_entries (id),
  line_no INTEGER NOT NULL,
  account_code TEXT NOT NULL REFERENCES accounts (code),
  debit INTEGER NOT NULL CHECK (debit >= 0),
  credit INTEGER NOT NULL CHECK (credit >= 0),
  CHECK ((debit = 0) <> (credit = 0)),
  PRIMARY KEY (entry_id, line_no)
) WITHOUT ROWID;
INSERT INTO journal_lines_v2 SELECT entry_id, line_no, account_code, debit, credit
  FROM journal_lines;
DROP TABLE journal_lines;  -- its index and triggers go with it
ALTER TABLE journal_lines_v2 RENAME TO journal_lines;
CREATE INDEX journal_lines_account ON journal_lines (account_code, entry_id);
CREATE TRIGGER journal_lines_immutable_update BEFORE UPDATE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'posted journal entries are immutable'); END;
CREATE TRIGGER journal_lines_immutable_delete BEFORE DELETE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'posted journal entries are immutable'); END;
