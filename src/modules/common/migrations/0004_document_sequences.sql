-- Gap-free human numbers per document kind (SO-000001, INV-000001, CN-000001): the counter
-- moves in the same transaction as the document, so a rolled-back document leaves no gap.
CREATE TABLE document_sequences (
  name TEXT PRIMARY KEY,
  last_value INTEGER NOT NULL
);
