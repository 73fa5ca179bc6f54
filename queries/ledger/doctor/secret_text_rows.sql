-- recount doctor: rows whose names or free text hold a secret, as a ledger written before the import
-- masked them (queries/import/mask_staged_usage.sql, mask_staged_invoice.sql, insert_rejects.sql,
-- insert_staged_events.sql, store_prompts.sql) keeps them. The columns are the ones an import masks;
-- paths and record keys are secret_paths.sql's and secret_record_keys.sql's. A key already hidden
-- ('sk-…<hash>') holds no secret any more.
-- Needs macros/mask_secrets.sql.
-- grain: one row per table that holds such rows
SELECT 'usage' AS place, count(*) AS row_count
FROM usage
WHERE mask_secrets(api_key) <> api_key OR mask_secrets(model) <> model OR mask_secrets(model_raw) <> model_raw
   OR mask_secrets(session_id) <> session_id OR mask_secrets(project) <> project OR mask_secrets(user_id) <> user_id
   OR mask_secrets(workspace) <> workspace OR mask_secrets(agent_id) <> agent_id
   OR mask_secrets(service_tier) <> service_tier OR mask_secrets(status) <> status
   OR mask_secrets(tags::VARCHAR) <> tags::VARCHAR OR list_transform(tools, t -> mask_secrets(t)) <> tools
   OR mask_secrets(prompt_text) <> prompt_text
HAVING count(*) > 0
UNION ALL
SELECT 'invoice_lines', count(*)
FROM invoice_lines
WHERE mask_secrets(api_key) <> api_key OR mask_secrets(model) <> model OR mask_secrets(model_raw) <> model_raw
   OR mask_secrets(project) <> project OR mask_secrets(workspace) <> workspace OR mask_secrets(line_item) <> line_item
HAVING count(*) > 0
UNION ALL
SELECT 'agent_events', count(*)
FROM agent_events
WHERE mask_secrets(session_id) <> session_id OR mask_secrets(tool_name) <> tool_name
   OR mask_secrets(program) <> program OR mask_secrets(error_first_line) <> error_first_line
HAVING count(*) > 0
UNION ALL
SELECT 'rejects', count(*)
FROM rejects
WHERE mask_secrets(raw) <> raw OR mask_secrets(reason) <> reason
HAVING count(*) > 0
UNION ALL
SELECT 'prompts', count(*)
FROM prompts
WHERE mask_secrets(prompt_text) <> prompt_text
HAVING count(*) > 0
ORDER BY place
