-- counted_days_shared: counted_days summed per local day ($tz) and dimension, written once for a
-- `recount report` (src/report/rollup.ts) so its day-grain queries read a few thousand rows instead of
-- pricing and counting every ledger row again each. Costs are summed compensated (fsum), so the order
-- DuckDB's threads add rows in does not show. rollup_tz: the zone its days are in.
-- The local day is local_day's, found cheaper: counted_days in no zone gives only a daily bucket's
-- (its UTC date); the others take their hour's offset (zone_hours, create_zone_hours_table.sql), or
-- local_day itself in an hour a transition falls inside.
CREATE OR REPLACE TEMP TABLE counted_days_shared AS
WITH rows AS (
  SELECT d.* REPLACE (
           coalesce(d.day,
                    DATE '1970-01-01' + CAST((epoch_us(d.first_at) + z.offset_us) // 86400000000 AS INTEGER),
                    local_day(d.first_at, NULL, CAST($tz AS VARCHAR))) AS day)
  FROM counted_days(NULL, NULL, NULL) d
  LEFT JOIN zone_hours z ON z.utc_hour = epoch_us(d.first_at) // 3600000000
)
SELECT day, provider, model, source, is_aggregate, api_key, session_id, task_type, tier, price_status,
       price_provider, borrowed_rates, per_request_known,
       sum(records) AS records, sum(unbilled_records) AS unbilled_records, sum(requests) AS requests,
       sum(input_tokens) AS input_tokens, sum(cache_read_tokens) AS cache_read_tokens,
       sum(cache_write_5m_tokens) AS cache_write_5m_tokens, sum(cache_write_1h_tokens) AS cache_write_1h_tokens,
       sum(output_tokens) AS output_tokens, sum(web_search_requests) AS web_search_requests,
       fsum(billed_cost_usd) AS billed_cost_usd, fsum(list_cost_usd) AS list_cost_usd, fsum(cost_usd) AS cost_usd,
       fsum(input_usd) AS input_usd, fsum(cache_read_usd) AS cache_read_usd, fsum(cache_write_5m_usd) AS cache_write_5m_usd,
       fsum(cache_write_1h_usd) AS cache_write_1h_usd, fsum(output_usd) AS output_usd, fsum(web_search_usd) AS web_search_usd,
       min(first_at) AS first_at, max(last_at) AS last_at,
       CAST($tz AS VARCHAR) AS rollup_tz
FROM rows
GROUP BY ALL
