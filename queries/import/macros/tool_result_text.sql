-- tool_result_text(content): a Claude Code tool_result's content as text: a string, or its text
-- blocks joined by newlines (what tool_error.sql reads of a failed tool).
CREATE OR REPLACE TEMP MACRO tool_result_text(c) AS
  CASE json_type(c)
    WHEN 'VARCHAR' THEN json_extract_string(c, '$')
    WHEN 'ARRAY' THEN array_to_string(list_filter(json_extract_string(c, '$[*].text'), x -> x IS NOT NULL), E'\n')
  END
