-- recount doctor --fix: a stored prompt as a new import stores it (queries/import/store_prompts.sql).
-- Its prompt_hash stays: usage rows and agent events join on it. Needs macros/mask_secrets.sql, macros/holds_secret.sql.
UPDATE prompts
SET prompt_text = mask_secrets(prompt_text)
WHERE holds_secret(prompt_text)
