-- replay_keys(since, until, tz): each row of the period the frame reads (create_replay_frame_rows.sql), by its replay order
-- keys (order_us: start time in µs; order_hash: a hash of source and record key), with its place in
-- replay order (0-based), which is its index in the frame's typed arrays. What joins a row of SQL to
-- the frame (the observed breaks of a part period, a plan's requests) joins by these keys.
CREATE OR REPLACE TEMP MACRO replay_keys(since, until, tz) AS TABLE
SELECT order_us, order_hash, source,
       CAST(row_number() OVER (ORDER BY order_us, order_hash) - 1 AS INTEGER) AS place
FROM (SELECT epoch_us(started_at) AS order_us, hash(source, record_key) AS order_hash, source
      FROM replay_input
      WHERE in_period(started_at, bucket_width, since, until, tz))
