-- How many rows an export's query gives: an Arrow export checks the rows it streamed against it, as a
-- DuckDB stream that fails part way (out of memory) ends the same way as one that is done. The rows'
-- query is put in place of ($rows) as in copy_export_parquet.sql.
SELECT count(*) AS n FROM ($rows)
