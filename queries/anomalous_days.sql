-- anomalous_days: days whose spend on a model is far from that model's usual day (robust z-score over median and MAD).
-- Days whose spend on a model stands out from that model's usual day, by robust
-- z-score: (cost_usd - median_usd) / (1.4826 × mad_usd), where the median and the MAD (median absolute
-- deviation) are over the model's local days ($tz) from its first to its last day with spend in the
-- period — days in between without spend count as $0. Returns days with |robust_z| >= $min_z (drops
-- too: a day far below the median is a gap worth a look). MAD = 0 (more than half the days share one
-- value, e.g. a model idle most days) makes the z-score infinite: every day that differs from the
-- median is returned with robust_z = ±Infinity (JSON null) and mad_usd 0. excess_usd = cost - median.
-- Unpriced rows (no cost) are left out.
-- grain: one row per (provider, model, local day) flagged
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC', min_z DOUBLE = 3.5
WITH spend AS (
  SELECT provider, model, local_day(started_at, bucket_width, $tz) AS day, sum(cost_usd) AS cost_usd
  FROM usage_counted
  WHERE in_period(started_at, bucket_width, $since, $until, $tz) AND cost_usd IS NOT NULL
  GROUP BY ALL
),
ranges AS (
  SELECT provider, model, min(day) AS first_day, max(day) AS last_day FROM spend GROUP BY ALL
),
days AS (
  SELECT r.provider, r.model, CAST(d.day AS DATE) AS day, coalesce(s.cost_usd, 0) AS cost_usd
  FROM ranges r
  CROSS JOIN LATERAL (SELECT unnest(generate_series(r.first_day, r.last_day, INTERVAL 1 DAY)) AS day) d
  LEFT JOIN spend s
    ON s.provider IS NOT DISTINCT FROM r.provider AND s.model IS NOT DISTINCT FROM r.model AND s.day = CAST(d.day AS DATE)
),
med AS (
  SELECT *, median(cost_usd) OVER (PARTITION BY provider, model) AS median_usd,
         count(*) OVER (PARTITION BY provider, model) AS days_in_range
  FROM days
),
mad AS (
  SELECT *, median(abs(cost_usd - median_usd)) OVER (PARTITION BY provider, model) AS mad_usd
  FROM med
),
scored AS (
  SELECT *,
         CASE WHEN mad_usd > 0 THEN (cost_usd - median_usd) / (1.4826 * mad_usd)
              WHEN cost_usd > median_usd THEN CAST('inf' AS DOUBLE)
              WHEN cost_usd < median_usd THEN CAST('-inf' AS DOUBLE)
              ELSE 0 END AS robust_z
  FROM mad
)
SELECT
  day,
  provider,
  model,
  CAST(cost_usd AS DOUBLE)                                   AS cost_usd,
  CAST(median_usd AS DOUBLE)                                 AS median_usd,
  CAST(mad_usd AS DOUBLE)                                    AS mad_usd,
  CAST(robust_z AS DOUBLE)                                   AS robust_z,
  CAST(cost_usd - median_usd AS DOUBLE)                      AS excess_usd,
  CAST(days_in_range AS BIGINT)                              AS days_in_range
FROM scored
WHERE abs(robust_z) >= CAST($min_z AS DOUBLE)
ORDER BY day, abs(robust_z) DESC, provider, model
