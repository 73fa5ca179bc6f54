-- Read the rows opencode.ts took out of an OpenCode database (sql.js, sqlite-rows.ts) into the temp
-- table opencode_items that opencode/stage.sql maps: one item per row of the message table, numbered
-- by its rowid in source_line (what a reject names as its line), with its session's directory and
-- parent (a subagent's session has one) and the names of its tool parts. $rows holds one JSON object
-- per line: kind 'message' {row_n, id, session_id, time_created, data}, 'session' {id, directory,
-- parent_id} or 'tool' {message_id, tool}. A message whose data is not a JSON object is an item with
-- ok false, kept with its text for the reject.
-- params: $files VARCHAR[] (one file), $rows VARCHAR, $source VARCHAR ('opencode', or 'kilo-code' for kilo.db)
CREATE OR REPLACE TEMP TABLE opencode_items AS
WITH lines AS (
  SELECT CAST(l AS JSON) AS j FROM (SELECT unnest(string_split($rows, chr(10))) AS l) WHERE l <> ''
),
sessions AS (
  SELECT j->>'id' AS session_id, j->>'directory' AS directory, j->>'parent_id' AS parent_session FROM lines WHERE (j->>'kind') = 'session'
),
tools AS (
  SELECT j->>'message_id' AS msg_id, list_sort(list_distinct(list(j->>'tool'))) AS tools
  FROM lines
  WHERE (j->>'kind') = 'tool' AND (j->>'tool') IS NOT NULL
  GROUP BY ALL
),
messages AS (
  SELECT try_cast(j->>'row_n' AS BIGINT) AS source_line, j->>'id' AS msg_id, j->>'session_id' AS session_id,
         j->>'time_created' AS time_created, j->>'data' AS data_text,
         CASE WHEN json_valid(j->>'data') THEN json_type(j->>'data') = 'OBJECT' ELSE false END AS ok
  FROM lines
  WHERE (j->>'kind') = 'message'
)
SELECT $source AS source, $files[1] AS source_file, m.source_line, m.ok, CASE WHEN m.ok THEN CAST(m.data_text AS JSON) END AS rec,
       CASE WHEN NOT m.ok THEN left(m.data_text, 100000) END AS raw, m.msg_id, m.session_id,
       s.parent_session, s.directory, t.tools, m.time_created
FROM messages m
LEFT JOIN sessions s USING (session_id)
LEFT JOIN tools t USING (msg_id)
