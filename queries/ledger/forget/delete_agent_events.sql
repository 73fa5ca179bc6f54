-- recount forget: one import run's agent events (issue 18; with the other delete_*.sql in one transaction).
-- params: import_id VARCHAR
DELETE FROM agent_events WHERE import_id = $import_id
