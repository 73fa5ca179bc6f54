-- openai_usage_csv_fields(files): the rows of OpenAI dashboard usage CSVs (files: the header template
-- src/importers/openai-usage-csv/header.csv first, so every column named here exists), as text and
-- parsed: the staged path (openai-usage-csv/stage.sql) and the one-pass path
-- (openai-usage-csv/direct.sql) read a row the same way. Counts may be written as floats ('388.0')
-- and are read by token_count; input_tokens includes cached tokens. Row order is the file's, for a caller that numbers lines.
CREATE OR REPLACE TEMP MACRO openai_usage_csv_fields(files) AS TABLE
SELECT filename AS source_file,
       *,
       try_cast(start_time AS BIGINT) AS start_s,
       try_cast(end_time AS BIGINT) AS end_s,
       nullif(trim(project_id), '') AS project,
       hide_key(nullif(trim(user_id), '')) AS user_key,
       hide_key(nullif(trim(api_key_id), '')) AS key_id,
       nullif(trim(model), '') AS model_name,
       upper(trim(coalesce(batch, ''))) IN ('TRUE', '1') AS is_batch,
       nullif(trim(service_tier), '') AS tier,
       coalesce(token_count_fault('input_tokens', input_tokens), token_count_fault('output_tokens', output_tokens),
                token_count_fault('input_cached_tokens', input_cached_tokens),
                token_count_fault('input_cache_write_tokens', input_cache_write_tokens),
                token_count_fault('num_model_requests', num_model_requests)) AS count_fault,
       token_count(num_model_requests) AS n_requests,
       -- NULL also when any count of the row cannot be one (count_fault): the one-pass path then
       -- leaves the file to the staged one, which rejects the row naming it
       CASE WHEN count_fault IS NULL THEN token_count(input_tokens) END AS in_total,
       coalesce(token_count(input_cached_tokens), 0) AS in_cached,
       coalesce(token_count(input_cache_write_tokens), 0) AS in_write,
       token_count(output_tokens) AS out_tokens
FROM csv_cells(files)
