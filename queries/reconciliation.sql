-- reconciliation: invoiced vs priced usage per UTC day, provider, model and token type, with the gap and a likely reason.
-- What the provider invoiced (cost exports, invoice_lines) against what its usage
-- prices to, per UTC day, provider, model and token type. priced_usd is the counted usage (usage_counted,
-- the same provider) of that bucket: the token type's tokens × the row's effective rate (long-context
-- tier chosen) × its service-tier multiplier; web_search is web_search_requests × the per-request
-- price. gap_usd = invoiced_usd - priced_usd (positive: billed more than usage prices to); gap_pct is
-- of the invoice. Only provider-days with invoice lines are compared; when two cost exports cover a
-- provider's day (API and console CSV), the one with the larger total counts (invoice_source).
-- Invoices are per UTC day, so since/until pick UTC days and $tz is not used. likely_reason, first
-- that applies: 'unpriced model' (usage rows of that model that day are unpriced), 'missing usage
-- rows' (invoiced, no usage of that model that day), 'rounding' (|gap| < $0.01), 'batch discount'
-- (batch usage rows or batch invoice lines), 'priority tier' (priority usage rows), 'long-context
-- tier' (long-context usage rows or invoice lines), 'web search charges' (token type web_search),
-- 'missing invoice lines' (usage of that token type, no invoice line for it), else 'unexplained'.
-- Rows with |gap_usd| < $min_gap_usd are left out (rows with an unknown gap never are).
-- grain: one row per (usage_date, provider, model, token_type)
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC', min_gap_usd DOUBLE = 0
WITH params AS (
  SELECT CAST($since AS DATE) AS since, CAST($until AS DATE) AS until, CAST($tz AS VARCHAR) AS tz,
         coalesce(CAST($min_gap_usd AS DOUBLE), 0) AS min_gap_usd
),
inv AS (
  SELECT i.*, coalesce(i.token_type, 'other') AS bucket
  FROM invoice_lines i, params p
  WHERE (p.since IS NULL OR i.usage_date >= p.since) AND (p.until IS NULL OR i.usage_date <= p.until)
),
inv_sources AS (
  SELECT provider, usage_date, source, sum(amount_usd) AS amount_usd
  FROM inv
  GROUP BY provider, usage_date, source
  QUALIFY row_number() OVER (PARTITION BY provider, usage_date ORDER BY sum(amount_usd) DESC, source) = 1
),
inv_buckets AS (
  SELECT i.usage_date, i.provider, i.model, i.bucket AS token_type,
         sum(i.amount_usd) AS invoiced_usd,
         bool_or(i.service_tier = 'batch') AS invoice_batch,
         bool_or(i.context_window = '200k-1M') AS invoice_long_context
  FROM inv i
  SEMI JOIN inv_sources s ON s.provider = i.provider AND s.usage_date = i.usage_date AND s.source = i.source
  GROUP BY i.usage_date, i.provider, i.model, i.bucket
),
use_rows AS (
  SELECT u.provider, CAST(timezone('UTC', u.started_at) AS DATE) AS usage_date, u.model,
         u.price_status, u.service_tier, u.is_long_context, u.list_cost_usd,
         u.input_tokens, u.cache_read_tokens, u.cache_write_5m_tokens, u.cache_write_1h_tokens, u.output_tokens,
         coalesce(u.web_search_requests, 0) AS web_search_requests,
         u.input_tokens * u.input_usd_per_mtok / 1e6 * u.tier_multiplier                   AS input_usd,
         u.cache_read_tokens * u.cache_read_usd_per_mtok / 1e6 * u.tier_multiplier         AS cache_read_usd,
         u.cache_write_5m_tokens * u.cache_write_5m_usd_per_mtok / 1e6 * u.tier_multiplier AS cache_write_5m_usd,
         u.cache_write_1h_tokens * u.cache_write_1h_usd_per_mtok / 1e6 * u.tier_multiplier AS cache_write_1h_usd,
         u.output_tokens * u.output_usd_per_mtok / 1e6 * u.tier_multiplier                 AS output_usd,
         CASE WHEN u.list_cost_usd IS NOT NULL
              THEN coalesce(u.web_search_requests, 0) * coalesce(u.web_search_usd_per_request, 0) END AS web_search_usd
  FROM usage_counted u
  SEMI JOIN inv_sources s ON s.provider = u.provider AND s.usage_date = CAST(timezone('UTC', u.started_at) AS DATE)
),
use_models AS (
  SELECT usage_date, provider, model,
         bool_or(price_status = 'unpriced') AS usage_unpriced,
         bool_or(service_tier = 'batch') AS usage_batch,
         bool_or(starts_with(coalesce(service_tier, ''), 'priority')) AS usage_priority,
         bool_or(coalesce(is_long_context, false)) AS usage_long_context,
         sum(input_tokens) AS input_q, sum(cache_read_tokens) AS cache_read_q, sum(cache_write_5m_tokens) AS cache_write_5m_q,
         sum(cache_write_1h_tokens) AS cache_write_1h_q, sum(output_tokens) AS output_q, sum(web_search_requests) AS web_search_q,
         sum(input_usd) AS input_usd, sum(cache_read_usd) AS cache_read_usd, sum(cache_write_5m_usd) AS cache_write_5m_usd,
         sum(cache_write_1h_usd) AS cache_write_1h_usd, sum(output_usd) AS output_usd, sum(web_search_usd) AS web_search_usd
  FROM use_rows
  GROUP BY ALL
),
use_buckets AS (
  SELECT m.usage_date, m.provider, m.model, t.token_type,
         CASE t.token_type WHEN 'input' THEN input_q WHEN 'cache_read' THEN cache_read_q
              WHEN 'cache_write_5m' THEN cache_write_5m_q WHEN 'cache_write_1h' THEN cache_write_1h_q
              WHEN 'output' THEN output_q WHEN 'web_search' THEN web_search_q END AS quantity,
         CASE t.token_type WHEN 'input' THEN input_usd WHEN 'cache_read' THEN cache_read_usd
              WHEN 'cache_write_5m' THEN cache_write_5m_usd WHEN 'cache_write_1h' THEN cache_write_1h_usd
              WHEN 'output' THEN output_usd WHEN 'web_search' THEN web_search_usd END AS priced_usd
  FROM use_models m
  CROSS JOIN (VALUES ('input'), ('cache_read'), ('cache_write_5m'), ('cache_write_1h'), ('output'), ('web_search')) t(token_type)
),
joined AS (
  SELECT coalesce(i.usage_date, u.usage_date) AS usage_date,
         coalesce(i.provider, u.provider) AS provider,
         coalesce(i.model, u.model) AS model,
         coalesce(i.token_type, u.token_type) AS token_type,
         i.invoiced_usd, i.invoice_batch, i.invoice_long_context,
         u.quantity, u.priced_usd
  FROM inv_buckets i
  FULL JOIN (SELECT * FROM use_buckets WHERE quantity > 0) u
    ON u.usage_date = i.usage_date AND u.provider = i.provider AND u.model IS NOT DISTINCT FROM i.model
   AND u.token_type = i.token_type
),
scored AS (
  SELECT j.*,
         m.model IS NOT NULL AS has_usage,
         coalesce(m.usage_unpriced, false) AS usage_unpriced,
         coalesce(m.usage_batch, false) AS usage_batch,
         coalesce(m.usage_priority, false) AS usage_priority,
         coalesce(m.usage_long_context, false) AS usage_long_context,
         CASE WHEN m.model IS NULL THEN 0
              WHEN coalesce(m.usage_unpriced, false) THEN NULL
              ELSE coalesce(j.priced_usd, 0) END AS priced,
         coalesce(j.invoiced_usd, 0) AS invoiced,
         s.source AS invoice_source
  FROM joined j
  JOIN inv_sources s ON s.provider = j.provider AND s.usage_date = j.usage_date
  LEFT JOIN use_models m
    ON m.usage_date = j.usage_date AND m.provider = j.provider AND m.model IS NOT DISTINCT FROM j.model
)
SELECT
  usage_date,
  provider,
  model,
  token_type,
  invoice_source,
  CAST(invoiced AS DOUBLE)                                   AS invoiced_usd,
  CAST(priced AS DOUBLE)                                     AS priced_usd,
  CAST(invoiced - priced AS DOUBLE)                          AS gap_usd,
  CAST(100 * (invoiced - priced) / nullif(invoiced, 0) AS DOUBLE) AS gap_pct,
  CAST(coalesce(quantity, 0) AS BIGINT)                      AS usage_quantity,
  CASE WHEN token_type = 'web_search' THEN 'requests' ELSE 'tokens' END AS quantity_unit,
  CASE
    WHEN usage_unpriced THEN 'unpriced model'
    WHEN NOT has_usage THEN 'missing usage rows'
    WHEN abs(invoiced - priced) < 0.01 THEN 'rounding'
    WHEN usage_batch OR coalesce(invoice_batch, false) THEN 'batch discount'
    WHEN usage_priority THEN 'priority tier'
    WHEN usage_long_context OR coalesce(invoice_long_context, false) THEN 'long-context tier'
    WHEN token_type = 'web_search' THEN 'web search charges'
    WHEN invoiced_usd IS NULL THEN 'missing invoice lines'
    ELSE 'unexplained'
  END                                                        AS likely_reason
FROM scored
WHERE priced IS NULL OR abs(invoiced - priced) >= (SELECT min_gap_usd FROM params)
ORDER BY usage_date, provider, model NULLS LAST,
         list_position(['input', 'cache_read', 'cache_write_5m', 'cache_write_1h', 'output', 'web_search'], token_type) NULLS LAST,
         token_type
