-- Whether this connection staged anything in the run (a run written in one pass creates no scratch tables).
SELECT count(*) = 2 AS staged
FROM duckdb_tables()
WHERE temporary AND table_name IN ('staged_usage', 'staged_invoice')
