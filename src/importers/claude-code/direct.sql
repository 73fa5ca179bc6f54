-- One-pass import of Claude Code transcripts (see src/import/direct-import.ts): while the ledger holds
-- no claude-code rows, each response goes straight into it, labelled, masked and with its canonical
-- model id, as claude-code/stage.sql and insert_staged_usage.sql would write it in two steps with a
-- merge plan between them that, with nothing to merge with, would decide nothing. It reads the rows
-- claude-code/direct-staged.sql read into direct_staged; the other rows claude_code_staged yields per
-- file (duplicates, skipped lines, a file to read again line by line) are handed to the importer
-- through recount_file_row (src/import/import-functions.ts), and insert_staged_events.sql writes its
-- agent events from there. Prompts are labelled and stored once: a row carries its prompt's md5, the
-- first row after each prompt line its text too, which src/import/prompts.ts then moves into the
-- prompts table.
-- params: $task_types, $tiers and the rules' own (src/classify/compile.ts splices in each row's rule
--         key where it says /*rule_key*/ and the labels of the distinct keys where it says /*rule_labels*/)
INSERT INTO usage BY NAME
WITH staged AS (
  SELECT * FROM direct_staged
),
handed_over AS MATERIALIZED (  -- one statement writes one table: the per-file counts through recount_file_row
  SELECT count(*) FILTER (WHERE NOT recount_file_row(source_file, row_kind, row_count)) AS refused
  FROM staged
  WHERE row_kind NOT IN ('usage', 'event')  -- events: insert_staged_events.sql
),
models AS (  -- one call per distinct raw name
  SELECT model_raw, recount_model_id(model_raw) AS model
  FROM (SELECT DISTINCT model_raw FROM staged WHERE row_kind = 'usage')
),
keyed AS NOT MATERIALIZED (  -- as staged_usage holds them (a transcript names no API key), with what the rules read
  SELECT s.* EXCLUDE (row_kind, reason, raw, row_count, event), m.model, NULL::VARCHAR AS api_key, /*rule_key*/ NULL AS rule_key
  FROM staged s
  LEFT JOIN models m USING (model_raw)
  WHERE s.row_kind = 'usage' AND (SELECT refused FROM handed_over) = 0  -- every other row handed over first
),
prompt_texts AS (
  SELECT prompt_hash, any_value(prompt_text) AS prompt_text FROM staged WHERE prompt_text IS NOT NULL GROUP BY ALL
),
labels AS (  -- once per distinct rule key
  /*rule_labels*/
)
SELECT r.* EXCLUDE (rule_key, tags, session_id, project, agent_id, tools),
       coalesce(list_extract($task_types, l.rule_index), 'unclassified') AS task_type,
       CAST(list_extract($tiers, l.rule_index) AS INTEGER) AS tier,
       CASE WHEN r.tags IS NOT NULL THEN mask_secrets(r.tags::VARCHAR)::JSON END AS tags,
       mask_secrets(r.session_id) AS session_id, mask_secrets(r.project) AS project, mask_secrets(r.agent_id) AS agent_id,
       list_transform(r.tools, t -> mask_secrets(t)) AS tools
FROM keyed r
JOIN labels l USING (rule_key)
