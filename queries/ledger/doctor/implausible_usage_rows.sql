-- recount doctor: ledger rows that break the import's plausibility rules (written before recount
-- checked them), with the rule each breaks. macros/implausible_usage.sql defines the rules.
-- grain: one row per implausible usage row
-- params: now_at TIMESTAMPTZ, limit BIGINT
SELECT import_id, source, source_file, source_line, record_key, started_at, model_raw,
       implausible_usage(bucket_width, requests, input_tokens, cache_read_tokens, cache_write_5m_tokens,
                         cache_write_1h_tokens, output_tokens, reasoning_tokens, web_search_requests,
                         billed_cost_usd, started_at, $now_at) AS reason
FROM usage
WHERE implausible_usage(bucket_width, requests, input_tokens, cache_read_tokens, cache_write_5m_tokens,
                        cache_write_1h_tokens, output_tokens, reasoning_tokens, web_search_requests,
                        billed_cost_usd, started_at, $now_at) IS NOT NULL
ORDER BY started_at, source, record_key
LIMIT $limit
