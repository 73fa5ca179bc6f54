-- recount doctor --fix, step 2 (after move_implausible_to_rejects.sql, in the same transaction):
-- the implausible rows leave usage.
-- params: now_at TIMESTAMPTZ
DELETE FROM usage
WHERE implausible_usage(bucket_width, requests, input_tokens, cache_read_tokens, cache_write_5m_tokens,
                        cache_write_1h_tokens, output_tokens, reasoning_tokens, web_search_requests,
                        billed_cost_usd, started_at, $now_at) IS NOT NULL
