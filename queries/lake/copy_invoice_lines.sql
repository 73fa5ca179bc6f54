-- One machine's invoice lines into the lake: partitions month=YYYY-MM (of usage_date) and
-- source=<importer>, one folder per import (renamed to <machine>-<import_id>.parquet).
-- $out is the staging folder (COPY takes no bound target).
-- params: $machine
COPY (
  SELECT i.* EXCLUDE (source),
         CAST($machine AS VARCHAR)        AS machine,
         strftime(i.usage_date, '%Y-%m')  AS month,
         i.source                         AS source,
         i.import_id                      AS import_part
  FROM invoice_lines i
) TO $out (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (month, source, import_part), FILENAME_PATTERN 'part_{i}')
