-- recount forget: what the ledger remembers of the files one import run read (with the other
-- delete_*.sql in one transaction), so that the next import reads those files in full again.
-- params: import_id VARCHAR
DELETE FROM file_state WHERE import_id = $import_id
