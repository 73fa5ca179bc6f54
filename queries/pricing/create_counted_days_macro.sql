-- counted_days(since, until, tz): the counted rows (usage_counted) of the period, with the columns the
-- report's day-grain queries read: the local day in zone tz (see local_day), the dimensions they group
-- by and amounts they add up (records: 1 a row; each token bucket's list cost). Those queries only
-- sum, count by `records`, take min/max or test it, so the same rows summed per day and dimension give
-- them the same figures: a `recount report` writes that rollup once (create_counted_days_table.sql,
-- a few thousand rows where this has millions) and reads it through this name instead.
-- per_request_known: the row's request count and its cost are known (cost_per_request_by_model).
CREATE OR REPLACE TEMP MACRO counted_days(since, until, tz) AS TABLE
SELECT
  local_day(started_at, bucket_width, tz)                              AS day,
  provider, model, source, bucket_width IS NOT NULL                    AS is_aggregate,
  api_key, session_id, task_type, tier, price_status, price_provider, borrowed_rates,
  requests IS NOT NULL AND requests > 0 AND cost_usd IS NOT NULL       AS per_request_known,
  1                                                                    AS records,
  CAST(billed_cost_usd IS NULL AS INTEGER)                             AS unbilled_records,
  requests, input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens,
  coalesce(web_search_requests, 0)                                     AS web_search_requests,
  billed_cost_usd, list_cost_usd, cost_usd,
  -- list cost by token bucket (token_mix): tokens x the row's effective rate x its tier multiplier
  input_tokens * input_usd_per_mtok / 1e6 * tier_multiplier                   AS input_usd,
  cache_read_tokens * cache_read_usd_per_mtok / 1e6 * tier_multiplier         AS cache_read_usd,
  cache_write_5m_tokens * cache_write_5m_usd_per_mtok / 1e6 * tier_multiplier AS cache_write_5m_usd,
  cache_write_1h_tokens * cache_write_1h_usd_per_mtok / 1e6 * tier_multiplier AS cache_write_1h_usd,
  output_tokens * output_usd_per_mtok / 1e6 * tier_multiplier                 AS output_usd,
  coalesce(web_search_requests, 0) * coalesce(web_search_usd_per_request, 0)  AS web_search_usd,
  started_at                                                           AS first_at,
  started_at                                                           AS last_at
FROM usage_counted
WHERE in_period(started_at, bucket_width, since, until, tz)
