-- OpenAI dashboard usage CSV rows are keyed by an MD5 of their dimensions (openai-usage-csv/macros/openai_usage_csv_key.sql)
-- instead of the dimensions joined by '|': the older keys become the same hash.
-- Written as a column rewrite (DDL), not an UPDATE: every pending step runs in one transaction, and
-- DuckDB refuses to commit a later ALTER of usage (step 008) after an UPDATE of it.
ALTER TABLE usage ALTER record_key SET DATA TYPE VARCHAR
USING CASE WHEN source = 'openai-usage-csv' THEN md5(record_key) ELSE record_key END
