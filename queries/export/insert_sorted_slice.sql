-- A later slice of an export's rows, sorted, appended to export_sorted (create_sorted_slices.sql):
-- its rows all start after the slices before it, so the table holds the export's order.
-- params: from_us BIGINT, to_us BIGINT (started_at, epoch microseconds, to excluded), and the rows' own
INSERT INTO export_sorted
SELECT * FROM ($rows)
WHERE started_at >= make_timestamptz(CAST($from_us AS BIGINT)) AND started_at < make_timestamptz(CAST($to_us AS BIGINT))
