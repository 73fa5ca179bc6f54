-- recount doctor --fix: an invoice line's names as a new import stores them
-- (queries/import/mask_staged_invoice.sql).
-- Needs macros/mask_secrets.sql, macros/holds_secret.sql and macros/hide_key.sql.
UPDATE invoice_lines
SET api_key = CASE WHEN holds_secret(api_key) THEN hide_key(api_key) ELSE api_key END,
    model = mask_secrets(model),
    model_raw = mask_secrets(model_raw),
    project = mask_secrets(project),
    workspace = mask_secrets(workspace),
    line_item = mask_secrets(line_item)
WHERE holds_secret(concat_ws(chr(31), api_key, model, model_raw, project, workspace, line_item))
