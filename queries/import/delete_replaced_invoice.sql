-- Remove invoice lines that a staged line replaces.
DELETE FROM invoice_lines
WHERE (source, record_key) IN (SELECT source, record_key FROM staged_invoice WHERE action = 'replace')
