-- Write the planned inserts and replacements into the ledger, with canonical model ids from
-- $model_map (raw name → id) and secrets masked in free text (key columns were hidden while
-- staging, before record keys were built).
INSERT INTO usage BY NAME
SELECT * EXCLUDE (row_kind, reason, raw, row_count, model, tags, prompt_text),
       coalesce(map_extract_value($model_map, model_raw), model) AS model,
       CASE WHEN tags IS NOT NULL THEN mask_secrets(tags::VARCHAR)::JSON END AS tags,
       CASE WHEN prompt_text IS NOT NULL THEN mask_secrets(prompt_text) END AS prompt_text
FROM staged_usage
WHERE rowid IN (SELECT stage_row FROM usage_plan WHERE action IN ('insert', 'replace'))
