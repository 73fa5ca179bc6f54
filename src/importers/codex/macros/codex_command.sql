-- codex_command(arguments): the shell command of a Codex tool call, from its arguments (JSON text):
-- exec_command's "cmd", or shell's / local_shell_call's "command" (an argv array; `bash -lc "…"`
-- unwrapped to the script it runs, other argvs joined by spaces). NULL for other tools.
CREATE OR REPLACE TEMP MACRO codex_command(arguments) AS
  CASE WHEN json_valid(arguments) THEN
    coalesce(json_extract_string(arguments, '$.cmd'),
             CASE json_type(arguments, '$.command')
               WHEN 'VARCHAR' THEN json_extract_string(arguments, '$.command')
               WHEN 'ARRAY' THEN
                 CASE WHEN len(json_extract_string(arguments, '$.command[*]')) >= 3
                           AND regexp_matches(json_extract_string(arguments, '$.command[0]'), '(^|/)(ba|z|da)?sh$')
                           AND json_extract_string(arguments, '$.command[1]') IN ('-c', '-lc', '-l -c')
                      THEN json_extract_string(arguments, '$.command[2]')
                      ELSE array_to_string(json_extract_string(arguments, '$.command[*]'), ' ') END
             END,
             CASE WHEN json_type(arguments) = 'ARRAY' THEN array_to_string(json_extract_string(arguments, '$[*]'), ' ') END)
  END
