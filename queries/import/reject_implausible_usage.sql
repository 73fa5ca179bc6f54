-- Staged usage rows that break the plausibility rules (macros/implausible_usage.sql) become rejects,
-- the rule they break as their reason, before the merge plans anything: the one check every format's
-- rows pass, whoever read them. A row the reader kept no raw text of is kept as its values in JSON.
-- params: now_at TIMESTAMPTZ (the import's time)
UPDATE staged_usage
SET row_kind = 'reject',
    reason = implausible_usage(bucket_width, requests, input_tokens, cache_read_tokens, cache_write_5m_tokens,
                               cache_write_1h_tokens, output_tokens, reasoning_tokens, web_search_requests,
                               billed_cost_usd, started_at, $now_at),
    raw = coalesce(raw, to_json({record_key: record_key, started_at: started_at, bucket_width: bucket_width,
                                 model_raw: model_raw, requests: requests, input_tokens: input_tokens,
                                 cache_read_tokens: cache_read_tokens, cache_write_5m_tokens: cache_write_5m_tokens,
                                 cache_write_1h_tokens: cache_write_1h_tokens, output_tokens: output_tokens,
                                 reasoning_tokens: reasoning_tokens, billed_cost_usd: billed_cost_usd})::VARCHAR)
WHERE row_kind = 'usage'
  AND implausible_usage(bucket_width, requests, input_tokens, cache_read_tokens, cache_write_5m_tokens,
                        cache_write_1h_tokens, output_tokens, reasoning_tokens, web_search_requests,
                        billed_cost_usd, started_at, $now_at) IS NOT NULL
