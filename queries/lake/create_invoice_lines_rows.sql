-- invoice_lines over the lake, read once per session: each line once across machines; as the importer
-- does for re-pulled cost exports, the newest import's copy wins (then the machine name).
-- $columns and $files from src/lake/open.ts.
CREATE TABLE invoice_lines AS
SELECT $columns
FROM $files f
QUALIFY row_number() OVER (PARTITION BY f.source, f.record_key ORDER BY f.import_id DESC, f.machine) = 1
