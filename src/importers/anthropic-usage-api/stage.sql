-- Stage the Anthropic usage report: one row per bucket result. Buckets are already disjoint
-- (uncached input, cache read, 5m and 1h cache writes); the report has no request counts.
-- Reads the temp table api_results, which common/api-pages.sql fills first (prestage) from the pages.
-- params: $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH fields AS (
  SELECT source_file, source_line, r,
         bucket->>'starting_at' AS bucket_start,
         try_cast(bucket->>'starting_at' AS TIMESTAMPTZ) AS starts,
         try_cast(bucket->>'ending_at' AS TIMESTAMPTZ) AS ends,
         -- counts read by token_count; one that cannot be a count (negative, NaN, 1e308, 9e18) is named by count_fault
         token_count(r->>'uncached_input_tokens') AS uncached,
         token_count(r->>'output_tokens') AS out_tokens,
         coalesce(token_count_fault('uncached_input_tokens', r->>'uncached_input_tokens'),
                  token_count_fault('output_tokens', r->>'output_tokens'),
                  token_count_fault('cache_read_input_tokens', r->>'cache_read_input_tokens'),
                  token_count_fault('cache_creation.ephemeral_5m_input_tokens', r->'cache_creation'->>'ephemeral_5m_input_tokens'),
                  token_count_fault('cache_creation.ephemeral_1h_input_tokens', r->'cache_creation'->>'ephemeral_1h_input_tokens'),
                  token_count_fault('server_tool_use.web_search_requests', r->'server_tool_use'->>'web_search_requests')) AS count_fault
  FROM api_results
)
SELECT
  CASE WHEN starts IS NULL OR count_fault IS NOT NULL OR uncached IS NULL OR out_tokens IS NULL THEN 'reject' ELSE 'usage' END AS row_kind,
  CASE WHEN starts IS NULL THEN 'bucket starting_at is missing or not a timestamp'
       WHEN count_fault IS NOT NULL THEN count_fault
       WHEN uncached IS NULL OR out_tokens IS NULL THEN 'uncached_input_tokens or output_tokens is missing or not a number' END AS reason,
  r::VARCHAR AS raw,
  concat_ws('|', bucket_start, hide_key(r->>'api_key_id'), r->>'workspace_id', r->>'model', r->>'service_tier', r->>'context_window', r->>'inference_geo') AS record_key,
  'anthropic-usage-api' AS source,
  source_file,
  source_line,
  $import_id AS import_id,
  starts AS started_at,
  CASE CAST(epoch(ends) - epoch(starts) AS BIGINT) WHEN 60 THEN '1m' WHEN 3600 THEN '1h' WHEN 86400 THEN '1d' END AS bucket_width,
  'anthropic' AS provider,
  r->>'model' AS model_raw,
  uncached AS input_tokens,
  coalesce(token_count(r->>'cache_read_input_tokens'), 0) AS cache_read_tokens,
  coalesce(token_count(r->'cache_creation'->>'ephemeral_5m_input_tokens'), 0) AS cache_write_5m_tokens,
  coalesce(token_count(r->'cache_creation'->>'ephemeral_1h_input_tokens'), 0) AS cache_write_1h_tokens,
  out_tokens AS output_tokens,
  token_count(r->'server_tool_use'->>'web_search_requests') AS web_search_requests,
  coalesce(r->>'service_tier', 'standard') AS service_tier,
  r->>'context_window' AS context_window,
  hide_key(r->>'api_key_id') AS api_key,
  r->>'workspace_id' AS workspace,
  CASE WHEN r->>'inference_geo' IS NOT NULL THEN json_object('inference_geo', r->>'inference_geo') END AS tags,
  'ok' AS status
FROM fields
