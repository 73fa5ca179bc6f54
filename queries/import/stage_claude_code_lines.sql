-- First step of staging Claude Code transcripts: split the files into lines in parallel (read_text
-- gives exact line numbers) and parse each line once into the few fields staging needs. Only lines
-- that mention "usage" are parsed in full (tool-result lines are large and carry no usage); human
-- prompts are looked for only in user lines without tool results. A trailing CR is JSON whitespace.
-- params: $files VARCHAR[]
CREATE OR REPLACE TEMP TABLE claude_code_lines AS
WITH lines AS (
  SELECT filename AS source_file,
         unnest(range(1, len(string_split(content, E'\n')) + 1)) AS source_line,
         unnest(string_split(content, E'\n')) AS text
  FROM read_text($files)
),
checked AS (
  SELECT source_file, source_line, raw, json_valid(raw) AS ok, contains(raw, '"usage"') AS has_usage
  FROM (SELECT source_file, source_line,
               CASE WHEN source_line = 1 THEN ltrim(text, chr(65279)) ELSE text END AS raw  -- a UTF-8 byte-order mark
        FROM lines)
  WHERE raw NOT IN ('', E'\r')
),
parsed AS (
  SELECT source_file, source_line, ok, raw, has_usage,
       CASE WHEN ok AND has_usage THEN
         json_extract_string(raw, ['$.type', '$.timestamp', '$.sessionId', '$.requestId', '$.uuid', '$.isSidechain',
                                   '$.agentId', '$.cwd', '$.gitBranch', '$.version', '$.message.id', '$.message.model',
                                   '$.message.usage.input_tokens', '$.message.usage.output_tokens',
                                   '$.message.usage.cache_creation_input_tokens', '$.message.usage.cache_read_input_tokens',
                                   '$.message.usage.cache_creation.ephemeral_5m_input_tokens',
                                   '$.message.usage.cache_creation.ephemeral_1h_input_tokens',
                                   '$.message.usage.service_tier', '$.message.usage.speed',
                                   '$.message.usage.server_tool_use.web_search_requests',
                                   -- tool_use names: streamed transcripts write one content block per line,
                                   -- older ones several
                                   '$.message.content[0].name', '$.message.content[1].name', '$.message.content[2].name',
                                   '$.message.content[3].name', '$.message.content[4].name', '$.message.content[5].name',
                                   '$.message.content[6].name', '$.message.content[7].name',
                                   -- Bash commands, to tell a response that runs the test suite
                                   '$.message.content[0].input.command', '$.message.content[1].input.command',
                                   '$.message.content[2].input.command', '$.message.content[3].input.command'])
       END AS f
FROM checked
)
-- the raw text is kept only for lines that will be rejected: not JSON, or an assistant line whose
-- timestamp or token counts do not read (see stage_claude_code.sql)
SELECT source_file, source_line, ok, f,
       CASE WHEN NOT ok OR (f[1] = 'assistant' AND f[13] IS NOT NULL AND coalesce(f[12], '') <> '<synthetic>'
                             AND (try_cast(f[2] AS TIMESTAMPTZ) IS NULL OR try_cast(f[13] AS BIGINT) IS NULL
                                  OR try_cast(f[14] AS BIGINT) IS NULL))
            THEN rtrim(left(raw, 100000), E'\r') END AS bad_raw,
       CASE WHEN ok AND NOT has_usage AND NOT contains(raw, '"tool_result"')
                 AND json_extract_string(raw, '$.type') = 'user'
                 AND NOT coalesce(try_cast(json_extract_string(raw, '$.isMeta') AS BOOLEAN), false) THEN
         CASE json_type(raw, '$.message.content')  -- a string, or text blocks
           WHEN 'VARCHAR' THEN json_extract_string(raw, '$.message.content')
           WHEN 'ARRAY' THEN nullif(array_to_string(list_filter(json_extract_string(raw, '$.message.content[*].text'), x -> x IS NOT NULL), ' '), '')
         END
       END AS prompt
FROM parsed
