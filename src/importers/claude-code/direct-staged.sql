-- The read of a one-pass Claude Code import (src/import/direct-import.ts): every row claude_code_staged
-- yields, held in a temp table for the statements that write them, so the lines are read once yet
-- usage and agent events (issue 18) each go to their own table in a statement of their own:
-- claude-code/direct.sql writes the usage rows into the ledger and hands over the per-file counts,
-- insert_staged_events.sql writes the events. The rows are few (one per response, per file and per
-- signal), the lines themselves are never held.
-- The rows are materialized first: a scan of them keeps its order, so with preserve_insertion_order
-- (direct-import.ts) DuckDB writes the table once, in order. Written straight from the staging query,
-- they were written on every thread, and inside the import's transaction each thread's copy stayed
-- in memory beside the table's until the commit (~75 MiB for 100k rows).
-- params: $files, $exact VARCHAR[][] (n batches each, staging.ts batchCount; $exact empty), $import_id VARCHAR
CREATE OR REPLACE TEMP TABLE direct_staged AS
WITH staged AS MATERIALIZED (
  SELECT * FROM claude_code_staged($files, $exact, $import_id)
)
SELECT * FROM staged
