-- otlp_attr(attrs, name): one attribute's text from an otlp_attributes.sql list (the first, if a key
-- repeats); NULL when it is missing or blank.
CREATE OR REPLACE TEMP MACRO otlp_attr(attrs, name) AS nullif(trim(list_filter(attrs, a -> a.key = name)[1].value), '')
