-- claude_code_lines(files): the lines of Claude Code transcripts, each parsed once into the few
-- fields staging needs (stage_claude_code.sql). read_text gives exact line numbers; it reads its files
-- on one thread and holds them whole, so the stage statement calls this macro once per batch of files.
-- Every line is parsed once: lines that mention "usage" in full, by one typed from_json (a path lookup
-- per field costs twice as much), tool-result lines (large, no usage) only checked to be JSON, and
-- the rest for a human prompt (user lines without tool results). A trailing CR is JSON whitespace. Fields are read as
-- VARCHAR (the JSON text of a number) and cast here, so a value that does not read rejects its line.
CREATE OR REPLACE TEMP MACRO claude_code_lines(files) AS TABLE
WITH lines AS (
  SELECT filename AS source_file,
         unnest(range(1, len(string_split(content, E'\n')) + 1)) AS source_line,
         unnest(string_split(content, E'\n')) AS text
  FROM read_text(files)
),
checked AS (
  SELECT source_file, source_line, raw, contains(raw, '"usage"') AS has_usage
  FROM (SELECT source_file, source_line,
               CASE WHEN source_line = 1 THEN ltrim(text, chr(65279)) ELSE text END AS raw  -- a UTF-8 byte-order mark
        FROM lines
        -- blank lines are not rows (written on text, as the filter on raw would compute raw twice)
        WHERE CASE WHEN source_line = 1 THEN ltrim(text, chr(65279)) NOT IN ('', E'\r') ELSE text NOT IN ('', E'\r') END)
),
parsed AS (
  SELECT source_file, source_line, raw, has_usage,
         -- try(): a line that is not JSON parses to NULL (json_valid would parse it a second time)
         CASE WHEN has_usage THEN try(from_json(raw, '{
           "type": "VARCHAR", "timestamp": "VARCHAR", "sessionId": "VARCHAR", "requestId": "VARCHAR", "uuid": "VARCHAR",
           "isSidechain": "VARCHAR", "agentId": "VARCHAR", "cwd": "VARCHAR", "gitBranch": "VARCHAR", "version": "VARCHAR",
           "message": {
             "id": "VARCHAR", "model": "VARCHAR",
             "usage": {
               "input_tokens": "VARCHAR", "output_tokens": "VARCHAR",
               "cache_creation_input_tokens": "VARCHAR", "cache_read_input_tokens": "VARCHAR",
               "cache_creation": {"ephemeral_5m_input_tokens": "VARCHAR", "ephemeral_1h_input_tokens": "VARCHAR"},
               "service_tier": "VARCHAR", "speed": "VARCHAR",
               "server_tool_use": {"web_search_requests": "VARCHAR"}
             },
             "content": [{"name": "VARCHAR", "input": {"command": "VARCHAR"}}]
           }
         }')) END AS j,
         -- other lines: tool results only need to be JSON; the rest may be a human prompt, read in the same parse
         CASE WHEN NOT has_usage AND NOT contains(raw, '"tool_result"') THEN
           try(from_json(raw, '{"type": "VARCHAR", "isMeta": "VARCHAR", "message": {"content": "JSON"}}'))
         END AS other
  FROM checked
),
fields AS (
  SELECT source_file, source_line, raw, has_usage, other,
         CASE WHEN has_usage THEN j IS NOT NULL WHEN other IS NOT NULL THEN true ELSE json_valid(raw) END AS ok,
         j.type AS line_type, j.timestamp AS ts_text, j.sessionId AS session_id, j.requestId AS request_id, j.uuid AS uuid,
         j.isSidechain AS sidechain_text, j.agentId AS agent_id, j.cwd AS cwd, j.gitBranch AS git_branch, j.version AS version,
         j.message.id AS message_id, j.message.model AS model_raw,
         j.message.usage.input_tokens AS input_text, j.message.usage.output_tokens AS output_text,
         j.message.usage.cache_creation_input_tokens AS write_total_text, j.message.usage.cache_read_input_tokens AS cache_read_text,
         j.message.usage.cache_creation.ephemeral_5m_input_tokens AS write_5m_text,
         j.message.usage.cache_creation.ephemeral_1h_input_tokens AS write_1h_text,
         j.message.usage.service_tier AS tier, j.message.usage.speed AS speed,
         j.message.usage.server_tool_use.web_search_requests AS web_searches_text,
         -- tool_use names: streamed transcripts write one content block per line, older ones several
         coalesce(list_filter(list_transform(j.message.content[1:8], c -> c.name), x -> x IS NOT NULL), []) AS tool_names,
         -- Bash commands, to tell a response that runs the test suite
         list_transform(j.message.content[1:4], c -> c.input.command) AS commands
  FROM parsed
),
typed AS (
  SELECT *,
         -- a usage record: an assistant line with token counts that is not a local <synthetic> error
         coalesce(line_type = 'assistant' AND input_text IS NOT NULL AND coalesce(model_raw, '') <> '<synthetic>', false) AS is_usage,
         try_cast(ts_text AS TIMESTAMPTZ) AS ts,
         try_cast(input_text AS BIGINT) AS input_tokens,
         try_cast(output_text AS BIGINT) AS output_tokens
  FROM fields
)
-- usage lines carry what staging needs, typed (a value that does not read is NULL: the line is then
-- rejected with its reason); the raw text is kept only for lines to reject
SELECT source_file, source_line, ok, is_usage,
       CASE WHEN is_usage THEN coalesce('msg:' || message_id, 'req:' || request_id, 'uuid:' || uuid) END AS key,
       CASE WHEN is_usage THEN
         CASE
           WHEN ts IS NULL THEN 'assistant line without a valid timestamp'
           WHEN input_tokens IS NULL THEN 'usage.input_tokens is not a number'
           WHEN output_tokens IS NULL THEN 'usage.output_tokens is missing or not a number'
         END
       END AS reason,
       ts, session_id, request_id, coalesce(try_cast(sidechain_text AS BOOLEAN), false) AS is_sidechain, agent_id, cwd,
       git_branch, version, model_raw, input_tokens, output_tokens,
       coalesce(try_cast(cache_read_text AS BIGINT), 0) AS cache_read_tokens,
       -- the 5m/1h split when written; older builds only have the total, which counts as 5m
       coalesce(try_cast(write_5m_text AS BIGINT), try_cast(write_total_text AS BIGINT), 0) AS cache_write_5m_tokens,
       coalesce(try_cast(write_1h_text AS BIGINT), 0) AS cache_write_1h_tokens,
       try_cast(web_searches_text AS BIGINT) AS web_search_requests,
       CASE WHEN speed = 'fast' THEN 'fast' ELSE coalesce(tier, 'standard') END AS service_tier,
       -- tool_use names, plus 'Bash:test' when a Bash call ran a test runner (a classifier signal)
       CASE WHEN is_usage THEN
         tool_names
           || CASE WHEN len(list_filter(commands, c -> c IS NOT NULL AND regexp_matches(c,
                 '(^|[\s;&|(])((npm|yarn|pnpm)\b[^;&|]*\b(test|vitest|jest)|npx (vitest|jest|mocha)|vitest|jest|pytest|python3? -m (pytest|unittest)|go test|cargo (test|nextest)|mvn\b[^;&|]*\btest|gradlew?\b[^;&|]*\btest|make test|rspec|phpunit|dotnet test|ctest)\b'))) > 0
                   THEN ['Bash:test'] ELSE [] END
       END AS line_tools,
       CASE WHEN NOT ok OR (is_usage AND (ts IS NULL OR input_tokens IS NULL OR output_tokens IS NULL))
            THEN rtrim(left(raw, 100000), E'\r') END AS bad_raw,
       CASE WHEN other.type = 'user' AND NOT coalesce(try_cast(other.isMeta AS BOOLEAN), false) THEN
         CASE json_type(other.message.content)  -- a string, or text blocks
           WHEN 'VARCHAR' THEN json_extract_string(other.message.content, '$')
           WHEN 'ARRAY' THEN nullif(array_to_string(list_filter(json_extract_string(other.message.content, '$[*].text'), x -> x IS NOT NULL), ' '), '')
         END
       END AS prompt
FROM typed
