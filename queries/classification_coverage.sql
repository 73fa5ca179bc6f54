-- classification_coverage: how much of the period's spend the task-type rules label (and per source).
-- grain: one row per source, plus source '(all)'
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT
  coalesce(source, '(all)')                                                                  AS source,
  CAST(count(*) AS BIGINT)                                                                   AS records,
  CAST(count(*) FILTER (WHERE coalesce(task_type, 'unclassified') <> 'unclassified') AS BIGINT) AS classified_records,
  CAST(coalesce(sum(cost_usd), 0) AS DOUBLE)                                                 AS cost_usd,
  CAST(coalesce(sum(cost_usd) FILTER (WHERE coalesce(task_type, 'unclassified') <> 'unclassified'), 0) AS DOUBLE) AS classified_cost_usd,
  CAST(coalesce(sum(cost_usd) FILTER (WHERE coalesce(task_type, 'unclassified') <> 'unclassified'), 0)
       / nullif(sum(cost_usd), 0) AS DOUBLE)                                                 AS coverage_share
FROM usage_counted
WHERE in_period(started_at, bucket_width, $since, $until, $tz)
GROUP BY ROLLUP (source)
ORDER BY source NULLS FIRST
