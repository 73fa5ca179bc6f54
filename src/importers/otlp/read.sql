-- Read one OTLP JSON capture into the temp table otlp_items, one row per span or log record, for the
-- mapping in common/otlp-stage.sql. Two shapes, told apart by the first non-blank line: the collector's file
-- exporter writes one ExportTraceServiceRequest ({"resourceSpans": […]}) or ExportLogsServiceRequest
-- ({"resourceLogs": […]}) per line; a saved OTLP/HTTP request body is one document, maybe
-- pretty-printed (source_line is then 1). A line (or document) that is not JSON is one item of kind
-- 'bad', kept with its text for the reject. Attributes come flattened (otlp_attributes.sql), the
-- resource's and the scope's beside the item's own.
-- params: $files VARCHAR[] (one file)
CREATE OR REPLACE TEMP TABLE otlp_items AS
WITH texts AS (SELECT * FROM json_texts($files)),  -- JSON lines, or one pretty-printed document
docs AS (
  SELECT source_file, source_line, text, CASE WHEN json_valid(text) THEN json_type(text) = 'OBJECT' ELSE false END AS ok FROM texts
),
resources AS (
  -- CASE, not only WHERE: the filter may run after the extraction, which fails on text that is not JSON
  SELECT source_file, source_line, 'span' AS kind, unnest(CAST(json_extract(CASE WHEN ok THEN text END, '$.resourceSpans[*]') AS JSON[])) AS res
  FROM docs WHERE ok
  UNION ALL
  SELECT source_file, source_line, 'log', unnest(CAST(json_extract(CASE WHEN ok THEN text END, '$.resourceLogs[*]') AS JSON[]))
  FROM docs WHERE ok
),
scopes AS (
  SELECT source_file, source_line, kind, otlp_attributes(res->'resource'->'attributes') AS resource_attrs,
         unnest(CAST(json_extract(res, '$.scopeSpans[*]') AS JSON[])) AS scope
  FROM resources WHERE kind = 'span'
  UNION ALL
  SELECT source_file, source_line, kind, otlp_attributes(res->'resource'->'attributes'),
         unnest(CAST(json_extract(res, '$.scopeLogs[*]') AS JSON[]))
  FROM resources WHERE kind = 'log'
),
items AS (
  SELECT source_file, source_line, kind, resource_attrs, scope->'scope'->>'name' AS scope_name,
         unnest(CAST(json_extract(scope, '$.spans[*]') AS JSON[])) AS item
  FROM scopes WHERE kind = 'span'
  UNION ALL
  SELECT source_file, source_line, kind, resource_attrs, scope->'scope'->>'name',
         unnest(CAST(json_extract(scope, '$.logRecords[*]') AS JSON[]))
  FROM scopes WHERE kind = 'log'
)
SELECT source_file, source_line, kind, resource_attrs, scope_name,
       otlp_attributes(item->'attributes') AS attrs,
       item->>'traceId' AS trace_id, item->>'spanId' AS span_id, nullif(item->>'parentSpanId', '') AS parent_span_id,
       item->>'name' AS span_name,
       coalesce(item->>'startTimeUnixNano', item->>'timeUnixNano', item->>'observedTimeUnixNano') AS start_ns,
       item->>'endTimeUnixNano' AS end_ns,
       item->'status'->>'code' AS status_code,
       coalesce(item->>'eventName', item->'body'->>'stringValue') AS event_name,
       NULL::VARCHAR AS raw
FROM items
UNION ALL
SELECT source_file, source_line, 'bad', CAST([] AS STRUCT(key VARCHAR, value VARCHAR)[]), NULL, CAST([] AS STRUCT(key VARCHAR, value VARCHAR)[]), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, left(text, 100000)
FROM docs WHERE NOT ok
