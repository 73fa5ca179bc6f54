-- Decide what the merge does with every staged invoice line (see plan_usage_merge.sql): the newest
-- file's line wins within a run (to the minute; then the larger amount), and against the ledger a new
-- key is inserted, changed amounts replace, the same amounts are duplicates.
CREATE OR REPLACE TEMP TABLE invoice_plan AS
WITH ranked AS (
  SELECT s.rowid AS stage_row, s.source_file, s.source, s.record_key, s.row_count, s.amount_usd, s.list_amount_usd,
         row_number() OVER (PARTITION BY s.source, s.record_key ORDER BY date_trunc('minute', f.modified_at) DESC, s.amount_usd DESC, f.file_order DESC, s.source_line) AS rank_in_run
  FROM staged_invoice s
  JOIN stage_files f ON f.path = s.source_file
  WHERE s.row_kind = 'usage'
)
SELECT r.stage_row, r.source_file, r.source, r.record_key, r.row_count,
       CASE
         WHEN r.rank_in_run > 1 THEN 'duplicate'
         WHEN i.record_key IS NULL THEN 'insert'
         WHEN r.amount_usd IS DISTINCT FROM i.amount_usd OR r.list_amount_usd IS DISTINCT FROM i.list_amount_usd THEN 'replace'
         ELSE 'duplicate'
       END AS action
FROM ranked r
-- the rank test sits inside an equality so the join stays a hash join (see plan_usage_merge.sql)
LEFT JOIN invoice_lines i ON i.source = r.source AND i.record_key = CASE WHEN r.rank_in_run = 1 THEN r.record_key END
