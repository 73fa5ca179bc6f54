-- Read one GitHub Copilot OpenTelemetry file export (COPILOT_OTEL_EXPORTER_TYPE=file, ~/.copilot/otel/
-- *.jsonl) into the temp table otlp_items, the shape otlp/read.sql gives, so common/otlp-stage.sql maps it:
-- Copilot's file exporter writes each span as the OpenTelemetry JS SDK holds it, one per line
-- ({"type": "span", traceId, spanId, parentSpanId, name, startTime/endTime as [seconds, nanoseconds],
-- status {code}, resource {attributes}, attributes: one flat object}), metrics and log records
-- beside them ({"type": "metric" | "log", …}; VS Code's Copilot Chat writes spans without "type").
-- Flat attributes become the {key, value} list otlp_attributes.sql gives; the resource gains
-- recount.source (copilot-chat when service.name says so, else copilot-cli), which common/otlp-stage.sql
-- takes as the row's source. Metric and log lines are items of kind 'log' without an event: skipped.
-- A line that is not a JSON object is one item of kind 'bad', kept with its text for the reject.
-- params: $files VARCHAR[] (one file)
CREATE OR REPLACE TEMP TABLE otlp_items AS
WITH texts AS (SELECT * FROM json_texts($files)),
docs AS (
  SELECT source_file, source_line, text, CASE WHEN json_valid(text) THEN json_type(text) = 'OBJECT' ELSE false END AS ok FROM texts
),
records AS (
  SELECT source_file, source_line, CASE WHEN ok THEN CAST(text AS JSON) END AS r FROM docs WHERE ok
),
flat AS (
  SELECT source_file, source_line, r,
         coalesce((r->>'type') = 'span', (r->>'traceId') IS NOT NULL AND (r->>'spanId') IS NOT NULL) AS is_span,
         list_transform(coalesce(json_keys(r->'resource'->'attributes'), []),
                        k -> {'key': k, 'value': json_extract_string(r->'resource'->'attributes', '$."' || k || '"')}) AS resource_list,
         list_transform(coalesce(json_keys(r->'attributes'), []),
                        k -> {'key': k, 'value': json_extract_string(r->'attributes', '$."' || k || '"')}) AS attrs
  FROM records
)
SELECT source_file, source_line, CASE WHEN is_span THEN 'span' ELSE 'log' END AS kind,
       list_append(resource_list, {'key': 'recount.source',
                                   'value': CASE WHEN otlp_attr(resource_list, 'service.name') = 'copilot-chat' THEN 'copilot-chat' ELSE 'copilot-cli' END})
         AS resource_attrs,
       coalesce(r->'instrumentationScope'->>'name', r->'instrumentationLibrary'->>'name') AS scope_name, attrs,
       coalesce(r->>'traceId', r->'spanContext'->>'traceId') AS trace_id, coalesce(r->>'spanId', r->'spanContext'->>'spanId') AS span_id,
       nullif(coalesce(r->>'parentSpanId', r->'parentSpanContext'->>'spanId'), '') AS parent_span_id, r->>'name' AS span_name,
       CASE WHEN json_type(r, '$.startTime') = 'ARRAY'
            THEN CAST(try_cast(r->'startTime'->>0 AS HUGEINT) * 1000000000 + try_cast(r->'startTime'->>1 AS HUGEINT) AS VARCHAR)
            ELSE r->>'startTime' END AS start_ns,
       CASE WHEN json_type(r, '$.endTime') = 'ARRAY'
            THEN CAST(try_cast(r->'endTime'->>0 AS HUGEINT) * 1000000000 + try_cast(r->'endTime'->>1 AS HUGEINT) AS VARCHAR)
            ELSE r->>'endTime' END AS end_ns,
       r->'status'->>'code' AS status_code, NULL::VARCHAR AS event_name, NULL::VARCHAR AS raw
FROM flat
UNION ALL
SELECT source_file, source_line, 'bad', CAST([] AS STRUCT(key VARCHAR, value VARCHAR)[]), NULL, CAST([] AS STRUCT(key VARCHAR, value VARCHAR)[]),
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, left(text, 100000)
FROM docs
WHERE NOT ok
