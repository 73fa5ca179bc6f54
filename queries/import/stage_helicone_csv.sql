-- Stage one Helicone request export in CSV (`npx @helicone/export --format csv`): one usage row per
-- request, keyed by request_id (the exporter pages newest-first by offset and repeats rows at page
-- boundaries: the copies are duplicates; source 'helicone' is shared with the JSONL/JSON importer, so
-- a request in two export formats counts once). request_properties holds the properties as JSON text.
-- Older exporter versions wrote response_id, model, latency and cost_usd instead of request_id,
-- request_model, delay_ms and cost: they are read as fallbacks.
-- Units: cost is USD; delay_ms is milliseconds; request_created_at is ISO 8601 (UTC when it has no zone).
-- Tokens: as in stage_helicone_jsonl.sql — prompt_tokens INCLUDE prompt_cache_read_tokens and
-- prompt_cache_write_tokens for OpenAI-style providers and EXCLUDE them for provider 'anthropic'
-- (and Claude on Bedrock or Vertex); completion_tokens include reasoning_tokens. A Helicone cache
-- hit (cache_reference_id not the all-zero UUID) is kept with its cost and tagged helicone_cache_hit.
-- params: $files VARCHAR[] (the header template queries/import/headers/helicone-csv.csv, then the one
--         file whose rows row_number() counts: row n is line n + 1), $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH fields AS (
  SELECT filename AS source_file,
         row_number() OVER () + 1 AS source_line,
         true AS ok,
         concat_ws(',', request_id, request_created_at, request_user_id, request_model, provider, delay_ms, prompt_tokens,
                   completion_tokens, reasoning_tokens, prompt_cache_read_tokens, prompt_cache_write_tokens, cost,
                   cache_reference_id, request_properties) AS raw,
         nullif(trim(coalesce(request_id, response_id)), '') AS request_id,
         nullif(trim(request_created_at), '') AS created_text,
         hide_key(nullif(trim(request_user_id), '')) AS user_key,
         coalesce(nullif(trim(request_model), ''), nullif(trim(model), ''), nullif(trim(response_model), '')) AS model_name,
         lower(nullif(trim(provider), '')) AS provider_raw,
         coalesce(nullif(trim(delay_ms), ''), nullif(trim(latency), '')) AS delay_text,
         nullif(trim(prompt_tokens), '') AS prompt_text_,
         nullif(trim(completion_tokens), '') AS completion_text,
         nullif(trim(reasoning_tokens), '') AS reasoning_text,
         nullif(trim(prompt_cache_read_tokens), '') AS read_text,
         nullif(trim(prompt_cache_write_tokens), '') AS write_text,
         coalesce(nullif(trim(cost), ''), nullif(trim(cost_usd), ''), nullif(trim(costUSD), '')) AS cost_text,
         lower(nullif(trim(cache_reference_id), '')) AS cache_reference_id,
         try_cast(response_status AS DOUBLE) AS response_status,
         coalesce(nullif(trim(request_properties), ''), nullif(trim(properties), '')) AS properties_text
  FROM read_csv($files, header = true, all_varchar = true, filename = true, union_by_name = true,
                quote = '"', escape = '"', null_padding = true, strict_mode = false)
),
-- everything below is shared word for word with stage_helicone_jsonl.sql
typed AS (
  SELECT *,
         CASE
           WHEN created_text IS NULL THEN NULL
           WHEN regexp_matches(created_text, '\d:\d\d(:\d\d(\.\d+)?)?\s*([zZ]|[+-]\d\d(:?\d\d)?)$') THEN try_cast(created_text AS TIMESTAMPTZ)
           ELSE try_cast(created_text AS TIMESTAMP) AT TIME ZONE 'UTC'
         END AS started_at,
         try_cast(prompt_text_ AS DOUBLE) AS prompt_n,
         try_cast(completion_text AS DOUBLE) AS completion_n,
         try_cast(reasoning_text AS DOUBLE) AS reasoning_n,
         try_cast(read_text AS DOUBLE) AS read_n,
         try_cast(write_text AS DOUBLE) AS write_n,
         try_cast(cost_text AS DOUBLE) AS cost_n,
         try_cast(delay_text AS DOUBLE) AS delay_n,
         -- a properties map may arrive as an object or as JSON text inside a string
         CASE WHEN json_valid(properties_text) AND json_type(properties_text) = 'VARCHAR' THEN properties_text->>'$'
              ELSE properties_text END AS props_json,
         -- Anthropic's convention: prompt_tokens exclude the cache tokens (also Claude on Bedrock or Vertex)
         provider_raw = 'anthropic'
           OR (provider_raw IN ('bedrock', 'aws', 'aws-bedrock', 'vertex', 'vertex-ai', 'google-vertex') AND model_name ILIKE '%claude%') AS disjoint_prompt
  FROM fields
),
mapped AS (
  SELECT *,
         CASE WHEN json_valid(props_json) THEN TRY_CAST(props_json::JSON AS MAP(VARCHAR, VARCHAR)) END AS props,
         coalesce(read_n, 0) AS cache_read,
         coalesce(write_n, 0) AS cache_write,
         CASE WHEN disjoint_prompt THEN coalesce(prompt_n, 0)
              ELSE coalesce(prompt_n, 0) - coalesce(read_n, 0) - coalesce(write_n, 0) END AS uncached_input
  FROM typed
),
checked AS (
  SELECT *,
         CASE
                      WHEN request_id IS NULL THEN 'request_id is missing'
           WHEN started_at IS NULL THEN 'request_created_at is missing or not a timestamp'
           WHEN (prompt_text_ IS NOT NULL AND prompt_n IS NULL) OR (completion_text IS NOT NULL AND completion_n IS NULL)
                OR (reasoning_text IS NOT NULL AND reasoning_n IS NULL) OR (read_text IS NOT NULL AND read_n IS NULL)
                OR (write_text IS NOT NULL AND write_n IS NULL) THEN 'a token count is not a number'
           WHEN cost_text IS NOT NULL AND cost_n IS NULL THEN 'cost is not a number'
           WHEN delay_text IS NOT NULL AND delay_n IS NULL THEN 'delay_ms is not a number'
           WHEN least(prompt_n, completion_n, reasoning_n, read_n, write_n) < 0 THEN 'a token count is negative'
           WHEN props_json IS NOT NULL AND props IS NULL THEN 'request_properties is not a JSON object of properties'
           WHEN uncached_input < 0 THEN 'prompt_cache_read_tokens + prompt_cache_write_tokens exceed prompt_tokens'
         END AS reason,
         list_transform(map_entries(props), e -> {'key': regexp_replace(e.key, '^(?i)helicone-property-', ''), 'value': e.value}) AS prop_entries
  FROM mapped
),
tagged AS (
  SELECT *,
         list_filter(prop_entries, (e, i) -> list_position(list_transform(prop_entries, x -> x.key), e.key) = i) AS tag_entries,
         cache_reference_id IS NOT NULL AND cache_reference_id <> '00000000-0000-0000-0000-000000000000' AS helicone_hit
  FROM checked
)
SELECT CASE WHEN reason IS NULL THEN 'usage' ELSE 'reject' END AS row_kind,
       reason,
       CASE WHEN reason IS NOT NULL THEN left(raw, 100000) END AS raw,
       request_id AS record_key,
       'helicone' AS source,  -- one source kind for every Helicone export: a request counts once
       source_file,
       source_line,
       $import_id AS import_id,
       started_at,
       CASE WHEN provider_raw IN ('bedrock', 'aws') THEN 'aws-bedrock' WHEN provider_raw IN ('vertex', 'vertex-ai') THEN 'google'
            WHEN provider_raw = 'x' THEN 'x-ai' ELSE provider_raw END AS provider,  -- Helicone writes OPENAI, ANTHROPIC, BEDROCK, …
       model_name AS model_raw,
       1 AS requests,
       CAST(round(uncached_input) AS BIGINT) AS input_tokens,
       CAST(round(cache_read) AS BIGINT) AS cache_read_tokens,
       CAST(round(cache_write) AS BIGINT) AS cache_write_5m_tokens,  -- no TTL split: counts as 5m
       0 AS cache_write_1h_tokens,
       CAST(round(coalesce(completion_n, 0)) AS BIGINT) AS output_tokens,
       CAST(round(reasoning_n) AS BIGINT) AS reasoning_tokens,
       cost_n AS billed_cost_usd,
       list_filter(tag_entries, e -> lower(e.key) = 'helicone-session-id')[1].value AS session_id,
       user_key AS user_id,
       CASE WHEN len(tag_entries) > 0 OR helicone_hit THEN
         json_merge_patch(coalesce(to_json(map_from_entries(tag_entries)), '{}'),
                          CASE WHEN helicone_hit THEN json_object('helicone_cache_hit', 'true') ELSE '{}' END)
       END AS tags,
       CASE WHEN response_status IS NULL OR response_status BETWEEN 200 AND 299 THEN 'ok' ELSE 'error' END AS status,
       delay_n AS latency_ms
FROM tagged
