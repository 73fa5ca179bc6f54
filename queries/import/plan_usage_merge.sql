-- Decide what the merge does with every staged usage row, on a narrow copy (keys and measures only):
--   * within the run, one row per (source, record_key) wins: for re-pulled aggregates (replace) the
--     newest file — to the minute, since files written together (a checkout, a copy) carry no pull
--     order — then the more complete bucket; otherwise the main-chain line over a sidechain copy,
--     then the most complete line (largest token total), then the first seen; the rest are duplicates;
--   * against the ledger, the winner is an insert (new key), a replace (replace mode: the numbers
--     changed; keep-best mode: strictly more complete than the stored row, or, against a row this
--     same run wrote in one pass (direct-import.ts), as complete and first in the run's order) or a
--     duplicate.
CREATE OR REPLACE TEMP TABLE usage_plan AS
WITH candidates AS (
  SELECT s.rowid AS stage_row, s.source_file, s.source_line, s.source, s.record_key, s.row_count, s.is_sidechain,
         s.requests, s.input_tokens, s.cache_read_tokens, s.cache_write_5m_tokens, s.cache_write_1h_tokens, s.output_tokens,
         s.reasoning_tokens, s.web_search_requests, s.billed_cost_usd,
         s.input_tokens + s.cache_read_tokens + s.cache_write_5m_tokens + s.cache_write_1h_tokens + s.output_tokens AS total_tokens,
         s.import_id, f.merge, f.modified_at, f.file_order
  FROM staged_usage s
  JOIN stage_files f ON f.path = s.source_file
  WHERE s.row_kind = 'usage'
),
ranked AS (
  SELECT *,
         row_number() OVER (
           PARTITION BY source, record_key
           ORDER BY CASE WHEN merge = 'replace' THEN date_trunc('minute', modified_at) END DESC NULLS LAST,
                    coalesce(is_sidechain, false),
                    total_tokens DESC,
                    file_order, source_line
         ) AS rank_in_run
  FROM candidates
)
SELECT r.stage_row, r.source_file, r.source, r.record_key, r.row_count,
       CASE
         WHEN r.rank_in_run > 1 THEN 'duplicate'
         WHEN u.record_key IS NULL THEN 'insert'
         WHEN r.merge = 'replace' AND (r.requests IS DISTINCT FROM u.requests
                                       OR r.input_tokens IS DISTINCT FROM u.input_tokens
                                       OR r.cache_read_tokens IS DISTINCT FROM u.cache_read_tokens
                                       OR r.cache_write_5m_tokens IS DISTINCT FROM u.cache_write_5m_tokens
                                       OR r.cache_write_1h_tokens IS DISTINCT FROM u.cache_write_1h_tokens
                                       OR r.output_tokens IS DISTINCT FROM u.output_tokens
                                       OR r.reasoning_tokens IS DISTINCT FROM u.reasoning_tokens
                                       OR r.web_search_requests IS DISTINCT FROM u.web_search_requests
                                       OR r.billed_cost_usd IS DISTINCT FROM u.billed_cost_usd) THEN 'replace'
         WHEN r.merge = 'keep-best' AND ((coalesce(u.is_sidechain, false) AND NOT coalesce(r.is_sidechain, false))
                                         OR (coalesce(u.is_sidechain, false) = coalesce(r.is_sidechain, false)
                                             AND (r.total_tokens > u.input_tokens + u.cache_read_tokens + u.cache_write_5m_tokens
                                                                   + u.cache_write_1h_tokens + u.output_tokens
                                                  OR (r.total_tokens = u.input_tokens + u.cache_read_tokens + u.cache_write_5m_tokens
                                                                       + u.cache_write_1h_tokens + u.output_tokens
                                                      AND u.import_id = r.import_id
                                                      AND (r.file_order < uf.file_order
                                                           OR (r.file_order = uf.file_order AND r.source_line < u.source_line)))))) THEN 'replace'
         ELSE 'duplicate'
       END AS action
FROM ranked r
-- only the run's winner is looked up; the rank test sits inside an equality (a NULL key matches nothing)
-- so the join stays a hash join: beside it, DuckDB plans a nested loop over ledger × staged rows
LEFT JOIN usage u ON u.source = r.source AND u.record_key = CASE WHEN r.rank_in_run = 1 THEN r.record_key END
LEFT JOIN stage_files uf ON uf.path = u.source_file  -- the stored row's place in this run, if it is this run's
