-- Secrets out of every staged usage row before the merge sees it (macros/mask_secrets.sql): free text
-- and names are masked, an api_key or record_key holding a secret becomes a stable hash (hide_key), so
-- rows still group and dedupe the same way in every import. Only rows with a secret's marker in one
-- of those columns are rewritten. (File paths are masked where they are written.)
UPDATE staged_usage
SET record_key = hide_key(record_key),
    api_key = hide_key(api_key),
    model_raw = mask_secrets(model_raw),
    session_id = mask_secrets(session_id),
    project = mask_secrets(project),
    user_id = mask_secrets(user_id),
    workspace = mask_secrets(workspace),
    agent_id = mask_secrets(agent_id),
    service_tier = mask_secrets(service_tier),
    status = mask_secrets(status),
    tags = CASE WHEN tags IS NOT NULL THEN mask_secrets(tags::VARCHAR)::JSON END,
    tools = list_transform(tools, t -> mask_secrets(t)),
    prompt_text = mask_secrets(prompt_text)
WHERE regexp_matches(concat_ws(' ', record_key, api_key, model_raw, session_id, project, user_id, workspace, agent_id,
                               service_tier, status, tags::VARCHAR, tools::VARCHAR, prompt_text),
                     'sk-|[Bb]earer|AKIA|ASIA|AIza|gh[pousr]_|github_pat_|(?i:secret)')
