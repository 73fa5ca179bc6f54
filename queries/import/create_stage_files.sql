-- The files of one import run in the order given, with their importer's merge rule (keep-best or
-- replace) and modification time (of two pulls of the same bucket in one run, the newer file wins),
-- and their lines where the importer checks its reader against them (Importer.countLines).
CREATE OR REPLACE TEMP TABLE stage_files (path VARCHAR, file_order INTEGER, format VARCHAR, merge VARCHAR, modified_at TIMESTAMPTZ, lines BIGINT)
