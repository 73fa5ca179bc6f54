-- csv_cells(files): the cells of CSV exports as text, every file's columns by name (the format's
-- header template first, so a column an export leaves out still exists), with the file's name. The
-- dialect is fixed rather than sniffed: JSON text or a cut quoted cell can fool the sniffer. Every CSV
-- format reads its files through here.
CREATE OR REPLACE TEMP MACRO csv_cells(files) AS TABLE
SELECT *
FROM read_csv(files, header = true, all_varchar = true, filename = true, union_by_name = true,
              delim = ',', quote = '"', escape = '"', null_padding = true, strict_mode = false);
