-- Stage OpenCode messages from opencode_items (opencode/read-db.sql for opencode.db,
-- opencode/read-message.sql for a legacy message file): one usage row per assistant message that
-- carries tokens, a reject per message whose data is not JSON or whose id, time or counts do not read,
-- and per file one row counting the messages skipped (user messages, an assistant message still
-- streaming with all-zero tokens).
-- Units (Session.getUsage in OpenCode's session/index.ts): tokens.input is already the uncached rest
-- (for providers whose input includes the cache, OpenCode subtracts cache.read and cache.write before
-- storing), cache.read and cache.write are the cache buckets (writes: no TTL split, 5m). tokens.output
-- is the AI SDK's outputTokens, which includes reasoning for OpenAI and Anthropic models but not for
-- Google's (candidatesTokenCount), so reasoning is added to output for providers google and
-- google-vertex; reasoning_tokens = tokens.reasoning. cost is OpenCode's own price (models.dev); 0 (a
-- subscription, a local or unpriced model) is left to the catalog.
-- Identity: the message id (msg_…), the same in the database and the legacy files.
-- Attribution: session = sessionID; a subagent's session (its session has a parent, database only)
-- takes the parent's id as session, its own as agent_id, and is a sidechain. project = the folder name
-- of path.cwd, else of the session's directory. Tools: the message's tool parts (the database's part table,
-- or the legacy storage/part/<message id>/ files).
-- params: $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH assistant AS (
  SELECT source, source_file, source_line, left(CAST(rec AS VARCHAR), 100000) AS raw, coalesce(msg_id, rec->>'id') AS msg_id,
         coalesce(session_id, rec->>'sessionID') AS session_id, parent_session, directory, tools,
         coalesce(rec->'time'->>'created', time_created) AS time_text, rec->>'modelID' AS model_raw, lower(rec->>'providerID') AS provider_raw,
         rec->>'cost' AS cost_text, rec->'tokens'->>'input' AS input_text, rec->'tokens'->>'output' AS output_text,
         rec->'tokens'->>'reasoning' AS reasoning_text, rec->'tokens'->'cache'->>'read' AS read_text,
         rec->'tokens'->'cache'->>'write' AS write_text, rec->'path'->>'cwd' AS cwd, coalesce(rec->>'agent', rec->>'mode') AS agent,
         rec->'error'->>'name' AS error_name
  FROM opencode_items
  WHERE ok AND (rec->>'role') = 'assistant' AND json_type(rec, '$.tokens') = 'OBJECT'
),
typed AS (
  SELECT *, try_cast(time_text AS BIGINT) AS time_ms,
         token_count(input_text) AS input_n, token_count(output_text) AS output_n, coalesce(token_count(reasoning_text), 0) AS reasoning_n,
         coalesce(token_count(read_text), 0) AS read_n, coalesce(token_count(write_text), 0) AS write_n, try_cast(cost_text AS DOUBLE) AS cost_n,
         coalesce(token_count_fault('tokens.input', input_text), token_count_fault('tokens.output', output_text),
                  token_count_fault('tokens.reasoning', reasoning_text), token_count_fault('tokens.cache.read', read_text),
                  token_count_fault('tokens.cache.write', write_text)) AS count_fault
  FROM assistant
),
checked AS (
  SELECT *,
         CASE
           WHEN msg_id IS NULL THEN 'the message id is missing'
           WHEN time_ms IS NULL OR time_ms NOT BETWEEN 1 AND 32503680000000 THEN format('time.created is missing or not epoch milliseconds ({})', coalesce(time_text, 'none'))
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN input_n IS NULL OR output_n IS NULL OR (reasoning_text IS NOT NULL AND token_count(reasoning_text) IS NULL)
                OR (read_text IS NOT NULL AND token_count(read_text) IS NULL) OR (write_text IS NOT NULL AND token_count(write_text) IS NULL)
             THEN 'tokens: a count is missing or not a number'
           WHEN cost_text IS NOT NULL AND cost_n IS NULL THEN format('cost is not a number ({})', cost_text)
         END AS reason
  FROM typed
),
counted AS (
  SELECT * FROM checked WHERE reason IS NULL AND input_n + output_n + reasoning_n + read_n + write_n > 0
)
SELECT 'usage' AS row_kind, msg_id AS record_key, source, source_file, source_line, $import_id AS import_id,
       make_timestamp(time_ms * 1000) AT TIME ZONE 'UTC' AS started_at,
       CASE WHEN provider_raw IN ('google', 'google-vertex') THEN 'google' WHEN provider_raw = 'google-vertex-anthropic' THEN 'google'
            WHEN provider_raw = 'amazon-bedrock' THEN 'aws-bedrock' WHEN provider_raw IN ('ollama', 'lmstudio') THEN 'local'
            ELSE provider_raw END AS provider,
       model_raw, 1 AS requests, input_n AS input_tokens, read_n AS cache_read_tokens, write_n AS cache_write_5m_tokens,
       0 AS cache_write_1h_tokens,
       output_n + CASE WHEN provider_raw IN ('google', 'google-vertex') THEN reasoning_n ELSE 0 END AS output_tokens,
       reasoning_n AS reasoning_tokens, nullif(cost_n, 0) AS billed_cost_usd, 'standard' AS service_tier,
       coalesce(parent_session, session_id) AS session_id,
       CASE WHEN parent_session IS NOT NULL THEN session_id END AS agent_id, parent_session IS NOT NULL AS is_sidechain,
       nullif(regexp_extract(coalesce(cwd, directory), '([^/\\]+)[/\\]*$', 1), '') AS project,
       CASE WHEN agent IS NOT NULL THEN json_object('agent', agent, 'provider_id', provider_raw) END AS tags,
       tools, CASE WHEN error_name IS NOT NULL THEN 'error' ELSE 'ok' END AS status
FROM counted
UNION ALL BY NAME
SELECT 'reject' AS row_kind, reason, raw, source, source_file, source_line, $import_id AS import_id
FROM checked
WHERE reason IS NOT NULL
UNION ALL BY NAME
SELECT 'reject' AS row_kind, 'not valid JSON (a truncated or corrupted message)' AS reason, raw, source, source_file, source_line, $import_id AS import_id
FROM opencode_items
WHERE NOT ok
UNION ALL BY NAME
SELECT 'skip' AS row_kind, any_value(source) AS source, source_file, $import_id AS import_id, count(*) AS row_count
FROM opencode_items i
WHERE ok AND NOT EXISTS (SELECT 1 FROM checked c WHERE c.source_file = i.source_file AND c.source_line = i.source_line
                         AND (c.reason IS NOT NULL OR c.input_n + c.output_n + c.reasoning_n + c.read_n + c.write_n > 0))
GROUP BY source_file
