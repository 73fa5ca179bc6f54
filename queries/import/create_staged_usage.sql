-- Scratch table for one import run: ledger columns plus what the merge needs to know per row.
-- A table built AS SELECT keeps no column defaults: time_source stays NULL unless a stage statement
-- sets it, and insert_staged_usage.sql writes NULL as 'record'.
CREATE OR REPLACE TEMP TABLE staged_usage AS
SELECT *,
       NULL::VARCHAR AS row_kind,  -- usage | duplicate | reject | skip | recheck
       NULL::VARCHAR AS reason,    -- why a row was rejected
       NULL::VARCHAR AS raw,       -- the rejected line or record, as read
       NULL::BIGINT  AS row_count  -- source rows folded into this one (summed CSV rows); NULL = 1
FROM usage
LIMIT 0
