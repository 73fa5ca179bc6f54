-- recount forget: one import run's rows of rejects (with the other delete_*.sql in one transaction).
-- params: import_id VARCHAR
DELETE FROM rejects WHERE import_id = $import_id
