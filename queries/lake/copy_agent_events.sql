-- One machine's agent turn signals (agent_events, issue 18) into the lake: partitions month=YYYY-MM (UTC,
-- of occurred_at) and source=<importer>, one file per partition (renamed to <machine>.parquet, rewritten
-- by each export).
-- Only what the outcome rule (queries/forensics/create_agent_turns_macro.sql) reads, plus provenance and
-- the program name; no free text: the columns are named, so a text column added later stays local.
-- Dropped: error_first_line (an error's words), tool_name (a log can put anything there), and the
-- prompt's md5 (a short prompt can be guessed from it). In its place ask_key carries the one thing the
-- rule reads prompts for, whether the session's next prompt re-asks this one (the same md5, or texts
-- with jaro_winkler_similarity >= 0.9, as the macro decides it): prompts in a row of re-asks share the
-- record_key of the row's first prompt. Over the lake prompt_hash := ask_key, so the unchanged macro's
-- "next prompt_hash = prompt_hash" gives the re-ask this ledger's texts gave.
-- $out is the staging folder (COPY takes no bound target).
-- params: $machine
COPY (
  WITH asks AS (  -- the main chain's prompts in the macro's order, and whether each re-asks the one before
    SELECT e.source, e.session_id, e.record_key, e.occurred_at, e.source_line,
           coalesce(lag(e.prompt_hash) OVER w = e.prompt_hash
                    OR jaro_winkler_similarity(lag(t.prompt_text) OVER w, t.prompt_text) >= 0.9, false) AS re_asks
    FROM agent_events e
    LEFT JOIN prompts t ON t.prompt_hash = e.prompt_hash
    WHERE e.event = 'prompt' AND NOT coalesce(e.is_sidechain, false)
    WINDOW w AS (PARTITION BY e.source, e.session_id ORDER BY e.occurred_at, e.source_line, e.record_key)
  ),
  runs AS (  -- a prompt that re-asks nothing starts a run
    SELECT *, sum(CASE WHEN re_asks THEN 0 ELSE 1 END) OVER w AS run_no
    FROM asks
    WINDOW w AS (PARTITION BY source, session_id ORDER BY occurred_at, source_line, record_key ROWS UNBOUNDED PRECEDING)
  ),
  ask_keys AS (
    SELECT source, record_key,
           first_value(record_key) OVER (PARTITION BY source, session_id, run_no ORDER BY occurred_at, source_line, record_key) AS ask_key
    FROM runs
  )
  SELECT e.record_key, e.source_file, e.source_line, e.import_id, e.session_id, e.occurred_at, e.is_sidechain,
         e.event, e.call_id, k.ask_key, e.program, e.command_hash, e.is_test_run, e.is_error, e.exit_code,
         e.error_hash,
         CAST($machine AS VARCHAR)           AS machine,
         strftime(e.occurred_at, '%Y-%m')    AS month,
         e.source                            AS source
  FROM agent_events e
  LEFT JOIN ask_keys k ON k.source = e.source AND k.record_key = e.record_key
) TO $out (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (month, source), FILENAME_PATTERN 'part_{i}')
