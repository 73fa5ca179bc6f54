-- Stage one Portkey logs export (JSONL, one log per line): one usage row per log, keyed by its id
-- (overlapping exports repeat logs: the copies are duplicates), a reject per line that is not JSON or
-- lacks what a usage record needs.
-- Units: cost is in CENTS (USD) and becomes dollars; response_time is milliseconds; created_at is
-- ISO 8601 (UTC when it has no zone). req_units / res_units are the prompt / completion tokens.
-- Where each field sits in a line is not documented: every field is looked for at the top level,
-- then under metadata, request and response.
-- Cache tokens come from the provider usage Portkey logged in response.body.usage, when present:
--   * OpenAI style (prompt_tokens_details.cached_tokens): part of req_units, so subtracted;
--   * Anthropic style (cache_read_input_tokens, cache_creation_input_tokens): beside req_units
--     (the gateway's prompt_tokens is Anthropic's input_tokens).
--   usage.total_tokens decides when present: the cache tokens are beside req_units when the total
--   holds them beyond req_units + res_units (Portkey's Anthropic mapping also copies the cache read
--   into cached_tokens), inside when it does not (its Bedrock mapping adds them into prompt_tokens).
-- res_units hold the reasoning (OpenAI's completion_tokens do), except where Portkey reports
-- completion_tokens_details.reasoning_tokens beside them: its Gemini / Vertex mapping writes
-- candidatesTokenCount as completion_tokens (total_tokens = prompt + completion + reasoning), so
-- output = res_units + reasoning when the total says so (or, without a total, for google / vertex-ai).
-- A Portkey cache HIT or SEMANTIC HIT never reached the provider: it is kept with its cost as given.
-- Status: response_status_code 446 (a Portkey guardrail denied the request) → 'blocked'; a failure
-- (is_success 0, or a status outside 2xx; 246 = checks failed, request served: ok) → 'error'; either
-- keeps the units it logged (none: zero).
-- cache_status, mode, trace_id, config and prompt_slug become tags, with the metadata object
-- (its _user is the user); virtual_key is the api_key.
-- params: $files VARCHAR[] (one file), $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH lines AS (  -- streams through the CSV reader: exact line numbers, bounded memory on a large export
  SELECT * FROM jsonl_lines($files)
),
records AS (
  SELECT source_file, source_line,
         rtrim(CASE WHEN source_line = 1 THEN ltrim(raw, chr(65279)) ELSE raw END, E'\r') AS raw  -- BOM, CRLF
  FROM lines
  WHERE raw IS NOT NULL AND trim(raw, E' \t\r') <> ''  -- blank lines carry nothing
),
parsed AS (
  SELECT source_file, source_line, raw, json_valid(raw) AS ok,
         -- each field at the top level, then under metadata, request and response (4 paths a field)
         CASE WHEN json_valid(raw) THEN
           json_extract_string(raw, flatten(list_transform(
             ['id', 'created_at', 'cost', 'req_units', 'res_units', 'ai_org', 'ai_model', 'cache_status', 'mode', 'trace_id',
              'virtual_key', 'config', 'prompt_slug', 'response_time', 'response_status_code', 'is_success', 'workspace_slug', '_user'],
             k -> ['$.' || k, '$.metadata.' || k, '$.request.' || k, '$.response.' || k])))
         END AS f,
         CASE WHEN json_valid(raw) THEN
           json_extract_string(raw, ['$.metadata', '$.response.body.usage.prompt_tokens_details.cached_tokens',
                                     '$.response.body.usage.cache_read_input_tokens', '$.response.body.usage.cache_creation_input_tokens',
                                     '$.response.body.usage.cache_creation.ephemeral_1h_input_tokens',
                                     '$.response.body.usage.total_tokens', '$.response.body.usage.completion_tokens_details.reasoning_tokens',
                                     '$.response.body.usage.prompt_tokens', '$.response.body.usage.completion_tokens',
                                     '$.response.body.model', '$.request.body.model', '$.response.status'])
         END AS u
  FROM records
),
fields AS (
  SELECT source_file, source_line, ok, raw, u,
         list_transform(range(18), i -> nullif(trim(coalesce(f[4 * i + 1], f[4 * i + 2], f[4 * i + 3], f[4 * i + 4])), '')) AS v
  FROM parsed
),
typed AS (
  SELECT source_file, source_line, ok, raw,
         v[1] AS log_id,
         CASE
           WHEN v[2] IS NULL THEN NULL
           WHEN regexp_matches(v[2], '\d:\d\d(:\d\d(\.\d+)?)?\s*([zZ]|[+-]\d\d(:?\d\d)?)$') THEN try_cast(v[2] AS TIMESTAMPTZ)
           ELSE try_cast(v[2] AS TIMESTAMP) AT TIME ZONE 'UTC'
         END AS started_at,
         v[2] AS created_text,
         v[3] AS cost_text, try_cast(v[3] AS DOUBLE) AS cost_cents,
         -- counts read by token_count; one that cannot be a count (negative, NaN, 1e308, 9e18) is named by count_fault
         coalesce(v[4], u[8]) AS req_text, token_count(coalesce(v[4], u[8])) AS req,
         coalesce(v[5], u[9]) AS res_text, token_count(coalesce(v[5], u[9])) AS res,
         lower(v[6]) AS ai_org,
         coalesce(v[7], u[10], u[11]) AS model_name,
         upper(v[8]) AS cache_status, v[9] AS gateway_mode, v[10] AS trace_id, hide_key(v[11]) AS virtual_key,
         v[12] AS config, v[13] AS prompt_slug,
         v[14] AS latency_text, try_cast(v[14] AS DOUBLE) AS latency,
         try_cast(coalesce(v[15], u[12]) AS DOUBLE) AS status_code,
         lower(v[16]) AS is_success, v[17] AS workspace, hide_key(v[18]) AS user_key,
         -- metadata: an object, or JSON text inside a string
         CASE WHEN json_valid(u[1]) AND json_type(u[1]) = 'VARCHAR' THEN u[1]->>'$' ELSE u[1] END AS meta_json,
         u[2] AS oa_cached_text, token_count(u[2]) AS oa_cached,
         u[3] AS an_read_text, token_count(u[3]) AS an_read,
         u[4] AS an_write_text, token_count(u[4]) AS an_write,
         token_count(u[5]) AS an_write_1h,
         token_count(u[6]) AS usage_total,
         token_count(u[7]) AS reasoning,
         coalesce(token_count_fault('req_units', coalesce(v[4], u[8])), token_count_fault('res_units', coalesce(v[5], u[9])),
                  token_count_fault('usage.prompt_tokens_details.cached_tokens', u[2]),
                  token_count_fault('usage.cache_read_input_tokens', u[3]),
                  token_count_fault('usage.cache_creation_input_tokens', u[4]),
                  token_count_fault('usage.cache_creation.ephemeral_1h_input_tokens', u[5]),
                  token_count_fault('usage.total_tokens', u[6]),
                  token_count_fault('usage.completion_tokens_details.reasoning_tokens', u[7])) AS count_fault
  FROM fields
),
totals AS (
  SELECT *,
         -- what usage.total_tokens holds beyond req + res units: reasoning or cache tokens kept beside them
         usage_total - coalesce(req, 0) - coalesce(res, 0) AS beyond_units,
         -- do res_units hold the reasoning? OpenAI's completion_tokens do; Portkey's Gemini and Vertex
         -- mapping writes candidatesTokenCount as completion_tokens and thoughtsTokenCount beside it
         -- (total_tokens = prompt + completion + reasoning)
         coalesce(reasoning, 0) > 0
           AND coalesce(beyond_units >= reasoning, ai_org IN ('google', 'vertex-ai', 'palm'))
           AS reasoning_apart
  FROM typed
),
mapped AS (
  SELECT *,
         CASE WHEN json_valid(meta_json) THEN TRY_CAST(meta_json::JSON AS MAP(VARCHAR, VARCHAR)) END AS meta,
         coalesce(an_read, oa_cached, 0) AS cache_read,
         coalesce(an_write, 0) AS cache_write,
         -- do req_units hold the cache tokens? OpenAI's cached_tokens always are part of the prompt;
         -- Anthropic's are beside it, unless usage.total_tokens shows it holds nothing beyond the units
         CASE WHEN coalesce(an_read, oa_cached, 0) + coalesce(an_write, 0) = 0 THEN true
              WHEN beyond_units IS NOT NULL
                THEN beyond_units - CASE WHEN reasoning_apart THEN reasoning ELSE 0 END
                     < coalesce(an_read, oa_cached, 0) + coalesce(an_write, 0)
              ELSE an_read IS NULL AND an_write IS NULL END AS prompt_includes_cache
  FROM totals
),
checked AS (
  SELECT *,
         CASE WHEN prompt_includes_cache THEN coalesce(req, 0) - cache_read - cache_write ELSE coalesce(req, 0) END AS uncached_input,
         CASE
           WHEN NOT ok THEN 'not valid JSON (a truncated or corrupted line)'
           WHEN log_id IS NULL THEN 'id is missing'
           WHEN started_at IS NULL THEN 'created_at is missing or not a timestamp'
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN (req_text IS NOT NULL AND req IS NULL) OR (res_text IS NOT NULL AND res IS NULL)
                OR (oa_cached_text IS NOT NULL AND oa_cached IS NULL) OR (an_read_text IS NOT NULL AND an_read IS NULL)
                OR (an_write_text IS NOT NULL AND an_write IS NULL) THEN 'a token count (req_units, res_units or usage) is not a number'
           WHEN cost_text IS NOT NULL AND cost_cents IS NULL THEN 'cost is not a number'
           WHEN latency_text IS NOT NULL AND latency IS NULL THEN 'response_time is not a number'
           WHEN meta_json IS NOT NULL AND meta IS NULL THEN 'metadata is not a JSON object'
           WHEN prompt_includes_cache AND coalesce(req, 0) < cache_read + cache_write THEN 'cached tokens exceed req_units'
         END AS reason
  FROM mapped
)
SELECT CASE WHEN reason IS NULL THEN 'usage' ELSE 'reject' END AS row_kind,
       reason,
       CASE WHEN reason IS NOT NULL THEN left(raw, 100000) END AS raw,
       log_id AS record_key,
       'portkey-jsonl' AS source,
       source_file,
       source_line,
       $import_id AS import_id,
       started_at,
       CASE WHEN ai_org IN ('bedrock', 'aws-bedrock') THEN 'aws-bedrock'
            WHEN ai_org IN ('vertex-ai', 'google', 'palm') THEN 'google'
            WHEN ai_org = 'azure-openai' THEN 'azure'
            WHEN ai_org = 'mistral-ai' THEN 'mistral'
            ELSE ai_org END AS provider,
       model_name AS model_raw,
       1 AS requests,
       CAST(round(uncached_input) AS BIGINT) AS input_tokens,
       CAST(round(cache_read) AS BIGINT) AS cache_read_tokens,
       CAST(round(cache_write - least(coalesce(an_write_1h, 0), cache_write)) AS BIGINT) AS cache_write_5m_tokens,
       CAST(round(least(coalesce(an_write_1h, 0), cache_write)) AS BIGINT) AS cache_write_1h_tokens,
       CAST(round(coalesce(res, 0) + CASE WHEN reasoning_apart THEN reasoning ELSE 0 END) AS BIGINT) AS output_tokens,
       CAST(round(reasoning) AS BIGINT) AS reasoning_tokens,
       round(cost_cents / 100, 12) AS billed_cost_usd,  -- cents → dollars
       virtual_key AS api_key,
       user_key AS user_id,
       workspace,
       json_merge_patch(
         coalesce(to_json(map_from_entries(list_filter(map_entries(meta), e -> e.key <> '_user'))), '{}'),
         json_object('cache_status', cache_status, 'mode', gateway_mode, 'trace_id', trace_id, 'config', config,
                     'prompt_slug', prompt_slug)) AS tags,  -- a null value drops its key
       CASE WHEN status_code = 446 THEN 'blocked'  -- Portkey's own code: a guardrail denied the request
            WHEN is_success IN ('0', 'false') THEN 'error'
            WHEN is_success IN ('1', 'true') THEN 'ok'
            WHEN status_code IS NULL OR status_code BETWEEN 200 AND 299 THEN 'ok'
            ELSE 'error' END AS status,
       latency AS latency_ms
FROM checked
