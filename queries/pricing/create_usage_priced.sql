-- usage_priced: every ledger row with its list price: the rates of its pricing key (usage_key_rates:
-- provider, raw model id, model, service tier, UTC day) joined back to the rows.
-- A request whose prompt exceeds the entry's long-context threshold is priced entirely at the
-- long-context rates (aggregated rows use the vendor's context_window bucket instead).
-- Service-tier ratios are the model's home provider's. A model without an output rate (embeddings)
-- costs its input when the row has no output. list_cost_usd is NULL for an unpriced model; cost_usd =
-- billed where known, else list. price_status: unpriced, borrowed (a non-zero bucket was priced at
-- a rate the provider's entry lacks, the home provider's; borrowed_rates names them), override, priced.
CREATE OR REPLACE TEMP VIEW usage_priced AS
WITH rated AS (
  SELECT u.*,
         u.input_tokens + u.cache_read_tokens + u.cache_write_5m_tokens + u.cache_write_1h_tokens AS prompt_tokens,
         r.* EXCLUDE (provider, model_raw, model, service_tier, utc_day, usage_day, tier_multiplier),
         coalesce(r.tier_multiplier, 1.0) AS tier_multiplier
  FROM usage u
  LEFT JOIN usage_key_rates r
    ON r.provider IS NOT DISTINCT FROM u.provider
   AND r.model_raw IS NOT DISTINCT FROM u.model_raw
   AND r.model = u.model
   AND r.service_tier IS NOT DISTINCT FROM u.service_tier
   AND r.utc_day = epoch_us(u.started_at) // 86400000000
),
tiered AS (
  SELECT *,
         long_context_above_tokens IS NOT NULL
           AND CASE WHEN bucket_width IS NULL THEN prompt_tokens > long_context_above_tokens
                    ELSE context_window = '200k-1M' END AS is_long_context,
         -- the non-zero buckets priced at a rate the provider's entry lacks ('' or NULL: none)
         CASE WHEN borrowed_cache_read OR borrowed_cache_write_5m OR borrowed_cache_write_1h OR borrowed_output OR borrowed_web_search THEN
           concat_ws(',', CASE WHEN cache_read_tokens > 0 AND borrowed_cache_read THEN 'cache_read' END,
                          CASE WHEN cache_write_5m_tokens > 0 AND borrowed_cache_write_5m THEN 'cache_write_5m' END,
                          CASE WHEN cache_write_1h_tokens > 0 AND borrowed_cache_write_1h THEN 'cache_write_1h' END,
                          CASE WHEN output_tokens > 0 AND borrowed_output THEN 'output' END,
                          CASE WHEN web_search_requests > 0 AND borrowed_web_search THEN 'web_search' END)
         END AS borrowed_list
  FROM rated
),
rates AS (
  SELECT *,
         CASE WHEN is_long_context THEN lc_input_usd_per_mtok ELSE input_usd_per_mtok END AS in_rate,
         CASE WHEN is_long_context THEN lc_output_usd_per_mtok ELSE output_usd_per_mtok END AS out_rate,
         -- a model without a cache-read or cache-write rate bills those tokens as plain input; 1h writes
         -- without a rate of their own (and none to borrow) bill as writes
         coalesce(CASE WHEN is_long_context THEN lc_cache_read_usd_per_mtok ELSE cache_read_usd_per_mtok END,
                  CASE WHEN is_long_context THEN lc_input_usd_per_mtok ELSE input_usd_per_mtok END) AS read_rate,
         coalesce(CASE WHEN is_long_context THEN lc_cache_write_5m_usd_per_mtok ELSE cache_write_5m_usd_per_mtok END,
                  CASE WHEN is_long_context THEN lc_input_usd_per_mtok ELSE input_usd_per_mtok END) AS write_5m_rate,
         coalesce(CASE WHEN is_long_context THEN lc_cache_write_1h_usd_per_mtok ELSE cache_write_1h_usd_per_mtok END,
                  CASE WHEN is_long_context THEN lc_cache_write_5m_usd_per_mtok ELSE cache_write_5m_usd_per_mtok END,
                  CASE WHEN is_long_context THEN lc_input_usd_per_mtok ELSE input_usd_per_mtok END) AS write_1h_rate
  FROM tiered
)
SELECT * EXCLUDE (in_rate, out_rate, read_rate, write_5m_rate, write_1h_rate, price_source, home_provider, borrowed_list,
                  borrowed_cache_read, borrowed_cache_write_5m, borrowed_cache_write_1h, borrowed_output, borrowed_web_search,
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
       CASE WHEN list_cost_usd IS NULL THEN 'unpriced' WHEN borrowed_list <> '' THEN 'borrowed'
            WHEN price_source = 'override' THEN 'override' ELSE 'priced' END AS price_status,
       CASE WHEN list_cost_usd IS NOT NULL AND borrowed_list <> '' THEN borrowed_list END AS borrowed_rates
FROM (
  SELECT *,
         CASE WHEN in_rate IS NOT NULL AND (out_rate IS NOT NULL OR output_tokens = 0) THEN
           (input_tokens * in_rate + cache_read_tokens * read_rate + cache_write_5m_tokens * write_5m_rate
            + cache_write_1h_tokens * write_1h_rate + output_tokens * coalesce(out_rate, 0)) / 1e6 * tier_multiplier
           + coalesce(web_search_requests, 0) * coalesce(web_search_usd_per_request, 0)
         END AS list_cost_usd
  FROM rates
)
