-- After a one-pass import of one source: the rows it wrote, whether their record keys are all distinct
-- (a key seen twice means rows to sum or dedupe, which the general path does; equal hashes of two
-- distinct keys only cost that detour) and the raw model names its sampled model map lacked.
-- params: $import_id VARCHAR, $source VARCHAR
SELECT count(*) AS n,
       count(*) = count(DISTINCT hash(record_key)) AS keys_distinct,
       coalesce(list(DISTINCT model_raw) FILTER (WHERE model IS NULL AND model_raw IS NOT NULL), []) AS unmapped_models
FROM usage
WHERE import_id = $import_id AND source = $source
