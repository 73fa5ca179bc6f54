-- usage over the lake: every machine's rows, each response once (the losing copies were deleted from
-- lake_usage_rows), with the ledger's columns and types, so every query reads it as it reads a ledger file.
CREATE OR REPLACE VIEW usage AS
SELECT * EXCLUDE (lake_machine) FROM lake_usage_rows
