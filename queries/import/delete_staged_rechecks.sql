-- Drop the recheck marks once their files are staged again.
DELETE FROM staged_usage WHERE row_kind = 'recheck'
