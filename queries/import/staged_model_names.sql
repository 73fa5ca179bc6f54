-- Distinct raw model names staged in this run.
SELECT DISTINCT model_raw FROM staged_usage WHERE model_raw IS NOT NULL
UNION
SELECT DISTINCT model_raw FROM staged_invoice WHERE model_raw IS NOT NULL
