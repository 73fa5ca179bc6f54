-- Read the rows copilot-cli.ts took out of Copilot CLI's session store (sql.js, sqlite-rows.ts) into
-- the temp table copilot_usage_events for copilot-cli/stage-session-store.sql: one row per
-- assistant_usage_events row, numbered by its rowid in source_line (what a reject names as its line),
-- with its session's working directory, repository and branch. $rows holds one JSON object per line:
-- kind 'event' (every column of the row) or 'session' {id, cwd, repository, branch}.
-- params: $files VARCHAR[] (one file), $rows VARCHAR
CREATE OR REPLACE TEMP TABLE copilot_usage_events AS
WITH lines AS (
  SELECT CAST(l AS JSON) AS j FROM (SELECT unnest(string_split($rows, chr(10))) AS l) WHERE l <> ''
),
sessions AS (
  SELECT j->>'id' AS session_id, j->>'cwd' AS cwd, j->>'repository' AS repository, j->>'branch' AS branch
  FROM lines
  WHERE (j->>'kind') = 'session'
)
SELECT $files[1] AS source_file, try_cast(e.j->>'row_n' AS BIGINT) AS source_line, e.j AS rec, e.j->>'session_id' AS session_id,
       s.cwd, s.repository, s.branch
FROM (SELECT j FROM lines WHERE (j->>'kind') = 'event') e
LEFT JOIN sessions s ON s.session_id = (e.j->>'session_id')
