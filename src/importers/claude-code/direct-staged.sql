-- The read of a one-pass Claude Code import (src/import/direct-import.ts): every row claude_code_staged
-- yields, held in a temp table for the statements that write them, so the lines are read once yet
-- usage and agent events (issue 18) each go to their own table in a statement of their own:
-- claude-code/direct.sql writes the usage rows into the ledger and hands over the per-file counts,
-- insert_staged_events.sql writes the events. The rows are few (one per response, per file and per
-- signal), the lines themselves are never held.
-- params: $files, $exact VARCHAR[][] (n batches each, staging.ts batchCount; $exact empty), $import_id VARCHAR
CREATE OR REPLACE TEMP TABLE direct_staged AS
SELECT * FROM claude_code_staged($files, $exact, $import_id)
