-- cache_cold_starts: every prompt-cache cold start of an agent thread, classified (session_start, model_switch, idle_expiry, prefix_break, context_reset) with what the lost cache cost.
-- grain: one row per cold-start request (per-request rows with a session_id)
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC', min_prompt_tokens BIGINT = 1024, cold_read_share DOUBLE = 0.1, idle_margin_s DOUBLE = 180, idle_margin_1h_s DOUBLE = 3300, prefix_ratio DOUBLE = 0.8
--
-- A thread is (source, session_id, agent): a subagent has its own cache, so coalesce(agent_id, 'main')
-- (a sidechain row without an agent_id is thread 'sidechain'). Requests run in started_at, record_key order.
-- Cold start: prompt_tokens >= $min_prompt_tokens and cache_read_tokens < $cold_read_share * prompt_tokens, in a
-- thread that uses the cache (the request writes cache, or the previous request read or wrote it).
-- Kind, first match wins, against the previous request of the thread:
--   session_start  no previous request
--   model_switch   the model differs (caches are per model)
--   idle_expiry    gap >= the idle margin: $idle_margin_s (a 5-minute TTL; transcripts log write times, so
--                  ~3 min of logged idle may already be 5 min of cache idle), or $idle_margin_1h_s when the
--                  thread's latest cache write before this request was 1h only
--   prefix_break   prompt_tokens >= $prefix_ratio * previous prompt_tokens: same model, cache still warm, the
--                  prompt kept its size, yet the read collapsed (the prefix changed)
--   context_reset  the prompt shrank below $prefix_ratio of the previous one (/clear, /compact): a new prefix
-- rewritten_tokens = min(previous prompt, this prompt) - cache_read (the whole prompt - cache_read at a session
-- start): tokens written or sent uncached that a warm cache would have served.
-- extra_cost_usd = rewritten_tokens * (rate paid for them - cache read rate) / 1e6 * tier_multiplier, where the
-- rate paid is the row's cache write rate weighted by its 5m/1h write mix (the 1h rate when it wrote 1h only),
-- or the input rate when it wrote nothing. break_cost_usd = extra_cost_usd for idle_expiry and prefix_break,
-- 0 for the others (unavoidable). NULL when the model is unpriced.
-- Windows run over the whole ledger; the period only selects which cold starts are listed.
-- The detection itself is the session macro cold_starts (queries/forensics/create_cold_starts_macro.sql).
SELECT
  source,
  session_id,
  agent_id,
  project,
  record_key,
  started_at,
  model,
  previous_model,
  CAST(gap_s AS DOUBLE)                                   AS gap_s,
  CAST(prompt_tokens AS BIGINT)                           AS prompt_tokens,
  CAST(previous_prompt_tokens AS BIGINT)                  AS previous_prompt_tokens,
  CAST(cache_read_tokens AS BIGINT)                       AS cache_read_tokens,
  CAST(cache_write_5m_tokens + cache_write_1h_tokens AS BIGINT) AS cache_write_tokens,
  CAST(rewritten_tokens AS BIGINT)                        AS rewritten_tokens,
  kind,
  CAST(extra_cost_usd AS DOUBLE)                          AS extra_cost_usd,
  CAST(break_cost_usd AS DOUBLE)                          AS break_cost_usd
FROM cold_starts(CAST($min_prompt_tokens AS BIGINT), CAST($cold_read_share AS DOUBLE), CAST($idle_margin_s AS DOUBLE),
                 CAST($idle_margin_1h_s AS DOUBLE), CAST($prefix_ratio AS DOUBLE))
WHERE in_period(started_at, bucket_width, $since, $until, $tz)
ORDER BY started_at, source, record_key
