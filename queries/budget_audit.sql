-- budget_audit: keys (or projects) whose daily spend went over $cap_usd: when they tripped it, and what came after.
-- API keys (or projects, per = 'project') whose spend on a local day ($tz) went over
-- $cap_usd (strictly): the instant the day's running spend first crossed the cap, how much was spent
-- past the cap that day (over_cap_usd = cost_usd - cap_usd), and how many requests came after the
-- trip. The running spend adds rows in started_at order, rows with the same started_at together.
-- tripped_at is the crossing row's started_at: the request itself for per-request rows
-- (trip_resolution 'request'), else the start of the aggregate bucket that crossed (trip_resolution
-- '1h', '1m' or '1d'; for a daily bucket only the day is known, and a UTC daily bucket belongs to the
-- local day its start falls on). requests_after_trip / cost_after_trip_usd sum the rows that started
-- after tripped_at that day (request counts where known). A key's budget is per provider (provider
-- set); a project's spans providers (provider NULL). Rows without a key/project are audited together
-- as '(no api_key)' / '(no project)'. Unpriced rows have no cost and never move the running spend.
-- grain: one row per (provider, api_key, local day) or (project, local day) over the cap
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC', cap_usd DOUBLE, per VARCHAR = 'api_key'
WITH params AS (
  SELECT CAST($cap_usd AS DOUBLE) AS cap_usd,
         CASE WHEN $per IN ('api_key', 'project') THEN $per
              ELSE error('budget_audit: per must be ''api_key'' or ''project'', not ''' || coalesce($per, 'NULL') || '''') END AS per
),
rows AS (
  SELECT u.started_at, u.bucket_width, u.requests, u.cost_usd,
         CASE WHEN p.per = 'api_key' THEN u.provider END AS budget_provider,
         coalesce(CASE WHEN p.per = 'project' THEN u.project ELSE u.api_key END, '(no ' || p.per || ')') AS budget_key,
         local_day(u.started_at, u.bucket_width, $tz) AS day,
         p.per, p.cap_usd
  FROM usage_counted u, params p
  WHERE in_period(u.started_at, u.bucket_width, $since, $until, $tz)
),
running AS (
  SELECT *,
         -- ORDER BY with the default RANGE frame: rows sharing a started_at are added together
         sum(coalesce(cost_usd, 0)) OVER (PARTITION BY budget_provider, budget_key, day ORDER BY started_at) AS running_usd
  FROM rows
),
trips AS (
  SELECT budget_provider, budget_key, day, min(started_at) AS tripped_at
  FROM running
  WHERE running_usd > cap_usd
  GROUP BY ALL
)
SELECT
  any_value(r.per)                                           AS per,
  r.budget_provider                                          AS provider,
  r.budget_key,
  r.day,
  CAST(any_value(r.cap_usd) AS DOUBLE)                       AS cap_usd,
  CAST(sum(r.cost_usd) AS DOUBLE)                            AS cost_usd,
  CAST(sum(r.cost_usd) - any_value(r.cap_usd) AS DOUBLE)     AS over_cap_usd,
  t.tripped_at,
  coalesce(max(r.bucket_width) FILTER (WHERE r.started_at = t.tripped_at), 'request') AS trip_resolution,
  CAST(max(r.running_usd) FILTER (WHERE r.started_at = t.tripped_at) AS DOUBLE) AS spend_at_trip_usd,
  CAST(coalesce(sum(r.requests) FILTER (WHERE r.started_at > t.tripped_at), 0) AS HUGEINT) AS requests_after_trip,
  CAST(coalesce(sum(r.cost_usd) FILTER (WHERE r.started_at > t.tripped_at), 0) AS DOUBLE) AS cost_after_trip_usd,
  CAST(count(*) AS BIGINT)                                   AS records,
  CAST(coalesce(sum(r.requests), 0) AS HUGEINT)               AS requests
FROM running r
JOIN trips t
  ON t.budget_provider IS NOT DISTINCT FROM r.budget_provider AND t.budget_key = r.budget_key AND t.day = r.day
GROUP BY r.budget_provider, r.budget_key, r.day, t.tripped_at
ORDER BY r.day, over_cap_usd DESC, r.budget_provider, r.budget_key
