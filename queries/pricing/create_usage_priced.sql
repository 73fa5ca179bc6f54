-- usage_priced: every ledger row with its list price. Rates are resolved once per distinct
-- (model, UTC day) — overrides before catalog — then joined back to the rows.
-- A request whose prompt exceeds the model's long-context threshold is priced entirely at the
-- long-context rates (aggregated rows use the vendor's context_window bucket instead).
-- list_cost_usd is NULL for an unpriced model; cost_usd = billed where known, else list.
CREATE OR REPLACE TEMP VIEW usage_priced AS
WITH days AS (
  SELECT DISTINCT model, CAST(timezone('UTC', started_at) AS DATE) AS usage_day
  FROM usage
  WHERE model IS NOT NULL
),
day_rates AS (
  SELECT d.model, d.usage_day, p.* EXCLUDE (model, provider, display_name, effective_from, effective_to, priority)
  FROM days d
  JOIN price_rows p
    ON p.model = d.model
   AND (p.effective_from IS NULL OR d.usage_day >= p.effective_from)
   AND (p.effective_to IS NULL OR d.usage_day < p.effective_to)
  QUALIFY row_number() OVER (PARTITION BY d.model, d.usage_day ORDER BY p.priority, p.effective_from DESC NULLS LAST) = 1
),
rated AS (
  SELECT u.*,
         u.input_tokens + u.cache_read_tokens + u.cache_write_5m_tokens + u.cache_write_1h_tokens AS prompt_tokens,
         r.* EXCLUDE (model, usage_day),
         coalesce(tm_model.multiplier, tm_all.multiplier, 1.0) AS tier_multiplier
  FROM usage u
  LEFT JOIN day_rates r
    ON r.model = u.model AND r.usage_day = CAST(timezone('UTC', u.started_at) AS DATE)
  LEFT JOIN tier_multipliers tm_model
    ON tm_model.provider = u.provider AND tm_model.service_tier = u.service_tier AND tm_model.model = u.model
  LEFT JOIN tier_multipliers tm_all
    ON tm_all.provider = u.provider AND tm_all.service_tier = u.service_tier AND tm_all.model IS NULL
),
tiered AS (
  SELECT *,
         long_context_above_tokens IS NOT NULL
           AND CASE WHEN bucket_width IS NULL THEN prompt_tokens > long_context_above_tokens
                    ELSE context_window = '200k-1M' END AS is_long_context
  FROM rated
),
rates AS (
  SELECT *,
         CASE WHEN is_long_context THEN lc_input_usd_per_mtok ELSE input_usd_per_mtok END AS in_rate,
         CASE WHEN is_long_context THEN lc_output_usd_per_mtok ELSE output_usd_per_mtok END AS out_rate,
         -- a model without a cache-read or cache-write rate bills those tokens as plain input
         coalesce(CASE WHEN is_long_context THEN lc_cache_read_usd_per_mtok ELSE cache_read_usd_per_mtok END,
                  CASE WHEN is_long_context THEN lc_input_usd_per_mtok ELSE input_usd_per_mtok END) AS read_rate,
         coalesce(CASE WHEN is_long_context THEN lc_cache_write_5m_usd_per_mtok ELSE cache_write_5m_usd_per_mtok END,
                  CASE WHEN is_long_context THEN lc_input_usd_per_mtok ELSE input_usd_per_mtok END) AS write_5m_rate,
         coalesce(CASE WHEN is_long_context THEN lc_cache_write_1h_usd_per_mtok ELSE cache_write_1h_usd_per_mtok END,
                  CASE WHEN is_long_context THEN lc_input_usd_per_mtok ELSE input_usd_per_mtok END) AS write_1h_rate
  FROM tiered
)
SELECT * EXCLUDE (in_rate, out_rate, read_rate, write_5m_rate, write_1h_rate, price_source,
                  input_usd_per_mtok, output_usd_per_mtok, cache_read_usd_per_mtok, cache_write_5m_usd_per_mtok,
                  cache_write_1h_usd_per_mtok, long_context_above_tokens, lc_input_usd_per_mtok, lc_output_usd_per_mtok,
                  lc_cache_read_usd_per_mtok, lc_cache_write_5m_usd_per_mtok, lc_cache_write_1h_usd_per_mtok),
       -- the rates this row was priced at (long-context tier chosen; tier_multiplier not yet applied)
       in_rate AS input_usd_per_mtok,
       read_rate AS cache_read_usd_per_mtok,
       write_5m_rate AS cache_write_5m_usd_per_mtok,
       write_1h_rate AS cache_write_1h_usd_per_mtok,
       out_rate AS output_usd_per_mtok,
       coalesce(billed_cost_usd, list_cost_usd) AS cost_usd,
       CASE WHEN list_cost_usd IS NULL THEN 'unpriced' WHEN price_source = 'override' THEN 'override' ELSE 'priced' END AS price_status
FROM (
  SELECT *,
         CASE WHEN in_rate IS NOT NULL AND out_rate IS NOT NULL THEN
           (input_tokens * in_rate + cache_read_tokens * read_rate + cache_write_5m_tokens * write_5m_rate
            + cache_write_1h_tokens * write_1h_rate + output_tokens * out_rate) / 1e6 * tier_multiplier
           + coalesce(web_search_requests, 0) * coalesce(web_search_usd_per_request, 0)
         END AS list_cost_usd
  FROM rates
)
