-- anomalous_days: days whose spend on a model is far from that model's usual day with the same coverage (robust z-score).
-- A day is compared only with days the ledger covers the same way: for each provider and local day
-- ($tz), coverage is 'aggregate' when every counted row is a provider's usage bucket (bucket_width
-- set), 'requests' when every counted row is a request log or transcript, 'mixed' when a local day
-- holds both (see usage_counted: request logs, plus an export's remainder). An export's $19 day and a request
-- log's $0.09 day measure different things, so they are never scored against each other.
-- Per (provider, model, coverage): the days from the first to the last with spend, leaving out days
-- the provider's data covers another way; a day in range without spend on the model counts as $0.
-- robust_z = (cost_usd - median_usd) / scale_usd, scale_usd = the largest of
--   1.4826 × MAD (median absolute deviation: robust, the usual estimate of one standard deviation),
--   1.2533 × the mean absolute deviation, only when MAD = 0 (over half the days share one value, e.g.
--     a model idle most days: the mean deviation still sees the spread),
--   $min_spread_usd, a floor: a spread of cents makes no day worth a look.
-- So no score is infinite: a model whose days all equal the median scores 0 everywhere. Returns days
-- with |robust_z| >= $min_z, drops included (a model far below its usual day while its provider's
-- other traffic went on is worth a look); a day without any usage of the provider (a weekend, a gap
-- in the export) counts in the median but is not flagged itself.
-- excess_usd = cost - median. Unpriced rows (no cost) are left out of the spend.
-- grain: one row per (provider, model, coverage, local day) flagged
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC', min_z DOUBLE = 3.5, min_spread_usd DOUBLE = 1
WITH counted AS (  -- usage_counted (a report reads it summed per day, once for all its queries)
  SELECT provider, model, day, is_aggregate, cost_usd
  FROM counted_days($since, $until, $tz)
),
provider_days AS (
  SELECT provider, day,
         CASE WHEN bool_and(is_aggregate) THEN 'aggregate' WHEN bool_or(is_aggregate) THEN 'mixed' ELSE 'requests' END AS coverage
  FROM counted
  GROUP BY ALL
),
spend AS (
  SELECT c.provider, c.model, c.day, p.coverage, sum(c.cost_usd) AS cost_usd
  FROM counted c
  JOIN provider_days p ON p.provider IS NOT DISTINCT FROM c.provider AND p.day = c.day
  WHERE c.cost_usd IS NOT NULL
  GROUP BY ALL
),
ranges AS (
  SELECT provider, model, coverage, min(day) AS first_day, max(day) AS last_day FROM spend GROUP BY ALL
),
days AS (
  SELECT r.provider, r.model, r.coverage, CAST(d.day AS DATE) AS day, coalesce(s.cost_usd, 0) AS cost_usd,
         p.coverage IS NOT NULL AS provider_active
  FROM ranges r
  CROSS JOIN LATERAL (SELECT unnest(generate_series(r.first_day, r.last_day, INTERVAL 1 DAY)) AS day) d
  LEFT JOIN provider_days p
    ON p.provider IS NOT DISTINCT FROM r.provider AND p.day = CAST(d.day AS DATE)
  LEFT JOIN spend s
    ON s.provider IS NOT DISTINCT FROM r.provider AND s.model IS NOT DISTINCT FROM r.model AND s.day = CAST(d.day AS DATE)
  -- a day with no usage from the provider at all is a $0 day of either coverage
  WHERE p.coverage IS NULL OR p.coverage = r.coverage
),
med AS (
  SELECT *, median(cost_usd) OVER w AS median_usd, count(*) OVER w AS days_in_range
  FROM days
  WINDOW w AS (PARTITION BY provider, model, coverage)
),
spread AS (
  SELECT *, median(abs(cost_usd - median_usd)) OVER w AS mad_usd, avg(abs(cost_usd - median_usd)) OVER w AS mean_dev_usd
  FROM med
  WINDOW w AS (PARTITION BY provider, model, coverage)
),
scored AS (
  SELECT *,
         greatest(CASE WHEN mad_usd > 0 THEN 1.4826 * mad_usd ELSE 1.2533 * mean_dev_usd END, CAST($min_spread_usd AS DOUBLE)) AS scale_usd
  FROM spread
),
final AS (
  SELECT *, CASE WHEN scale_usd > 0 THEN (cost_usd - median_usd) / scale_usd ELSE 0 END AS robust_z
  FROM scored
)
SELECT
  day,
  provider,
  model,
  coverage,
  CAST(cost_usd AS DOUBLE)                                   AS cost_usd,
  CAST(median_usd AS DOUBLE)                                 AS median_usd,
  CAST(mad_usd AS DOUBLE)                                    AS mad_usd,
  CAST(scale_usd AS DOUBLE)                                  AS scale_usd,
  CAST(robust_z AS DOUBLE)                                   AS robust_z,
  CAST(cost_usd - median_usd AS DOUBLE)                      AS excess_usd,
  CAST(days_in_range AS BIGINT)                              AS days_in_range
FROM final
WHERE abs(robust_z) >= CAST($min_z AS DOUBLE) AND provider_active
ORDER BY day, abs(robust_z) DESC, provider, model, coverage
