-- Scratch table for invoice lines in one import run (see create_staged_usage.sql).
CREATE OR REPLACE TEMP TABLE staged_invoice AS
SELECT *,
       NULL::VARCHAR AS row_kind,
       NULL::VARCHAR AS reason,
       NULL::VARCHAR AS raw,
       NULL::BIGINT  AS row_count
FROM invoice_lines
LIMIT 0
