-- Stage OpenAI Costs API pages into invoice lines: one per bucket result; amount.value is dollars.
-- line_item reads like 'gpt-4o-2024-08-06, cached input': the model, then the token type.
-- Reads the temp table api_results, which common/api-pages.sql fills first (prestage) from the pages.
-- params: $import_id VARCHAR
INSERT INTO staged_invoice BY NAME
WITH fields AS (
  SELECT source_file, source_line, r,
         try_cast(bucket->>'start_time' AS BIGINT) AS start_s,
         try_cast(r->'amount'->>'value' AS DOUBLE) AS amount,
         lower(coalesce(r->'amount'->>'currency', 'usd')) AS currency,
         r->>'line_item' AS line_item,
         CASE WHEN contains(r->>'line_item', ', ') THEN split_part(r->>'line_item', ', ', 1) END AS item_model,
         CASE WHEN contains(r->>'line_item', ', ') THEN substr(r->>'line_item', strpos(r->>'line_item', ', ') + 2) ELSE r->>'line_item' END AS item_kind
  FROM api_results
)
SELECT
  CASE WHEN start_s IS NULL OR amount IS NULL OR currency <> 'usd' THEN 'reject' ELSE 'usage' END AS row_kind,
  CASE WHEN start_s IS NULL THEN 'bucket start_time is missing or not a number'
       WHEN amount IS NULL THEN 'amount.value is missing or not a number'
       WHEN currency <> 'usd' THEN 'amount is not in USD' END AS reason,
  r::VARCHAR AS raw,
  concat_ws('|', start_s, line_item, r->>'project_id', hide_key(r->>'api_key_id')) AS record_key,
  'openai-costs-api' AS source,
  source_file,
  source_line,
  $import_id AS import_id,
  CAST(to_timestamp(start_s) AT TIME ZONE 'UTC' AS DATE) AS usage_date,
  'openai' AS provider,
  line_item,
  unnest(openai_line_item(item_model, item_kind)),  -- model_raw, token_type, cost_type, service_tier
  r->>'project_id' AS project,
  hide_key(r->>'api_key_id') AS api_key,
  amount AS amount_usd
FROM fields
