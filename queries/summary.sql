-- summary: one row of totals over the period; unpriced rows are counted and their models named, and
-- so are borrowed rows (priced with a rate their provider's entry lacks, at the home provider's).
-- Costs are summed compensated (fsum) and given to the nano-dollar, so the same rows give the same
-- figures whatever order DuckDB's threads add them in.
-- grain: the whole period
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
SELECT
  CAST(count(*) AS BIGINT)                                         AS records,
  CAST(coalesce(sum(requests), 0) AS HUGEINT)                       AS requests,
  CAST(coalesce(sum(input_tokens), 0) AS HUGEINT)                   AS input_tokens,
  CAST(coalesce(sum(cache_read_tokens), 0) AS HUGEINT)              AS cache_read_tokens,
  CAST(coalesce(sum(cache_write_5m_tokens), 0) AS HUGEINT)          AS cache_write_5m_tokens,
  CAST(coalesce(sum(cache_write_1h_tokens), 0) AS HUGEINT)          AS cache_write_1h_tokens,
  CAST(coalesce(sum(output_tokens), 0) AS HUGEINT)                  AS output_tokens,
  CAST(round(coalesce(fsum(billed_cost_usd), 0), 9) AS DOUBLE)                AS billed_cost_usd,
  CAST(round(coalesce(fsum(list_cost_usd), 0), 9) AS DOUBLE)                  AS list_cost_usd,
  CAST(round(coalesce(fsum(cost_usd), 0), 9) AS DOUBLE)                       AS cost_usd,
  CAST(count(*) FILTER (WHERE price_status = 'unpriced') AS BIGINT) AS unpriced_records,
  -- unpriced and not billed by the source either: missing from cost_usd
  CAST(count(*) FILTER (WHERE price_status = 'unpriced' AND billed_cost_usd IS NULL) AS BIGINT) AS uncosted_records,
  list_sort(coalesce(list(DISTINCT coalesce(model, '(no model)')) FILTER (WHERE price_status = 'unpriced'), [])) AS unpriced_models,
  CAST(count(*) FILTER (WHERE price_status = 'borrowed') AS BIGINT) AS borrowed_records,
  -- 'model on provider: rates', one per (model, provider, borrowed rates)
  list_sort(coalesce(list(DISTINCT model || ' on ' || price_provider || ': ' || borrowed_rates) FILTER (WHERE price_status = 'borrowed'), [])) AS borrowed_models,
  min(started_at)                                                  AS first_at,
  max(started_at)                                                  AS last_at
FROM usage_counted
WHERE in_period(started_at, bucket_width, $since, $until, $tz)
