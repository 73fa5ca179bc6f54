-- Stage the Anthropic Console cost CSV into invoice lines; cost_usd and list_price_usd are DOLLARS
-- and model is a display name ('Claude Haiku 4.5'). Rows with identical dimensions are summed.
-- params: $files VARCHAR[] (the header template src/importers/anthropic-cost-csv/header.csv, then the one file whose lines
--         row_number() counts), $import_id VARCHAR
INSERT INTO staged_invoice BY NAME
WITH fields AS (
  SELECT source_file,
         source_line,
         concat_ws(',', usage_date_utc, model, workspace, api_key, usage_type, context_window, token_type, cost_usd,
                   list_price_usd, cost_type, speed) AS raw,
         try_cast(usage_date_utc AS DATE) AS day,
         nullif(trim(model), '') AS model_name,
         nullif(trim(workspace), '') AS workspace,
         hide_key(nullif(trim(api_key), '')) AS key_name,
         lower(coalesce(nullif(trim(usage_type), ''), 'standard')) AS usage_type,
         CASE WHEN context_window IS NULL OR trim(context_window) = '' THEN NULL
              WHEN regexp_matches(context_window, '^\s*(>|200k)') THEN '200k-1M' ELSE '0-200k' END AS context_window,
         nullif(trim(token_type), '') AS token_type_raw,
         lower(nullif(trim(cost_type), '')) AS cost_type,
         lower(nullif(trim(speed), '')) AS speed,
         try_cast(cost_usd AS DECIMAL(38, 12)) AS cost,
         try_cast(list_price_usd AS DECIMAL(38, 12)) AS list_cost,
         cost_usd
  FROM csv_lines($files)
),
checked AS (
  SELECT *,
         CASE
           WHEN model_name IS NULL AND cost_usd IS NULL THEN 'skip'
           WHEN day IS NULL OR cost IS NULL THEN 'reject'
           ELSE 'usage'
         END AS kind,
         CASE
           WHEN day IS NULL THEN 'usage_date_utc is missing or not a date'
           WHEN cost IS NULL THEN 'cost_usd is missing or not a number'
         END AS why
  FROM fields
)
SELECT 'usage' AS row_kind,
       concat_ws('|', day, model_name, workspace, key_name, usage_type, context_window, token_type_raw, cost_type, speed) AS record_key,
       'anthropic-cost-csv' AS source, source_file, min(source_line) AS source_line, $import_id AS import_id,
       day AS usage_date,
       'anthropic' AS provider,
       model_name AS model_raw,
       token_type_raw AS line_item,
       coalesce(token_type_of(token_type_raw), CASE WHEN cost_type = 'web_search' THEN 'web_search' END) AS token_type,
       CASE WHEN cost_type = 'token' THEN 'tokens' ELSE cost_type END AS cost_type,
       CASE WHEN speed = 'fast' THEN 'fast' WHEN usage_type = 'batch' THEN 'batch' ELSE 'standard' END AS service_tier,
       context_window,
       key_name AS api_key,
       workspace,
       CAST(sum(cost) AS DOUBLE) AS amount_usd,
       CAST(sum(list_cost) AS DOUBLE) AS list_amount_usd,
       count(*) AS row_count
FROM checked
WHERE kind = 'usage'
GROUP BY source_file, day, model_name, workspace, key_name, usage_type, context_window, token_type_raw, cost_type, speed
UNION ALL BY NAME
SELECT kind AS row_kind, why AS reason, CASE WHEN kind = 'reject' THEN raw END AS raw, 'anthropic-cost-csv' AS source,
       source_file, source_line, $import_id AS import_id, 'anthropic' AS provider, 1 AS row_count
FROM checked
WHERE kind <> 'usage'
