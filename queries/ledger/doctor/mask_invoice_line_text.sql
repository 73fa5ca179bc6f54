-- recount doctor --fix: an invoice line's names as a new import stores them
-- (queries/import/mask_staged_invoice.sql). Needs macros/mask_secrets.sql and macros/hide_key.sql.
UPDATE invoice_lines
SET api_key = CASE WHEN mask_secrets(api_key) <> api_key THEN hide_key(api_key) ELSE api_key END,
    model = mask_secrets(model),
    model_raw = mask_secrets(model_raw),
    project = mask_secrets(project),
    workspace = mask_secrets(workspace),
    line_item = mask_secrets(line_item)
WHERE mask_secrets(api_key) <> api_key OR mask_secrets(model) <> model OR mask_secrets(model_raw) <> model_raw
   OR mask_secrets(project) <> project OR mask_secrets(workspace) <> workspace OR mask_secrets(line_item) <> line_item
