-- hide_key(value): a raw API key ('sk-…', 'sk-ant-…') becomes a stable 12-hex hash, so keys can still
-- be told apart and grouped but never land in the ledger; anything else (key names, key ids) stays.
CREATE OR REPLACE TEMP MACRO hide_key(value) AS
  CASE WHEN value LIKE 'sk-%' THEN 'sk-…' || left(sha256(value), 12) ELSE value END
