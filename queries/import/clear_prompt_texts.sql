-- After store_prompts.sql: an import's rows keep their prompt's md5, not its text.
-- params: $import_id VARCHAR
UPDATE usage SET prompt_text = NULL WHERE import_id = $import_id AND prompt_text IS NOT NULL
