-- Write the planned inserts and replacements into the ledger, with canonical model ids from
-- $model_map (raw name → id), task labels from the first matching rule and secrets masked in free
-- text and names (key columns were hidden while staging, before record keys were built). A staged row
-- without a time_source (every importer but those that date some rows otherwise) carries its own time:
-- 'record'. A row keeps its prompt as the md5 of its masked text (Claude Code rows are staged with
-- it); the text goes to the prompts table (src/import/prompts.ts), not into the row. Labels are
-- computed once per distinct rule key (src/classify/compile.ts splices in each row's key where it
-- says /*rule_key*/ and the labels of the distinct keys where it says /*rule_labels*/; $task_types
-- and $tiers turn a rule index into a label), the prompt's text read from the staged rows by its md5.
INSERT INTO usage BY NAME
WITH planned AS (
  SELECT s.* EXCLUDE (row_kind, reason, raw, row_count, event, model, tags, prompt_text, prompt_hash, task_type, tier, session_id, project, workspace, agent_id, time_source),
         coalesce(s.time_source, 'record') AS time_source,
         coalesce(map_extract_value($model_map, s.model_raw), s.model) AS model,
         coalesce(s.prompt_hash, md5(mask_secrets(s.prompt_text))) AS prompt_hash,
         CASE WHEN s.tags IS NOT NULL THEN mask_secrets(s.tags::VARCHAR)::JSON END AS tags,
         mask_secrets(s.session_id) AS session_id, mask_secrets(s.project) AS project,
         mask_secrets(s.workspace) AS workspace, mask_secrets(s.agent_id) AS agent_id
  FROM staged_usage s
  -- $keep_all (the plan inserts every staged row, as on a first import) skips the row-id filter, which
  -- would slow DuckDB's bulk insert; otherwise the narrow plan's row ids pick the rows
  WHERE row_kind = 'usage'
    AND ($keep_all OR rowid IN (SELECT stage_row FROM usage_plan WHERE action IN ('insert', 'replace')))
),
keyed AS NOT MATERIALIZED (  -- read twice (its distinct rule keys, then every row): computed twice, not copied
  SELECT *, /*rule_key*/ NULL AS rule_key FROM planned
),
prompt_texts AS (  -- every staged prompt's text once (a duplicate or rejected row may be the one that carries it)
  SELECT coalesce(prompt_hash, md5(mask_secrets(prompt_text))) AS prompt_hash, any_value(mask_secrets(prompt_text)) AS prompt_text
  FROM staged_usage
  WHERE prompt_text IS NOT NULL
  GROUP BY ALL
),
labels AS (
  /*rule_labels*/
)
SELECT k.* EXCLUDE (rule_key),
       coalesce(list_extract($task_types, l.rule_index), 'unclassified') AS task_type,
       CAST(list_extract($tiers, l.rule_index) AS INTEGER) AS tier
FROM keyed k
JOIN labels l USING (rule_key)
