-- read_replay_frame_rows: replay_frame_rows (create_replay_frame_rows.sql) in replay order, for the
-- frame's typed arrays (src/replay/frame-read.ts); the order keys themselves stay in DuckDB.
SELECT * EXCLUDE (order_us, order_hash)
FROM replay_frame_rows
ORDER BY order_us, order_hash
