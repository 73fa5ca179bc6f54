-- Write the planned invoice lines, with canonical model ids from $model_map (keys were hidden while staging).
INSERT INTO invoice_lines BY NAME
SELECT * EXCLUDE (row_kind, reason, raw, row_count, model),
       coalesce(map_extract_value($model_map, model_raw), model) AS model
FROM staged_invoice
WHERE rowid IN (SELECT stage_row FROM invoice_plan WHERE action IN ('insert', 'replace'))
