-- summary_totals: queries/summary.sql's row (same columns, types and rounding) from summary_pass's
-- total (create_summary_pass.sql); with no counted rows in the period, its zeros and empty lists.
-- grain: the whole period
SELECT
  CAST(coalesce(t.records, 0) AS BIGINT)                                        AS records,
  CAST(coalesce(t.requests, 0) AS HUGEINT)                                      AS requests,
  CAST(coalesce(t.input_tokens, 0) AS HUGEINT)                                  AS input_tokens,
  CAST(coalesce(t.cache_read_tokens, 0) AS HUGEINT)                             AS cache_read_tokens,
  CAST(coalesce(t.cache_write_5m_tokens, 0) AS HUGEINT)                         AS cache_write_5m_tokens,
  CAST(coalesce(t.cache_write_1h_tokens, 0) AS HUGEINT)                         AS cache_write_1h_tokens,
  CAST(coalesce(t.output_tokens, 0) AS HUGEINT)                                 AS output_tokens,
  CAST(round(coalesce(t.billed_cost_usd, 0), 9) AS DOUBLE)                      AS billed_cost_usd,
  CAST(round(coalesce(t.list_cost_usd, 0), 9) AS DOUBLE)                        AS list_cost_usd,
  CAST(round(coalesce(t.cost_usd, 0), 9) AS DOUBLE)                             AS cost_usd,
  CAST(coalesce(t.unpriced_records, 0) AS BIGINT)                               AS unpriced_records,
  CAST(coalesce(t.uncosted_records, 0) AS BIGINT)                               AS uncosted_records,
  list_sort(coalesce(t.unpriced_models, []))                                    AS unpriced_models,
  CAST(coalesce(t.borrowed_records, 0) AS BIGINT)                               AS borrowed_records,
  list_sort(coalesce(t.borrowed_models, []))                                    AS borrowed_models,
  t.first_at,
  t.last_at
FROM (SELECT 1) AS one
LEFT JOIN summary_pass t ON t.is_total
