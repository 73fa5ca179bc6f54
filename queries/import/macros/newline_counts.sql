-- newline_counts(files): per file, its lines as split on newlines (a last line need not end in one; an
-- empty file has none), counted without splitting them out: what a line-numbering reader must match.
CREATE OR REPLACE TEMP MACRO newline_counts(files) AS TABLE
SELECT filename AS source_file,
       len(string_split(content, E'\n')) - CASE WHEN content = '' OR ends_with(content, E'\n') THEN 1 ELSE 0 END AS lines
FROM read_text(files)
