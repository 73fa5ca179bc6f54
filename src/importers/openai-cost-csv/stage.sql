-- Stage the OpenAI dashboard cost CSV into invoice lines (amount_value in dollars, up to 17 decimals).
-- Rows sharing bucket, line item and project are summed, as in the usage CSV.
-- params: $files VARCHAR[] (the header template src/importers/openai-cost-csv/header.csv, then the one file whose lines
--         row_number() counts), $import_id VARCHAR
INSERT INTO staged_invoice BY NAME
WITH fields AS (
  SELECT source_file,
         source_line,
         concat_ws(',', start_time, end_time, amount_value, amount_currency, line_item, project_id) AS raw,
         try_cast(start_time AS BIGINT) AS start_s,
         try_cast(amount_value AS DECIMAL(38, 17)) AS amount,
         lower(coalesce(nullif(trim(amount_currency), ''), 'usd')) AS currency,
         nullif(trim(line_item), '') AS line_item,
         nullif(trim(project_id), '') AS project_id,
         CASE WHEN contains(line_item, ', ') THEN split_part(line_item, ', ', 1) END AS item_model,
         CASE WHEN contains(line_item, ', ') THEN substr(line_item, strpos(line_item, ', ') + 2) ELSE line_item END AS item_kind,
         amount_value
  FROM csv_lines($files)
),
checked AS (
  SELECT *,
         CASE
           WHEN line_item IS NULL AND amount_value IS NULL THEN 'skip'
           WHEN start_s IS NULL OR amount IS NULL OR currency <> 'usd' THEN 'reject'
           ELSE 'usage'
         END AS kind,
         CASE
           WHEN start_s IS NULL THEN 'start_time is missing or not a Unix timestamp'
           WHEN amount IS NULL THEN 'amount_value is not a number'
           WHEN currency <> 'usd' THEN 'amount is not in USD'
         END AS why
  FROM fields
)
SELECT 'usage' AS row_kind, NULL AS reason, NULL AS raw,
       concat_ws('|', start_s, line_item, project_id) AS record_key,
       'openai-cost-csv' AS source, source_file, min(source_line) AS source_line, $import_id AS import_id,
       CAST(to_timestamp(start_s) AT TIME ZONE 'UTC' AS DATE) AS usage_date,
       'openai' AS provider,
       line_item,
       unnest(openai_line_item(item_model, item_kind)),  -- model_raw, token_type, cost_type, service_tier
       project_id AS project,
       CAST(sum(amount) AS DOUBLE) AS amount_usd,
       count(*) AS row_count
FROM checked
WHERE kind = 'usage'
GROUP BY source_file, start_s, line_item, project_id, item_model, item_kind
UNION ALL BY NAME
SELECT kind AS row_kind, why AS reason, CASE WHEN kind = 'reject' THEN raw END AS raw, 'openai-cost-csv' AS source,
       source_file, source_line, $import_id AS import_id, 'openai' AS provider, 1 AS row_count
FROM checked
WHERE kind <> 'usage'
