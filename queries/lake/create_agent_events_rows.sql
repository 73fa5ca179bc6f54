-- agent_events over the lake, read once per session: each event once across machines (a synced transcript
-- folder reaches the lake from two machines). As the importer keeps the first copy it stores, the earlier
-- import's copy wins (import ids sort by import time), then the machine name. prompt_hash holds the
-- exported ask_key and error_first_line is NULL (queries/lake/copy_agent_events.sql).
-- $columns and $files from src/lake/open.ts.
CREATE TABLE agent_events AS
SELECT $columns
FROM $files f
QUALIFY row_number() OVER (PARTITION BY f.source, f.record_key ORDER BY f.import_id, f.machine) = 1
