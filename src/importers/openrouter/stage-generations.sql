-- Stage OpenRouter generation stats from the temp table openrouter_generation_records, which the
-- variant's reader fills first (prestage): openrouter/read-generations-jsonl.sql (JSON lines) or
-- openrouter/read-generations-json.sql (a JSON document). One usage row per generation, keyed by its
-- id (gen-…): polling the same id twice stages two rows and the merge keeps one. Token buckets come
-- from the upstream provider's counts (native_tokens_*), falling back to OpenRouter's own tokens_*:
-- native_tokens_cached is part of native_tokens_prompt (uncached = prompt - cached; there is no
-- cache-write count, so writes stay in input), reasoning is part of completion. total_cost is USD
-- (what OpenRouter charged); latency is milliseconds. Error responses from polling too early
-- ({"error":{…}}) carry no usage and are skipped; a record that is not valid JSON or not a JSON object
-- is a reject. finish_reason 'error' → status 'error', 'content_filter' (a safety filter stopped the
-- generation) → 'blocked'; both keep the tokens OpenRouter counted.
-- params: $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH parsed AS (  -- each record parsed once: the generation's fields inside the {"data":…} envelope, then bare
  SELECT source_file, source_line, valid, ok, coalesce(raw_text, rec) AS raw_text,
         CASE WHEN ok THEN json_extract_string(rec, [
           '$.data.id', '$.data.created_at', '$.data.model', '$.data.provider_name', '$.data.total_cost',
           '$.data.native_tokens_prompt', '$.data.native_tokens_completion', '$.data.native_tokens_reasoning',
           '$.data.native_tokens_cached', '$.data.tokens_prompt', '$.data.tokens_completion', '$.data.latency',
           '$.data.generation_time', '$.data.session_id', '$.data.external_user', '$.data.service_tier',
           '$.data.finish_reason', '$.data.native_finish_reason', '$.data.streamed', '$.data.cancelled',
           '$.data.is_byok', '$.data.api_type', '$.data.upstream_id', '$.data.origin',
           '$.id', '$.created_at', '$.model', '$.provider_name', '$.total_cost',
           '$.native_tokens_prompt', '$.native_tokens_completion', '$.native_tokens_reasoning',
           '$.native_tokens_cached', '$.tokens_prompt', '$.tokens_completion', '$.latency',
           '$.generation_time', '$.session_id', '$.external_user', '$.service_tier',
           '$.finish_reason', '$.native_finish_reason', '$.streamed', '$.cancelled',
           '$.is_byok', '$.api_type', '$.upstream_id', '$.origin',
           '$.error']) END AS f
  FROM openrouter_generation_records
),
fields AS (
  SELECT source_file, source_line, valid, ok, raw_text,
         CASE WHEN f[1] IS NOT NULL THEN f[1:24] ELSE f[25:48] END AS g,
         f[49] AS error
  FROM parsed
),
typed AS (
  SELECT source_file, source_line, valid, ok, raw_text, error,
         g[1] AS id, g[2] AS created_at, g[3] AS model, g[4] AS provider_name, g[5] AS total_cost_text,
         g[6] AS n_prompt, g[7] AS n_completion, g[8] AS n_reasoning, g[9] AS n_cached,
         g[10] AS t_prompt, g[11] AS t_completion,
         coalesce(g[6], g[10]) AS prompt_text, coalesce(g[7], g[11]) AS completion_text,
         CASE WHEN regexp_matches(g[2], '([zZ]|[+-]\d\d(:?\d\d)?)$') THEN try_cast(g[2] AS TIMESTAMPTZ)
              ELSE make_timestamptz(epoch_us(try_cast(g[2] AS TIMESTAMP))) END AS ts,  -- no zone: UTC
         -- counts read by token_count; one that cannot be a count (negative, NaN, 1e308, 9e18) is named by count_fault
         token_count(coalesce(g[6], g[10])) AS prompt_tokens,
         token_count(coalesce(g[7], g[11])) AS completion_tokens,
         token_count(g[8]) AS reasoning_tokens,
         coalesce(token_count(g[9]), 0) AS cached_tokens,
         coalesce(token_count_fault(CASE WHEN g[6] IS NOT NULL THEN 'native_tokens_prompt' ELSE 'tokens_prompt' END, coalesce(g[6], g[10])),
                  token_count_fault(CASE WHEN g[7] IS NOT NULL THEN 'native_tokens_completion' ELSE 'tokens_completion' END, coalesce(g[7], g[11])),
                  token_count_fault('native_tokens_reasoning', g[8]), token_count_fault('native_tokens_cached', g[9])) AS count_fault,
         try_cast(g[5] AS DOUBLE) AS total_cost,
         try_cast(coalesce(g[12], g[13]) AS DOUBLE) AS latency,
         g[13] AS generation_time, g[14] AS session_id, g[15] AS external_user, g[16] AS tier,
         g[17] AS finish_reason, g[18] AS native_finish_reason, g[19] AS streamed, g[20] AS cancelled,
         g[21] AS is_byok, g[22] AS api_type, g[23] AS upstream_id, g[24] AS origin
  FROM fields
),
checked AS (
  SELECT *,
         CASE
           WHEN NOT valid THEN 'not valid JSON (a truncated or corrupted line)'
           WHEN NOT ok THEN 'not a JSON object'
           WHEN id IS NULL AND error IS NOT NULL THEN NULL  -- an error response: skipped
           WHEN id IS NULL THEN 'no generation id (data.id)'
           WHEN ts IS NULL THEN 'created_at is missing or not a timestamp'
           WHEN prompt_text IS NULL OR completion_text IS NULL THEN 'token counts (native_tokens_prompt/completion) are missing'
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN prompt_tokens IS NULL OR completion_tokens IS NULL
                OR (n_reasoning IS NOT NULL AND reasoning_tokens IS NULL)
                OR (n_cached IS NOT NULL AND token_count(n_cached) IS NULL) THEN 'a token count is not a number'
           WHEN total_cost_text IS NOT NULL AND total_cost IS NULL THEN 'total_cost is not a number'
           WHEN cached_tokens > prompt_tokens THEN 'native_tokens_cached exceed native_tokens_prompt'
         END AS reason,
         CASE WHEN reason IS NOT NULL THEN 'reject' WHEN ok AND id IS NULL AND error IS NOT NULL THEN 'skip' ELSE 'usage' END AS kind
  FROM typed
)
-- one pass over the lines (no second read of a large file): usage, reject and skip rows together
SELECT kind AS row_kind,
       reason,
       CASE WHEN kind = 'reject' THEN left(raw_text, 100000) END AS raw,
       id AS record_key,
       'openrouter' AS source,  -- one source kind for every OpenRouter export: a generation counts once
       source_file,
       source_line,
       $import_id AS import_id,
       ts AS started_at,
       'openrouter' AS provider,
       model AS model_raw,
       1 AS requests,
       prompt_tokens - cached_tokens AS input_tokens,
       cached_tokens AS cache_read_tokens,
       0 AS cache_write_5m_tokens,
       0 AS cache_write_1h_tokens,
       completion_tokens AS output_tokens,
       reasoning_tokens,
       CASE WHEN coalesce(tier, 'default') IN ('default', 'auto', 'standard') THEN 'standard' ELSE tier END AS service_tier,
       total_cost AS billed_cost_usd,
       session_id,
       hide_key(external_user) AS user_id,
       to_json(map_from_entries(list_filter([
         {'key': 'provider_name', 'value': provider_name},
         {'key': 'upstream_id', 'value': upstream_id},
         {'key': 'finish_reason', 'value': coalesce(finish_reason, native_finish_reason)},
         {'key': 'api_type', 'value': api_type},
         {'key': 'streamed', 'value': streamed},
         {'key': 'cancelled', 'value': CASE WHEN cancelled = 'true' THEN 'true' END},
         {'key': 'byok', 'value': CASE WHEN is_byok = 'true' THEN 'true' END},
         {'key': 'origin', 'value': origin},
         {'key': 'generation_time_ms', 'value': generation_time}
       ], e -> e.value IS NOT NULL))) AS tags,
       CASE WHEN 'error' IN (finish_reason, native_finish_reason) THEN 'error'
            WHEN finish_reason = 'content_filter' THEN 'blocked'  -- a provider's safety filter stopped it
            ELSE 'ok' END AS status,
       latency AS latency_ms
FROM checked
