-- The files of one import run, in the order given (later files win for re-pulled aggregates),
-- with their importer's merge rule: keep-best or replace.
CREATE OR REPLACE TEMP TABLE stage_files (path VARCHAR, file_order INTEGER, format VARCHAR, merge VARCHAR)
