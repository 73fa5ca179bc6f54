-- Stage the Anthropic Console usage CSV (one row per day, model, key, workspace, usage type and
-- context window). The older variant has one cache-write column with no TTL split: it counts as 5m.
-- api_key is the key's name. Rows with identical dimensions are summed.
-- params: $files VARCHAR[] (the header template src/importers/anthropic-usage-csv/header.csv, then the one file whose lines
--         row_number() counts), $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH fields AS (
  SELECT source_file,
         source_line,
         concat_ws(',', usage_date_utc, model_version, api_key, workspace, usage_type, context_window,
                   usage_input_tokens_no_cache, usage_input_tokens_cache_write_5m, usage_input_tokens_cache_write_1h,
                   usage_input_tokens_cache_write, usage_input_tokens_cache_read, usage_output_tokens, web_search_count, speed) AS raw,
         try_cast(usage_date_utc AS DATE) AS day,
         nullif(trim(model_version), '') AS model,
         hide_key(nullif(trim(api_key), '')) AS key_name,
         nullif(trim(workspace), '') AS workspace,
         lower(coalesce(nullif(trim(usage_type), ''), 'standard')) AS usage_type,
         -- '≤ 200k' / '> 200k' as the usage report writes them
         CASE WHEN context_window IS NULL OR trim(context_window) = '' THEN NULL
              WHEN regexp_matches(context_window, '^\s*(>|200k)') THEN '200k-1M' ELSE '0-200k' END AS context_window,
         lower(nullif(trim(speed), '')) AS speed,
         nullif(trim(inference_geo), '') AS inference_geo,
         -- counts as token_count reads them (a float such as '388.0' too); one that cannot be a count
         -- (negative, NaN, 1e308, 9e18) is named by count_fault
         token_count(usage_input_tokens_no_cache) AS uncached,
         coalesce(token_count(usage_input_tokens_cache_write_5m), token_count(usage_input_tokens_cache_write), 0) AS write_5m,
         coalesce(token_count(usage_input_tokens_cache_write_1h), 0) AS write_1h,
         coalesce(token_count(usage_input_tokens_cache_read), 0) AS cache_read,
         token_count(usage_output_tokens) AS out_tokens,
         token_count(web_search_count) AS web_searches,
         coalesce(token_count_fault('usage_input_tokens_no_cache', usage_input_tokens_no_cache),
                  token_count_fault('usage_input_tokens_cache_write_5m', usage_input_tokens_cache_write_5m),
                  token_count_fault('usage_input_tokens_cache_write_1h', usage_input_tokens_cache_write_1h),
                  token_count_fault('usage_input_tokens_cache_write', usage_input_tokens_cache_write),
                  token_count_fault('usage_input_tokens_cache_read', usage_input_tokens_cache_read),
                  token_count_fault('usage_output_tokens', usage_output_tokens),
                  token_count_fault('web_search_count', web_search_count)) AS count_fault,
         (usage_input_tokens_no_cache IS NOT NULL AND try_cast(usage_input_tokens_no_cache AS DOUBLE) IS NULL)
           OR (usage_output_tokens IS NOT NULL AND try_cast(usage_output_tokens AS DOUBLE) IS NULL)
           OR (usage_input_tokens_cache_read IS NOT NULL AND try_cast(usage_input_tokens_cache_read AS DOUBLE) IS NULL)
           OR (usage_input_tokens_cache_write_5m IS NOT NULL AND try_cast(usage_input_tokens_cache_write_5m AS DOUBLE) IS NULL)
           OR (usage_input_tokens_cache_write_1h IS NOT NULL AND try_cast(usage_input_tokens_cache_write_1h AS DOUBLE) IS NULL) AS bad_number
  FROM csv_lines($files)
),
checked AS (
  SELECT *,
         CASE
           WHEN model IS NULL AND uncached IS NULL AND out_tokens IS NULL AND NOT bad_number AND count_fault IS NULL THEN 'skip'
           WHEN day IS NULL OR model IS NULL OR bad_number OR count_fault IS NOT NULL OR uncached IS NULL OR out_tokens IS NULL THEN 'reject'
           ELSE 'usage'
         END AS kind,
         CASE
           WHEN day IS NULL THEN 'usage_date_utc is missing or not a date'
           WHEN model IS NULL THEN 'model_version is missing'
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN bad_number THEN 'a token count is not a number'
           WHEN uncached IS NULL OR out_tokens IS NULL THEN 'usage_input_tokens_no_cache or usage_output_tokens is missing'
         END AS why
  FROM fields
)
SELECT 'usage' AS row_kind,
       concat_ws('|', day, model, key_name, workspace, usage_type, context_window, speed, inference_geo) AS record_key,
       'anthropic-usage-csv' AS source, source_file, min(source_line) AS source_line, $import_id AS import_id,
       CAST(day AS TIMESTAMP) AT TIME ZONE 'UTC' AS started_at,
       '1d' AS bucket_width,
       'anthropic' AS provider, model AS model_raw,
       CAST(sum(uncached) AS BIGINT) AS input_tokens,
       CAST(sum(cache_read) AS BIGINT) AS cache_read_tokens,
       CAST(sum(write_5m) AS BIGINT) AS cache_write_5m_tokens,
       CAST(sum(write_1h) AS BIGINT) AS cache_write_1h_tokens,
       CAST(sum(out_tokens) AS BIGINT) AS output_tokens,
       CAST(sum(web_searches) AS BIGINT) AS web_search_requests,
       CASE WHEN speed = 'fast' THEN 'fast' WHEN usage_type = 'batch' THEN 'batch' ELSE 'standard' END AS service_tier,
       context_window,
       key_name AS api_key,
       workspace,
       CASE WHEN inference_geo IS NOT NULL THEN json_object('inference_geo', inference_geo) END AS tags,
       'ok' AS status,
       count(*) AS row_count
FROM checked
WHERE kind = 'usage'
GROUP BY source_file, day, model, key_name, workspace, usage_type, context_window, speed, inference_geo
UNION ALL BY NAME
SELECT kind AS row_kind, why AS reason, CASE WHEN kind = 'reject' THEN raw END AS raw, 'anthropic-usage-csv' AS source,
       source_file, source_line, $import_id AS import_id, 'anthropic' AS provider, 1 AS row_count
FROM checked
WHERE kind <> 'usage'
