-- Read one Cline SDK session file (<sessions>/<root id>/<stem>.messages.json: {version, updated_at,
-- agent: lead|subagent|teammate, sessionId: the root session's id, taskType?, messages: [...],
-- system_prompt?}, pretty-printed and rewritten whole) into the temp table cline_session_items, one
-- row per message, for cline-tasks/stage-sessions.sql; messages numbered from 1 in source_line
-- (cline_json_items.sql). A file that is not such an object is one item with ok false, kept with its
-- text for the reject. hints is what cline-tasks/sessions.ts read in the session's manifest
-- (<root id>.json: cwd, workspace_root, model, provider), the same on every row.
-- params: $files VARCHAR[] (one file), $hints VARCHAR (JSON)
CREATE OR REPLACE TEMP TABLE cline_session_items AS
SELECT source_file, source_line, ok, msg, raw, doc_values[1] AS agent, doc_values[2] AS root_session, CAST($hints AS JSON) AS hints
FROM cline_json_items($files, '$.messages', ['$.agent', '$.sessionId'])
