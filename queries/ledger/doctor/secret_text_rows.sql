-- recount doctor: rows whose names or free text hold a secret, as a ledger written before the import
-- masked them (queries/import/mask_staged_usage.sql, mask_staged_invoice.sql, insert_rejects.sql,
-- insert_staged_events.sql, store_prompts.sql) keeps them. The columns are the ones an import masks;
-- paths and record keys are secret_paths.sql's and secret_record_keys.sql's. A key already hidden
-- ('sk-…<hash>') holds no secret any more. The mask_*_text.sql statements rewrite the same rows.
-- Needs macros/mask_secrets.sql and macros/holds_secret.sql.
-- grain: one row per table that holds such rows
SELECT 'usage' AS place, count(*) AS row_count
FROM usage
WHERE holds_secret(concat_ws(chr(31), api_key, model, model_raw, session_id, project, user_id, workspace, agent_id, service_tier, status,
                          tags::VARCHAR, array_to_string(tools, chr(31)), prompt_text))
HAVING count(*) > 0
UNION ALL
SELECT 'invoice_lines', count(*) FROM invoice_lines WHERE holds_secret(concat_ws(chr(31), api_key, model, model_raw, project, workspace, line_item)) HAVING count(*) > 0
UNION ALL
SELECT 'agent_events', count(*) FROM agent_events WHERE holds_secret(concat_ws(chr(31), session_id, tool_name, program, error_first_line)) HAVING count(*) > 0
UNION ALL
SELECT 'rejects', count(*) FROM rejects WHERE holds_secret(concat_ws(chr(31), raw, reason)) HAVING count(*) > 0
UNION ALL
SELECT 'prompts', count(*) FROM prompts WHERE holds_secret(prompt_text) HAVING count(*) > 0
ORDER BY place
