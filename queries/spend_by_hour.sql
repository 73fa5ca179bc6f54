-- spend_by_hour: spend per local hour in $tz, as a time series with hour_of_day; daily buckets in rows without an hour.
-- Spend per local hour in $tz, as a time series: hour_start (the instant the local
-- hour begins, so the two 01:00 hours of a DST fall-back stay apart), local_hour ('YYYY-MM-DD HH:00'
-- wall clock in $tz), day and hour_of_day (0-23, to pivot into a daily profile). Daily buckets
-- cannot be placed in an hour: their spend is one row with NULL hour_start/local_hour/hour_of_day
-- (day still set, the local day of the bucket start), sorted last.
-- grain: one row per local hour, plus one row per local day for daily buckets
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
WITH rows AS (
  SELECT *,
         timezone($tz, started_at) AS local_at,
         coalesce(bucket_width, '') = '1d' AS is_daily
  FROM usage_counted
  WHERE in_period(started_at, bucket_width, $since, $until, $tz)
)
SELECT
  CASE WHEN NOT is_daily THEN started_at - (local_at - date_trunc('hour', local_at)) END AS hour_start,
  CASE WHEN NOT is_daily THEN strftime(date_trunc('hour', local_at), '%Y-%m-%d %H:00') END AS local_hour,
  CAST(local_at AS DATE)                                     AS day,
  CASE WHEN NOT is_daily THEN CAST(hour(local_at) AS INTEGER) END AS hour_of_day,
  CAST(count(*) AS BIGINT)                                   AS records,
  CAST(coalesce(sum(requests), 0) AS HUGEINT)                 AS requests,
  CAST(sum(input_tokens) AS HUGEINT)                          AS input_tokens,
  CAST(sum(cache_read_tokens) AS HUGEINT)                     AS cache_read_tokens,
  CAST(sum(cache_write_5m_tokens) AS HUGEINT)                 AS cache_write_5m_tokens,
  CAST(sum(cache_write_1h_tokens) AS HUGEINT)                 AS cache_write_1h_tokens,
  CAST(sum(output_tokens) AS HUGEINT)                         AS output_tokens,
  CAST(sum(list_cost_usd) AS DOUBLE)                         AS list_cost_usd,
  CAST(sum(cost_usd) AS DOUBLE)                              AS cost_usd,
  CAST(count(*) FILTER (WHERE price_status = 'unpriced') AS BIGINT) AS unpriced_records
FROM rows
GROUP BY ALL
ORDER BY hour_start NULLS LAST, day
