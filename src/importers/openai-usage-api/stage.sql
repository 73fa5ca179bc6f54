-- Stage OpenAI Usage API (completions) pages: one row per bucket result. input_tokens there includes
-- cached and cache-write tokens, so the uncached bucket is what is left. Keyed by the bucket and every
-- group-by field: a re-pull of the same bucket replaces it.
-- Reads the temp table api_results, which common/api-pages.sql fills first (prestage) from the pages.
-- params: $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH fields AS (
  SELECT source_file, source_line, r,
         try_cast(bucket->>'start_time' AS BIGINT) AS start_s,
         try_cast(bucket->>'end_time' AS BIGINT) AS end_s,
         -- counts read by token_count; one that cannot be a count (negative, NaN, 1e308, 9e18) is named by count_fault
         token_count(r->>'input_tokens') AS in_total,
         coalesce(token_count(r->>'input_cached_tokens'), 0) AS in_cached,
         coalesce(token_count(r->>'input_cache_write_tokens'), 0) AS in_write,
         token_count(r->>'input_uncached_tokens') AS in_uncached,
         token_count(r->>'output_tokens') AS out_tokens,
         token_count(r->>'num_model_requests') AS n_requests,
         coalesce(token_count_fault('input_tokens', r->>'input_tokens'), token_count_fault('output_tokens', r->>'output_tokens'),
                  token_count_fault('input_cached_tokens', r->>'input_cached_tokens'),
                  token_count_fault('input_cache_write_tokens', r->>'input_cache_write_tokens'),
                  token_count_fault('input_uncached_tokens', r->>'input_uncached_tokens'),
                  token_count_fault('num_model_requests', r->>'num_model_requests')) AS count_fault
  FROM api_results
),
checked AS (
  SELECT *,
         CASE
           WHEN start_s IS NULL THEN 'bucket start_time is missing or not a number'
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN in_total IS NULL OR out_tokens IS NULL THEN 'input_tokens or output_tokens is missing or not a number'
           WHEN in_cached + in_write > in_total THEN 'input_cached_tokens + input_cache_write_tokens exceed input_tokens'
         END AS reason
  FROM fields
)
SELECT
  CASE WHEN reason IS NULL THEN 'usage' ELSE 'reject' END AS row_kind,
  reason,
  CASE WHEN reason IS NOT NULL THEN r::VARCHAR END AS raw,
  concat_ws('|', start_s, end_s, r->>'project_id', hide_key(r->>'user_id'), hide_key(r->>'api_key_id'), r->>'model', r->>'batch', r->>'service_tier') AS record_key,
  'openai-usage-api' AS source,
  source_file,
  source_line,
  $import_id AS import_id,
  to_timestamp(start_s) AS started_at,
  CASE end_s - start_s WHEN 60 THEN '1m' WHEN 3600 THEN '1h' WHEN 86400 THEN '1d' ELSE (end_s - start_s) || 's' END AS bucket_width,
  'openai' AS provider,
  r->>'model' AS model_raw,
  n_requests AS requests,
  coalesce(in_uncached, in_total - in_cached - in_write) AS input_tokens,
  in_cached AS cache_read_tokens,
  in_write AS cache_write_5m_tokens,
  0 AS cache_write_1h_tokens,
  out_tokens AS output_tokens,
  CASE WHEN try_cast(r->>'batch' AS BOOLEAN) THEN 'batch'
       WHEN coalesce(r->>'service_tier', 'default') IN ('default', 'auto') THEN 'standard'
       ELSE r->>'service_tier' END AS service_tier,
  r->>'project_id' AS project,
  hide_key(r->>'api_key_id') AS api_key,
  hide_key(r->>'user_id') AS user_id,
  'ok' AS status
FROM checked
