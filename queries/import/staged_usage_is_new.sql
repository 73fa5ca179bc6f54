-- True when the merge plan has nothing to decide for the staged usage rows: the ledger holds no row of
-- their sources and no two of them share a record key (equal hashes of distinct keys only cost the
-- full plan). Then every staged usage row is an insert (plan_new_usage.sql).
SELECT NOT EXISTS (SELECT 1 FROM usage WHERE source IN (SELECT source FROM staged_usage WHERE row_kind = 'usage'))
       AND (SELECT count(*) = count(DISTINCT hash(source, record_key)) FROM staged_usage WHERE row_kind = 'usage') AS is_new
