-- stated_exit_code(text): the exit code a tool's output states in its first lines: "Exit code 1"
-- (Claude Code's Bash), "Exit code: 1" or "Process exited with code 1" (Codex); NULL when it states none.
CREATE OR REPLACE TEMP MACRO stated_exit_code(text) AS
  try_cast(nullif(regexp_extract(left(text, 2000), '(?:^|\n)(?:Exit code:? |Process exited with code )(-?\d+)', 1), '') AS INTEGER)
