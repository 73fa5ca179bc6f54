-- recount forget: one import run's rows of invoice_lines (with the other delete_*.sql in one transaction).
-- params: import_id VARCHAR
DELETE FROM invoice_lines WHERE import_id = $import_id
