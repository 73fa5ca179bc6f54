-- Read LiteLLM proxy spend logs (the LiteLLM_SpendLogs table) exported as CSV into the temp table
-- litellm_records, one row per CSV row, for the shared mapping in litellm/stage.sql.
-- Every field stays text as written; metadata and request_tags hold JSON text. raw_text (kept for
-- rejects) is the row's fields joined by commas. source_line is the row's line in the file.
-- Same columns as litellm/read-jsonl.sql and litellm/read-json.sql.
-- params: $files VARCHAR[] (the header template src/importers/litellm/header.csv, then
--         the one file: row_number() over the single file's rows + 1 is its line number)
CREATE OR REPLACE TEMP TABLE litellm_records AS
SELECT source_file, source_line, true AS valid, true AS ok,
       concat_ws(',', request_id, call_type, api_key, spend, total_tokens, prompt_tokens, completion_tokens,
                 "startTime", "endTime", model, model_group, custom_llm_provider, "user", end_user, team_id,
                 status, cache_hit, request_tags, metadata) AS raw_text,
       request_id, call_type, api_key, spend, prompt_tokens, completion_tokens,
       "startTime" AS start_time, "endTime" AS end_time, model, model_group, custom_llm_provider,
       "user" AS user_name, end_user, team_id, session_id, status, cache_hit, request_tags, metadata
FROM csv_lines($files)
