-- What the merge's optional statements would find in the staged rows, counted in one statement: a run
-- with no secret's marker, no implausible row and no reject (a re-import of a few new sessions) skips
-- those statements, each of which costs ~10 ms of planning however few rows it touches. secret_rows
-- is mask_staged_usage.sql's WHERE, implausible_rows reject_implausible_usage.sql's and is_new
-- staged_usage_is_new.sql (true only while neither changes the rows), word for word
-- (test/importers/merge-checks.test.ts keeps them so).
-- params: now_at TIMESTAMPTZ (the import's time)
SELECT CAST(count(*) AS BIGINT) AS usage_rows,
       CAST(count(*) FILTER (WHERE regexp_matches(concat_ws(' ', record_key, api_key, model_raw, session_id, project, user_id, workspace, agent_id,
                               service_tier, status, tags::VARCHAR, tools::VARCHAR, prompt_text),
                     'sk-|[Bb]earer|AKIA|ASIA|AIza|gh[pousr]_|github_pat_|(?i:secret)')) AS BIGINT) AS secret_rows,
       CAST(count(*) FILTER (WHERE row_kind = 'usage'
  AND implausible_usage(bucket_width, requests, input_tokens, cache_read_tokens, cache_write_5m_tokens,
                        cache_write_1h_tokens, output_tokens, reasoning_tokens, web_search_requests,
                        billed_cost_usd, started_at, $now_at) IS NOT NULL) AS BIGINT) AS implausible_rows,
       CAST(count(*) FILTER (WHERE row_kind = 'reject') AS BIGINT) AS reject_rows,
       (SELECT CAST(count(*) AS BIGINT) FROM staged_invoice) AS invoice_rows,
       (SELECT NOT EXISTS (SELECT 1 FROM usage WHERE source IN (SELECT source FROM staged_usage WHERE row_kind = 'usage'))
       AND (SELECT count(*) = count(DISTINCT hash(source, record_key)) FROM staged_usage WHERE row_kind = 'usage')) AS is_new
FROM staged_usage
