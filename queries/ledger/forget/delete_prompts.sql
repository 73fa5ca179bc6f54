-- recount forget: the prompts only this import's usage rows refer to (run before delete_usage.sql, in
-- the same transaction), so forgetting an import takes its prompts' text with it.
-- params: import_id VARCHAR
DELETE FROM prompts
WHERE prompt_hash IN (SELECT prompt_hash FROM usage WHERE import_id = $import_id)
  AND prompt_hash NOT IN (SELECT prompt_hash FROM usage WHERE import_id <> $import_id AND prompt_hash IS NOT NULL)
