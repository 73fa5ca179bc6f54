-- One machine's invoice lines into the lake: partitions month=YYYY-MM (of usage_date) and
-- source=<importer>, one file per partition (renamed to <machine>.parquet, rewritten by each export).
-- $out is the staging folder (COPY takes no bound target).
-- params: $machine
COPY (
  SELECT i.* EXCLUDE (source),
         CAST($machine AS VARCHAR)        AS machine,
         strftime(i.usage_date, '%Y-%m')  AS month,
         i.source                         AS source
  FROM invoice_lines i
) TO $out (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (month, source), FILENAME_PATTERN 'part_{i}')
