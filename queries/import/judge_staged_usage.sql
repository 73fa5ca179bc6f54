-- Decide what each staged winner does against rows already in the ledger with the same key:
-- insert (new key), replace (replace mode: the numbers changed; keep-best mode: strictly more
-- complete), or duplicate (nothing new).
UPDATE staged_usage AS s
SET action = CASE
  WHEN u.record_key IS NULL THEN 'insert'
  WHEN u.merge = 'replace' AND (s.requests IS DISTINCT FROM u.requests
                     OR s.input_tokens IS DISTINCT FROM u.input_tokens
                     OR s.cache_read_tokens IS DISTINCT FROM u.cache_read_tokens
                     OR s.cache_write_5m_tokens IS DISTINCT FROM u.cache_write_5m_tokens
                     OR s.cache_write_1h_tokens IS DISTINCT FROM u.cache_write_1h_tokens
                     OR s.output_tokens IS DISTINCT FROM u.output_tokens
                     OR s.reasoning_tokens IS DISTINCT FROM u.reasoning_tokens
                     OR s.web_search_requests IS DISTINCT FROM u.web_search_requests
                     OR s.billed_cost_usd IS DISTINCT FROM u.billed_cost_usd) THEN 'replace'
  WHEN u.merge = 'keep-best' AND (
         (coalesce(u.is_sidechain, false) AND NOT coalesce(s.is_sidechain, false))
         OR (coalesce(u.is_sidechain, false) = coalesce(s.is_sidechain, false)
             AND s.input_tokens + s.cache_read_tokens + s.cache_write_5m_tokens + s.cache_write_1h_tokens + s.output_tokens
               > u.input_tokens + u.cache_read_tokens + u.cache_write_5m_tokens + u.cache_write_1h_tokens + u.output_tokens)) THEN 'replace'
  ELSE 'duplicate'
END
FROM (
  SELECT st.rowid AS rid, f.merge, ex.*
  FROM staged_usage st
  JOIN stage_files f ON f.path = st.source_file
  LEFT JOIN usage ex ON ex.source = st.source AND ex.record_key = st.record_key
  WHERE st.row_kind = 'usage' AND st.action IS NULL
) AS u
WHERE s.rowid = u.rid
