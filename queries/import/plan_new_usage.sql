-- The merge plan when staged_usage_is_new.sql holds: plan_usage_merge.sql would rank every row first
-- and find no stored key, so every staged usage row is an insert.
CREATE OR REPLACE TEMP TABLE usage_plan AS
SELECT rowid AS stage_row, source_file, source, record_key, row_count, 'insert' AS action
FROM staged_usage
WHERE row_kind = 'usage'
