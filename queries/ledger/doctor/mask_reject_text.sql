-- recount doctor --fix: a rejected line and its reason as a new import keeps them
-- (queries/import/insert_rejects.sql). Needs macros/mask_secrets.sql, macros/holds_secret.sql.
UPDATE rejects
SET raw = mask_secrets(raw),
    reason = mask_secrets(reason)
WHERE holds_secret(concat_ws(chr(31), raw, reason))
