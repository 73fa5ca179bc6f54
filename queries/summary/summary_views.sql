-- summary_views: queries/counted_views.sql (same rows, columns and order) with its counted side read
-- from summary_pass (create_summary_pass.sql) instead of a second pass over usage_counted.
-- grain: one row per (provider, source)
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
WITH priced_spans AS (  -- a local day only for each first and last row: local_day never goes back as time goes on
  SELECT provider, source, bucket_width = '1d' AS is_daily,
         bool_or(bucket_width IS NOT NULL) AS aggregated,
         count(*) AS records,
         local_day(min(started_at), min(bucket_width), $tz) AS first_day,
         local_day(max(started_at), min(bucket_width), $tz) AS last_day,
         fsum(cost_usd) AS cost_usd
  FROM usage_priced
  WHERE in_period(started_at, bucket_width, $since, $until, $tz)
  GROUP BY provider, source, is_daily
),
priced AS (
  SELECT provider, source, bool_or(aggregated) AS aggregated, sum(records) AS records,
         min(first_day) AS first_day, max(last_day) AS last_day, fsum(cost_usd) AS cost_usd
  FROM priced_spans
  GROUP BY provider, source
),
counted AS (  -- the counted rows per (provider, source), summed in summary_pass
  SELECT provider, source, records, cost_usd
  FROM summary_pass
  WHERE NOT is_total
)
SELECT a.provider,
       a.source,
       CASE WHEN a.aggregated THEN 'aggregate' ELSE 'requests' END AS role,
       CAST(a.records AS BIGINT) AS records,
       CAST(coalesce(c.records, 0) AS BIGINT) AS counted_records,
       a.first_day,
       a.last_day,
       CAST(round(a.cost_usd, 9) AS DOUBLE) AS cost_usd,
       -- an aggregate row may count in part (its remainder past the request logs): the rest is not counted
       CAST(round(a.cost_usd - coalesce(c.cost_usd, 0), 9) AS DOUBLE) AS not_counted_cost_usd
FROM priced a
LEFT JOIN counted c ON c.provider IS NOT DISTINCT FROM a.provider AND c.source = a.source
ORDER BY a.provider, a.source
