-- recount doctor --fix, step 1: every implausible usage row is kept in rejects (reason: the rule it
-- breaks; raw: the row's values as JSON), so nothing is lost when step 2 removes it from usage.
-- params: now_at TIMESTAMPTZ
INSERT INTO rejects (import_id, source_file, source_line, format, reason, raw)
SELECT import_id, coalesce(source_file, '(unknown)'), source_line, source,
       'doctor: ' || implausible_usage(bucket_width, requests, input_tokens, cache_read_tokens, cache_write_5m_tokens,
                                       cache_write_1h_tokens, output_tokens, reasoning_tokens, web_search_requests,
                                       billed_cost_usd, started_at, $now_at),
       to_json({record_key: record_key, started_at: started_at, bucket_width: bucket_width, provider: provider,
                model_raw: model_raw, requests: requests, input_tokens: input_tokens,
                cache_read_tokens: cache_read_tokens, cache_write_5m_tokens: cache_write_5m_tokens,
                cache_write_1h_tokens: cache_write_1h_tokens, output_tokens: output_tokens,
                reasoning_tokens: reasoning_tokens, billed_cost_usd: billed_cost_usd})::VARCHAR
FROM usage
WHERE implausible_usage(bucket_width, requests, input_tokens, cache_read_tokens, cache_write_5m_tokens,
                        cache_write_1h_tokens, output_tokens, reasoning_tokens, web_search_requests,
                        billed_cost_usd, started_at, $now_at) IS NOT NULL
