-- Stage one Gemini CLI chat recording from gemini_cli_items (gemini-cli/read.sql): one usage row per
-- message of type 'gemini' that carries tokens, a reject per record that is not JSON or whose tokens
-- or timestamp do not read, and per file one row counting the records skipped (the metadata line,
-- user/info/error messages, $set and $rewindTo records, a message written before its tokens, an
-- all-zero count).
-- Units (chatRecordingService.recordMessageTokens, from the response's usageMetadata): tokens.input
-- is promptTokenCount and INCLUDES tokens.cached (cachedContentTokenCount); tokens.tool
-- (toolUsePromptTokenCount) is prompt fed back from tools, billed as input; tokens.output
-- (candidatesTokenCount) excludes tokens.thoughts, billed as output. So uncached input = input −
-- cached + tool, output = output + thoughts, reasoning_tokens = thoughts.
-- Identity: <session id>:<message id>. The CLI appends a message again, whole and with the same id,
-- when its tokens or tool calls arrive, and a resumed legacy .json is copied into a new .jsonl: every
-- copy has the same key and the same tokens, so it is a duplicate. $rewindTo hides messages from the
-- conversation, but their requests were made and billed: they still count. $set records (metadata,
-- and the history rewritten whole) are skipped: their messages were appended when they happened.
-- Attribution: session = the file's metadata sessionId; a subagent (kind 'subagent', in
-- chats/<parent session id>/) takes its parent's session, its own id as agent_id, and is a sidechain.
-- project = the tmp/<project>/ folder name (a short name in newer CLIs, the project hash in older).
-- Tools: the names of the message's toolCalls, over all its copies.
-- params: $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH meta AS (  -- the file's metadata: its first record naming the session (or the legacy document's own)
  SELECT source_file,
         coalesce(any_value(doc_session), first(rec->>'sessionId' ORDER BY item) FILTER (WHERE (rec->>'id') IS NULL)) AS session,
         coalesce(any_value(doc_project_hash), first(rec->>'projectHash' ORDER BY item) FILTER (WHERE (rec->>'id') IS NULL)) AS project_hash,
         coalesce(any_value(doc_kind), first(rec->>'kind' ORDER BY item) FILTER (WHERE (rec->>'id') IS NULL AND (rec->>'sessionId') IS NOT NULL)) AS kind
  FROM gemini_cli_items
  WHERE ok
  GROUP BY source_file
),
messages AS (
  SELECT source_file, source_line, item, raw, rec->>'id' AS msg_id, rec->>'timestamp' AS time_text, rec->>'model' AS model_raw,
         rec->'tokens'->>'input' AS input_text, rec->'tokens'->>'output' AS output_text, rec->'tokens'->>'cached' AS cached_text,
         rec->'tokens'->>'thoughts' AS thoughts_text, rec->'tokens'->>'tool' AS tool_text
  FROM gemini_cli_items
  WHERE ok AND json_type(rec, '$.id') = 'VARCHAR' AND (rec->>'type') = 'gemini' AND json_type(rec, '$.tokens') = 'OBJECT'
),
tool_names AS (  -- every copy's tool calls: the copy with tokens may predate the last calls
  SELECT source_file, rec->>'id' AS msg_id,
         list_sort(list_distinct(flatten(list(CAST(json_extract_string(rec, '$.toolCalls[*].name') AS VARCHAR[]))))) AS tools
  FROM gemini_cli_items
  WHERE ok AND json_type(rec, '$.toolCalls') = 'ARRAY'
  GROUP BY ALL
),
typed AS (
  SELECT *, try_cast(time_text AS TIMESTAMPTZ) AS started_at,
         token_count(input_text) AS input_n, token_count(output_text) AS output_n, coalesce(token_count(cached_text), 0) AS cached_n,
         coalesce(token_count(thoughts_text), 0) AS thoughts_n, coalesce(token_count(tool_text), 0) AS tool_n,
         coalesce(token_count_fault('tokens.input', input_text), token_count_fault('tokens.output', output_text),
                  token_count_fault('tokens.cached', cached_text), token_count_fault('tokens.thoughts', thoughts_text),
                  token_count_fault('tokens.tool', tool_text)) AS count_fault
  FROM messages
),
checked AS (
  SELECT *,
         CASE
           WHEN started_at IS NULL THEN format('timestamp is missing or not a time ({})', coalesce(time_text, 'none'))
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN input_n IS NULL OR output_n IS NULL OR (cached_text IS NOT NULL AND token_count(cached_text) IS NULL)
                OR (thoughts_text IS NOT NULL AND token_count(thoughts_text) IS NULL) OR (tool_text IS NOT NULL AND token_count(tool_text) IS NULL)
             THEN 'tokens: a count is missing or not a number'
           WHEN cached_n > input_n THEN format('tokens.cached ({}) exceeds tokens.input ({}), which includes it', cached_n, input_n)
         END AS reason
  FROM typed
),
counted AS (
  SELECT * FROM checked WHERE reason IS NULL AND input_n + output_n + thoughts_n + tool_n > 0
)
SELECT 'usage' AS row_kind, concat_ws(':', coalesce(m.session, c.source_file), c.msg_id) AS record_key, 'gemini-cli' AS source,
       c.source_file, c.source_line, $import_id AS import_id, c.started_at, 'google' AS provider, c.model_raw, 1 AS requests,
       c.input_n - c.cached_n + c.tool_n AS input_tokens, c.cached_n AS cache_read_tokens, 0 AS cache_write_5m_tokens,
       0 AS cache_write_1h_tokens, c.output_n + c.thoughts_n AS output_tokens, c.thoughts_n AS reasoning_tokens,
       'standard' AS service_tier,
       CASE WHEN m.kind = 'subagent' THEN coalesce(nullif(regexp_extract(c.source_file, '[/\\]chats[/\\]([^/\\]+)[/\\][^/\\]+$', 1), ''), m.session)
            ELSE m.session END AS session_id,
       coalesce(nullif(regexp_extract(c.source_file, '[/\\]tmp[/\\]([^/\\]+)[/\\]chats[/\\]', 1), ''), m.project_hash) AS project,
       CASE WHEN m.kind = 'subagent' THEN m.session END AS agent_id,
       coalesce(m.kind = 'subagent', false) AS is_sidechain,
       json_object('project_hash', m.project_hash, 'kind', m.kind) AS tags,
       t.tools, 'ok' AS status
FROM counted c
LEFT JOIN meta m USING (source_file)
LEFT JOIN tool_names t USING (source_file, msg_id)
UNION ALL BY NAME
SELECT 'reject' AS row_kind, reason, raw, 'gemini-cli' AS source, source_file, source_line, $import_id AS import_id
FROM checked
WHERE reason IS NOT NULL
UNION ALL BY NAME
SELECT 'reject' AS row_kind, 'not valid JSON (a truncated or corrupted line)' AS reason, raw,
       'gemini-cli' AS source, source_file, source_line, $import_id AS import_id
FROM gemini_cli_items
WHERE NOT ok
UNION ALL BY NAME
SELECT 'skip' AS row_kind, 'gemini-cli' AS source, source_file, $import_id AS import_id, count(*) AS row_count
FROM gemini_cli_items i
WHERE ok AND NOT EXISTS (SELECT 1 FROM checked c
                         WHERE c.item = i.item AND (c.reason IS NOT NULL OR c.input_n + c.output_n + c.thoughts_n + c.tool_n > 0))
GROUP BY source_file
