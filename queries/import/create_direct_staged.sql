-- direct_staged: the rows a one-pass import read (claude-code/direct-staged.sql replaces it), empty
-- until one runs, so insert_staged_events.sql can read its events next to staged_usage's either way.
CREATE OR REPLACE TEMP TABLE direct_staged AS
SELECT * FROM staged_usage
LIMIT 0
