-- Stage Copilot CLI's session store from copilot_usage_events (copilot-cli/read-session-store.sql): one
-- usage row per assistant_usage_events row that carries tokens, a reject per row whose time or counts
-- do not read, and one row counting the rows skipped (all-zero counts: a call that failed before it).
-- Units (schema version 8): input_tokens INCLUDES cache_read_tokens and cache_write_tokens, so
-- uncached input = input − read − write (a negative rest is rejected); output_tokens as reported;
-- reasoning_tokens is kept beside it, not added (whether output includes it is not documented).
-- cache_write_tokens has no TTL split: 5m. The store records no dollars: total_nano_aiu (AI units) and
-- request_multiplier (premium requests) go to tags.
-- Identity: <session id>:<row id>; the store only grows, so a re-read keys the same.
-- Attribution: session = session_id; a subagent's call (parent_tool_call_id set) names agent_id and
-- is a sidechain; project = the session's cwd folder name. Model: copilot_usage_model (the model
-- billed), else model. created_at is ISO 8601 (epoch milliseconds read too); latency = duration_ms.
-- params: $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH fields AS (
  SELECT source_file, source_line, left(CAST(rec AS VARCHAR), 100000) AS raw, session_id, cwd, repository, branch,
         rec->>'id' AS event_id, rec->>'created_at' AS time_text, coalesce(rec->>'copilot_usage_model', rec->>'model') AS model_raw,
         rec->>'input_tokens' AS input_text, rec->>'output_tokens' AS output_text, rec->>'cache_read_tokens' AS read_text,
         rec->>'cache_write_tokens' AS write_text, rec->>'reasoning_tokens' AS reasoning_text,
         rec->>'agent_id' AS agent_raw, rec->>'parent_tool_call_id' AS parent_call, rec->>'finish_reason' AS finish_reason,
         rec->>'total_nano_aiu' AS nano_aiu, rec->>'request_multiplier' AS multiplier, try_cast(rec->>'duration_ms' AS DOUBLE) AS latency_ms
  FROM copilot_usage_events
),
typed AS (
  SELECT *,
         coalesce(CASE WHEN try_cast(time_text AS BIGINT) BETWEEN 1 AND 32503680000000 THEN make_timestamp(try_cast(time_text AS BIGINT) * 1000) AT TIME ZONE 'UTC' END,
                  try_cast(time_text AS TIMESTAMPTZ)) AS started_at,
         coalesce(token_count(input_text), 0) AS input_n, coalesce(token_count(output_text), 0) AS output_n,
         coalesce(token_count(read_text), 0) AS read_n, coalesce(token_count(write_text), 0) AS write_n, token_count(reasoning_text) AS reasoning_n,
         coalesce(token_count_fault('input_tokens', input_text), token_count_fault('output_tokens', output_text),
                  token_count_fault('cache_read_tokens', read_text), token_count_fault('cache_write_tokens', write_text),
                  token_count_fault('reasoning_tokens', reasoning_text)) AS count_fault
  FROM fields
),
checked AS (
  SELECT *,
         CASE
           WHEN session_id IS NULL OR event_id IS NULL THEN 'session_id or id is missing'
           WHEN started_at IS NULL THEN format('created_at is missing or not a time ({})', coalesce(time_text, 'none'))
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN (input_text IS NOT NULL AND token_count(input_text) IS NULL) OR (output_text IS NOT NULL AND token_count(output_text) IS NULL)
                OR (read_text IS NOT NULL AND token_count(read_text) IS NULL) OR (write_text IS NOT NULL AND token_count(write_text) IS NULL)
             THEN 'a token count is not a number'
           WHEN input_n < read_n + write_n THEN format('input_tokens ({}) is less than its cache reads and writes ({}): the store counts them inside input',
                                                      input_n, read_n + write_n)
         END AS reason
  FROM typed
),
counted AS (
  SELECT * FROM checked WHERE reason IS NULL AND input_n + output_n > 0
)
SELECT 'usage' AS row_kind, session_id || ':' || event_id AS record_key, 'copilot-cli-store' AS source, source_file, source_line,
       $import_id AS import_id, started_at, 'github-copilot' AS provider, model_raw, 1 AS requests,
       input_n - read_n - write_n AS input_tokens, read_n AS cache_read_tokens, write_n AS cache_write_5m_tokens, 0 AS cache_write_1h_tokens,
       output_n AS output_tokens, reasoning_n AS reasoning_tokens, 'standard' AS service_tier, session_id,
       nullif(regexp_extract(cwd, '([^/\\]+)[/\\]*$', 1), '') AS project,
       CASE WHEN parent_call IS NOT NULL THEN coalesce(agent_raw, parent_call) END AS agent_id, parent_call IS NOT NULL AS is_sidechain,
       json_object('total_nano_aiu', nano_aiu, 'request_multiplier', multiplier, 'repository', repository, 'branch', branch,
                   'finish_reason', finish_reason) AS tags,
       CASE WHEN finish_reason IN ('error', 'content_filter') THEN 'error' ELSE 'ok' END AS status, latency_ms
FROM counted
UNION ALL BY NAME
SELECT 'reject' AS row_kind, reason, raw, 'copilot-cli-store' AS source, source_file, source_line, $import_id AS import_id
FROM checked
WHERE reason IS NOT NULL
UNION ALL BY NAME
SELECT 'skip' AS row_kind, 'copilot-cli-store' AS source, source_file, $import_id AS import_id, count(*) AS row_count
FROM checked
WHERE reason IS NULL AND input_n + output_n = 0
GROUP BY source_file
