-- Secrets out of every staged invoice line before the merge (as mask_staged_usage.sql does for usage).
UPDATE staged_invoice
SET record_key = hide_key(record_key),
    api_key = hide_key(api_key),
    project = mask_secrets(project),
    workspace = mask_secrets(workspace),
    line_item = mask_secrets(line_item),
    model_raw = mask_secrets(model_raw)
WHERE regexp_matches(concat_ws(' ', record_key, api_key, project, workspace, line_item, model_raw),
                     'sk-|[Bb]earer|AKIA|ASIA|AIza|gh[pousr]_|github_pat_|(?i:secret)')
