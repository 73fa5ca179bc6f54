-- Read one OpenCode message file (storage/message/<sessionID>/msg_*.json, one pretty-printed
-- MessageV2.Info) into the temp table opencode_items that opencode/stage.sql maps, as one item at
-- line 1. A file that is not a JSON object is an item with ok false, kept with its text for the reject.
-- The columns the database reader fills from its tables (parent session, directory) stay NULL: the
-- message file carries its session id and its own path.cwd. Its tool calls live in part files beside
-- the message folder (storage/part/<message id>/prt_*.json), which opencode/index.ts reads into $tools.
-- params: $files VARCHAR[] (one file), $tools VARCHAR (a JSON array of tool names, sorted and distinct)
CREATE OR REPLACE TEMP TABLE opencode_items AS
WITH texts AS (SELECT * FROM json_texts($files)),
docs AS (
  SELECT source_file, source_line, text, CASE WHEN json_valid(text) THEN json_type(text) = 'OBJECT' ELSE false END AS ok FROM texts
)
SELECT 'opencode' AS source, source_file, source_line, ok, CASE WHEN ok THEN CAST(text AS JSON) END AS rec,
       CASE WHEN NOT ok THEN left(text, 100000) END AS raw,
       CASE WHEN ok THEN json_extract_string(text, '$.id') END AS msg_id,
       CASE WHEN ok THEN json_extract_string(text, '$.sessionID') END AS session_id,
       NULL::VARCHAR AS parent_session, NULL::VARCHAR AS directory, nullif(from_json($tools, '["VARCHAR"]'), []) AS tools, NULL::VARCHAR AS time_created
FROM docs
