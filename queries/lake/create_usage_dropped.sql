-- lake_dropped: the copies of a response that lose to another copy of it (same source and record_key,
-- exported from two machines, or from two ledgers of one), as the importer decides between a stored
-- row and a new one. A provider's aggregate bucket (bucket_width set; re-pulled exports replace): the
-- newest import's numbers, from the earliest import that has them (a re-pull with the same numbers is
-- a duplicate). A request (keep-best): the main chain over a sidechain copy, then the more complete
-- (larger token total), then the earlier import. Then the machine name. Computed once per session on
-- the key columns only; most keys have one copy.
-- $files is the usage files' read_parquet(…) call (a literal: src/lake/open.ts).
CREATE OR REPLACE TEMP TABLE lake_dropped AS
WITH copies AS (
  SELECT source, record_key, machine, import_id, bucket_width IS NOT NULL AS is_bucket, coalesce(is_sidechain, false) AS is_sidechain,
         input_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens + output_tokens AS total_tokens,
         struct_pack(requests, input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens,
                     reasoning_tokens, web_search_requests, billed_cost_usd) AS numbers
  FROM $files
),
shared AS (
  SELECT source, record_key FROM copies GROUP BY ALL HAVING count(*) > 1
),
ranked AS (
  SELECT c.*, c.numbers IS NOT DISTINCT FROM first_value(c.numbers) OVER (PARTITION BY source, record_key ORDER BY import_id DESC, machine) AS has_newest
  FROM copies c
  SEMI JOIN shared USING (source, record_key)
)
SELECT source, record_key, machine, import_id
FROM ranked
QUALIFY row_number() OVER (PARTITION BY source, record_key
                           ORDER BY CASE WHEN is_bucket THEN has_newest END DESC NULLS LAST,
                                    CASE WHEN is_bucket THEN import_id END,
                                    is_sidechain, total_tokens DESC, import_id, machine) > 1
