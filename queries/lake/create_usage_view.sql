-- usage over the lake: every machine's rows, each response once (lake_dropped holds the losing
-- copies), with the ledger's columns and types, so every query reads it as it reads a ledger file.
-- $columns casts the files' columns to the ledger's (prompt_hash is the session's prompt_seq as text);
-- $files is the read_parquet(…) call (both from src/lake/open.ts).
CREATE OR REPLACE VIEW usage AS
SELECT $columns
FROM $files f
ANTI JOIN lake_dropped d
  ON d.source = f.source AND d.record_key = f.record_key AND d.machine = f.machine AND d.import_id = f.import_id
