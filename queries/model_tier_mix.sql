-- model_tier_mix: per model, its share of spend and what kind of work its calls did — the share of
-- its requests (and dollars) by routing tier, e.g. a frontier model spending on tier-1 lookups.
-- grain: one row per model, costliest first
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT
  model,
  CAST(sum(cost_usd) AS DOUBLE)                                             AS cost_usd,
  CAST(sum(cost_usd) / nullif(sum(sum(cost_usd)) OVER (), 0) AS DOUBLE)     AS share_of_spend,
  CAST(sum(sum(cost_usd)) OVER () AS DOUBLE)                                AS total_cost_usd,
  CAST(coalesce(sum(requests), 0) AS BIGINT)                                AS requests,
  CAST(coalesce(sum(requests) FILTER (WHERE tier = 1), 0) AS BIGINT)        AS tier1_requests,
  CAST(coalesce(sum(requests) FILTER (WHERE tier = 2), 0) AS BIGINT)        AS tier2_requests,
  CAST(coalesce(sum(requests) FILTER (WHERE tier = 3), 0) AS BIGINT)        AS tier3_requests,
  CAST(coalesce(sum(cost_usd) FILTER (WHERE tier = 1), 0) AS DOUBLE)        AS tier1_cost_usd,
  CAST(coalesce(sum(requests) FILTER (WHERE tier = 1), 0) / nullif(sum(requests), 0) AS DOUBLE) AS tier1_request_share,
  list_sort(list(DISTINCT task_type) FILTER (WHERE tier = 1))               AS tier1_task_types
FROM usage_counted
WHERE in_period(started_at, $since, $until, $tz) AND model IS NOT NULL
GROUP BY model
ORDER BY cost_usd DESC NULLS LAST, model
