-- summary: one row of totals over the period; unpriced rows are counted and their models named, and
-- so are borrowed rows (priced with a rate their provider's entry lacks, at the home provider's).
-- Costs are summed compensated (fsum) and given to the nano-dollar, so the same rows give the same
-- figures whatever order DuckDB's threads add them in. Rows from counted_days: usage_counted (a report
-- reads it summed per day, once for all its queries).
-- grain: the whole period
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT
  CAST(coalesce(sum(records), 0) AS BIGINT)                        AS records,
  CAST(coalesce(sum(requests), 0) AS HUGEINT)                       AS requests,
  CAST(coalesce(sum(input_tokens), 0) AS HUGEINT)                   AS input_tokens,
  CAST(coalesce(sum(cache_read_tokens), 0) AS HUGEINT)              AS cache_read_tokens,
  CAST(coalesce(sum(cache_write_5m_tokens), 0) AS HUGEINT)          AS cache_write_5m_tokens,
  CAST(coalesce(sum(cache_write_1h_tokens), 0) AS HUGEINT)          AS cache_write_1h_tokens,
  CAST(coalesce(sum(output_tokens), 0) AS HUGEINT)                  AS output_tokens,
  CAST(round(coalesce(fsum(billed_cost_usd), 0), 9) AS DOUBLE)                AS billed_cost_usd,
  CAST(round(coalesce(fsum(list_cost_usd), 0), 9) AS DOUBLE)                  AS list_cost_usd,
  CAST(round(coalesce(fsum(cost_usd), 0), 9) AS DOUBLE)                       AS cost_usd,
  CAST(coalesce(sum(records) FILTER (WHERE price_status = 'unpriced'), 0) AS BIGINT) AS unpriced_records,
  -- unpriced and not billed by the source either: missing from cost_usd
  CAST(coalesce(sum(unbilled_records) FILTER (WHERE price_status = 'unpriced'), 0) AS BIGINT) AS uncosted_records,
  list_sort(coalesce(list(DISTINCT coalesce(model, '(no model)')) FILTER (WHERE price_status = 'unpriced'), [])) AS unpriced_models,
  CAST(coalesce(sum(records) FILTER (WHERE price_status = 'borrowed'), 0) AS BIGINT) AS borrowed_records,
  -- 'model on provider: rates', one per (model, provider, borrowed rates)
  list_sort(coalesce(list(DISTINCT model || ' on ' || price_provider || ': ' || borrowed_rates) FILTER (WHERE price_status = 'borrowed'), [])) AS borrowed_models,
  min(first_at)                                                    AS first_at,
  max(last_at)                                                     AS last_at
FROM counted_days($since, $until, $tz)
