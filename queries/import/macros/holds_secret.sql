-- holds_secret(text): text mask_secrets.sql would change. Over several columns, pass
-- concat_ws(chr(31), …): no secret's pattern spans that separator, so the joined text holds one
-- exactly when a column does.
CREATE OR REPLACE TEMP MACRO holds_secret(text) AS mask_secrets(text) <> text
