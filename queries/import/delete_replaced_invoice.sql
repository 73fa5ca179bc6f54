-- Remove invoice lines that a planned line replaces.
DELETE FROM invoice_lines
WHERE (source, record_key) IN (SELECT source, record_key FROM invoice_plan WHERE action = 'replace')
