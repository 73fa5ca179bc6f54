-- Stage the OpenRouter activity export (CSV, one row per generation). created_at has no time zone
-- ('2026-02-06 18:54:30.040'): it is UTC. tokens_cached is part of tokens_prompt (uncached = prompt -
-- cached; no cache-write column, so writes stay in input); tokens_reasoning is part of
-- tokens_completion. cost_total is what OpenRouter charged, in dollars. model_permaslug (dated,
-- 'openai/gpt-4.1-2025-04-14') is kept as written. Overlapping exports repeat rows: keyed by
-- generation_id, the merge keeps one. A row with every column empty is skipped.
-- finish_reason_normalized 'error' → status 'error', 'content_filter' → 'blocked' (tokens kept).
-- params: $files VARCHAR[] (the header template src/importers/openrouter/header-activity.csv, then
--         the one file: row_number() over the single file's rows + 1 is its line number), $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH fields AS (
  SELECT source_file,
         source_line,
         concat_ws(',', generation_id, created_at, cost_total, cost_web_search, cost_cache, cost_file_processing,
                   byok_usage_inference, tokens_prompt, tokens_completion, tokens_reasoning, tokens_cached,
                   model_permaslug, provider_name, variant, cancelled, streamed, "user", finish_reason_raw,
                   finish_reason_normalized, generation_time_ms, time_to_first_token_ms, app_name, api_key_name) AS raw,
         nullif(trim(generation_id), '') AS gen_id,
         CASE WHEN regexp_matches(trim(created_at), '([zZ]|[+-]\d\d(:?\d\d)?)$') THEN try_cast(trim(created_at) AS TIMESTAMPTZ)
              ELSE make_timestamptz(epoch_us(try_cast(trim(created_at) AS TIMESTAMP))) END AS ts,  -- no zone: UTC
         nullif(trim(model_permaslug), '') AS model_name,
         -- counts read by token_count; one that cannot be a count (negative, NaN, 1e308, 9e18) is named by count_fault
         token_count(tokens_prompt) AS prompt_tokens,
         token_count(tokens_completion) AS completion_tokens,
         token_count(tokens_reasoning) AS reasoning,
         coalesce(token_count(tokens_cached), 0) AS cached,
         coalesce(token_count_fault('tokens_prompt', tokens_prompt), token_count_fault('tokens_completion', tokens_completion),
                  token_count_fault('tokens_reasoning', tokens_reasoning), token_count_fault('tokens_cached', tokens_cached)) AS count_fault,
         try_cast(cost_total AS DOUBLE) AS cost,
         try_cast(byok_usage_inference AS DOUBLE) AS byok_cost,
         try_cast(generation_time_ms AS DOUBLE) AS generation_ms,
         (nullif(trim(tokens_prompt), '') IS NOT NULL AND token_count(tokens_prompt) IS NULL)
           OR (nullif(trim(tokens_completion), '') IS NOT NULL AND token_count(tokens_completion) IS NULL)
           OR (nullif(trim(tokens_reasoning), '') IS NOT NULL AND token_count(tokens_reasoning) IS NULL)
           OR (nullif(trim(tokens_cached), '') IS NOT NULL AND token_count(tokens_cached) IS NULL) AS bad_number,
         nullif(trim(cost_total), '') IS NOT NULL AND try_cast(cost_total AS DOUBLE) IS NULL AS bad_cost,
         coalesce(generation_id, created_at, cost_total, tokens_prompt, tokens_completion, model_permaslug) IS NULL AS empty_row,
         nullif(trim(provider_name), '') AS provider_name, nullif(trim(variant), '') AS variant,
         lower(trim(cancelled)) AS cancelled, lower(trim(streamed)) AS streamed, nullif(trim("user"), '') AS end_user,
         nullif(trim(finish_reason_normalized), '') AS finish_reason, nullif(trim(finish_reason_raw), '') AS native_finish_reason,
         nullif(trim(time_to_first_token_ms), '') AS ttft_ms, nullif(trim(app_name), '') AS app_name,
         hide_key(nullif(trim(api_key_name), '')) AS key_name
  FROM csv_lines($files)
),
checked AS (
  SELECT *,
         CASE
           WHEN empty_row THEN NULL
           WHEN gen_id IS NULL THEN 'generation_id is missing'
           WHEN ts IS NULL THEN 'created_at is missing or not a timestamp'
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN bad_number THEN 'a token count is not a number'
           WHEN prompt_tokens IS NULL OR completion_tokens IS NULL THEN 'tokens_prompt or tokens_completion is missing (a row cut off?)'
           WHEN bad_cost THEN 'cost_total is not a number'
           WHEN cached > prompt_tokens THEN 'tokens_cached exceed tokens_prompt'
         END AS reason,
         CASE WHEN empty_row THEN 'skip' WHEN reason IS NOT NULL THEN 'reject' ELSE 'usage' END AS kind
  FROM fields
)
SELECT kind AS row_kind,
       reason,
       CASE WHEN kind = 'reject' THEN raw END AS raw,
       gen_id AS record_key,
       'openrouter' AS source,  -- one source kind for every OpenRouter export: a generation counts once
       source_file,
       source_line,
       $import_id AS import_id,
       ts AS started_at,
       'openrouter' AS provider,
       model_name AS model_raw,
       1 AS requests,
       prompt_tokens - cached AS input_tokens,
       cached AS cache_read_tokens,
       0 AS cache_write_5m_tokens,
       0 AS cache_write_1h_tokens,
       completion_tokens AS output_tokens,
       reasoning AS reasoning_tokens,
       cost AS billed_cost_usd,
       key_name AS api_key,
       hide_key(end_user) AS user_id,
       to_json(map_from_entries(list_filter([
         {'key': 'provider_name', 'value': provider_name},
         {'key': 'app_name', 'value': app_name},
         {'key': 'user', 'value': hide_key(end_user)},
         {'key': 'variant', 'value': variant},
         {'key': 'finish_reason', 'value': coalesce(finish_reason, native_finish_reason)},
         {'key': 'streamed', 'value': CASE WHEN streamed IN ('true', 'false') THEN streamed END},
         {'key': 'cancelled', 'value': CASE WHEN cancelled = 'true' THEN 'true' END},
         {'key': 'byok', 'value': CASE WHEN byok_cost > 0 THEN 'true' END},
         {'key': 'time_to_first_token_ms', 'value': ttft_ms}
       ], e -> e.value IS NOT NULL))) AS tags,
       CASE WHEN 'error' IN (finish_reason, native_finish_reason) THEN 'error'
            WHEN finish_reason = 'content_filter' THEN 'blocked'  -- a provider's safety filter stopped it
            ELSE 'ok' END AS status,
       generation_ms AS latency_ms
FROM checked
