-- replay_rates: list rates of every model the replay may price ($models: the rows' models and the
-- policies' targets) on every UTC day of replay_rows, resolved as usage_priced does (overrides first,
-- then the newest effective row). A rate the model lacks falls back as usage_priced bills it: cache
-- reads and writes at the input rate. has_cache_writes tells explicit-cache models (billed writes)
-- from implicit ones. tier multipliers come from the model's own provider.
-- grain: one row per (model, day_ix) with a price
-- params: models VARCHAR[]
WITH days AS (
  SELECT DISTINCT day_ix, usage_day FROM replay_rows
),
wanted AS (
  SELECT unnest($models) AS model
)
SELECT
  w.model,
  d.day_ix,
  p.provider,
  p.input_usd_per_mtok,
  p.output_usd_per_mtok,
  coalesce(p.cache_read_usd_per_mtok, p.input_usd_per_mtok)       AS cache_read_usd_per_mtok,
  coalesce(p.cache_write_5m_usd_per_mtok, p.input_usd_per_mtok)   AS cache_write_5m_usd_per_mtok,
  coalesce(p.cache_write_1h_usd_per_mtok, p.input_usd_per_mtok)   AS cache_write_1h_usd_per_mtok,
  p.cache_write_5m_usd_per_mtok IS NOT NULL                        AS has_cache_writes,
  CAST(p.long_context_above_tokens AS DOUBLE)                      AS long_context_above_tokens,
  coalesce(p.lc_input_usd_per_mtok, p.input_usd_per_mtok)         AS lc_input_usd_per_mtok,
  coalesce(p.lc_output_usd_per_mtok, p.output_usd_per_mtok)       AS lc_output_usd_per_mtok,
  coalesce(p.lc_cache_read_usd_per_mtok, p.lc_input_usd_per_mtok, p.cache_read_usd_per_mtok, p.input_usd_per_mtok) AS lc_cache_read_usd_per_mtok,
  coalesce(p.lc_cache_write_5m_usd_per_mtok, p.lc_input_usd_per_mtok, p.cache_write_5m_usd_per_mtok, p.input_usd_per_mtok) AS lc_cache_write_5m_usd_per_mtok,
  coalesce(p.lc_cache_write_1h_usd_per_mtok, p.lc_input_usd_per_mtok, p.cache_write_1h_usd_per_mtok, p.input_usd_per_mtok) AS lc_cache_write_1h_usd_per_mtok,
  coalesce(p.web_search_usd_per_request, 0)                       AS web_search_usd_per_request
FROM wanted w
CROSS JOIN days d
JOIN price_rows p
  ON p.model = w.model
 AND (p.effective_from IS NULL OR d.usage_day >= p.effective_from)
 AND (p.effective_to IS NULL OR d.usage_day < p.effective_to)
WHERE p.input_usd_per_mtok IS NOT NULL AND p.output_usd_per_mtok IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY w.model, d.day_ix ORDER BY p.priority, p.effective_from DESC NULLS LAST) = 1
