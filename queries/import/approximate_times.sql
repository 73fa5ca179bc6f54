-- Rows an import run wrote without a time of their own, per file and where their time came from
-- (time_source: 'wrapper', 'sse_date', 'file_mtime'), for the import's warning.
-- params: $import_id VARCHAR
SELECT source_file, time_source, CAST(count(*) AS BIGINT) AS n_rows
FROM usage
WHERE import_id = $import_id AND time_source <> 'record'
GROUP BY source_file, time_source
ORDER BY source_file, time_source
