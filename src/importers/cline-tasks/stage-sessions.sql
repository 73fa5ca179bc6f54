-- Stage one Cline SDK session file from cline_session_items (cline-tasks/read-sessions.sql): one usage
-- row per assistant message with `metrics` (the SDK stamps each model call's usage on the assistant
-- message it produced), a reject per such message whose metrics, ts or counts do not read, and per file
-- one row counting the messages skipped (user and tool-result messages, assistant messages without
-- metrics, an all-zero call).
-- Units (cline/cline sdk: llms normalizeUsage, the extension's sdkMessagesToClineMessages):
-- metrics.inputTokens is the whole prompt, cache reads and writes included, so uncached input =
-- inputTokens − cacheReadTokens − cacheWriteTokens; an inputTokens below its cache counts is already
-- the rest (an older handler's Anthropic-style count). outputTokens is output (reasoning included, not
-- reported apart); cacheWriteTokens has no TTL split (5m). cost is the SDK's own price
-- (billed_cost_usd; 0 is left to the catalog).
-- Identity: <session id>:<file stem>:<message id> (the id the SDK gives each stored message, kept on
-- every rewrite; ts when a message has none), so a rewritten, compacted or copied file adds nothing.
-- Attribution: session = the file's sessionId (the root session, also for a subagent's or teammate's
-- file), else the folder's name; a subagent's or teammate's file is a sidechain, its stem the agent_id.
-- model/provider = the message's modelInfo, else the manifest's; project = the folder name of the
-- manifest's workspace_root, else cwd. Tools: the message's tool_use blocks.
-- params: $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH docs AS (
  SELECT source_file, any_value(hints) AS hints, any_value(agent) AS agent, any_value(root_session) AS root_session
  FROM cline_session_items
  GROUP BY source_file
),
requests AS (
  SELECT source_file, source_line, left(CAST(msg AS VARCHAR), 100000) AS raw, msg->>'id' AS msg_id, msg->>'ts' AS ts_text,
         try_cast(msg->>'ts' AS BIGINT) AS ts_ms, msg->'modelInfo'->>'id' AS own_model, msg->'modelInfo'->>'provider' AS own_provider,
         CASE WHEN json_type(msg, '$.metrics') = 'OBJECT' THEN msg->'metrics' END AS metrics,
         list_sort(list_distinct(list_filter(
           list_transform(CASE WHEN json_type(msg, '$.content') = 'ARRAY' THEN CAST(json_extract(msg, '$.content[*]') AS JSON[]) ELSE [] END,
                          b -> CASE WHEN (b->>'type') IN ('tool_use', 'tool-call') THEN coalesce(b->>'name', b->>'toolName') END),
           n -> n IS NOT NULL AND n <> ''))) AS tools
  FROM cline_session_items
  WHERE ok AND (msg->>'role') = 'assistant' AND json_type(msg, '$.metrics') IS NOT NULL
),
typed AS (
  SELECT r.*, d.hints, coalesce(d.agent, 'lead') AS agent,
         coalesce(nullif(d.root_session, ''), regexp_extract(r.source_file, '([^/\\]+)[/\\][^/\\]+$', 1)) AS session_id,
         regexp_extract(r.source_file, '([^/\\]+?)(\.messages)?\.json$', 1) AS file_stem,
         coalesce(r.own_model, d.hints->>'model') AS model_raw, coalesce(r.own_provider, d.hints->>'provider') AS provider_raw,
         metrics->>'inputTokens' AS in_text, metrics->>'outputTokens' AS out_text, metrics->>'cacheReadTokens' AS read_text,
         metrics->>'cacheWriteTokens' AS write_text, metrics->>'cost' AS cost_text,
         token_count(metrics->>'inputTokens') AS in_n, token_count(metrics->>'outputTokens') AS out_n,
         coalesce(token_count(metrics->>'cacheReadTokens'), 0) AS read_n, coalesce(token_count(metrics->>'cacheWriteTokens'), 0) AS write_n,
         try_cast(metrics->>'cost' AS DOUBLE) AS cost_n,
         coalesce(token_count_fault('inputTokens', metrics->>'inputTokens'), token_count_fault('outputTokens', metrics->>'outputTokens'),
                  token_count_fault('cacheReadTokens', metrics->>'cacheReadTokens'),
                  token_count_fault('cacheWriteTokens', metrics->>'cacheWriteTokens')) AS count_fault
  FROM requests r
  JOIN docs d USING (source_file)
),
checked AS (
  SELECT *,
         CASE
           WHEN metrics IS NULL THEN 'metrics is not a JSON object'
           WHEN ts_ms IS NULL OR ts_ms NOT BETWEEN 1 AND 32503680000000 THEN format('ts is missing or not epoch milliseconds ({})', coalesce(ts_text, 'none'))
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN in_text IS NULL OR out_text IS NULL OR len(list_filter([in_text, out_text, read_text, write_text], v -> token_count(v) IS NULL AND v IS NOT NULL)) > 0
             THEN 'metrics: a token count is missing or not a number'
           WHEN cost_text IS NOT NULL AND cost_n IS NULL THEN format('cost is not a number ({})', cost_text)
         END AS reason
  FROM typed
),
counted AS (
  SELECT * FROM checked WHERE reason IS NULL AND in_n + out_n + read_n + write_n > 0
)
SELECT 'usage' AS row_kind, concat_ws(':', session_id, file_stem, coalesce(msg_id, 'ts' || ts_ms)) AS record_key, 'cline' AS source,
       source_file, source_line, $import_id AS import_id, make_timestamp(ts_ms * 1000) AT TIME ZONE 'UTC' AS started_at,
       cline_provider(provider_raw) AS provider, model_raw, 1 AS requests,
       in_n - CASE WHEN in_n >= read_n + write_n THEN read_n + write_n ELSE 0 END AS input_tokens,
       read_n AS cache_read_tokens, write_n AS cache_write_5m_tokens, 0 AS cache_write_1h_tokens, out_n AS output_tokens,
       nullif(cost_n, 0) AS billed_cost_usd, 'standard' AS service_tier, session_id,
       CASE WHEN agent <> 'lead' THEN file_stem END AS agent_id, agent <> 'lead' AS is_sidechain,
       nullif(regexp_extract(coalesce(hints->>'workspace_root', hints->>'cwd'), '([^/\\]+)[/\\]*$', 1), '') AS project,
       json_object('agent', agent, 'provider_id', provider_raw) AS tags, nullif(tools, []) AS tools, 'ok' AS status
FROM counted
UNION ALL BY NAME
SELECT 'reject' AS row_kind, reason, raw, 'cline' AS source, source_file, source_line, $import_id AS import_id
FROM checked
WHERE reason IS NOT NULL
UNION ALL BY NAME
SELECT 'reject' AS row_kind, 'not valid JSON (a truncated or corrupted file or message)' AS reason, raw, 'cline' AS source,
       source_file, source_line, $import_id AS import_id
FROM cline_session_items
WHERE NOT ok
UNION ALL BY NAME
SELECT 'skip' AS row_kind, 'cline' AS source, i.source_file, $import_id AS import_id, count(*) AS row_count
FROM cline_session_items i
WHERE i.ok AND NOT EXISTS (SELECT 1 FROM checked c WHERE c.source_file = i.source_file AND c.source_line = i.source_line
                           AND (c.reason IS NOT NULL OR c.in_n + c.out_n + c.read_n + c.write_n > 0))
GROUP BY i.source_file
