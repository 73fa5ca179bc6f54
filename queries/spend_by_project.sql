-- spend_by_project: spend per project across providers, costliest first; rows without one are '(no project)'.
-- Spend per project (OpenAI project id, Claude Code working folder, gateway team or
-- mapped column), costliest first; rows without one are project '(no project)'.
-- grain: one row per project (across providers)
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT
  coalesce(project, '(no project)')                          AS project,
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
  list_sort(coalesce(list(DISTINCT provider) FILTER (WHERE provider IS NOT NULL), [])) AS providers,
  list_sort(coalesce(list(DISTINCT model) FILTER (WHERE model IS NOT NULL), [])) AS models,
  min(started_at)                                            AS first_at,
  max(started_at)                                            AS last_at
FROM usage_counted
WHERE in_period(started_at, bucket_width, $since, $until, $tz)
GROUP BY ALL
ORDER BY cost_usd DESC NULLS LAST, project
