-- Rows a one-pass import wrote per file.
-- params: $import_id VARCHAR, $source VARCHAR
SELECT source_file AS path, count(*) AS n
FROM usage
WHERE import_id = $import_id AND source = $source
GROUP BY source_file
