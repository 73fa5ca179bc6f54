-- One machine's usage rows into the lake's layout (docs/lake.md): Hive partitions month=YYYY-MM (UTC)
-- and source=<importer>, one file per partition (renamed to <machine>.parquet by src/lake/publish.ts:
-- the machine's whole history in that month and source, rewritten by each export). Priced at export
-- (list_cost_usd, cost_usd, price_status) so any engine can sum spend; recount re-prices on read.
-- Prompt text and its md5 stay local: prompt_seq numbers a session's distinct prompts by first
-- appearance, which is all runaway_sessions needs.
-- $columns is the ledger's usage columns less prompt_text, prompt_hash and source (a partition), read
-- from the ledger so a column added later is exported too; $out the staging folder (COPY takes no
-- bound target).
-- params: $machine
COPY (
  WITH prompt_firsts AS (
    SELECT source, session_id, prompt_hash, min(started_at) AS first_at
    FROM usage
    WHERE prompt_hash IS NOT NULL
    GROUP BY ALL
  ),
  prompt_seqs AS (
    SELECT source, session_id, prompt_hash,
           CAST(row_number() OVER (PARTITION BY source, session_id ORDER BY first_at, prompt_hash) AS INTEGER) AS prompt_seq
    FROM prompt_firsts
  )
  SELECT $columns,
         s.prompt_seq,
         CAST($machine AS VARCHAR)          AS machine,
         p.list_cost_usd, p.cost_usd, p.price_status,
         strftime(p.started_at, '%Y-%m')    AS month,
         p.source                           AS source
  FROM usage_priced p
  LEFT JOIN prompt_seqs s  -- equalities only: a hash join (a NULL prompt_hash matches nothing)
    ON s.prompt_hash = p.prompt_hash AND s.source = p.source AND s.session_id IS NOT DISTINCT FROM p.session_id
) TO $out (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (month, source), FILENAME_PATTERN 'part_{i}')
