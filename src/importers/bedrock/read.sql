-- Read the events of one AWS Bedrock invocation-log file that is ONE JSON document (a CloudWatch Logs
-- export) into the temp table bedrock_document, for bedrock/stage.sql: one row per
-- event, numbered by its position (source_line), holding the invocation record as text or the event
-- that carries it; plus a row 0 that marks the file as a document. JSON lines (S3 delivery files,
-- one event per line) leave the table empty: the stage statement streams their lines itself.
-- Shapes (told by the file's head; the bound flags plan the other readers away): 'array', the
-- Insights console's JSON array of {"@timestamp", "@message", …}, streamed element by element;
-- 'events', `aws logs filter-log-events`' {"events": [{"timestamp", "message", …}]} (or Insights rows
-- under "events", as a PowerShell script wraps them); 'results', `aws logs get-query-results`'
-- {"results": [[{"field", "value"}, …]]}, or 'cells' when PowerShell ran the rows together into one
-- list. Those are read typed, only the messages: parsed as JSON values, the whole document would need
-- several times its size in memory. 'object', any other document (one pretty-printed record), read
-- whole. Pretty-printed or compact, gzipped or not, with or without a UTF-8 BOM: DuckDB's JSON reader
-- (records and auto_detect are set so that a reader planned away never samples the file).
-- params: $files VARCHAR[] (one file); one of the BOOLEANs $lines_shape, $array_shape, $events_shape,
--         $results_shape, $cells_shape, $object_shape is true
CREATE OR REPLACE TEMP TABLE bedrock_document AS
WITH array_items AS (
  SELECT filename AS source_file, row_number() OVER () AS source_line, json::VARCHAR AS item
  FROM read_json_objects($files, format = 'array', maximum_object_size = 16777216, filename = true)
  WHERE $array_shape
),
event_lists AS (
  SELECT filename AS source_file, events
  FROM read_json($files, format = 'unstructured', records = true, auto_detect = false, filename = true,
                 columns = {'events': 'STRUCT(message VARCHAR, "@message" VARCHAR)[]'}, maximum_object_size = 67108864)
  WHERE $events_shape
),
result_rows AS (  -- the @message cell of every result row
  SELECT source_file, list_filter(r, c -> c.field = '@message')[1].value AS item
  FROM (SELECT filename AS source_file, unnest(results) AS r
        FROM read_json($files, format = 'unstructured', records = true, auto_detect = false, filename = true,
                       columns = {'results': 'STRUCT(field VARCHAR, value VARCHAR)[][]'}, maximum_object_size = 67108864)
        WHERE $results_shape)
),
result_cells AS (
  SELECT filename AS source_file, unnest(results) AS c
  FROM read_json($files, format = 'unstructured', records = true, auto_detect = false, filename = true,
                 columns = {'results': 'STRUCT(field VARCHAR, value VARCHAR)[]'}, maximum_object_size = 67108864)
  WHERE $cells_shape
),
object_items AS (  -- a document of another shape (keys past the head): its events or @message cells, else itself
  SELECT filename AS source_file,
         unnest(CASE WHEN json_type(json, '$.events') = 'ARRAY' THEN CAST(json_extract(json, '$.events[*]') AS VARCHAR[])
                     WHEN json_type(json, '$.results') = 'ARRAY' THEN
                       list_transform(list_filter(flatten(list_transform(json_extract(json, '$.results[*]'),
                                                                         r -> CASE WHEN json_type(r) = 'ARRAY' THEN json_extract(r, '$[*]') ELSE [r] END)),
                                                  c -> json_extract_string(c, '$.field') = '@message'),
                                      c -> json_extract_string(c, '$.value'))
                     ELSE [json::VARCHAR] END) AS item
  FROM read_json_objects($files, format = 'unstructured', maximum_object_size = 67108864, filename = true)
  WHERE $object_shape
),
items AS (
  SELECT source_file, source_line, item FROM array_items
  UNION ALL
  SELECT source_file, generate_subscripts(events, 1), unnest(list_transform(events, e -> coalesce(e.message, e."@message")))
  FROM event_lists
  UNION ALL
  SELECT source_file, row_number() OVER (), item FROM result_rows
  UNION ALL
  SELECT source_file, row_number() OVER (), c.value FROM result_cells WHERE c.field = '@message'
  UNION ALL
  SELECT source_file, row_number() OVER (), item FROM object_items
)
SELECT NULL::VARCHAR AS source_file, 0::BIGINT AS source_line, NULL::VARCHAR AS item
WHERE NOT $lines_shape  -- row 0: the file is a document (also when it holds no event)
UNION ALL
SELECT source_file, source_line, item FROM items WHERE item IS NOT NULL
