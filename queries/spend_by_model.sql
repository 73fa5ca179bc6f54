-- spend_by_model: spend and token buckets per provider and canonical model, costliest first.
-- grain: one row per (provider, model)
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT
  provider,
  model,
  CAST(sum(records) AS BIGINT)                               AS records,
  CAST(coalesce(sum(requests), 0) AS HUGEINT)                 AS requests,
  CAST(sum(input_tokens) AS HUGEINT)                          AS input_tokens,
  CAST(sum(cache_read_tokens) AS HUGEINT)                     AS cache_read_tokens,
  CAST(sum(cache_write_5m_tokens) AS HUGEINT)                 AS cache_write_5m_tokens,
  CAST(sum(cache_write_1h_tokens) AS HUGEINT)                 AS cache_write_1h_tokens,
  CAST(sum(output_tokens) AS HUGEINT)                         AS output_tokens,
  CAST(sum(billed_cost_usd) AS DOUBLE)                       AS billed_cost_usd,
  CAST(sum(list_cost_usd) AS DOUBLE)                         AS list_cost_usd,
  CAST(sum(cost_usd) AS DOUBLE)                              AS cost_usd,
  CAST(coalesce(sum(records) FILTER (WHERE price_status = 'unpriced'), 0) AS BIGINT) AS unpriced_records
FROM counted_days($since, $until, $tz)  -- usage_counted (a report reads it summed per day, once for all its queries)
GROUP BY provider, model
ORDER BY cost_usd DESC NULLS LAST, model
