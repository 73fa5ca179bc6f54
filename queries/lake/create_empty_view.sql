-- A lake table no export has written yet: the ledger's empty table under the same name.
-- $table from src/lake/open.ts.
CREATE OR REPLACE VIEW $table AS
SELECT * FROM lake_empty_$table
