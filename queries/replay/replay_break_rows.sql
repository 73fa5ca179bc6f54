-- replay_break_rows: the observed breaks (create_replay_breaks.sql) of the period's rows, each at its
-- place in replay order (replay_keys), for frames whose threads the rows do not hold whole (a part
-- period) or that tie in time within a thread (src/replay/frame-breaks.ts).
-- grain: one row per period row with a prefix break or context reset
-- params: since DATE, until DATE, tz VARCHAR
SELECT k.place,
       b.observed_break,
       CAST(b.rewritten_tokens AS DOUBLE) AS rewritten_tokens
FROM replay_keys($since, $until, $tz) k
JOIN replay_breaks b ON b.order_us = k.order_us AND b.order_hash = k.order_hash
