-- model_tier_mix: per model, its share of spend and what kind of work its calls did — the share of
-- its requests (and dollars) by routing tier, e.g. a frontier model spending on tier-1 lookups.
-- Spend comes from the counted view; the tier mix from per-request rows (agent and gateway logs),
-- since provider aggregates carry no tools or prompts to classify, even on days they are counted.
-- grain: one row per model, costliest first
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
WITH spend AS (
  SELECT model,
         sum(cost_usd) AS cost_usd,
         sum(sum(cost_usd)) OVER () AS total_cost_usd
  FROM counted_days($since, $until, $tz)  -- usage_counted (a report reads it summed per day, once for all its queries)
  WHERE model IS NOT NULL
  GROUP BY model
),
calls AS (
  SELECT model,
         sum(requests) AS requests,
         sum(requests) FILTER (WHERE tier = 1) AS tier1_requests,
         sum(requests) FILTER (WHERE tier = 2) AS tier2_requests,
         sum(requests) FILTER (WHERE tier = 3) AS tier3_requests,
         sum(cost_usd) FILTER (WHERE tier = 1) AS tier1_cost_usd,
         list_sort(list(DISTINCT task_type) FILTER (WHERE tier = 1)) AS tier1_task_types
  FROM usage_priced
  WHERE in_period(started_at, bucket_width, $since, $until, $tz) AND model IS NOT NULL AND bucket_width IS NULL
  GROUP BY model
)
SELECT
  s.model,
  CAST(s.cost_usd AS DOUBLE)                                            AS cost_usd,
  CAST(s.cost_usd / nullif(s.total_cost_usd, 0) AS DOUBLE)              AS share_of_spend,
  CAST(s.total_cost_usd AS DOUBLE)                                      AS total_cost_usd,
  CAST(coalesce(c.requests, 0) AS BIGINT)                               AS requests,
  CAST(coalesce(c.tier1_requests, 0) AS BIGINT)                         AS tier1_requests,
  CAST(coalesce(c.tier2_requests, 0) AS BIGINT)                         AS tier2_requests,
  CAST(coalesce(c.tier3_requests, 0) AS BIGINT)                         AS tier3_requests,
  CAST(coalesce(c.tier1_cost_usd, 0) AS DOUBLE)                         AS tier1_cost_usd,
  CAST(c.tier1_requests / nullif(c.requests, 0) AS DOUBLE)              AS tier1_request_share,
  coalesce(c.tier1_task_types, [])                                      AS tier1_task_types
FROM spend s
LEFT JOIN calls c USING (model)
ORDER BY s.cost_usd DESC NULLS LAST, s.model
