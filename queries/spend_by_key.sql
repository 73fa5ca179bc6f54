-- spend_by_key: spend per provider and API key, costliest first; rows without a key are '(no key)'.
-- Spend per API key (a name, id or hash — never a raw secret) and provider, costliest
-- first. Rows without a key (console/Workbench usage, exports not grouped by key, agent transcripts)
-- are one row per provider with api_key '(no key)'.
-- grain: one row per (provider, api_key)
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT
  provider,
  coalesce(api_key, '(no key)')                              AS api_key,
  CAST(count(*) AS BIGINT)                                   AS records,
  CAST(coalesce(sum(requests), 0) AS HUGEINT)                 AS requests,
  CAST(sum(input_tokens) AS HUGEINT)                          AS input_tokens,
  CAST(sum(cache_read_tokens) AS HUGEINT)                     AS cache_read_tokens,
  CAST(sum(cache_write_5m_tokens) AS HUGEINT)                 AS cache_write_5m_tokens,
  CAST(sum(cache_write_1h_tokens) AS HUGEINT)                 AS cache_write_1h_tokens,
  CAST(sum(output_tokens) AS HUGEINT)                         AS output_tokens,
  CAST(sum(list_cost_usd) AS DOUBLE)                         AS list_cost_usd,
  CAST(sum(cost_usd) AS DOUBLE)                              AS cost_usd,
  CAST(sum(cost_usd) / nullif(sum(sum(cost_usd)) OVER (), 0) AS DOUBLE) AS share_of_cost,
  CAST(count(*) FILTER (WHERE price_status = 'unpriced') AS BIGINT) AS unpriced_records,
  list_sort(coalesce(list(DISTINCT model) FILTER (WHERE model IS NOT NULL), [])) AS models,
  min(started_at)                                            AS first_at,
  max(started_at)                                            AS last_at
FROM usage_counted
WHERE in_period(started_at, bucket_width, $since, $until, $tz)
GROUP BY ALL
ORDER BY cost_usd DESC NULLS LAST, provider, api_key
