-- Stage one Qwen Code chat recording (~/.qwen/projects/<project>/chats/<session id>.jsonl): one usage
-- row per assistant record carrying usageMetadata, a reject per line that is not JSON or whose counts
-- or timestamp do not read, and per file one row counting the records skipped (user, tool_result and
-- system records, an assistant record without usage, an all-zero count).
-- Units (Qwen Code's converter from the OpenAI-compatible response, the usual backend): usageMetadata
-- is Gemini-shaped. promptTokenCount is prompt_tokens and INCLUDES cachedContentTokenCount;
-- candidatesTokenCount is completion_tokens and already holds thoughtsTokenCount (reasoning_tokens).
-- On the native Gemini backend candidates exclude thoughts, and totalTokenCount then counts them
-- apart: output = candidates + thoughts exactly when total = prompt + candidates + thoughts.
-- So input = prompt − cached, cache read = cached, reasoning_tokens = thoughts.
-- Identity: the record's uuid. /branch copies records verbatim (same uuid, new sessionId) into the
-- forked session's file: the copy is a duplicate, the request counted once.
-- Attribution: session = sessionId; project = the record's cwd, else the projects/<project>/ folder;
-- a subagent's record carries agentId and isSidechain. Tools: message.parts[].functionCall.name.
-- params: $files VARCHAR[] (one file), $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH recs AS (
  SELECT source_file, source_line, raw, ok, CASE WHEN ok THEN CAST(rec AS JSON) END AS rec FROM jsonl_records($files)
),
messages AS (
  SELECT source_file, source_line, raw, rec->>'uuid' AS uuid, rec->>'sessionId' AS session, rec->>'timestamp' AS time_text,
         rec->>'model' AS model_raw, rec->>'cwd' AS cwd, rec->>'agentId' AS agent, coalesce(try_cast(rec->>'isSidechain' AS BOOLEAN), false) AS sidechain,
         rec->'usageMetadata'->>'promptTokenCount' AS prompt_text, rec->'usageMetadata'->>'candidatesTokenCount' AS candidates_text,
         rec->'usageMetadata'->>'cachedContentTokenCount' AS cached_text, rec->'usageMetadata'->>'thoughtsTokenCount' AS thoughts_text,
         rec->'usageMetadata'->>'totalTokenCount' AS total_text,
         nullif(list_sort(list_distinct(list_filter(CAST(json_extract_string(rec, '$.message.parts[*].functionCall.name') AS VARCHAR[]), n -> n IS NOT NULL))), []) AS tools
  FROM recs
  WHERE ok AND (rec->>'type') = 'assistant' AND json_type(rec, '$.usageMetadata') = 'OBJECT'
),
typed AS (
  SELECT *, try_cast(time_text AS TIMESTAMPTZ) AS started_at,
         token_count(prompt_text) AS prompt_n, coalesce(token_count(candidates_text), 0) AS candidates_n,
         coalesce(token_count(cached_text), 0) AS cached_n, token_count(thoughts_text) AS thoughts_n, token_count(total_text) AS total_n,
         coalesce(token_count_fault('promptTokenCount', prompt_text), token_count_fault('candidatesTokenCount', candidates_text),
                  token_count_fault('cachedContentTokenCount', cached_text), token_count_fault('thoughtsTokenCount', thoughts_text),
                  token_count_fault('totalTokenCount', total_text)) AS count_fault
  FROM messages
),
checked AS (
  SELECT *,
         candidates_n + CASE WHEN thoughts_n > 0 AND total_n = prompt_n + candidates_n + thoughts_n THEN thoughts_n ELSE 0 END AS output_n,
         CASE
           WHEN started_at IS NULL THEN format('timestamp is missing or not a time ({})', coalesce(time_text, 'none'))
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN prompt_n IS NULL OR (candidates_text IS NOT NULL AND token_count(candidates_text) IS NULL)
                OR (cached_text IS NOT NULL AND token_count(cached_text) IS NULL)
             THEN 'usageMetadata: promptTokenCount is missing, or a count is not a number'
           WHEN cached_n > prompt_n THEN format('cachedContentTokenCount ({}) exceeds promptTokenCount ({}), which includes it', cached_n, prompt_n)
         END AS reason
  FROM typed
),
counted AS (SELECT * FROM checked WHERE reason IS NULL AND prompt_n + output_n > 0)
SELECT 'usage' AS row_kind, coalesce(uuid, concat_ws(':', coalesce(session, source_file), source_line)) AS record_key, 'qwen-code' AS source,
       source_file, source_line, $import_id AS import_id, started_at, 'alibaba' AS provider, model_raw, 1 AS requests,
       prompt_n - cached_n AS input_tokens, cached_n AS cache_read_tokens, 0 AS cache_write_5m_tokens, 0 AS cache_write_1h_tokens,
       output_n AS output_tokens, thoughts_n AS reasoning_tokens, 'standard' AS service_tier, session AS session_id,
       coalesce(cwd, nullif(regexp_extract(source_file, '[/\\]projects[/\\]([^/\\]+)[/\\]chats[/\\]', 1), '')) AS project,
       agent AS agent_id, sidechain OR agent IS NOT NULL AS is_sidechain, tools, 'ok' AS status
FROM counted
UNION ALL BY NAME
SELECT 'reject' AS row_kind, reason, raw, 'qwen-code' AS source, source_file, source_line, $import_id AS import_id
FROM checked WHERE reason IS NOT NULL
UNION ALL BY NAME
SELECT 'reject' AS row_kind, 'not valid JSON (a truncated or corrupted line)' AS reason, raw,
       'qwen-code' AS source, source_file, source_line, $import_id AS import_id
FROM recs WHERE NOT ok
UNION ALL BY NAME
SELECT 'skip' AS row_kind, 'qwen-code' AS source, source_file, $import_id AS import_id, count(*) AS row_count
FROM recs r
WHERE ok AND NOT EXISTS (SELECT 1 FROM checked c WHERE c.source_line = r.source_line AND (c.reason IS NOT NULL OR c.prompt_n + c.output_n > 0))
GROUP BY source_file
