-- spend_by_task_type: spend per task type and routing tier (set by the classifier), costliest first,
-- with each type's share of the period's cost.
-- grain: one row per (task_type, tier)
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT
  coalesce(task_type, 'unclassified')                        AS task_type,
  tier,
  CAST(sum(records) AS BIGINT)                               AS records,
  CAST(coalesce(sum(requests), 0) AS HUGEINT)                 AS requests,
  CAST(sum(input_tokens) AS HUGEINT)                          AS input_tokens,
  CAST(sum(cache_read_tokens) AS HUGEINT)                     AS cache_read_tokens,
  CAST(sum(cache_write_5m_tokens) AS HUGEINT)                 AS cache_write_5m_tokens,
  CAST(sum(cache_write_1h_tokens) AS HUGEINT)                 AS cache_write_1h_tokens,
  CAST(sum(output_tokens) AS HUGEINT)                         AS output_tokens,
  CAST(sum(cost_usd) AS DOUBLE)                              AS cost_usd,
  CAST(sum(cost_usd) / nullif(sum(sum(cost_usd)) OVER (), 0) AS DOUBLE) AS share_of_cost
FROM counted_days($since, $until, $tz)  -- usage_counted (a report reads it summed per day, once for all its queries)
GROUP BY ALL
ORDER BY cost_usd DESC NULLS LAST, task_type
