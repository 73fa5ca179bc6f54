-- Stage one OpenAI dashboard usage CSV. Rows that share every visible dimension are parts of one
-- bucket and are summed (not deduped); a day with no usage (only the time columns) is skipped.
-- Fields as openai_usage_csv_fields reads them.
-- params: $files VARCHAR[] (the header template src/importers/openai-usage-csv/header.csv, then the
--         one file: row_number() over the single file is its line number), $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH fields AS (
  SELECT row_number() OVER () + 1 AS source_line, * FROM openai_usage_csv_fields($files)
),
checked AS (
  SELECT *,
         CASE
           WHEN start_s IS NULL THEN 'start_time is missing or not a Unix timestamp'
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN (input_tokens IS NOT NULL AND in_total IS NULL) OR (output_tokens IS NOT NULL AND out_tokens IS NULL)
                OR (input_cached_tokens IS NOT NULL AND try_cast(input_cached_tokens AS DOUBLE) IS NULL)
                OR (num_model_requests IS NOT NULL AND n_requests IS NULL) THEN 'a token or request count is not a number'
           WHEN model_name IS NULL AND in_total IS NULL AND out_tokens IS NULL THEN NULL -- a day with no usage
           WHEN in_total IS NULL OR out_tokens IS NULL THEN 'input_tokens or output_tokens is missing (a row cut off?)'
           WHEN in_cached + in_write > in_total THEN 'input_cached_tokens exceed input_tokens'
         END AS why,
         CASE
           WHEN why IS NOT NULL THEN 'reject'
           WHEN model_name IS NULL AND in_total IS NULL AND out_tokens IS NULL THEN 'skip'
           ELSE 'usage'
         END AS kind
  FROM fields
)
SELECT 'usage' AS row_kind,
       openai_usage_csv_key(start_s, end_s, project, user_key, key_id, model_name, is_batch, tier) AS record_key,
       'openai-usage-csv' AS source, source_file, min(source_line) AS source_line, $import_id AS import_id,
       to_timestamp(start_s) AS started_at,
       CASE end_s - start_s WHEN 60 THEN '1m' WHEN 3600 THEN '1h' WHEN 86400 THEN '1d' ELSE (end_s - start_s) || 's' END AS bucket_width,
       'openai' AS provider, model_name AS model_raw,
       CAST(sum(n_requests) AS BIGINT) AS requests,
       CAST(sum(in_total - in_cached - in_write) AS BIGINT) AS input_tokens,
       CAST(sum(in_cached) AS BIGINT) AS cache_read_tokens,
       CAST(sum(in_write) AS BIGINT) AS cache_write_5m_tokens,
       0 AS cache_write_1h_tokens,
       CAST(sum(out_tokens) AS BIGINT) AS output_tokens,
       CASE WHEN is_batch THEN 'batch' WHEN coalesce(tier, 'default') IN ('default', 'auto') THEN 'standard' ELSE tier END AS service_tier,
       project, key_id AS api_key, user_key AS user_id, 'ok' AS status,
       count(*) AS row_count
FROM checked
WHERE kind = 'usage'
GROUP BY source_file, start_s, end_s, project, user_key, key_id, model_name, is_batch, tier
UNION ALL BY NAME
SELECT kind AS row_kind, why AS reason,
       CASE WHEN kind = 'reject' THEN concat_ws(',', start_time, end_time, project_id, num_model_requests, user_id, api_key_id,
                                                model, batch, service_tier, input_tokens, output_tokens, input_cached_tokens) END AS raw,
       'openai-usage-csv' AS source, source_file, source_line, $import_id AS import_id, 'openai' AS provider, 1 AS row_count
FROM checked
WHERE kind <> 'usage'
