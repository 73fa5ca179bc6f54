-- Blocks of rows a CSV file repeats: runs of at least 3 consecutive non-blank lines that repeat, in
-- the same order, lines earlier in the file (a block pasted twice into a console export). Each line
-- is matched to the nearest earlier line with the same text; a run keeps one distance between them.
-- Lines are read as bytes (latin-1: any byte is a character, so a damaged line cannot fail the read)
-- and numbered as an editor does (blank lines count, the header is line 1).
-- grain: one row per repeated block, in file order, with the file's count of non-blank rows
-- params: $file VARCHAR (one CSV file, read as given: never a pattern the caller built)
WITH lines AS (
  SELECT row_number() OVER () AS line_number, line
  FROM read_csv($file, columns = {'line': 'VARCHAR'}, header = false, delim = E'\x01', quote = '', escape = '',
                auto_detect = false, strict_mode = false, null_padding = true, encoding = $encoding)
),
data_rows AS (
  SELECT line_number, hash(line) AS line_hash, row_number() OVER (ORDER BY line_number) AS row_index
  FROM lines
  WHERE line_number > 1 AND trim(coalesce(line, '')) <> ''
),
copies AS (
  SELECT line_number, row_index,
         lag(line_number) OVER (PARTITION BY line_hash ORDER BY line_number) AS earlier_line,
         row_index - lag(row_index) OVER (PARTITION BY line_hash ORDER BY line_number) AS distance_rows
  FROM data_rows
),
runs AS (
  SELECT *, row_index - row_number() OVER (PARTITION BY distance_rows ORDER BY row_index) AS run_id
  FROM copies
  WHERE distance_rows IS NOT NULL
),
final AS (
  SELECT min(line_number) AS first_line, max(line_number) AS last_line,
         min(earlier_line) AS earlier_first_line, max(earlier_line) AS earlier_last_line,
         count(*) AS block_rows
  FROM runs
  GROUP BY distance_rows, run_id
  HAVING count(*) >= 3
)
SELECT first_line, last_line, earlier_first_line, earlier_last_line, block_rows,
       (SELECT count(*) FROM data_rows) AS file_rows
FROM final
ORDER BY first_line
