-- A per-machine table (import_files, file_state, rejects) over the lake: every machine's rows, ledger
-- columns, read once per session (a file per machine: each scan of the files would open them all).
-- $table, $columns and $files from src/lake/open.ts (identifiers and a literal path: not bindable).
CREATE TABLE $table AS
SELECT $columns
FROM $files f
