-- Rows staged in this import run, per scratch table: the merge leaves out the statements of a table
-- with none (a run of agent transcripts stages no invoice lines), and the import's checks of
-- aggregated rows when no row is aggregated.
SELECT CAST((SELECT count(*) FROM staged_usage) AS BIGINT) AS usage_rows,
       CAST((SELECT count(*) FROM staged_usage WHERE bucket_width IS NOT NULL) AS BIGINT) AS bucket_rows,
       CAST((SELECT count(*) FROM staged_invoice) AS BIGINT) AS invoice_rows
