-- claude_code_lines(files, exact_files): the lines of Claude Code transcripts with the few fields
-- staging needs (claude_code_staged.sql), typed, from one of two readers:
--   * files: DuckDB's JSON reader (read_json, parallel within and across files) with the narrow
--     claude_code_line type. A line's position (`pos`) is its place in reading order across the batch
--     (row_number() over a scan runs as a streaming window, in the scan's order;
--     test/importers/claude-code.test.ts checks it against the line-by-line reading); the stage
--     statement subtracts the file's first (a window here would hold every line). That numbering is
--     exact only when each line of a file is one JSON object: the reader skips blank lines, and a line
--     that is not an object comes back without a type (ok = false). claude_code_staged checks every
--     file against its line count (counted when the import is planned) and has the others read again
--     as exact_files.
--   * exact_files: read_text split on newlines, each line at its line number whatever it holds, cast
--     to claude_code_line; the raw text is kept for lines to reject.
-- Only a usage line that reads carries its usage fields (one STRUCT), and only a human prompt its
-- text: every line goes into the stage statement's aggregation, so the others stay narrow. A trailing
-- CR is JSON whitespace.
CREATE OR REPLACE TEMP MACRO claude_code_lines(files, exact_files) AS TABLE
WITH json_lines AS (
  SELECT filename AS source_file, row_number() OVER () AS ordinal, j AS line
  FROM read_json(files, format = 'newline_delimited', records = false, ignore_errors = true, columns = {j: 'claude_code_line'})
),
text_lines AS (
  SELECT source_file, source_line,
         CASE WHEN source_line = 1 THEN ltrim(text, chr(65279)) ELSE text END AS raw  -- a UTF-8 byte-order mark
  FROM (SELECT filename AS source_file,
               unnest(range(1, len(string_split(content, E'\n')) + 1)) AS source_line,
               unnest(string_split(content, E'\n')) AS text
        FROM read_text(exact_files))
),
parsed AS (
  SELECT source_file, ordinal AS pos, false AS exact, line IS NOT NULL AND line.type IS NOT NULL AS ok, NULL AS raw, line
  FROM json_lines
  UNION ALL
  SELECT source_file, source_line AS pos, true AS exact,
         line IS NOT NULL OR json_valid(raw) AS ok,  -- valid JSON that is not an object is no record, but reads
         raw, line
  FROM (SELECT *, try_cast(try_cast(raw AS JSON) AS claude_code_line) AS line FROM text_lines WHERE raw NOT IN ('', E'\r'))
),
fields AS (
  SELECT source_file, pos, exact, ok, raw, line,
         -- a usage record: an assistant line with token counts that is not a local <synthetic> error
         coalesce(line.type = 'assistant' AND line.message.usage.input_tokens IS NOT NULL
                  AND coalesce(line.message.model, '') <> '<synthetic>', false) AS is_usage,
         CASE WHEN is_usage THEN try_cast(line.timestamp AS TIMESTAMPTZ) END AS ts,  -- only a record's time is kept
         CASE WHEN is_usage THEN token_count(line.message.usage.input_tokens) END AS input_tokens,
         CASE WHEN is_usage THEN token_count(line.message.usage.output_tokens) END AS output_tokens,
         CASE WHEN is_usage THEN  -- a count that cannot be one (negative, NaN, 1e308, 9e18) rejects its line, named
           coalesce(token_count_fault('usage.input_tokens', line.message.usage.input_tokens),
                    token_count_fault('usage.output_tokens', line.message.usage.output_tokens),
                    token_count_fault('usage.cache_read_input_tokens', line.message.usage.cache_read_input_tokens),
                    token_count_fault('usage.cache_creation_input_tokens', line.message.usage.cache_creation_input_tokens),
                    token_count_fault('usage.cache_creation.ephemeral_5m_input_tokens', line.message.usage.cache_creation.ephemeral_5m_input_tokens),
                    token_count_fault('usage.cache_creation.ephemeral_1h_input_tokens', line.message.usage.cache_creation.ephemeral_1h_input_tokens),
                    token_count_fault('usage.server_tool_use.web_search_requests', line.message.usage.server_tool_use.web_search_requests))
         END AS count_fault,
         CASE WHEN is_usage THEN
           CASE
             WHEN ts IS NULL THEN 'assistant line without a valid timestamp'
             WHEN count_fault IS NOT NULL THEN count_fault
             WHEN input_tokens IS NULL THEN 'usage.input_tokens is not a number'
             WHEN output_tokens IS NULL THEN 'usage.output_tokens is missing or not a number'
           END
         END AS reason,
         line.message.content AS content
  FROM parsed
)
SELECT source_file, pos, exact, ok, is_usage, reason,
       CASE WHEN is_usage THEN coalesce('msg:' || line.message.id, 'req:' || line.requestId, 'uuid:' || line.uuid) END AS key,
       -- what a usage line that reads carries into the ledger, typed (a value that does not read is
       -- NULL: the line is then rejected with its reason)
       CASE WHEN is_usage AND reason IS NULL THEN {
         ts: ts, session_id: line.sessionId, request_id: line.requestId,
         is_sidechain: coalesce(try_cast(line.isSidechain AS BOOLEAN), false), agent_id: line.agentId,
         cwd: line.cwd, git_branch: line.gitBranch, version: line.version, model_raw: line.message.model,
         input_tokens: input_tokens, output_tokens: output_tokens,
         cache_read_tokens: coalesce(token_count(line.message.usage.cache_read_input_tokens), 0),
         -- the 5m/1h split when written; older builds only have the total, which counts as 5m
         cache_write_5m_tokens: coalesce(token_count(line.message.usage.cache_creation.ephemeral_5m_input_tokens),
                                         token_count(line.message.usage.cache_creation_input_tokens), 0),
         cache_write_1h_tokens: coalesce(token_count(line.message.usage.cache_creation.ephemeral_1h_input_tokens), 0),
         web_search_requests: token_count(line.message.usage.server_tool_use.web_search_requests),
         service_tier: CASE WHEN line.message.usage.speed = 'fast' THEN 'fast' ELSE coalesce(line.message.usage.service_tier, 'standard') END
       } END AS usage,
       -- tool_use names (streamed transcripts write one content block per line, older ones several; NULLs
       -- and repeats go when staging merges a response's lines), plus 'Bash:test' when a Bash call ran a
       -- test runner (a classifier signal); NULL for a line with neither. Content that never says "name"
       -- (or "command") has no block with one, so most lines skip the second parse of their content.
       CASE WHEN is_usage AND (contains(content, '"name"') OR contains(content, '"command"')) THEN
         json_extract_string(content, '$[*].name')[1:8]
           || CASE WHEN contains(content, '"command"')
                        AND is_test_command(array_to_string(json_extract_string(content, '$[*].input.command')[1:4], E'\n'))
                   THEN ['Bash:test'] ELSE [] END
       END AS line_tools,
       CASE WHEN NOT ok OR (is_usage AND reason IS NOT NULL) THEN rtrim(left(raw, 100000), E'\r') END AS bad_raw,
       -- what the line says about how a turn went (agent_events, issue 18): its tool_use blocks, its
       -- tool_result blocks (a failed one's content too, which claude_code_staged.sql reads down to
       -- tool_error's few fields once the lines are grouped), or that it is a human prompt or the
       -- user's interrupt (claude_code_staged.sql keys and types them). Only lines that name a tool
       -- block parse their content again, only a line with an error keeps any of it; NULL for the others.
       CASE WHEN line.type = 'assistant' AND contains(content, '"tool_use"') THEN
              list_transform(list_filter(json_transform(content, '[{"type":"VARCHAR","id":"VARCHAR","name":"VARCHAR","input":{"command":"VARCHAR"}}]'),
                                         b -> b.type = 'tool_use'),
                             b -> {'kind': 'tool_call', 'call_id': b.id, 'tool_name': b.name, 'command': b.input.command,
                                   'is_error': NULL::BOOLEAN, 'error_content': NULL::JSON})
            -- a lambda must not read the line's content (DuckDB would copy it for every block of every
            -- line), nor work on a block's text (tool_error in a lambda cost a third of the line read)
            WHEN line.type = 'user' AND contains(content, '"tool_result"')
                 AND (contains(content, '"is_error":true') OR contains(content, '"is_error": true')) THEN
              list_transform(list_filter(json_transform(content, '[{"type":"VARCHAR","tool_use_id":"VARCHAR","is_error":"BOOLEAN","content":"JSON"}]'),
                                         b -> b.type = 'tool_result'),
                             b -> {'kind': 'tool_result', 'call_id': b.tool_use_id, 'tool_name': NULL::VARCHAR, 'command': NULL::VARCHAR,
                                   'is_error': coalesce(b.is_error, false), 'error_content': CASE WHEN b.is_error THEN b.content END})
            WHEN line.type = 'user' AND contains(content, '"tool_result"') THEN
              list_transform(list_filter(json_transform(content, '[{"type":"VARCHAR","tool_use_id":"VARCHAR"}]'), b -> b.type = 'tool_result'),
                             b -> {'kind': 'tool_result', 'call_id': b.tool_use_id, 'tool_name': NULL::VARCHAR, 'command': NULL::VARCHAR,
                                   'is_error': false, 'error_content': NULL::JSON})
       END AS tool_blocks,
       -- a human prompt: a user line that is not meta and carries no tool results, as a string or text
       -- blocks (src/importers/claude-code/resume.ts finds the last one before a file's end by the same definition)
       CASE WHEN line.type = 'user' AND line.message.usage IS NULL AND NOT coalesce(try_cast(line.isMeta AS BOOLEAN), false)
                 AND NOT contains(content, '"tool_result"') THEN
         CASE json_type(content)
           WHEN 'VARCHAR' THEN json_extract_string(content, '$')
           WHEN 'ARRAY' THEN nullif(array_to_string(list_filter(json_extract_string(content, '$[*].text'), x -> x IS NOT NULL), ' '), '')
         END
       END AS prompt,
       -- the line's own fields an event keeps: only on a line with tool blocks or a prompt
       CASE WHEN tool_blocks IS NOT NULL OR prompt IS NOT NULL THEN
         {'ts': try_cast(line.timestamp AS TIMESTAMPTZ), 'session_id': line.sessionId, 'uuid': line.uuid,
          'is_sidechain': coalesce(try_cast(line.isSidechain AS BOOLEAN), false)}
       END AS event_line
FROM fields
