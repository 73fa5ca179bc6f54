-- Write the run's agent events (issue 18: staged as row_kind 'event' by the Claude Code and Codex stage
-- statements in staged_usage, or read by a one-pass import into direct_staged: claude-code/direct-staged.sql,
-- read from there so they are written once) into agent_events, inside the import transaction: one per
-- (source, record_key), the main chain's copy first, none that the ledger holds already (a re-import,
-- an overlapping file, a tail read again). Events are no source rows: they change no file's counts.
-- session_id is masked as insert_staged_usage.sql masks it, and so is a tool's name (a log can put anything there).
-- The dedupe ranks only the columns its order needs and keeps each first row by its rowid: the window
-- sorting whole rows held ~100 MiB for 71k events (200 MiB of Claude Code transcripts), this ~85.
INSERT INTO agent_events BY NAME
WITH firsts AS (  -- per key, the row to keep, ranked over the few columns the order needs (not the whole row)
  SELECT from_direct, row_id
  FROM (SELECT false AS from_direct, rowid AS row_id, source, record_key, is_sidechain, source_file, source_line
        FROM staged_usage WHERE row_kind = 'event'
        UNION ALL
        SELECT true AS from_direct, rowid AS row_id, source, record_key, is_sidechain, source_file, source_line
        FROM direct_staged WHERE row_kind = 'event') s
  WHERE NOT EXISTS (SELECT 1 FROM agent_events a WHERE a.source = s.source AND a.record_key = s.record_key)
  QUALIFY row_number() OVER (PARTITION BY source, record_key ORDER BY coalesce(is_sidechain, false), source_file, source_line) = 1
)
SELECT record_key, source, source_file, source_line, import_id,
       mask_secrets(session_id) AS session_id,
       started_at AS occurred_at,
       coalesce(is_sidechain, false) AS is_sidechain,
       s.event.event AS event,
       s.event.call_id AS call_id,
       s.event.prompt_hash AS prompt_hash,
       mask_secrets(s.event.tool_name) AS tool_name,
       s.event.program AS program,
       s.event.command_hash AS command_hash,
       s.event.is_test_run AS is_test_run,
       s.event.is_error AS is_error,
       s.event.exit_code AS exit_code,
       s.event.error_hash AS error_hash,
       s.event.error_first_line AS error_first_line
FROM (SELECT false AS from_direct, rowid AS row_id, record_key, source, source_file, source_line, import_id, session_id, started_at, is_sidechain, event
      FROM staged_usage WHERE row_kind = 'event'
      UNION ALL
      SELECT true AS from_direct, rowid AS row_id, record_key, source, source_file, source_line, import_id, session_id, started_at, is_sidechain, event
      FROM direct_staged WHERE row_kind = 'event') s
SEMI JOIN firsts f ON f.from_direct = s.from_direct AND f.row_id = s.row_id
