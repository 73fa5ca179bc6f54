-- recount doctor --fix: an agent event's session, tool name, program and error line as a new import
-- stores them (queries/import/insert_staged_events.sql). Needs macros/mask_secrets.sql.
UPDATE agent_events
SET session_id = mask_secrets(session_id),
    tool_name = mask_secrets(tool_name),
    program = mask_secrets(program),
    error_first_line = mask_secrets(error_first_line)
WHERE mask_secrets(session_id) <> session_id OR mask_secrets(tool_name) <> tool_name
   OR mask_secrets(program) <> program OR mask_secrets(error_first_line) <> error_first_line
