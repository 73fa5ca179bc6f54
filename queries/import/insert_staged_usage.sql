-- Write the planned inserts and replacements into the ledger, with canonical model ids and secrets
-- masked in free text (key columns were hidden while staging, before record keys were built).
INSERT INTO usage BY NAME
SELECT s.* EXCLUDE (row_kind, reason, raw, row_count, model, tags, prompt_text),
       coalesce(m.model, s.model) AS model,
       CASE WHEN s.tags IS NOT NULL THEN mask_secrets(s.tags::VARCHAR)::JSON END AS tags,
       CASE WHEN s.prompt_text IS NOT NULL THEN mask_secrets(s.prompt_text) END AS prompt_text
FROM staged_usage s
SEMI JOIN usage_plan p ON p.stage_row = s.rowid AND p.action IN ('insert', 'replace')
LEFT JOIN model_map m ON m.model_raw = s.model_raw
