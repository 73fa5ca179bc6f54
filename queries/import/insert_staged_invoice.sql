-- Write the planned invoice lines, with canonical model ids and hashed raw keys.
INSERT INTO invoice_lines BY NAME
SELECT s.* EXCLUDE (row_kind, reason, raw, row_count, model, api_key),
       coalesce(m.model, s.model) AS model,
       CASE WHEN s.api_key ~ '^sk-' THEN 'sk-…' || left(sha256(s.api_key), 12) ELSE s.api_key END AS api_key
FROM staged_invoice s
SEMI JOIN invoice_plan p ON p.stage_row = s.rowid AND p.action IN ('insert', 'replace')
LEFT JOIN model_map m ON m.model_raw = s.model_raw
