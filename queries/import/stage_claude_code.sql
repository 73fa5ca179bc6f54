-- Second step of staging Claude Code transcripts (after stage_claude_code_lines.sql): one staged row
-- per assistant line that carries usage (several lines of one API response share message.id; the
-- merge keeps the most complete), a reject per line that is not JSON or lacks what a usage record
-- needs, and per file one row counting the lines skipped (human prompts, tool results, summaries,
-- <synthetic> local errors).
-- params: $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH responses AS (
  SELECT source_file, source_line, bad_raw,
         -- tool_use names, plus 'Bash:test' when a Bash call ran a test runner (a classifier signal)
         list_filter(f[22:29], x -> x IS NOT NULL)
           || CASE WHEN len(list_filter(f[30:33], c -> regexp_matches(coalesce(c, ''),
                 '(^|[\s;&|(])((npm|yarn|pnpm)\b[^;&|]*\b(test|vitest|jest)|npx (vitest|jest|mocha)|vitest|jest|pytest|python3? -m (pytest|unittest)|go test|cargo (test|nextest)|mvn\b[^;&|]*\btest|gradlew?\b[^;&|]*\btest|make test|rspec|phpunit|dotnet test|ctest)\b'))) > 0
                   THEN ['Bash:test'] ELSE [] END AS line_tools,
         try_cast(f[2] AS TIMESTAMPTZ) AS ts, f[3] AS session_id, f[4] AS request_id,
         coalesce(try_cast(f[6] AS BOOLEAN), false) AS is_sidechain, f[7] AS agent_id, f[8] AS cwd, f[9] AS git_branch,
         f[10] AS version, f[12] AS model_raw,
         try_cast(f[13] AS BIGINT) AS input_tokens, try_cast(f[14] AS BIGINT) AS output_tokens,
         try_cast(f[15] AS BIGINT) AS write_total, try_cast(f[16] AS BIGINT) AS cache_read,
         try_cast(f[17] AS BIGINT) AS write_5m, try_cast(f[18] AS BIGINT) AS write_1h,
         f[19] AS tier, f[20] AS speed, try_cast(f[21] AS BIGINT) AS web_searches,
         coalesce('msg:' || f[11], 'req:' || f[4], 'uuid:' || f[5]) AS key
  FROM claude_code_lines
  WHERE f[1] = 'assistant' AND f[13] IS NOT NULL AND coalesce(f[12], '') <> '<synthetic>'
),
response_tools AS (  -- tool_use names of every line of a response, not just the line the merge keeps
  SELECT key, list_sort(list_distinct(flatten(list(line_tools)))) AS tools FROM responses GROUP BY key
),
prompts AS (
  SELECT source_file, source_line, prompt FROM claude_code_lines WHERE prompt IS NOT NULL
),
usage_rows AS (
  SELECT r.*, t.tools, left(p.prompt, 4000) AS prompt_text,  -- the turn's last human prompt before the response
         CASE
           WHEN r.ts IS NULL THEN 'assistant line without a valid timestamp'
           WHEN r.input_tokens IS NULL THEN 'usage.input_tokens is not a number'
           WHEN r.output_tokens IS NULL THEN 'usage.output_tokens is missing or not a number'
         END AS reason,
         r.bad_raw AS raw
  FROM responses r
  JOIN response_tools t USING (key)
  ASOF LEFT JOIN prompts p ON p.source_file = r.source_file AND r.source_line >= p.source_line
)
SELECT CASE WHEN reason IS NULL THEN 'usage' ELSE 'reject' END AS row_kind,
       reason,
       raw,
       key AS record_key,
       'claude-code' AS source,
       source_file,
       source_line,
       $import_id AS import_id,
       ts AS started_at,
       'anthropic' AS provider,
       model_raw,
       1 AS requests,
       input_tokens,
       coalesce(cache_read, 0) AS cache_read_tokens,
       -- the 5m/1h split when written; older builds only have the total, which counts as 5m
       coalesce(write_5m, write_total, 0) AS cache_write_5m_tokens,
       coalesce(write_1h, 0) AS cache_write_1h_tokens,
       output_tokens,
       web_searches AS web_search_requests,
       CASE WHEN speed = 'fast' THEN 'fast' ELSE coalesce(tier, 'standard') END AS service_tier,
       session_id,
       regexp_extract(cwd, '([^/\\]+)[/\\]*$', 1) AS project,
       agent_id,
       is_sidechain,
       json_object('cwd', cwd, 'git_branch', git_branch, 'version', version, 'request_id', request_id) AS tags,
       tools,
       'ok' AS status,
       prompt_text
FROM usage_rows
UNION ALL BY NAME
SELECT 'reject' AS row_kind, 'not valid JSON (a truncated or corrupted line)' AS reason, bad_raw AS raw,
       'claude-code' AS source, source_file, source_line, $import_id AS import_id
FROM claude_code_lines
WHERE NOT ok
UNION ALL BY NAME
SELECT 'skip' AS row_kind, 'claude-code' AS source, source_file, $import_id AS import_id, count(*) AS row_count
FROM claude_code_lines
WHERE ok AND NOT (coalesce(f[1] = 'assistant' AND f[13] IS NOT NULL AND coalesce(f[12], '') <> '<synthetic>', false))
GROUP BY source_file
