-- recount forget: one import run's rows of usage (with the other delete_*.sql in one transaction).
-- params: import_id VARCHAR
DELETE FROM usage WHERE import_id = $import_id
