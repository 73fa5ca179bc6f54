-- A per-machine table (import_files, file_state) over the lake: every machine's rows, ledger columns.
-- $table, $columns and $files from src/lake/open.ts (identifiers and a literal path: not bindable).
CREATE OR REPLACE VIEW $table AS
SELECT $columns
FROM $files f
