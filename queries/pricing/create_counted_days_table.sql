-- counted_days_shared: counted_days summed per local day ($tz) and dimension, written once for a
-- `recount report` (src/report/rollup.ts) so its day-grain queries read a few thousand rows instead of
-- pricing and counting every ledger row again each. Costs are summed compensated (fsum), so the order
-- DuckDB's threads add rows in does not show. rollup_tz: the zone its days are in.
CREATE OR REPLACE TEMP TABLE counted_days_shared AS
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
FROM counted_days(NULL, NULL, $tz)
GROUP BY ALL
