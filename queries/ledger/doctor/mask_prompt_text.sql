-- recount doctor --fix: a stored prompt as a new import stores it (queries/import/store_prompts.sql).
-- Its prompt_hash stays: usage rows and agent events join on it. Needs macros/mask_secrets.sql.
UPDATE prompts
SET prompt_text = mask_secrets(prompt_text)
WHERE mask_secrets(prompt_text) <> prompt_text
