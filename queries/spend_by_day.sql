-- spend_by_day: spend and token buckets per local day (days begin at midnight in $tz; a provider's
-- daily bucket keeps its UTC date).
-- grain: one row per day
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT
  local_day(started_at, bucket_width, $tz)                   AS day,
  CAST(count(*) AS BIGINT)                                   AS records,
  CAST(coalesce(sum(requests), 0) AS HUGEINT)                 AS requests,
  CAST(sum(input_tokens) AS HUGEINT)                          AS input_tokens,
  CAST(sum(cache_read_tokens) AS HUGEINT)                     AS cache_read_tokens,
  CAST(sum(cache_write_5m_tokens) AS HUGEINT)                 AS cache_write_5m_tokens,
  CAST(sum(cache_write_1h_tokens) AS HUGEINT)                 AS cache_write_1h_tokens,
  CAST(sum(output_tokens) AS HUGEINT)                         AS output_tokens,
  CAST(sum(billed_cost_usd) AS DOUBLE)                       AS billed_cost_usd,
  CAST(sum(list_cost_usd) AS DOUBLE)                         AS list_cost_usd,
  CAST(sum(cost_usd) AS DOUBLE)                              AS cost_usd,
  CAST(count(*) FILTER (WHERE price_status = 'unpriced') AS BIGINT) AS unpriced_records
FROM usage_counted
WHERE in_period(started_at, bucket_width, $since, $until, $tz)
GROUP BY day
ORDER BY day
