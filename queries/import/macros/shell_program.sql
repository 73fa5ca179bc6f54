-- shell_program(command): the program a shell command runs, without its arguments: the first word
-- after leading `cd DIR &&` steps and VAR=value assignments (and `env`), without its directory
-- ('./node_modules/.bin/vitest run' → 'vitest'). agent_events keeps this, never the command (issue 18).
CREATE OR REPLACE TEMP MACRO shell_program(command) AS
  nullif(regexp_extract(
    regexp_replace(command, '^\s*((cd|pushd)\s+[^;&|]*(&&|;)\s*|env\s+|[A-Za-z_][A-Za-z0-9_]*=("[^"]*"|''[^'']*''|\S*)\s+)*', ''),
    '^(?:\S*/)?([^\s/;&|()<>]+)', 1), '')
