-- lake_dropped: the copies of a response that lose to another copy of it (same source and record_key,
-- exported from two machines, or from two ledgers of one), as the importer decides between a stored
-- row and a new one. A provider's aggregate bucket (bucket_width set; re-pulled exports replace): the
-- newest import's numbers, from the earliest import that has them (a re-pull with the same numbers is
-- a duplicate). A request (keep-best): the main chain over a sidechain copy, then the more complete
-- (larger token total), then the earlier import. Then the machine name. Computed once per session from
-- lake_usage_rows; most keys have one copy. By rowid: one machine's files can hold a row twice under one
-- import (while an export moves its files in, or an older recount's per-import file beside the newer
-- <machine>.parquet), and the losing copy alone must go.
CREATE OR REPLACE TEMP TABLE lake_dropped AS
WITH shared AS (  -- by a hash of the key: 8 bytes a row, not the key's text; a collision only adds a lone copy, which ranks first
  SELECT hash(source, record_key) AS key_hash FROM lake_usage_rows GROUP BY ALL HAVING count(*) > 1
),
copies AS (
  SELECT rowid AS row_id, source, record_key, lake_machine AS machine, import_id, bucket_width IS NOT NULL AS is_bucket, coalesce(is_sidechain, false) AS is_sidechain,
         input_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens + output_tokens AS total_tokens,
         struct_pack(requests, input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens,
                     reasoning_tokens, web_search_requests, billed_cost_usd) AS numbers
  FROM lake_usage_rows
  WHERE hash(source, record_key) IN (SELECT key_hash FROM shared)
),
ranked AS (
  SELECT c.*, c.numbers IS NOT DISTINCT FROM first_value(c.numbers) OVER (PARTITION BY source, record_key ORDER BY import_id DESC, machine) AS has_newest
  FROM copies c
)
SELECT row_id
FROM ranked
QUALIFY row_number() OVER (PARTITION BY source, record_key
                           ORDER BY CASE WHEN is_bucket THEN has_newest END DESC NULLS LAST,
                                    CASE WHEN is_bucket THEN import_id END,
                                    is_sidechain, total_tokens DESC, import_id, machine, row_id) > 1
