-- Raw API keys never land in invoice lines either.
UPDATE staged_invoice
SET api_key = CASE WHEN api_key ~ '^sk-' THEN 'sk-…' || left(sha256(api_key), 12) ELSE api_key END
WHERE row_kind = 'usage'
