-- After a one-pass import of one source: the rows it wrote, whether their record keys are all distinct
-- (a key seen twice means rows to sum or dedupe, which the general path does; equal hashes of two
-- distinct keys only cost that detour), whether every row passes the plausibility rules (one that
-- does not is a reject, which the general path keeps) and the raw model names its sampled model map
-- lacked.
-- params: $import_id VARCHAR, $source VARCHAR, $now_at TIMESTAMPTZ (the import's time)
SELECT count(*) AS n,
       count(*) = count(DISTINCT hash(record_key)) AS keys_distinct,
       coalesce(bool_and(implausible_usage(bucket_width, requests, input_tokens, cache_read_tokens, cache_write_5m_tokens,
                                           cache_write_1h_tokens, output_tokens, reasoning_tokens, web_search_requests,
                                           billed_cost_usd, started_at, $now_at) IS NULL), true) AS plausible,
       coalesce(list(DISTINCT model_raw) FILTER (WHERE model IS NULL AND model_raw IS NOT NULL), []) AS unmapped_models
FROM usage
WHERE import_id = $import_id AND source = $source
