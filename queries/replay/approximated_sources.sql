-- approximated_sources: the replay rows that can only be re-priced bucket by bucket, by source:
-- provider aggregates (bucketed) and per-request rows without a session (no thread to carry a cache).
-- grain: one row per (source, bucketed), most requests first
SELECT d.value AS source,
       bool_or(c.is_bucket) AS bucketed,
       CAST(sum(c.requests) AS DOUBLE) AS requests
FROM replay_core c
JOIN replay_dictionaries d ON d.dictionary = 'source' AND d.ix = c.source_ix
WHERE c.thread_ix = -1
GROUP BY d.value, c.is_bucket
ORDER BY requests DESC, source
