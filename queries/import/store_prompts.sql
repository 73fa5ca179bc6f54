-- Store the prompts of an import's new rows, once each (queries/schema/010_store_prompts_once.sql): the
-- texts a one-pass import left on its rows (the first response after each prompt line carries it)
-- and those of the staged rows, for every md5 the import's rows refer to that prompts lacks.
-- params: $import_id VARCHAR
INSERT INTO prompts (prompt_hash, prompt_text)
SELECT prompt_hash, any_value(prompt_text)
FROM (
  SELECT prompt_hash, prompt_text FROM usage WHERE import_id = $import_id AND prompt_text IS NOT NULL
  UNION ALL
  SELECT coalesce(prompt_hash, md5(mask_secrets(prompt_text))), mask_secrets(prompt_text) FROM staged_usage WHERE prompt_text IS NOT NULL
) AS t
WHERE prompt_hash IN (SELECT prompt_hash FROM usage WHERE import_id = $import_id)
  AND prompt_hash NOT IN (SELECT prompt_hash FROM prompts)
GROUP BY prompt_hash
