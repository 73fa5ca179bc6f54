-- Stage LiteLLM proxy spend logs (the LiteLLM_SpendLogs table) from the temp table litellm_records,
-- which the variant's reader fills first (prestage): litellm/read-csv.sql, litellm/read-jsonl.sql or
-- litellm/read-json.sql. One usage row per request, keyed by request_id (overlapping exports repeat
-- rows; the merge keeps one). spend is USD. prompt_tokens follows the OpenAI convention and INCLUDES
-- cache reads and writes: the cache counts come from metadata.usage_object /
-- metadata.additional_usage_values (cache_read_input_tokens, else prompt_tokens_details.cached_tokens;
-- cache_creation_input_tokens, with an ephemeral_1h split when written) and uncached input is what is
-- left. Older LiteLLM versions added only the cache READS into an Anthropic call's prompt_tokens (the
-- writes stayed beside it): a row whose reads fit in prompt_tokens but reads + writes do not is read
-- that way rather than rejected. completion_tokens include reasoning (LiteLLM adds Gemini's
-- thoughtsTokenCount in; OpenAI and Anthropic count it in already). metadata and request_tags hold
-- JSON text. A LiteLLM cache hit (cache_hit "True") stays a request, tagged cache_hit=true and billed
-- as logged. status 'failure' → 'error', keeping the tokens it logged (a guardrail's refusal is logged
-- as a failure too, and not told apart yet). Rows that only retrieve a stored
-- Responses API response (call_type aget_responses …) re-log the original's spend under a new id:
-- skipped. An empty row is skipped; a record that is not valid JSON or not a JSON object is a reject.
-- params: $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH metas AS (  -- metadata and request_tags are JSON (text in CSV exports); parsed once each
  SELECT *,
         nullif(nullif(nullif(trim(metadata), ''), 'None'), 'null') AS meta_text,
         nullif(nullif(nullif(trim(request_tags), ''), 'None'), 'null') AS tags_text
  FROM litellm_records
),
parsed_meta AS (
  SELECT *,
         meta_text IS NULL OR json_valid(meta_text) AS meta_ok,
         tags_text IS NULL OR json_valid(tags_text) AS tags_ok,
         CASE WHEN json_valid(meta_text) THEN json_extract_string(meta_text, [
           '$.user_api_key_alias', '$.user_api_key_team_alias', '$.spend_logs_metadata',
           '$.usage_object.cache_read_input_tokens', '$.additional_usage_values.cache_read_input_tokens',
           '$.usage_object.prompt_tokens_details.cached_tokens', '$.additional_usage_values.prompt_tokens_details.cached_tokens',
           '$.usage_object.cache_creation_input_tokens', '$.additional_usage_values.cache_creation_input_tokens',
           '$.usage_object.cache_creation_token_details.ephemeral_1h_input_tokens',
           '$.additional_usage_values.cache_creation_token_details.ephemeral_1h_input_tokens',
           '$.usage_object.completion_tokens_details.reasoning_tokens',
           '$.additional_usage_values.completion_tokens_details.reasoning_tokens',
           '$.error_information.error_code', '$.user_api_key_team_id']) END AS mf,
         CASE WHEN json_valid(tags_text) THEN json_type(tags_text) END AS tags_type
  FROM metas
),
typed AS (
  SELECT source_file, source_line, valid, ok, raw_text,
         nullif(trim(request_id), '') AS req_id,
         lower(nullif(trim(call_type), '')) AS call_kind,
         CASE WHEN regexp_matches(trim(start_time), '([zZ]|[+-]\d\d(:?\d\d)?)$') THEN try_cast(trim(start_time) AS TIMESTAMPTZ)
              ELSE make_timestamptz(epoch_us(try_cast(trim(start_time) AS TIMESTAMP))) END AS ts,  -- no zone: UTC
         CASE WHEN regexp_matches(trim(end_time), '([zZ]|[+-]\d\d(:?\d\d)?)$') THEN try_cast(trim(end_time) AS TIMESTAMPTZ)
              ELSE make_timestamptz(epoch_us(try_cast(trim(end_time) AS TIMESTAMP))) END AS ts_end,
         nullif(trim(spend), '') AS spend_text, try_cast(spend AS DOUBLE) AS spend_usd,
         -- counts read by token_count; one that cannot be a count (negative, NaN, 1e308, 9e18) is named by count_fault
         nullif(trim(prompt_tokens), '') AS prompt_text, token_count(prompt_tokens) AS prompt_n,
         nullif(trim(completion_tokens), '') AS completion_text, token_count(completion_tokens) AS completion_n,
         coalesce(token_count(coalesce(mf[4], mf[5], mf[6], mf[7])), 0) AS cache_read,
         coalesce(token_count(coalesce(mf[8], mf[9])), 0) AS cache_write,
         coalesce(token_count(coalesce(mf[10], mf[11])), 0) AS cache_write_1h,
         token_count(coalesce(mf[12], mf[13])) AS reasoning,
         coalesce(token_count_fault('prompt_tokens', prompt_tokens), token_count_fault('completion_tokens', completion_tokens),
                  token_count_fault('metadata cache_read_input_tokens', coalesce(mf[4], mf[5], mf[6], mf[7])),
                  token_count_fault('metadata cache_creation_input_tokens', coalesce(mf[8], mf[9])),
                  token_count_fault('metadata ephemeral_1h_input_tokens', coalesce(mf[10], mf[11])),
                  token_count_fault('metadata reasoning_tokens', coalesce(mf[12], mf[13]))) AS count_fault,
         nullif(trim(model), '') AS model_name,
         nullif(trim(model_group), '') AS model_group,
         lower(nullif(trim(custom_llm_provider), '')) AS llm_provider,
         coalesce(nullif(mf[1], ''), hide_key(nullif(trim(api_key), ''))) AS key_name,
         nullif(mf[2], '') AS team_alias,
         coalesce(nullif(trim(team_id), ''), nullif(mf[15], '')) AS team,
         nullif(trim(user_name), '') AS user_name,
         nullif(trim(end_user), '') AS end_user_name,
         nullif(trim(session_id), '') AS session,
         lower(trim(status)) AS status_text,
         lower(trim(cache_hit)) = 'true' AS is_cache_hit,
         mf[14] AS error_code,
         meta_ok, tags_ok, tags_type, tags_text,
         CASE WHEN json_valid(mf[3]) THEN CASE WHEN json_type(mf[3]) = 'OBJECT' THEN mf[3]::JSON END END AS custom_meta,
         coalesce(request_id, call_type, spend, prompt_tokens, completion_tokens, start_time, model) IS NULL AS empty_row
  FROM parsed_meta
),
checked AS (
  SELECT *,
         CASE
           WHEN NOT valid THEN 'not valid JSON (a truncated or corrupted line)'
           WHEN NOT ok THEN 'not a JSON object'
           WHEN empty_row THEN NULL
           WHEN req_id IS NULL THEN 'request_id is missing'
           WHEN ts IS NULL THEN 'startTime is missing or not a timestamp'
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN (prompt_text IS NOT NULL AND prompt_n IS NULL) OR (completion_text IS NOT NULL AND completion_n IS NULL)
             THEN 'prompt_tokens or completion_tokens is not a number'
           WHEN spend_text IS NOT NULL AND spend_usd IS NULL THEN 'spend is not a number'
           WHEN NOT meta_ok THEN 'metadata is not valid JSON'
           WHEN NOT tags_ok THEN 'request_tags is not valid JSON'
           WHEN cache_read > coalesce(prompt_n, 0) THEN 'cache tokens exceed prompt_tokens'
         END AS reason,
         -- only an older LiteLLM's prompt_tokens (reads in, writes beside) can hold fewer than reads + writes
         cache_read + cache_write > coalesce(prompt_n, 0) AS writes_beside,
         -- retrieving a Responses API response re-logs the original's spend under a new request_id
         ok AND NOT empty_row AND call_kind IN ('get_responses', 'aget_responses', 'list_input_items', 'alist_input_items',
                                                 'delete_responses', 'adelete_responses') AS is_retrieval
  FROM typed
),
kinds AS (
  SELECT *,
         CASE WHEN reason IS NOT NULL THEN 'reject' WHEN empty_row OR is_retrieval THEN 'skip' ELSE 'usage' END AS kind
  FROM checked
)
-- one pass over the rows (no second read of a large file): usage, reject and skip rows together
SELECT kind AS row_kind,
       reason,
       -- the JSON-lines reader keeps the text only of records it sees are broken; for one the mapping
       -- rejects later (cache tokens over prompt_tokens) the record is rebuilt from its fields
       CASE WHEN kind = 'reject' THEN left(coalesce(raw_text, json_object(
         'request_id', req_id, 'startTime', ts, 'model', model_name, 'prompt_tokens', prompt_n,
         'completion_tokens', completion_n, 'spend', spend_usd, 'cache_read_input_tokens', cache_read,
         'cache_creation_input_tokens', cache_write)::VARCHAR), 100000) END AS raw,
       req_id AS record_key,
       'litellm' AS source,  -- one source kind for every SpendLogs export: a request counts once
       source_file,
       source_line,
       $import_id AS import_id,
       ts AS started_at,
       CASE
         WHEN llm_provider IN ('openai', 'text-completion-openai', 'chatgpt') THEN 'openai'
         WHEN llm_provider IN ('anthropic', 'anthropic_text') THEN 'anthropic'
         WHEN llm_provider LIKE 'bedrock%' OR llm_provider = 'sagemaker' THEN 'aws-bedrock'
         WHEN llm_provider LIKE 'vertex_ai%' OR llm_provider IN ('gemini', 'google') THEN 'google'
         WHEN llm_provider LIKE 'azure%' THEN 'azure'
         WHEN llm_provider IN ('ollama', 'ollama_chat', 'hosted_vllm', 'vllm', 'lm_studio', 'llamafile', 'llamacpp') THEN 'local'
         WHEN llm_provider IS NOT NULL THEN llm_provider
         WHEN contains(model_name, '/') THEN lower(split_part(model_name, '/', 1))
       END AS provider,
       model_name AS model_raw,
       1 AS requests,
       coalesce(prompt_n, 0) - cache_read - CASE WHEN writes_beside THEN 0 ELSE cache_write END AS input_tokens,
       cache_read AS cache_read_tokens,
       cache_write - least(cache_write_1h, cache_write) AS cache_write_5m_tokens,
       least(cache_write_1h, cache_write) AS cache_write_1h_tokens,
       coalesce(completion_n, 0) AS output_tokens,
       reasoning AS reasoning_tokens,
       spend_usd AS billed_cost_usd,
       session AS session_id,
       key_name AS api_key,
       hide_key(coalesce(user_name, end_user_name)) AS user_id,
       coalesce(team_alias, team) AS workspace,
       -- metadata.spend_logs_metadata, then request_tags (["task:ticket-triage", "prod"] →
       -- {"task": "ticket-triage", "prod": "true"}), then LiteLLM's own fields, which win
       CASE WHEN kind = 'usage' THEN json_merge_patch(
         coalesce(custom_meta, '{}'::JSON),
         CASE tags_type
           WHEN 'ARRAY' THEN list_reduce(
             list_transform(list_filter(json_extract_string(tags_text, '$[*]'), x -> nullif(trim(x), '') IS NOT NULL),
                            x -> CASE WHEN contains(x, ':') THEN json_object(trim(split_part(x, ':', 1)), trim(substr(x, strpos(x, ':') + 1)))
                                      ELSE json_object(trim(x), 'true') END),
             (a, b) -> json_merge_patch(a, b), '{}'::JSON)
           WHEN 'OBJECT' THEN tags_text::JSON
           ELSE '{}'::JSON
         END,
         to_json(map_from_entries(list_filter([
           {'key': 'model_group', 'value': model_group},
           {'key': 'call_type', 'value': call_kind},
           {'key': 'cache_hit', 'value': CASE WHEN is_cache_hit THEN 'true' END},
           {'key': 'team_alias', 'value': team_alias},
           {'key': 'team_id', 'value': team},
           {'key': 'end_user', 'value': hide_key(end_user_name)},
           {'key': 'error_code', 'value': error_code}
         ], e -> e.value IS NOT NULL)))) END AS tags,
       CASE WHEN status_text IN ('failure', 'failed', 'error') THEN 'error' ELSE 'ok' END AS status,
       CASE WHEN ts_end >= ts THEN (epoch_us(ts_end) - epoch_us(ts)) / 1000.0 END AS latency_ms
FROM kinds
