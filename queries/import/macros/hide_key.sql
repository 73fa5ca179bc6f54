-- hide_key(value): a value that is or holds a secret (mask_secrets.sql) becomes a stable 12-hex hash,
-- so keys can still be told apart and grouped but never land in the ledger: 'sk-…<hash>' for a raw
-- 'sk-' key (as ledgers have always stored them), 'secret-…<hash>' for any other; key names and key ids
-- stay.
CREATE OR REPLACE TEMP MACRO hide_key(value) AS
  CASE WHEN value LIKE 'sk-%' THEN 'sk-…' || left(sha256(value), 12)
       WHEN mask_secrets(value) <> value THEN 'secret-…' || left(sha256(value), 12)
       ELSE value END
