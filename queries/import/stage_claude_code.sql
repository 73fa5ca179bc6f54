-- Stage Claude Code transcripts in one statement: the lines of every file (claude_code_lines, one call
-- per batch of files so the batches are read in parallel), then per API response (several lines share
-- message.id) the line the merge would keep, with the tool names of all its lines and the turn's last
-- human prompt; per file one row counting the other lines of responses (duplicates), a reject per line
-- that is not JSON or lacks what a usage record needs, and one row counting the lines skipped (human
-- prompts, tool results, summaries, <synthetic> local errors).
-- params: $files_1 … $files_16 VARCHAR[] (the run's files in batches of similar size; empty ones read
--         nothing), $import_id VARCHAR
INSERT INTO staged_usage BY NAME
WITH lines AS MATERIALIZED (
  SELECT * FROM claude_code_lines($files_1) UNION ALL SELECT * FROM claude_code_lines($files_2)
  UNION ALL SELECT * FROM claude_code_lines($files_3) UNION ALL SELECT * FROM claude_code_lines($files_4)
  UNION ALL SELECT * FROM claude_code_lines($files_5) UNION ALL SELECT * FROM claude_code_lines($files_6)
  UNION ALL SELECT * FROM claude_code_lines($files_7) UNION ALL SELECT * FROM claude_code_lines($files_8)
  UNION ALL SELECT * FROM claude_code_lines($files_9) UNION ALL SELECT * FROM claude_code_lines($files_10)
  UNION ALL SELECT * FROM claude_code_lines($files_11) UNION ALL SELECT * FROM claude_code_lines($files_12)
  UNION ALL SELECT * FROM claude_code_lines($files_13) UNION ALL SELECT * FROM claude_code_lines($files_14)
  UNION ALL SELECT * FROM claude_code_lines($files_15) UNION ALL SELECT * FROM claude_code_lines($files_16)
),
best AS (
  -- per response: the line the merge keeps within a run, in plan_usage_merge.sql's order for keep-best
  -- (main chain over sidechain, the largest token total, then the first file and line; the plan then
  -- sees one row per response), and the tool names of all its lines, not just that one
  SELECT key,
         arg_min({'file': source_file, 'line': source_line},
                 {'sidechain': is_sidechain,
                  'total': -(input_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens + output_tokens),
                  'file_order': f.file_order, 'line': source_line}) FILTER (WHERE reason IS NULL) AS pick,
         list_sort(list_distinct(flatten(list(line_tools)))) AS tools
  FROM lines l
  JOIN stage_files f ON f.path = l.source_file
  WHERE l.is_usage
  GROUP BY key
),
prompts AS (
  SELECT source_file, source_line, prompt FROM lines WHERE prompt IS NOT NULL
),
kept AS (
  SELECT u.*, b.tools, left(p.prompt, 4000) AS prompt_text  -- the turn's last human prompt before the response
  FROM lines u
  JOIN best b ON b.pick.file = u.source_file AND b.pick.line = u.source_line
  ASOF LEFT JOIN prompts p ON p.source_file = u.source_file AND u.source_line >= p.source_line
),
file_lines AS (  -- per file: usage lines that read (kept or duplicates) and lines without usage
  SELECT source_file,
         count(*) FILTER (WHERE is_usage AND reason IS NULL) AS readable,
         count(*) FILTER (WHERE ok AND NOT is_usage) AS skipped
  FROM lines
  GROUP BY source_file
),
file_kept AS (
  SELECT pick.file AS source_file, count(*) AS kept FROM best WHERE pick IS NOT NULL GROUP BY ALL
)
SELECT 'usage' AS row_kind,
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
       cache_read_tokens,
       cache_write_5m_tokens,
       cache_write_1h_tokens,
       output_tokens,
       web_search_requests,
       service_tier,
       session_id,
       regexp_extract(cwd, '([^/\\]+)[/\\]*$', 1) AS project,
       agent_id,
       is_sidechain,
       json_object('cwd', cwd, 'git_branch', git_branch, 'version', version, 'request_id', request_id) AS tags,
       tools,
       'ok' AS status,
       prompt_text
FROM kept
UNION ALL BY NAME
SELECT 'duplicate' AS row_kind, 'claude-code' AS source, l.source_file, $import_id AS import_id, l.readable - coalesce(k.kept, 0) AS row_count
FROM file_lines l
LEFT JOIN file_kept k USING (source_file)
WHERE l.readable > coalesce(k.kept, 0)
UNION ALL BY NAME
SELECT 'reject' AS row_kind, coalesce(reason, 'not valid JSON (a truncated or corrupted line)') AS reason, bad_raw AS raw,
       'claude-code' AS source, source_file, source_line, $import_id AS import_id
FROM lines
WHERE NOT ok OR (is_usage AND reason IS NOT NULL)  -- a usage line is JSON, so the two never meet
UNION ALL BY NAME
SELECT 'skip' AS row_kind, 'claude-code' AS source, source_file, $import_id AS import_id, skipped AS row_count
FROM file_lines
WHERE skipped > 0
