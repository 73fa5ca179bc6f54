-- cache_hit_ratio: prompt-cache hit ratio (cache read / prompt tokens) and cost of per-request rows, by model, local day or session ($grain).
-- grain: one row per key of $grain: 'model' (canonical model), 'day' (local day in $tz, YYYY-MM-DD) or 'session' (session_id)
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC', grain VARCHAR = 'model'
--
-- prompt_tokens = input + cache read + cache writes (disjoint buckets); cache_hit_ratio = sum(cache read) / sum(prompt).
-- cache_savings_usd = what the cache reads saved against sending those tokens as plain input
-- (cache_read * (input rate - cache read rate) / 1e6 * tier_multiplier). Unpriced requests are counted.
SELECT
  CAST($grain AS VARCHAR) AS grain,
  CASE CAST($grain AS VARCHAR)
    WHEN 'model'   THEN coalesce(model, '(no model)')
    WHEN 'day'     THEN strftime(timezone(CAST($tz AS VARCHAR), started_at), '%Y-%m-%d')
    WHEN 'session' THEN coalesce(session_id, '(no session)')
    ELSE error('grain must be model, day or session, not ' || CAST($grain AS VARCHAR))
  END                                                               AS key,
  CAST(count(*) AS BIGINT)                                          AS requests,
  CAST(sum(prompt_tokens) AS HUGEINT)                                AS prompt_tokens,
  CAST(sum(input_tokens) AS HUGEINT)                                 AS input_tokens,
  CAST(sum(cache_read_tokens) AS HUGEINT)                            AS cache_read_tokens,
  CAST(sum(cache_write_5m_tokens + cache_write_1h_tokens) AS HUGEINT) AS cache_write_tokens,
  CAST(sum(output_tokens) AS HUGEINT)                                AS output_tokens,
  CAST(sum(cache_read_tokens) / nullif(sum(prompt_tokens), 0) AS DOUBLE) AS cache_hit_ratio,
  CAST(sum(cache_write_5m_tokens + cache_write_1h_tokens) / nullif(sum(prompt_tokens), 0) AS DOUBLE) AS cache_write_ratio,
  CAST(sum(cache_read_tokens * (input_usd_per_mtok - cache_read_usd_per_mtok) / 1e6 * tier_multiplier) AS DOUBLE) AS cache_savings_usd,
  CAST(sum(cost_usd) AS DOUBLE)                                     AS cost_usd,
  CAST(count(*) FILTER (WHERE price_status = 'unpriced') AS BIGINT) AS unpriced_requests
FROM usage_priced
WHERE bucket_width IS NULL AND in_period(started_at, bucket_width, $since, $until, $tz)
GROUP BY key
ORDER BY CASE WHEN CAST($grain AS VARCHAR) = 'day' THEN key END, cost_usd DESC NULLS LAST, key
