-- replay_threads: every agent thread of the ledger with its dense id (thread_ix): a thread is
-- (source, session_id, agent) as in cache_cold_starts, over per-request rows with a session. Ids cover
-- the whole ledger, so a thread keeps its id whatever the period; the break detection
-- (create_replay_breaks.sql) partitions by the id instead of three strings.
CREATE OR REPLACE TEMP TABLE replay_threads AS
SELECT source, session_id, thread, CAST(row_number() OVER (ORDER BY source, session_id, thread) - 1 AS INTEGER) AS ix
FROM (SELECT DISTINCT source, session_id, coalesce(agent_id, CASE WHEN is_sidechain THEN 'sidechain' ELSE 'main' END) AS thread
      FROM usage WHERE bucket_width IS NULL AND session_id IS NOT NULL)
