-- One-pass import of a large OpenAI dashboard usage CSV (see src/import/direct-import.ts): the file is
-- read in parallel and its rows go straight into the ledger, labelled and with canonical model ids,
-- without a staging copy or a merge plan. It only runs while the ledger holds no openai-usage-csv
-- rows, and only for clean files: a row the general path would reject or skip stops the statement
-- with 'recount:direct-fallback' (the caller then rolls back and stages the file), and the caller
-- checks afterwards that no bucket key came twice (rows to sum). Rows are read by
-- openai_usage_csv_fields, as in openai-usage-csv/stage.sql, and written as openai-usage-csv/stage.sql
-- and insert_staged_usage.sql write them, so a clean file yields the same rows, except that
-- source_line stays NULL: numbering lines would make the read single-threaded.
-- params: $files VARCHAR[] (the header template, then the files), $import_id VARCHAR,
--         $model_map MAP(VARCHAR, VARCHAR) (raw → canonical, possibly incomplete: a name it lacks
--         leaves model NULL for the caller to fill), $task_types, $tiers and the rules' own (the
--         rule index is spliced in by src/classify/compile.ts where it says /*rule_index*/; bucket
--         rows have no tools, prompt_text or tags, which the rules read as NULL constants)
INSERT INTO usage BY NAME
WITH fields AS (
  SELECT * FROM openai_usage_csv_fields($files)
),
clean AS (  -- the usage rows of openai-usage-csv/stage.sql; anything else ends the statement
  SELECT *
  FROM fields
  WHERE CASE
          WHEN start_s IS NOT NULL
               AND NOT ((input_tokens IS NOT NULL AND in_total IS NULL) OR (output_tokens IS NOT NULL AND out_tokens IS NULL)
                        OR (input_cached_tokens IS NOT NULL AND try_cast(input_cached_tokens AS DOUBLE) IS NULL)
                        OR (num_model_requests IS NOT NULL AND n_requests IS NULL))
               AND in_total IS NOT NULL AND out_tokens IS NOT NULL
               AND in_cached + in_write <= in_total THEN true
          ELSE error('recount:direct-fallback')::BOOLEAN
        END
),
staged AS (  -- one staged usage row per CSV row, as openai-usage-csv/stage.sql writes it
  SELECT openai_usage_csv_key(start_s, end_s, project, user_key, key_id, model_name, is_batch, tier) AS record_key,
         'openai-usage-csv' AS source, source_file, NULL::BIGINT AS source_line, $import_id AS import_id,
         to_timestamp(start_s) AS started_at,
         CASE end_s - start_s WHEN 60 THEN '1m' WHEN 3600 THEN '1h' WHEN 86400 THEN '1d' ELSE (end_s - start_s) || 's' END AS bucket_width,
         'openai' AS provider, model_name AS model_raw,
         CAST(n_requests AS BIGINT) AS requests,
         CAST(in_total - in_cached - in_write AS BIGINT) AS input_tokens,
         CAST(in_cached AS BIGINT) AS cache_read_tokens,
         CAST(in_write AS BIGINT) AS cache_write_5m_tokens,
         0 AS cache_write_1h_tokens,
         CAST(out_tokens AS BIGINT) AS output_tokens,
         CASE WHEN is_batch THEN 'batch' WHEN coalesce(tier, 'default') IN ('default', 'auto') THEN 'standard' ELSE tier END AS service_tier,
         project, hide_key(key_id) AS api_key, mask_secrets(user_key) AS user_id, 'ok' AS status
  FROM clean
),
labelled AS (
  SELECT *, /*rule_index*/ NULL AS rule_index FROM staged
)
SELECT * EXCLUDE (rule_index, project),
       map_extract_value($model_map, model_raw) AS model,
       coalesce(list_extract($task_types, rule_index), 'unclassified') AS task_type,
       CAST(list_extract($tiers, rule_index) AS INTEGER) AS tier,
       mask_secrets(project) AS project
FROM labelled
