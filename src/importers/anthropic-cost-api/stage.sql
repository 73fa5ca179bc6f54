-- Stage the Anthropic cost report into invoice lines. amount is a decimal string in CENTS.
-- token_type ('cache_creation.ephemeral_1h_input_tokens', …) maps onto the ledger's bucket names.
-- Reads the temp table api_results, which common/api-pages.sql fills first (prestage) from the pages.
-- params: $import_id VARCHAR
INSERT INTO staged_invoice BY NAME
WITH fields AS (
  SELECT source_file, source_line, r,
         bucket->>'starting_at' AS bucket_start,
         try_cast(bucket->>'starting_at' AS TIMESTAMPTZ) AS starts,
         try_cast(r->>'amount' AS DECIMAL(38, 12)) AS amount_cents,
         upper(coalesce(r->>'currency', 'USD')) AS currency
  FROM api_results
)
SELECT
  CASE WHEN starts IS NULL OR amount_cents IS NULL OR currency <> 'USD' THEN 'reject' ELSE 'usage' END AS row_kind,
  CASE WHEN starts IS NULL THEN 'bucket starting_at is missing or not a timestamp'
       WHEN amount_cents IS NULL THEN 'amount is missing or not a number'
       WHEN currency <> 'USD' THEN 'amount is not in USD' END AS reason,
  r::VARCHAR AS raw,
  concat_ws('|', bucket_start, r->>'workspace_id', r->>'model', r->>'cost_type', r->>'token_type', r->>'service_tier',
            r->>'context_window', r->>'description') AS record_key,
  'anthropic-cost-api' AS source,
  source_file,
  source_line,
  $import_id AS import_id,
  CAST(timezone('UTC', starts) AS DATE) AS usage_date,
  'anthropic' AS provider,
  r->>'model' AS model_raw,
  r->>'description' AS line_item,
  coalesce(token_type_of(r->>'token_type'), CASE WHEN r->>'cost_type' = 'web_search' THEN 'web_search' END) AS token_type,
  r->>'cost_type' AS cost_type,
  coalesce(r->>'service_tier', 'standard') AS service_tier,
  r->>'context_window' AS context_window,
  r->>'workspace_id' AS workspace,
  CAST(amount_cents / 100 AS DOUBLE) AS amount_usd
FROM fields
