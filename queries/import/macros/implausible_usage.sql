-- implausible_usage: why a usage row cannot be right, or NULL when it is plausible. The one rule set
-- every import applies at the boundary (reject_implausible_usage.sql, the one-pass imports' fallback)
-- and `recount doctor` applies to ledgers written before it. Limits: a token bucket of one request
-- within 0…10^9, of an aggregated row within 0…10^13 (so no sum over a ledger of such rows overflows);
-- a billed cost finite, not negative and at most $10^6 per request; a time on or after 2020-01-01 and
-- at most a day after `now_at` (the import). An epoch read in the wrong unit is named as such.
CREATE OR REPLACE TEMP MACRO implausible_usage(bucket_width, requests, input_tokens, cache_read_tokens,
    cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, web_search_requests,
    billed_cost_usd, started_at, now_at) AS (
  CASE
    WHEN input_tokens NOT BETWEEN 0 AND usage_token_limit(bucket_width) THEN format('input_tokens {} is outside 0…{}', input_tokens, usage_token_limit(bucket_width))
    WHEN cache_read_tokens NOT BETWEEN 0 AND usage_token_limit(bucket_width) THEN format('cache_read_tokens {} is outside 0…{}', cache_read_tokens, usage_token_limit(bucket_width))
    WHEN cache_write_5m_tokens NOT BETWEEN 0 AND usage_token_limit(bucket_width) THEN format('cache_write_5m_tokens {} is outside 0…{}', cache_write_5m_tokens, usage_token_limit(bucket_width))
    WHEN cache_write_1h_tokens NOT BETWEEN 0 AND usage_token_limit(bucket_width) THEN format('cache_write_1h_tokens {} is outside 0…{}', cache_write_1h_tokens, usage_token_limit(bucket_width))
    WHEN output_tokens NOT BETWEEN 0 AND usage_token_limit(bucket_width) THEN format('output_tokens {} is outside 0…{}', output_tokens, usage_token_limit(bucket_width))
    WHEN reasoning_tokens NOT BETWEEN 0 AND usage_token_limit(bucket_width) THEN format('reasoning_tokens {} is outside 0…{}', reasoning_tokens, usage_token_limit(bucket_width))
    WHEN web_search_requests NOT BETWEEN 0 AND usage_token_limit(bucket_width) THEN format('web_search_requests {} is outside 0…{}', web_search_requests, usage_token_limit(bucket_width))
    WHEN requests NOT BETWEEN 0 AND usage_token_limit(bucket_width) THEN format('requests {} is outside 0…{}', requests, usage_token_limit(bucket_width))
    WHEN isnan(billed_cost_usd) OR isinf(billed_cost_usd) THEN format('billed cost {} is not a number', billed_cost_usd)
    WHEN billed_cost_usd < 0 THEN format('billed cost {} is negative (a credit belongs in an invoice export)', billed_cost_usd)
    WHEN billed_cost_usd > 1e6 * greatest(coalesce(requests, 1), 1) THEN format('billed cost ${} is above $1,000,000 per request', billed_cost_usd)
    WHEN started_at IS NULL THEN NULL
    WHEN epoch(started_at) > 1e12 THEN format('time {} looks like epoch milliseconds read as seconds', started_at)
    WHEN started_at < TIMESTAMPTZ '2020-01-01 00:00:00+00' AND epoch(started_at) * 1000 BETWEEN epoch(TIMESTAMPTZ '2020-01-01 00:00:00+00') AND epoch(CAST(now_at AS TIMESTAMPTZ))
      THEN format('time {} looks like epoch seconds read as milliseconds', started_at)
    WHEN started_at < TIMESTAMPTZ '2020-01-01 00:00:00+00' THEN format('time {} is before 2020-01-01', started_at)
    WHEN started_at > CAST(now_at AS TIMESTAMPTZ) + INTERVAL 1 DAY THEN format('time {} is more than a day after the import', started_at)
  END
)
