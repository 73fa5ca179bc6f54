-- recount doctor --fix: an agent event's session, tool name, program and error line as a new import
-- stores them (queries/import/insert_staged_events.sql). Needs macros/mask_secrets.sql, macros/holds_secret.sql.
UPDATE agent_events
SET session_id = mask_secrets(session_id),
    tool_name = mask_secrets(tool_name),
    program = mask_secrets(program),
    error_first_line = mask_secrets(error_first_line)
WHERE holds_secret(concat_ws(chr(31), session_id, tool_name, program, error_first_line))
