-- recount doctor --fix: a invoice_lines record key that holds a secret becomes hide_key(key), the key a new
-- import gives the same row (queries/import/mask_staged_usage.sql), so re-imports still dedupe on it.
-- Needs macros/mask_secrets.sql and macros/hide_key.sql.
UPDATE invoice_lines
SET record_key = hide_key(record_key)
WHERE mask_secrets(record_key) <> record_key
