-- counted_views: which sources each provider's totals come from, and what was left out as the same
-- traffic seen from another side (see queries/pricing/create_usage_counted.sql).
-- Costs: compensated sums to the nano-dollar, the same whatever order threads add them in.
-- grain: one row per (provider, source)
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT a.provider,
       a.source,
       CASE WHEN bool_or(a.bucket_width IS NOT NULL) THEN 'aggregate' ELSE 'requests' END AS role,
       CAST(count(*) AS BIGINT) AS records,
       CAST(count(c.record_key) AS BIGINT) AS counted_records,
       min(local_day(a.started_at, a.bucket_width, $tz)) AS first_day,
       max(local_day(a.started_at, a.bucket_width, $tz)) AS last_day,
       CAST(round(fsum(a.cost_usd), 9) AS DOUBLE) AS cost_usd,
       -- an aggregate row may count in part (its remainder past the request logs): the rest is not counted
       CAST(round(fsum(a.cost_usd) - coalesce(fsum(c.cost_usd), 0), 9) AS DOUBLE) AS not_counted_cost_usd
FROM usage_priced a
LEFT JOIN usage_counted c ON c.source = a.source AND c.record_key = a.record_key
WHERE in_period(a.started_at, a.bucket_width, $since, $until, $tz)
GROUP BY a.provider, a.source
ORDER BY a.provider, a.source
