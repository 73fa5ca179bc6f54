-- claude_code_staged(json_batches, exact_batches, run_id): Claude Code transcripts as staged rows, in
-- one query: the lines of every file (claude_code_lines, one call per batch of files so the batches
-- are read in parallel), then per API response (several lines share message.id) the line the merge
-- would keep, with the tool names of all its lines and the turn's last human prompt (row_kind
-- 'usage'); per file one row counting the other lines of responses ('duplicate'), a 'reject' per line
-- that is not JSON or lacks what a usage record needs, and one row counting the lines skipped ('skip':
-- human prompts, tool results, summaries, <synthetic> local errors).
-- Files go through DuckDB's JSON reader (json_batches). A file it cannot number line for line (a
-- blank line, a line that is not a JSON object) or with a line to reject (whose raw text only the
-- line-by-line reading keeps) yields nothing but a 'recheck' row; the importer then reads such files
-- again, line by line (exact_batches, with every JSON batch holding only the empty template). Within
-- a file, lines are ordered by position (`pos`); a line's number is its position less the file's
-- offset. Staging (stage_claude_code.sql) keeps every row for the merge; a first import writes the
-- responses straight into the ledger (direct_claude_code.sql).
-- json_batches, exact_batches: VARCHAR[][], 16 batches each (the files in batches of similar size; a
-- JSON batch always starts with the empty template, as read_json needs a file); run_id: the import id.
CREATE OR REPLACE TEMP MACRO claude_code_staged(json_batches, exact_batches, run_id) AS TABLE
WITH file_lines AS (  -- the files given to the JSON reader, with their lines (counted when planned)
  SELECT path AS source_file, lines
  FROM stage_files
  JOIN (SELECT unnest(flatten(json_batches)) AS path) USING (path)
),
lines AS MATERIALIZED (  -- every line, its file as the file's order in the run (a path per line would fill memory)
  SELECT s.file_order, l.* EXCLUDE (source_file)
  FROM (
    SELECT * FROM claude_code_lines(json_batches[1], exact_batches[1])
    UNION ALL SELECT * FROM claude_code_lines(json_batches[2], exact_batches[2])
    UNION ALL SELECT * FROM claude_code_lines(json_batches[3], exact_batches[3])
    UNION ALL SELECT * FROM claude_code_lines(json_batches[4], exact_batches[4])
    UNION ALL SELECT * FROM claude_code_lines(json_batches[5], exact_batches[5])
    UNION ALL SELECT * FROM claude_code_lines(json_batches[6], exact_batches[6])
    UNION ALL SELECT * FROM claude_code_lines(json_batches[7], exact_batches[7])
    UNION ALL SELECT * FROM claude_code_lines(json_batches[8], exact_batches[8])
    UNION ALL SELECT * FROM claude_code_lines(json_batches[9], exact_batches[9])
    UNION ALL SELECT * FROM claude_code_lines(json_batches[10], exact_batches[10])
    UNION ALL SELECT * FROM claude_code_lines(json_batches[11], exact_batches[11])
    UNION ALL SELECT * FROM claude_code_lines(json_batches[12], exact_batches[12])
    UNION ALL SELECT * FROM claude_code_lines(json_batches[13], exact_batches[13])
    UNION ALL SELECT * FROM claude_code_lines(json_batches[14], exact_batches[14])
    UNION ALL SELECT * FROM claude_code_lines(json_batches[15], exact_batches[15])
    UNION ALL SELECT * FROM claude_code_lines(json_batches[16], exact_batches[16])
  ) l
  JOIN stage_files s ON s.path = l.source_file
),
files AS MATERIALIZED (
  -- per file: what the JSON reader made of it (rows; clean: every line an object with a type and none
  -- to reject), the offset from a line's position to its number (the JSON reader's positions run on
  -- across a batch), usage lines that read (kept or duplicates), lines without usage, and the human
  -- prompts and lines to reject at their positions
  SELECT s.path AS source_file, l.*
  FROM (
    SELECT file_order,
           count(*) FILTER (WHERE NOT exact) AS json_rows,
           coalesce(bool_and(ok AND NOT (is_usage AND reason IS NOT NULL)) FILTER (WHERE NOT exact), true) AS json_clean,
           coalesce(min(pos) FILTER (WHERE NOT exact) - 1, 0) AS line_offset,
           count(*) FILTER (WHERE is_usage AND reason IS NULL) AS readable,
           count(*) FILTER (WHERE ok AND NOT is_usage) AS skipped,
           list({'pos': pos, 'prompt': prompt}) FILTER (WHERE prompt IS NOT NULL) AS prompts,
           list({'pos': pos, 'reason': coalesce(reason, 'not valid JSON (a truncated or corrupted line)'), 'raw': bad_raw})
             FILTER (WHERE NOT ok OR (is_usage AND reason IS NOT NULL)) AS bad_lines  -- a usage line is JSON
    FROM lines
    GROUP BY file_order
  ) l
  JOIN stage_files s USING (file_order)
),
recheck AS MATERIALIZED (  -- files whose JSON rows are not their lines one for one, or not clean
  SELECT c.source_file
  FROM file_lines c
  LEFT JOIN files f USING (source_file)
  WHERE c.lines IS NULL OR (c.lines > 0 AND (f.json_rows IS DISTINCT FROM c.lines OR NOT f.json_clean))
),
read_files AS (  -- the files read exactly
  SELECT * FROM files WHERE source_file NOT IN (SELECT source_file FROM recheck)
),
best AS (
  -- per response: the line the merge keeps within a run, in plan_usage_merge.sql's order for keep-best
  -- (main chain over sidechain, the largest token total, then the first file and line; the plan then
  -- sees one row per response), and the tool names of all its lines, not just that one
  SELECT key,
         arg_min({'file_order': file_order, 'pos': pos},
                 {'sidechain': is_sidechain,
                  'total': -(input_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens + output_tokens),
                  'file_order': file_order, 'pos': pos}) FILTER (WHERE reason IS NULL) AS pick,
         coalesce(list_sort(list_distinct(flatten(list(line_tools) FILTER (WHERE line_tools IS NOT NULL)))), []) AS tools
  FROM lines
  WHERE is_usage AND file_order IN (SELECT file_order FROM read_files)
  GROUP BY key
),
prompts AS (
  SELECT file_order, p.pos, p.prompt FROM (SELECT file_order, unnest(prompts) AS p FROM read_files)
),
picked AS (  -- each response's kept line with the turn's last human prompt before it (joined on narrow rows)
  SELECT b.pick.file_order AS file_order, b.pick.pos AS pos, b.tools, left(p.prompt, 4000) AS prompt_text
  FROM best b
  ASOF LEFT JOIN prompts p ON p.file_order = b.pick.file_order AND b.pick.pos >= p.pos
  WHERE b.pick IS NOT NULL
),
kept AS (
  SELECT u.*, f.source_file, u.pos - f.line_offset AS source_line, k.tools, k.prompt_text
  FROM lines u
  JOIN picked k USING (file_order, pos)
  JOIN read_files f USING (file_order)
),
file_kept AS (
  SELECT pick.file_order AS file_order, count(*) AS kept FROM best WHERE pick IS NOT NULL GROUP BY ALL
)
SELECT 'usage' AS row_kind,
       key AS record_key,
       'claude-code' AS source,
       source_file,
       source_line,
       run_id AS import_id,
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
SELECT 'duplicate' AS row_kind, 'claude-code' AS source, f.source_file, run_id AS import_id, f.readable - coalesce(k.kept, 0) AS row_count
FROM files f
JOIN read_files USING (source_file)
LEFT JOIN file_kept k ON k.file_order = f.file_order
WHERE f.readable > coalesce(k.kept, 0)
UNION ALL BY NAME
SELECT 'reject' AS row_kind, b.reason, b.raw, 'claude-code' AS source, source_file, b.pos - line_offset AS source_line,
       run_id AS import_id
FROM (SELECT source_file, line_offset, unnest(bad_lines) AS b FROM read_files)
UNION ALL BY NAME
SELECT 'skip' AS row_kind, 'claude-code' AS source, f.source_file, run_id AS import_id, f.skipped AS row_count
FROM files f
JOIN read_files USING (source_file)
WHERE f.skipped > 0
UNION ALL BY NAME
SELECT 'recheck' AS row_kind, 'claude-code' AS source, source_file, run_id AS import_id
FROM recheck
