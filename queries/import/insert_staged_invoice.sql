-- Write the staged invoice lines that the merge kept.
INSERT INTO invoice_lines BY NAME
SELECT * EXCLUDE (row_kind, reason, raw, row_count, action)
FROM staged_invoice
WHERE action IN ('insert', 'replace')
