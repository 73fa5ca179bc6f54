-- otlp_attributes(attrs): an OTLP JSON attribute list ([{"key": …, "value": {"stringValue": …}}, …]) as
-- a list of {key, value} with every value as text: OTLP writes a value in its typed form, 64-bit ints as
-- strings ({"intValue": "123"}), so the text is the same whichever form a writer chose. Arrays and
-- key-value lists stay JSON text. Read one with otlp_attr.sql.
CREATE OR REPLACE TEMP MACRO otlp_attributes(attrs) AS
  list_transform(coalesce(CAST(json_extract(attrs, '$[*]') AS JSON[]), []),
                 a -> {'key': a->>'key',
                       'value': coalesce(a->'value'->>'stringValue', a->'value'->>'intValue', a->'value'->>'doubleValue',
                                         a->'value'->>'boolValue', CAST(a->'value'->'arrayValue' AS VARCHAR),
                                         CAST(a->'value'->'kvlistValue' AS VARCHAR))})
