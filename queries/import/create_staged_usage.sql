-- Scratch table for one import run: ledger columns plus what the merge needs to know per row.
-- A table built AS SELECT keeps no column defaults: time_source stays NULL unless a stage statement
-- sets it, and insert_staged_usage.sql writes NULL as 'record'.
CREATE OR REPLACE TEMP TABLE staged_usage AS
SELECT *,
       NULL::VARCHAR AS row_kind,  -- usage | duplicate | reject | skip | recheck | event (an agent_events row, not a source row)
       NULL::VARCHAR AS reason,    -- why a row was rejected
       NULL::VARCHAR AS raw,       -- the rejected line or record, as read
       NULL::BIGINT  AS row_count, -- source rows folded into this one (summed CSV rows); NULL = 1
       -- an 'event' row's agent_events fields (insert_staged_events.sql); a struct, not JSON: nothing to parse again
       NULL::STRUCT(event VARCHAR, call_id VARCHAR, prompt_hash VARCHAR, tool_name VARCHAR, program VARCHAR, command_hash VARCHAR,
                    is_test_run BOOLEAN, is_error BOOLEAN, exit_code INTEGER, error_hash VARCHAR, error_first_line VARCHAR) AS event
FROM usage
LIMIT 0
