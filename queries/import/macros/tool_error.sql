-- tool_error(text): what agent_events keeps of a failed tool's output (issue 18): its md5 (repeats of
-- the same error), its first non-blank line (≤ 120 characters, secrets masked), the exit code when the
-- text states one ("Exit code 1" in Claude Code, "Exit code: 1" or "Process exited with code 1" in
-- Codex), and whether it is the user refusing the call (Claude Code) rather than a failure.
CREATE OR REPLACE TEMP MACRO tool_error(text) AS
  {'exit_code': stated_exit_code(text),
   'error_hash': md5(coalesce(text, '')),
   'error_first_line': left(mask_secrets(regexp_extract(coalesce(text, ''), '^\s*([^\r\n]*)', 1)), 120),
   'rejected': coalesce(regexp_matches(left(text, 300), 'user (doesn''t|does not) want to proceed with this tool use'), false)}
