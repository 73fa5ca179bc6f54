-- The first slice of an export's rows, sorted, as a temp table the later slices are appended to in
-- order (insert_sorted_slice.sql); the export then copies the table in its insertion order. The rows'
-- query (ledger_rows, which sorts by started_at first) is put in place of ($rows) as in
-- ledger/copy_export_parquet.sql; the slice's bounds reach the usage scan as its filter.
-- params: from_us BIGINT, to_us BIGINT (started_at, epoch microseconds, to excluded), and the rows' own
CREATE TEMP TABLE export_sorted AS
SELECT * FROM ($rows)
WHERE started_at >= make_timestamptz(CAST($from_us AS BIGINT)) AND started_at < make_timestamptz(CAST($to_us AS BIGINT))
