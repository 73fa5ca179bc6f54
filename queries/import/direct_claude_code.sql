-- One-pass import of Claude Code transcripts (see src/ledger/direct-import.ts): while the ledger holds
-- no claude-code rows, each response goes straight into it, labelled, masked and with its canonical
-- model id, as stage_claude_code.sql and insert_staged_usage.sql would write it in two steps with a
-- merge plan between them that, with nothing to merge with, would decide nothing. The other rows
-- claude_code_staged yields (per file: duplicates, skipped lines, a file to read again line by line)
-- are handed to the importer through recount_file_row (src/ledger/import-functions.ts).
-- params: $files, $exact VARCHAR[][] (16 batches each; $exact empty), $import_id VARCHAR, $task_types,
--         $tiers and the rules' own (the rule index is spliced in by src/classify/compile.ts where it
--         says /*rule_index*/)
INSERT INTO usage BY NAME
WITH staged AS MATERIALIZED (
  SELECT * FROM claude_code_staged($files, $exact, $import_id)
),
handed_over AS MATERIALIZED (
  SELECT count(*) FILTER (WHERE NOT recount_file_row(source_file, row_kind, row_count)) AS refused
  FROM staged
  WHERE row_kind <> 'usage'
),
models AS (  -- one call per distinct raw name
  SELECT model_raw, recount_model_id(model_raw) AS model
  FROM (SELECT DISTINCT model_raw FROM staged WHERE row_kind = 'usage')
),
responses AS (  -- as staged_usage holds them (a transcript names no API key)
  SELECT s.* EXCLUDE (row_kind, reason, raw, row_count), m.model, NULL::VARCHAR AS api_key
  FROM staged s
  LEFT JOIN models m USING (model_raw)
  WHERE s.row_kind = 'usage' AND (SELECT refused FROM handed_over) = 0  -- every other row handed over first
),
labelled AS (  -- the rules read the staged values, as in insert_staged_usage.sql
  SELECT *, /*rule_index*/ NULL AS rule_index FROM responses
)
SELECT * EXCLUDE (rule_index, tags, prompt_text, session_id, project, agent_id, tools),
       coalesce(list_extract($task_types, rule_index), 'unclassified') AS task_type,
       CAST(list_extract($tiers, rule_index) AS INTEGER) AS tier,
       CASE WHEN tags IS NOT NULL THEN mask_secrets(tags::VARCHAR)::JSON END AS tags,
       CASE WHEN prompt_text IS NOT NULL THEN mask_secrets(prompt_text) END AS prompt_text,
       mask_secrets(session_id) AS session_id, mask_secrets(project) AS project, mask_secrets(agent_id) AS agent_id,
       list_transform(tools, t -> mask_secrets(t)) AS tools
FROM labelled
