-- recount doctor --fix: a usage row's names and free text as a new import stores them
-- (queries/import/mask_staged_usage.sql): an api_key holding a secret becomes hide_key(key), the rest
-- is masked. Only rows secret_text_rows.sql counts are rewritten; a key hidden already stays as it is.
-- Needs macros/mask_secrets.sql, macros/holds_secret.sql and macros/hide_key.sql.
UPDATE usage
SET api_key = CASE WHEN holds_secret(api_key) THEN hide_key(api_key) ELSE api_key END,
    model = mask_secrets(model),
    model_raw = mask_secrets(model_raw),
    session_id = mask_secrets(session_id),
    project = mask_secrets(project),
    user_id = mask_secrets(user_id),
    workspace = mask_secrets(workspace),
    agent_id = mask_secrets(agent_id),
    service_tier = mask_secrets(service_tier),
    status = mask_secrets(status),
    tags = CASE WHEN holds_secret(tags::VARCHAR) THEN mask_secrets(tags::VARCHAR)::JSON ELSE tags END,
    tools = list_transform(tools, t -> mask_secrets(t)),
    prompt_text = mask_secrets(prompt_text)
WHERE holds_secret(concat_ws(chr(31), api_key, model, model_raw, session_id, project, user_id, workspace, agent_id, service_tier, status,
                        tags::VARCHAR, array_to_string(tools, chr(31)), prompt_text))
