-- replay_order: replay_core's row ids in replay order (start time, then the hash of source and record
-- key), for rule matches on a replay_core whose frame was not read (read_replay_rows brings the ids too).
SELECT CAST(rowid AS INTEGER) AS row_id
FROM replay_core
ORDER BY order_us, order_hash
