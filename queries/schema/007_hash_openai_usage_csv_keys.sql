-- OpenAI dashboard usage CSV rows are keyed by an MD5 of their dimensions (macros/openai_usage_csv_key.sql)
-- instead of the dimensions joined by '|': the older keys become the same hash.
UPDATE usage SET record_key = md5(record_key) WHERE source = 'openai-usage-csv'
