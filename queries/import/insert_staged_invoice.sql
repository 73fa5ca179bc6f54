-- Write the planned invoice lines, with canonical model ids (keys were hidden while staging).
INSERT INTO invoice_lines BY NAME
SELECT s.* EXCLUDE (row_kind, reason, raw, row_count, model),
       coalesce(m.model, s.model) AS model
FROM staged_invoice s
SEMI JOIN invoice_plan p ON p.stage_row = s.rowid AND p.action IN ('insert', 'replace')
LEFT JOIN model_map m ON m.model_raw = s.model_raw
