-- insert_staged_usage.sql for a plan that keeps every staged usage row: the same columns, filtered
-- on row_kind alone so DuckDB's bulk insert stays a straight scan.
INSERT INTO usage BY NAME
SELECT * EXCLUDE (row_kind, reason, raw, row_count, model, tags, prompt_text),
       coalesce(map_extract_value($model_map, model_raw), model) AS model,
       CASE WHEN tags IS NOT NULL THEN mask_secrets(tags::VARCHAR)::JSON END AS tags,
       CASE WHEN prompt_text IS NOT NULL THEN mask_secrets(prompt_text) END AS prompt_text
FROM staged_usage
WHERE row_kind = 'usage'
