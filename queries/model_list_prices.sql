-- model_list_prices: each model the period used, with its own list rates ($/MTok, the home provider's,
-- the highest in force over the days it ran): what tiers a model by price, as the replay does (whatif.ts
-- MODEL_TIERS: frontier from $20/MTok output, mid from $6, small below). Models without a price are left out.
-- grain: one row per priced model used in the period
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
WITH used AS (
  SELECT model, CAST(min(first_at) AS DATE) AS first_day, CAST(max(last_at) AS DATE) AS last_day
  FROM counted_days($since, $until, $tz)  -- usage_counted (a report reads it summed per day, once for all its queries)
  WHERE model IS NOT NULL
  GROUP BY model
)
SELECT
  u.model,
  CAST(max(p.input_usd_per_mtok) AS DOUBLE)  AS input_usd_per_mtok,
  CAST(max(p.output_usd_per_mtok) AS DOUBLE) AS output_usd_per_mtok
FROM used u
JOIN price_rows p
  ON p.model = u.model
 AND p.provider IS NULL
 AND (p.effective_from IS NULL OR p.effective_from <= u.last_day)
 AND (p.effective_to IS NULL OR p.effective_to > u.first_day)
WHERE p.input_usd_per_mtok IS NOT NULL
GROUP BY u.model
ORDER BY u.model
