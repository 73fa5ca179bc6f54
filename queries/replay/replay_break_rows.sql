-- replay_break_rows: replay_core's rows that replay_breaks (create_replay_breaks.sql) finds a cold start
-- in, by row id, for frames whose threads the rows do not hold whole (a part period) or that tie in
-- time within a thread (src/replay/frame-breaks.ts).
-- grain: one row per replay_core row with a prefix break or context reset
SELECT CAST(c.rowid AS INTEGER)               AS row_id,
       b.observed_break,
       CAST(b.rewritten_tokens AS DOUBLE)     AS rewritten_tokens
FROM replay_core c
JOIN replay_breaks b ON b.order_us = c.order_us AND b.order_hash = c.order_hash
