-- spend_by_provider: spend and token buckets per provider, costliest first, with the sources counted and its share.
-- Spend and token buckets per provider (who bills it), costliest first, with the
-- sources its totals come from (request logs, plus an export's remainder: see counted_views) and its share of spend.
-- grain: one row per provider
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT
  coalesce(provider, '(no provider)')                        AS provider,
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
  CAST(sum(cost_usd) / nullif(sum(sum(cost_usd)) OVER (), 0) AS DOUBLE) AS share_of_cost,
  CAST(count(*) FILTER (WHERE price_status = 'unpriced') AS BIGINT) AS unpriced_records,
  list_sort(list(DISTINCT source))                           AS sources,
  CAST(count(DISTINCT model) AS BIGINT)                      AS models,
  min(started_at)                                            AS first_at,
  max(started_at)                                            AS last_at
FROM usage_counted
WHERE in_period(started_at, bucket_width, $since, $until, $tz)
GROUP BY ALL
ORDER BY cost_usd DESC NULLS LAST, provider
