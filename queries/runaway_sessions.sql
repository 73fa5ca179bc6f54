-- runaway_sessions: sessions that crossed an iteration, context or cost threshold, with the dollars spent past each, worst first.
-- grain: one row per (source, session_id) crossing at least one threshold in the period (per-request rows)
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC', max_iterations BIGINT = 15, max_context_tokens BIGINT = 50000, max_session_usd DOUBLE = 25
--
-- A prompt is the human prompt the request answers, told apart by the md5 it is stored under (prompt_hash;
-- a subagent's rows carry its task prompt's). iteration = the request's rank among the session's requests
-- on the same prompt (started_at, record_key order); rows without a prompt have none.
--   iterations: crossed when a prompt took more than $max_iterations requests; past = cost of the requests
--               ranked after $max_iterations
--   context:    crossed when a request's prompt_tokens > $max_context_tokens; past = cost of those requests
--   cost cap:   crossed when the session cost > $max_session_usd; past = session cost - $max_session_usd
-- past_thresholds_usd counts each dollar once: the whole cost of a request past the iteration or context
-- threshold, else the part of its cost above the cap (running session cost in request order).
-- Measures cover the requests in the period; unpriced requests are counted and add $0.
WITH params AS (
  SELECT CAST($max_iterations AS BIGINT)     AS max_iterations,
         CAST($max_context_tokens AS BIGINT) AS max_context_tokens,
         CAST($max_session_usd AS DOUBLE)    AS max_session_usd
),
req AS (
  SELECT source, session_id, project, record_key, started_at, prompt_hash, prompt_tokens, price_status,
         coalesce(cost_usd, 0) AS cost,
         CASE WHEN prompt_hash IS NOT NULL THEN
           row_number() OVER (PARTITION BY source, session_id, prompt_hash ORDER BY started_at, record_key)
         END AS iteration,
         sum(coalesce(cost_usd, 0)) OVER (PARTITION BY source, session_id ORDER BY started_at, record_key
                                          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running_cost
  FROM usage_priced
  WHERE bucket_width IS NULL AND session_id IS NOT NULL AND in_period(started_at, bucket_width, $since, $until, $tz)
),
flagged AS (
  SELECT r.*,
         coalesce(r.iteration > p.max_iterations, false)  AS past_iterations,
         r.prompt_tokens > p.max_context_tokens          AS past_context,
         greatest(r.running_cost - p.max_session_usd, 0) - greatest(r.running_cost - r.cost - p.max_session_usd, 0) AS past_cap_usd
  FROM req r, params p
),
sessions AS (
  SELECT source, session_id,
         min(project)                                        AS project,
         count(*)                                            AS requests,
         count(DISTINCT prompt_hash)                         AS prompts,
         max(iteration)                                      AS max_requests_per_prompt,
         max(prompt_tokens)                                  AS max_prompt_tokens,
         min(started_at)                                     AS first_at,
         max(started_at)                                     AS last_at,
         sum(cost)                                           AS cost_usd,
         count(*) FILTER (WHERE price_status = 'unpriced')   AS unpriced_requests,
         coalesce(sum(cost) FILTER (WHERE past_iterations), 0) AS iterations_past_usd,
         coalesce(sum(cost) FILTER (WHERE past_context), 0)    AS context_past_usd,
         sum(CASE WHEN past_iterations OR past_context THEN cost ELSE past_cap_usd END) AS past_thresholds_usd
  FROM flagged
  GROUP BY source, session_id
)
SELECT
  s.source,
  s.session_id,
  s.project,
  CAST(s.requests AS BIGINT)                                     AS requests,
  CAST(s.prompts AS BIGINT)                                      AS prompts,
  CAST(s.max_requests_per_prompt AS BIGINT)                      AS max_requests_per_prompt,
  CAST(s.max_prompt_tokens AS BIGINT)                            AS max_prompt_tokens,
  s.first_at,
  s.last_at,
  CAST((epoch(s.last_at) - epoch(s.first_at)) / 60 AS DOUBLE)    AS duration_min,
  CAST(s.cost_usd AS DOUBLE)                                     AS cost_usd,
  coalesce(s.max_requests_per_prompt > p.max_iterations, false)  AS iterations_crossed,
  CAST(s.iterations_past_usd AS DOUBLE)                          AS iterations_past_usd,
  s.max_prompt_tokens > p.max_context_tokens                     AS context_crossed,
  CAST(s.context_past_usd AS DOUBLE)                             AS context_past_usd,
  s.cost_usd > p.max_session_usd                                 AS cost_crossed,
  CAST(greatest(s.cost_usd - p.max_session_usd, 0) AS DOUBLE)    AS cost_past_usd,
  CAST(s.past_thresholds_usd AS DOUBLE)                          AS past_thresholds_usd,
  CAST(s.unpriced_requests AS BIGINT)                            AS unpriced_requests
FROM sessions s, params p
WHERE coalesce(s.max_requests_per_prompt > p.max_iterations, false)
   OR s.max_prompt_tokens > p.max_context_tokens
   OR s.cost_usd > p.max_session_usd
ORDER BY past_thresholds_usd DESC, cost_usd DESC, s.session_id
