-- Rows an import could not use, kept whole so they stay inspectable (`recount rejects`).
CREATE TABLE rejects (
  import_id   VARCHAR NOT NULL,
  source_file VARCHAR NOT NULL,
  source_line BIGINT,
  format      VARCHAR NOT NULL,
  reason      VARCHAR NOT NULL,
  raw         VARCHAR
)
