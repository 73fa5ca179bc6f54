-- recount doctor --fix: a rejected line and its reason as a new import keeps them
-- (queries/import/insert_rejects.sql). Needs macros/mask_secrets.sql.
UPDATE rejects
SET raw = mask_secrets(raw),
    reason = mask_secrets(reason)
WHERE mask_secrets(raw) <> raw OR mask_secrets(reason) <> reason
