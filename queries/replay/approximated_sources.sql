-- approximated_sources: the replay rows that can only be re-priced bucket by bucket, by source:
-- provider aggregates (bucketed) and per-request rows without a session (no thread to carry a cache).
-- grain: one row per (source, bucketed), most requests first
SELECT source,
       bool_or(is_bucket) AS bucketed,
       CAST(sum(requests) AS DOUBLE) AS requests
FROM replay_rows
WHERE thread_ix = -1
GROUP BY source, is_bucket
ORDER BY requests DESC, source
