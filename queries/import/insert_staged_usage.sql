-- Write the planned inserts and replacements into the ledger, with canonical model ids from
-- $model_map (raw name → id), task labels from the first matching rule (src/classify/compile.ts
-- splices the rule index in where it says /*rule_index*/, over the staged values; $task_types and
-- $tiers turn it into a label) and secrets masked in free text and names (key columns were hidden
-- while staging, before record keys were built). A staged row without a time_source (every importer
-- but those that date some rows otherwise) carries its own time: 'record'.
INSERT INTO usage BY NAME
SELECT s.* EXCLUDE (row_kind, reason, raw, row_count, model, tags, prompt_text, task_type, tier, session_id, project, workspace, agent_id, rule_index, time_source),
       coalesce(s.time_source, 'record') AS time_source,
       coalesce(map_extract_value($model_map, s.model_raw), s.model) AS model,
       coalesce(list_extract($task_types, s.rule_index), 'unclassified') AS task_type,
       CAST(list_extract($tiers, s.rule_index) AS INTEGER) AS tier,
       CASE WHEN s.tags IS NOT NULL THEN mask_secrets(s.tags::VARCHAR)::JSON END AS tags,
       CASE WHEN s.prompt_text IS NOT NULL THEN mask_secrets(s.prompt_text) END AS prompt_text,
       mask_secrets(s.session_id) AS session_id, mask_secrets(s.project) AS project,
       mask_secrets(s.workspace) AS workspace, mask_secrets(s.agent_id) AS agent_id
FROM (
  SELECT *, /*rule_index*/ NULL AS rule_index
  FROM staged_usage
  -- $keep_all (the plan inserts every staged row, as on a first import) skips the row-id filter, which
  -- would slow DuckDB's bulk insert; otherwise the narrow plan's row ids pick the rows
  WHERE row_kind = 'usage'
    AND ($keep_all OR rowid IN (SELECT stage_row FROM usage_plan WHERE action IN ('insert', 'replace')))
) AS s
