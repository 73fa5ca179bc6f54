-- Read usage or cost API pages (JSON documents {"data": [bucket, …]}, each bucket with "results": […],
-- as the OpenAI Usage/Costs APIs and the Anthropic usage/cost reports return them) into the temp table
-- api_results: one row per bucket result with its bucket. source_line is the result's position in its
-- file (1 = first result), not a text line. Used before openai-usage-api/stage.sql,
-- openai-costs-api/stage.sql, anthropic-usage-api/stage.sql and anthropic-cost-api/stage.sql.
-- params: $files VARCHAR[]
CREATE OR REPLACE TEMP TABLE api_results AS
WITH pages AS (
  SELECT filename, row_number() OVER () AS page_no, json AS page
  FROM read_json_objects($files, format = 'auto', filename = true, maximum_object_size = 33554432)
),
buckets AS (
  SELECT filename, row_number() OVER () AS bucket_no, bucket
  FROM (SELECT filename, page_no, unnest(json_extract(page, '$.data[*]')) AS bucket FROM pages)
),
results AS (
  SELECT filename, row_number() OVER () AS result_no, bucket, r
  FROM (SELECT filename, bucket_no, bucket, unnest(json_extract(bucket, '$.results[*]')) AS r FROM buckets)
)
SELECT filename AS source_file, row_number() OVER (PARTITION BY filename ORDER BY result_no) AS source_line, bucket, r
FROM results
