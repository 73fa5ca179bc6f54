-- token_type_of(text): a vendor's token-type label ('cached input', 'cache_creation.ephemeral_1h_input_tokens',
-- 'input_cache_write_5m', 'output') in the ledger's bucket names; NULL when it is not a token charge.
CREATE OR REPLACE TEMP MACRO token_type_of(label) AS
  CASE
    WHEN label IS NULL THEN NULL
    WHEN regexp_matches(lower(label), 'web.?search') THEN 'web_search'
    WHEN regexp_matches(lower(label), 'uncached|no.?cache') THEN 'input'
    WHEN regexp_matches(lower(label), 'cache.?read|cached') THEN 'cache_read'
    WHEN regexp_matches(lower(label), '(cache.?(write|creation)).*1h') THEN 'cache_write_1h'
    WHEN regexp_matches(lower(label), 'cache.?(write|creation)') THEN 'cache_write_5m'
    WHEN regexp_matches(lower(label), 'output|completion') THEN 'output'
    WHEN regexp_matches(lower(label), 'input|prompt') THEN 'input'
  END
