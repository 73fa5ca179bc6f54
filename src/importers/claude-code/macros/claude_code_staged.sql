-- claude_code_staged(json_batches, exact_batches, run_id): Claude Code transcripts as staged rows, in
-- one query: the lines of every file (claude_code_lines, one call per batch of files so the batches
-- are read in parallel), streamed into one aggregation per file and response (no line is held), then
-- per API response (several lines share message.id) the line the merge would keep, with the tool
-- names of all its lines and the turn's last human prompt (row_kind 'usage'); per file one row
-- counting the other lines of responses ('duplicate'), a 'reject' per line
-- that is not JSON or lacks what a usage record needs, and one row counting the lines skipped ('skip':
-- human prompts, tool results, summaries, <synthetic> local errors).
-- The prompt is stored once (queries/schema/010_store_prompts_once.sql): every response carries the
-- md5 of its prompt's masked text (prompt_hash), and only the first response after each prompt line
-- carries the text itself (prompt_text), for the statement that stores prompts to find it.
-- Files go through DuckDB's JSON reader (json_batches). A file it cannot number line for line (a
-- blank line, a line that is not a JSON object) or with a line to reject (whose raw text only the
-- line-by-line reading keeps) yields nothing but a 'recheck' row; the importer then reads such files
-- again, line by line (exact_batches, with every JSON batch holding only the empty template). Within
-- a file, lines are ordered by position (`pos`); a line's number is its position less the file's
-- offset. Staging (claude-code/stage.sql) keeps every row for the merge; a first import writes the
-- responses straight into the ledger (claude-code/direct.sql).
-- json_batches, exact_batches: VARCHAR[][], n batches each (the files in batches of similar size; a
-- JSON batch always starts with the empty template, as read_json needs a file); run_id: the import id.
-- A batch is read on one thread (its lines are numbered in reading order), so batches are what runs
-- in parallel; each also costs its own planning (one batch ~0.03 s of CPU, 8 ~0.13 s): the import
-- defines this macro for as many batches as each run needs, at most one per core and 8 (staging.ts,
-- batchCount), so a re-import of one new file plans one.
CREATE OR REPLACE TEMP MACRO claude_code_staged(json_batches, exact_batches, run_id) AS TABLE
WITH file_lines AS (  -- the files given to the JSON reader, with their lines (counted when planned)
  SELECT path AS source_file, lines
  FROM stage_files
  JOIN (SELECT unnest(flatten(json_batches)) AS path) USING (path)
),
lines AS (  -- every line, its file as the file's order in the run (a path per line would fill memory)
  -- A line that says how a turn went (agent_events: tool blocks, a human prompt, an interrupt) carries
  -- them as `signal`, which makes it a group of its own in `grouped`: its fields wait in the rows of the
  -- aggregation's hash table, which DuckDB can spill, not in a list per file in arena memory, which it
  -- cannot (at 618 MiB of transcripts those lists ran the statement out of its 384MB). A usage line with
  -- tool calls comes twice: as itself, in its response's group, and as a signal copy (no key) with the
  -- signal. A copy counts nowhere (every aggregate leaves it out).
  SELECT s.file_order, l.* EXCLUDE (source_file, key), CASE WHEN signal_copy THEN NULL ELSE l.key END AS key, signal_copy,
         CASE WHEN event_line IS NOT NULL AND (signal_copy OR l.key IS NULL) THEN
           {'pos': pos, 'line': event_line, 'blocks': tool_blocks,
            'mark': CASE WHEN starts_with(prompt, '[Request interrupted by user') THEN 'interrupt' WHEN prompt IS NOT NULL THEN 'prompt' END}
         END AS signal
  FROM (
    SELECT *, unnest(CASE WHEN key IS NOT NULL AND event_line IS NOT NULL THEN [false, true] ELSE [false] END) AS signal_copy
    FROM (
      -- one branch per batch: staging.ts (batchedMacro) repeats this line for batches 1 … n, joined by UNION ALL
      SELECT * FROM claude_code_lines(json_batches[/*batch*/1], exact_batches[/*batch*/1])
    )
  ) l
  JOIN stage_files s ON s.path = l.source_file
),
grouped AS MATERIALIZED (
  -- the lines in one pass, never held: per file and response (key) the line the merge would keep of
  -- that file's (in plan_usage_merge.sql's order for keep-best: main chain over sidechain, the largest
  -- token total, the first line) with what it carries, and its lines' tool names; per file, in groups
  -- without a key, its other lines, each signal line in a group of its own (a human prompt's with its
  -- text: `prompts`). Every group counts what the JSON reader made of its lines
  -- (rows; clean: every line an object with a type and none to reject), their first position, the
  -- usage lines that read (kept or duplicates), lines without usage, and the lines to reject.
  SELECT file_order, key, signal,
         count(*) FILTER (WHERE NOT exact AND NOT signal_copy) AS json_rows,
         bool_and(ok AND NOT (is_usage AND reason IS NOT NULL)) FILTER (WHERE NOT exact AND NOT signal_copy) AS json_clean,
         min(pos) FILTER (WHERE NOT exact) AS first_json_pos,
         count(*) FILTER (WHERE is_usage AND reason IS NULL AND NOT signal_copy) AS readable,
         count(*) FILTER (WHERE ok AND NOT is_usage AND NOT signal_copy) AS skipped,
         list({'pos': pos, 'reason': coalesce(reason, 'not valid JSON (a truncated or corrupted line)'), 'raw': bad_raw})
           FILTER (WHERE (NOT ok OR (is_usage AND reason IS NOT NULL)) AND NOT signal_copy) AS bad_lines,  -- a usage line is JSON
         arg_min({'pos': pos, 'usage': usage},
                 {'sidechain': usage.is_sidechain,
                  'total': -(usage.input_tokens + usage.cache_read_tokens + usage.cache_write_5m_tokens
                             + usage.cache_write_1h_tokens + usage.output_tokens),
                  'pos': pos}) FILTER (WHERE is_usage AND reason IS NULL AND NOT signal_copy) AS pick,
         list_distinct(flatten(list(line_tools) FILTER (WHERE is_usage AND line_tools IS NOT NULL AND NOT signal_copy))) AS tools,
         list({'pos': pos, 'prompt': prompt}) FILTER (WHERE prompt IS NOT NULL) AS prompts
  FROM lines
  GROUP BY file_order, key, signal
),
files AS MATERIALIZED (
  -- per file: its JSON rows, whether they are clean, the offset from a line's position to its number
  -- (the JSON reader's positions run on across a batch), usage lines that read, lines without usage,
  -- and the lines to reject at their positions
  SELECT s.path AS source_file, g.*
  FROM (
    SELECT file_order,
           CAST(sum(json_rows) AS BIGINT) AS json_rows,
           coalesce(bool_and(json_clean), true) AS json_clean,
           coalesce(min(first_json_pos) - 1, 0) AS line_offset,
           CAST(sum(readable) AS BIGINT) AS readable,
           CAST(sum(skipped) AS BIGINT) AS skipped,
           flatten(list(bad_lines) FILTER (WHERE bad_lines IS NOT NULL)) AS bad_lines
    FROM grouped
    GROUP BY file_order
  ) g
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
  -- per response: the line the merge keeps within a run (the plan then sees one row per response):
  -- its file's pick, of the first file on a tie; and the tool names of all its lines in every file,
  -- not just that one's
  SELECT key,
         arg_min({'file_order': file_order, 'pos': pick.pos},
                 {'sidechain': pick.usage.is_sidechain,
                  'total': -(pick.usage.input_tokens + pick.usage.cache_read_tokens + pick.usage.cache_write_5m_tokens
                             + pick.usage.cache_write_1h_tokens + pick.usage.output_tokens),
                  'file_order': file_order, 'pos': pick.pos}) FILTER (WHERE pick IS NOT NULL) AS pick,
         coalesce(list_sort(list_distinct(flatten(list(tools)))), []) AS tools
  FROM grouped
  WHERE key IS NOT NULL AND file_order IN (SELECT file_order FROM read_files)
  GROUP BY key
),
prompts AS MATERIALIZED (  -- each human prompt line: its text as stored (the first 4,000 characters, secrets masked) and its md5
  SELECT file_order, pos, md5(prompt_text) AS prompt_hash, prompt_text
  FROM (SELECT file_order, p.pos AS pos, mask_secrets(left(p.prompt, 4000)) AS prompt_text
        FROM (SELECT file_order, unnest(prompts) AS p
              FROM grouped
              WHERE key IS NULL AND prompts IS NOT NULL AND file_order IN (SELECT file_order FROM read_files)))
),
picked AS (  -- each response's kept line with the position of the turn's last human prompt before it
  SELECT b.key, b.pick.file_order AS file_order, b.pick.pos AS pos, b.tools, p.pos AS prompt_pos
  FROM best b
  ASOF LEFT JOIN (SELECT file_order, pos FROM prompts) p ON p.file_order = b.pick.file_order AND b.pick.pos >= p.pos
  WHERE b.pick IS NOT NULL
),
carriers AS (  -- the first response after each prompt line
  SELECT file_order, min(pos) AS pos FROM picked WHERE prompt_pos IS NOT NULL GROUP BY file_order, prompt_pos
),
kept AS (  -- what the kept line carries (from its file's group), its prompt's md5, the first after a prompt line also its text
  SELECT k.*, g.pick.usage AS usage, f.source_file, k.pos - f.line_offset AS source_line, p.prompt_hash,
         CASE WHEN c.pos IS NOT NULL THEN p.prompt_text END AS prompt_text
  FROM picked k
  JOIN grouped g ON g.file_order = k.file_order AND g.key = k.key
  JOIN read_files f ON f.file_order = k.file_order
  LEFT JOIN prompts p ON p.file_order = k.file_order AND p.pos = k.prompt_pos
  LEFT JOIN carriers c ON c.file_order = k.file_order AND c.pos = k.pos
),
file_kept AS (
  SELECT file_order, count(*) AS kept FROM picked GROUP BY ALL
),
signal_rows AS (  -- the signal lines of the files read exactly
  SELECT file_order, signal.pos AS pos, signal.line AS line, signal.mark AS mark, signal.blocks AS blocks
  FROM grouped
  WHERE signal IS NOT NULL AND file_order IN (SELECT file_order FROM read_files)
),
marks AS (  -- a prompt or interrupt line: one event each, a prompt's with its md5 (a hash join over these few lines only)
  SELECT s.file_order, s.pos, s.line, s.mark AS kind, NULL AS call_id, NULL AS tool_name, NULL AS command, NULL AS is_error,
         NULL AS error, CASE WHEN s.mark = 'prompt' THEN p.prompt_hash END AS prompt_hash
  FROM (SELECT * FROM signal_rows WHERE mark IS NOT NULL) s
  LEFT JOIN prompts p ON p.file_order = s.file_order AND p.pos = s.pos
),
signals AS (  -- one per event: a prompt or interrupt line, or each tool block of a line
  SELECT * FROM marks
  UNION ALL
  SELECT file_order, pos, line, b.kind, b.call_id, b.tool_name, b.command, b.is_error,
         CASE WHEN b.error_content IS NOT NULL THEN tool_error(tool_result_text(b.error_content)) END AS error,  -- a failed result's text, read once here
         NULL AS prompt_hash
  FROM (SELECT file_order, pos, line, unnest(blocks) AS b FROM signal_rows WHERE blocks IS NOT NULL)
)
SELECT 'usage' AS row_kind,
       key AS record_key,
       'claude-code' AS source,
       source_file,
       source_line,
       run_id AS import_id,
       usage.ts AS started_at,
       'anthropic' AS provider,
       usage.model_raw,
       1 AS requests,
       usage.input_tokens,
       usage.cache_read_tokens,
       usage.cache_write_5m_tokens,
       usage.cache_write_1h_tokens,
       usage.output_tokens,
       usage.web_search_requests,
       usage.service_tier,
       usage.session_id,
       regexp_extract(usage.cwd, '([^/\\]+)[/\\]*$', 1) AS project,
       usage.agent_id,
       usage.is_sidechain,
       json_object('cwd', usage.cwd, 'git_branch', usage.git_branch, 'version', usage.version, 'request_id', usage.request_id) AS tags,
       tools,
       'ok' AS status,
       prompt_hash,
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
-- agent_events rows (issue 18), keyed by the tool call's id (its call and its result) or the line's
-- uuid, so copies of a line in other files (a subagent's, a resumed session's) count once. They are
-- no usage rows: the import moves them into agent_events (insert_staged_events.sql), uncounted.
SELECT 'event' AS row_kind,
       CASE WHEN kind = 'tool_call' THEN 'call:' || call_id
            WHEN kind = 'tool_result' THEN 'result:' || call_id
            ELSE kind || ':' || coalesce(line.uuid, line.session_id || '@' || CAST(line.ts AS VARCHAR)) END AS record_key,
       'claude-code' AS source, f.source_file, e.pos - f.line_offset AS source_line, run_id AS import_id,
       line.ts AS started_at, line.session_id, line.is_sidechain,
       {'event': CASE WHEN error.rejected THEN 'tool_rejected' ELSE kind END,
        'call_id': call_id, 'prompt_hash': e.prompt_hash, 'tool_name': tool_name,
        'program': shell_program(command), 'command_hash': md5(command), 'is_test_run': is_test_command(command),
        'is_error': is_error, 'exit_code': error.exit_code, 'error_hash': error.error_hash,
        'error_first_line': error.error_first_line} AS event  -- as create_staged_usage.sql types it
FROM signals e
JOIN read_files f USING (file_order)
WHERE line.ts IS NOT NULL AND line.session_id IS NOT NULL AND (call_id IS NOT NULL OR kind IN ('prompt', 'interrupt'))
UNION ALL BY NAME
SELECT 'recheck' AS row_kind, 'claude-code' AS source, source_file, run_id AS import_id
FROM recheck
