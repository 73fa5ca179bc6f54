-- Read one Helicone request export in CSV (`npx @helicone/export --format csv`) into the temp table
-- helicone_records, one row per CSV row, for the shared mapping in helicone/stage.sql: the fields
-- trimmed to text (empty → NULL), request_user_id already masked. Older exporter versions wrote
-- response_id, model, latency and cost_usd instead of request_id, request_model, delay_ms and cost:
-- they are read as fallbacks. request_properties holds the properties as JSON text. raw (kept for
-- rejects) is the row's fields joined by commas; ok is always true (a CSV row has no parse step).
-- Same columns as helicone/read-jsonl.sql.
-- params: $files VARCHAR[] (the header template src/importers/helicone/header.csv, then the one
--         file whose rows row_number() counts: row n is line n + 1)
CREATE OR REPLACE TEMP TABLE helicone_records AS
SELECT filename AS source_file,
       row_number() OVER () + 1 AS source_line,
       true AS ok,
       concat_ws(',', request_id, request_created_at, request_user_id, request_model, provider, delay_ms, prompt_tokens,
                 completion_tokens, reasoning_tokens, prompt_cache_read_tokens, prompt_cache_write_tokens, cost,
                 cache_reference_id, request_properties) AS raw,
       nullif(trim(coalesce(request_id, response_id)), '') AS request_id,
       nullif(trim(request_created_at), '') AS created_text,
       hide_key(nullif(trim(request_user_id), '')) AS user_key,
       coalesce(nullif(trim(request_model), ''), nullif(trim(model), ''), nullif(trim(response_model), '')) AS model_name,
       lower(nullif(trim(provider), '')) AS provider_raw,
       coalesce(nullif(trim(delay_ms), ''), nullif(trim(latency), '')) AS delay_text,
       nullif(trim(prompt_tokens), '') AS prompt_text_,
       nullif(trim(completion_tokens), '') AS completion_text,
       nullif(trim(reasoning_tokens), '') AS reasoning_text,
       nullif(trim(prompt_cache_read_tokens), '') AS read_text,
       nullif(trim(prompt_cache_write_tokens), '') AS write_text,
       coalesce(nullif(trim(cost), ''), nullif(trim(cost_usd), ''), nullif(trim(costUSD), '')) AS cost_text,
       lower(nullif(trim(cache_reference_id), '')) AS cache_reference_id,
       try_cast(response_status AS DOUBLE) AS response_status,
       coalesce(nullif(trim(request_properties), ''), nullif(trim(properties), '')) AS properties_text
FROM csv_cells($files)
