-- Stage one Cline / Roo Code / Kilo Code task log from cline_task_items (cline-tasks/read.sql): one
-- usage row per `api_req_started` message whose text carries counts, a reject per message whose text
-- is not JSON or whose ts or counts do not read, and per file one row counting the messages skipped
-- (everything else, a request still waiting for its counts, an all-zero request).
-- Units (ClineApiReqInfo): tokensOut is output (reasoning folded in, not split out); cacheReads and
-- cacheWrites are the cache buckets (writes have no TTL split: 5m). What tokensIn means depends on the
-- writer (docs/formats.md): Cline records the uncached rest, except for providers that pass OpenAI's
-- prompt_tokens through (openai-compatible, litellm, …: cache included); Roo Code since 3.29.5
-- (2025-11-01) and Kilo Code since 4.119.0 (2025-11-12) record the whole prompt; before that an
-- Anthropic-protocol request recorded the rest. A tokensIn below its cache counts is always the rest.
-- Identity: <extension>:<task id>:<ts>; the file is rewritten whole, so every read keys the same.
-- Attribution: session = the task id (the folder's name); model = the message's modelInfo (Cline),
-- else the model the task's metadata or prompts name last before the next request (hints); project =
-- the workspace folder's name. Tools: the tool, command, MCP and browser messages after the request.
-- params: $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH file_hints AS (
  SELECT source_file, any_value(hints) AS hints FROM cline_task_items GROUP BY source_file
),
timeline AS (  -- (ts, model, provider) as the task's other files name them
  SELECT source_file, try_cast(m->>'ts' AS BIGINT) AS ts_ms, m->>'model' AS model, m->>'provider' AS provider
  FROM (SELECT source_file, unnest(CAST(json_extract(hints, '$.models[*]') AS JSON[])) AS m FROM file_hints)
  WHERE try_cast(m->>'ts' AS BIGINT) IS NOT NULL
),
first_model AS (
  SELECT source_file, arg_min(model, ts_ms) AS model, arg_min(provider, ts_ms) AS provider FROM timeline GROUP BY source_file
),
msgs AS (
  SELECT source_file, source_line, msg, coalesce(msg->>'say', msg->>'ask') AS kind, msg->>'say' AS say, msg->>'text' AS text,
         max(CASE WHEN (msg->>'say') = 'api_req_started' THEN source_line END)
           OVER (PARTITION BY source_file ORDER BY source_line ROWS UNBOUNDED PRECEDING) AS request_line
  FROM cline_task_items
  WHERE ok
),
tool_names AS (  -- what each request's response asked to run
  SELECT source_file, request_line AS source_line, list_sort(list_distinct(list(name) FILTER (WHERE name IS NOT NULL AND name <> ''))) AS tools
  FROM (
    SELECT source_file, request_line,
           CASE kind
             WHEN 'tool' THEN json_extract_string(CASE WHEN json_valid(text) THEN text END, '$.tool')
             WHEN 'command' THEN 'execute_command'
             WHEN 'use_mcp_server' THEN 'mcp__' || json_extract_string(CASE WHEN json_valid(text) THEN text END, '$.serverName') || '__'
                                        || json_extract_string(CASE WHEN json_valid(text) THEN text END, '$.toolName')
             WHEN 'browser_action_launch' THEN 'browser_action'
           END AS name
    FROM msgs
    WHERE request_line IS NOT NULL AND kind IN ('tool', 'command', 'use_mcp_server', 'browser_action_launch')
  )
  GROUP BY ALL
),
requests AS (
  SELECT m.source_file, m.source_line, left(CAST(m.msg AS VARCHAR), 100000) AS raw, m.msg->>'ts' AS ts_text,
         try_cast(m.msg->>'ts' AS BIGINT) AS ts_ms, m.msg->'modelInfo'->>'modelId' AS own_model, m.msg->'modelInfo'->>'providerId' AS own_provider,
         m.msg->'modelInfo'->>'mode' AS mode,
         CASE WHEN json_valid(m.text) THEN CASE WHEN json_type(m.text) = 'OBJECT' THEN CAST(m.text AS JSON) END END AS info
  FROM msgs m
  WHERE m.say = 'api_req_started'
),
fields AS (
  SELECT r.*, info->>'tokensIn' AS in_text, info->>'tokensOut' AS out_text, info->>'cacheReads' AS read_text,
         info->>'cacheWrites' AS write_text, info->>'cost' AS cost_text, info->>'apiProtocol' AS protocol,
         coalesce(lead(ts_ms) OVER (PARTITION BY source_file ORDER BY source_line), 9223372036854775807) AS next_ts_ms,
         coalesce(h.hints->>'extension',
                  CASE WHEN bool_or((info->>'apiProtocol') IS NOT NULL) OVER (PARTITION BY source_file) THEN 'roo-code' ELSE 'cline' END) AS extension,
         nullif(regexp_extract(h.hints->>'cwd', '([^/\\]+)[/\\]*$', 1), '') AS project,
         regexp_extract(r.source_file, '([^/\\]+)[/\\][^/\\]+$', 1) AS task_id
  FROM requests r
  JOIN file_hints h USING (source_file)
),
typed AS (
  SELECT f.*, coalesce(f.own_model, t.model, fm.model) AS model_raw, coalesce(f.own_provider, t.provider, fm.provider) AS provider_raw,
         CASE WHEN f.ts_ms BETWEEN 1 AND 32503680000000 THEN make_timestamp(f.ts_ms * 1000) AT TIME ZONE 'UTC' END AS started_at,
         token_count(in_text) AS in_n, token_count(out_text) AS out_n, coalesce(token_count(read_text), 0) AS read_n,
         coalesce(token_count(write_text), 0) AS write_n, try_cast(cost_text AS DOUBLE) AS cost_n,  -- 0: the extension had no price (a local model): left to the catalog
         coalesce(token_count_fault('tokensIn', in_text), token_count_fault('tokensOut', out_text),
                  token_count_fault('cacheReads', read_text), token_count_fault('cacheWrites', write_text)) AS count_fault
  FROM fields f
  ASOF LEFT JOIN timeline t ON t.source_file = f.source_file AND f.next_ts_ms > t.ts_ms
  LEFT JOIN first_model fm ON fm.source_file = f.source_file
),
checked AS (
  SELECT *,
         CASE
           WHEN info IS NULL THEN 'api_req_started text is not a JSON object'
           WHEN in_text IS NULL AND out_text IS NULL THEN NULL  -- still waiting for its counts: skipped
           WHEN ts_ms IS NULL OR ts_ms NOT BETWEEN 1 AND 32503680000000 THEN format('ts is missing or not epoch milliseconds ({})', coalesce(ts_text, 'none'))
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN (in_text IS NOT NULL AND in_n IS NULL) OR (out_text IS NOT NULL AND out_n IS NULL)
                OR (read_text IS NOT NULL AND token_count(read_text) IS NULL) OR (write_text IS NOT NULL AND token_count(write_text) IS NULL)
             THEN 'a token count is not a number'
           WHEN cost_text IS NOT NULL AND cost_n IS NULL THEN format('cost is not a number ({})', cost_text)
         END AS reason,
         CASE  -- does tokensIn include the cache counts?
           WHEN coalesce(in_n, 0) < read_n + write_n THEN false
           WHEN extension = 'cline' THEN lower(coalesce(provider_raw, '')) IN ('openai', 'litellm', 'doubao', 'fireworks', 'hicap', 'lmstudio', 'qwen', 'xai', 'zai')
           WHEN coalesce(protocol, 'anthropic') = 'anthropic'
                AND ts_ms < CASE extension WHEN 'kilo-code' THEN 1762905600000 ELSE 1761955200000 END THEN false  -- 2025-11-12 / 2025-11-01
           ELSE true
         END AS input_includes_cache
  FROM typed
),
counted AS (
  SELECT * FROM checked WHERE reason IS NULL AND (in_text IS NOT NULL OR out_text IS NOT NULL)
    AND coalesce(in_n, 0) + coalesce(out_n, 0) + read_n + write_n > 0
)
SELECT 'usage' AS row_kind, concat_ws(':', c.extension, c.task_id, c.ts_ms) AS record_key, c.extension AS source,
       c.source_file, c.source_line, $import_id AS import_id, c.started_at,
       cline_provider(c.provider_raw) AS provider,
       c.model_raw, 1 AS requests,
       coalesce(c.in_n, 0) - CASE WHEN c.input_includes_cache THEN c.read_n + c.write_n ELSE 0 END AS input_tokens,
       c.read_n AS cache_read_tokens, c.write_n AS cache_write_5m_tokens, 0 AS cache_write_1h_tokens,
       coalesce(c.out_n, 0) AS output_tokens, nullif(c.cost_n, 0) AS billed_cost_usd, 'standard' AS service_tier,
       c.task_id AS session_id, c.project,
       CASE WHEN c.protocol IS NOT NULL OR c.mode IS NOT NULL OR (c.info->>'cancelReason') IS NOT NULL
            THEN json_object('api_protocol', c.protocol, 'mode', c.mode, 'cancel_reason', c.info->>'cancelReason') END AS tags,
       t.tools,
       CASE WHEN (c.info->>'streamingFailedMessage') IS NOT NULL OR (c.info->>'cancelReason') = 'streaming_failed' THEN 'error' ELSE 'ok' END AS status
FROM counted c
LEFT JOIN tool_names t USING (source_file, source_line)
UNION ALL BY NAME
SELECT 'reject' AS row_kind, reason, raw, extension AS source, source_file, source_line, $import_id AS import_id
FROM checked
WHERE reason IS NOT NULL
UNION ALL BY NAME
SELECT 'reject' AS row_kind, 'not valid JSON (a truncated or corrupted file or message)' AS reason, i.raw,
       coalesce(h.hints->>'extension', 'cline') AS source, i.source_file, i.source_line, $import_id AS import_id
FROM cline_task_items i
JOIN file_hints h USING (source_file)
WHERE NOT i.ok
UNION ALL BY NAME
SELECT 'skip' AS row_kind, coalesce(any_value(h.hints->>'extension'), 'cline') AS source, i.source_file, $import_id AS import_id, count(*) AS row_count
FROM cline_task_items i
JOIN file_hints h USING (source_file)
WHERE i.ok AND NOT EXISTS (SELECT 1 FROM checked c WHERE c.source_file = i.source_file AND c.source_line = i.source_line
                           AND (c.reason IS NOT NULL OR c.source_line IN (SELECT source_line FROM counted k WHERE k.source_file = c.source_file)))
GROUP BY i.source_file
