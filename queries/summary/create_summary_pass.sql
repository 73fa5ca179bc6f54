-- summary_pass: what `recount summary` prints from the counted rows, in one pass over usage_counted
-- (each pass runs the counting union with its dedupe joins: a second one was ~30% of the command's CPU).
-- One row of the whole period's sums (is_total: what queries/summary.sql sums) and one per (provider,
-- source) (what queries/counted_views.sql counts), from the same rows: GROUPING SETS feeds both from
-- one scan, and every figure is summed over the rows themselves, as those two queries sum them.
-- summary_totals.sql and summary_views.sql read it; test/commands/summary-one-pass.test.ts holds their
-- rows equal to those two queries'.
-- grain: one row for the whole period (is_total), one per (provider, source)
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
CREATE OR REPLACE TEMP TABLE summary_pass AS
SELECT
  GROUPING(provider, source) = 3                                                 AS is_total,
  provider,
  source,
  sum(records)                                                                  AS records,
  sum(requests)                                                                 AS requests,
  sum(input_tokens)                                                             AS input_tokens,
  sum(cache_read_tokens)                                                        AS cache_read_tokens,
  sum(cache_write_5m_tokens)                                                    AS cache_write_5m_tokens,
  sum(cache_write_1h_tokens)                                                    AS cache_write_1h_tokens,
  sum(output_tokens)                                                            AS output_tokens,
  fsum(billed_cost_usd)                                                         AS billed_cost_usd,
  fsum(list_cost_usd)                                                           AS list_cost_usd,
  fsum(cost_usd)                                                                AS cost_usd,
  sum(records) FILTER (WHERE price_status = 'unpriced')                         AS unpriced_records,
  sum(unbilled_records) FILTER (WHERE price_status = 'unpriced')                AS uncosted_records,
  list(DISTINCT coalesce(model, '(no model)')) FILTER (WHERE price_status = 'unpriced') AS unpriced_models,
  sum(records) FILTER (WHERE price_status = 'borrowed')                         AS borrowed_records,
  list(DISTINCT model || ' on ' || price_provider || ': ' || borrowed_rates) FILTER (WHERE price_status = 'borrowed') AS borrowed_models,
  min(first_at)                                                                 AS first_at,
  max(last_at)                                                                  AS last_at
FROM counted_days($since, $until, $tz)
GROUP BY GROUPING SETS ((), (provider, source))
