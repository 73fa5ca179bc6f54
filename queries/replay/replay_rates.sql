-- replay_rates: list rates of every model the replay may price ($models: the rows' models and the
-- policies' targets) on every UTC day of the frame (replay_used_ids): the model's home-provider rates (provider_ix
-- -1), and the own rates of each price list the rows are served under (provider_ix), as price_rows
-- resolves them for usage_priced (own entry, with the rates it lacks borrowed from the home
-- provider's). A day a list has no own rate for a model falls back to the home rates (frame.ts).
-- A rate the model lacks falls back as usage_priced bills it: cache reads and writes at the input
-- rate (1h writes at the 5m rate first), output at 0 (a model without one, an embedding model, bills no output); has_cache_writes
-- tells explicit-cache models (billed writes) from implicit ones.
-- grain: one row per (provider_ix, model, day_ix) with a price
-- params: models VARCHAR[]
WITH days AS (
  SELECT d.ix AS day_ix, CAST(d.value AS DATE) AS usage_day
  FROM replay_used_ids r
  JOIN replay_dictionaries d ON d.dictionary = r.dictionary AND d.ix = r.ix
  WHERE r.dictionary = 'day'
),
providers AS (
  SELECT d.ix AS provider_ix, d.value AS price_provider
  FROM replay_used_ids r
  JOIN replay_dictionaries d ON d.dictionary = r.dictionary AND d.ix = r.ix
  WHERE r.dictionary = 'provider' AND d.value IS NOT NULL
),
wanted AS (
  SELECT unnest($models) AS model
)
SELECT
  coalesce(pv.provider_ix, -1)                                    AS provider_ix,
  w.model,
  d.day_ix,
  p.input_usd_per_mtok,
  coalesce(p.output_usd_per_mtok, 0)                              AS output_usd_per_mtok,
  coalesce(p.cache_read_usd_per_mtok, p.input_usd_per_mtok)       AS cache_read_usd_per_mtok,
  coalesce(p.cache_write_5m_usd_per_mtok, p.input_usd_per_mtok)   AS cache_write_5m_usd_per_mtok,
  coalesce(p.cache_write_1h_usd_per_mtok, p.cache_write_5m_usd_per_mtok, p.input_usd_per_mtok) AS cache_write_1h_usd_per_mtok,
  p.cache_write_5m_usd_per_mtok IS NOT NULL                        AS has_cache_writes,
  CAST(p.long_context_above_tokens AS DOUBLE)                      AS long_context_above_tokens,
  coalesce(p.lc_input_usd_per_mtok, p.input_usd_per_mtok)         AS lc_input_usd_per_mtok,
  coalesce(p.lc_output_usd_per_mtok, p.output_usd_per_mtok, 0)    AS lc_output_usd_per_mtok,
  coalesce(p.lc_cache_read_usd_per_mtok, p.lc_input_usd_per_mtok, p.cache_read_usd_per_mtok, p.input_usd_per_mtok) AS lc_cache_read_usd_per_mtok,
  coalesce(p.lc_cache_write_5m_usd_per_mtok, p.lc_input_usd_per_mtok, p.cache_write_5m_usd_per_mtok, p.input_usd_per_mtok) AS lc_cache_write_5m_usd_per_mtok,
  coalesce(p.lc_cache_write_1h_usd_per_mtok, p.lc_cache_write_5m_usd_per_mtok, p.lc_input_usd_per_mtok, p.cache_write_1h_usd_per_mtok, p.cache_write_5m_usd_per_mtok, p.input_usd_per_mtok) AS lc_cache_write_1h_usd_per_mtok,
  coalesce(p.web_search_usd_per_request, 0)                       AS web_search_usd_per_request
FROM wanted w
CROSS JOIN days d
JOIN price_rows p
  ON p.model = w.model
 AND (p.effective_from IS NULL OR d.usage_day >= p.effective_from)
 AND (p.effective_to IS NULL OR d.usage_day < p.effective_to)
LEFT JOIN providers pv ON pv.price_provider = p.provider
WHERE p.input_usd_per_mtok IS NOT NULL
  AND (p.provider IS NULL OR pv.provider_ix IS NOT NULL)
