-- spend_by_day_and_model: spend per local day and canonical model (days begin at midnight in $tz; a
-- provider's daily bucket keeps its UTC date), for spend over time stacked by model.
-- grain: one row per (day, model) with rows in the period; unpriced rows count in records, not in cost
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT
  day,
  coalesce(model, '(no model)')                              AS model,
  CAST(sum(records) AS BIGINT)                               AS records,
  CAST(coalesce(sum(requests), 0) AS HUGEINT)                 AS requests,
  CAST(coalesce(sum(cost_usd), 0) AS DOUBLE)                 AS cost_usd,
  CAST(coalesce(sum(records) FILTER (WHERE price_status = 'unpriced'), 0) AS BIGINT) AS unpriced_records
FROM counted_days($since, $until, $tz)  -- usage_counted (a report reads it summed per day, once for all its queries)
GROUP BY ALL
ORDER BY day, cost_usd DESC, model
