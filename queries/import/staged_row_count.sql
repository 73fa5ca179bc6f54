-- Rows staged so far in this import run (for progress).
SELECT CAST((SELECT count(*) FROM staged_usage) + (SELECT count(*) FROM staged_invoice) AS BIGINT) AS n
