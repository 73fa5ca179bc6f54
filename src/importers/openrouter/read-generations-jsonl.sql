-- Read OpenRouter generation stats saved as JSON lines into the temp table openrouter_generation_records,
-- one row per record, for the shared mapping in openrouter/stage-generations.sql: one GET
-- /api/v1/generation response ({"data":{…}}, or the bare generation object) per line; a line may also
-- hold an array of them, or be one element of a one-object-per-line JSON array ("[{…}," … "{…}]").
-- rec is the record's JSON text; valid/ok say whether it is JSON and a JSON object. raw_text (kept for
-- rejects) is the line as written when it is not rec itself (NULL: rec is the text to keep), so a
-- plain JSON line is stored once.
-- Reads the file as lines (jsonl_records: streaming, bounded memory, exact line numbers).
-- Same columns as openrouter/read-generations-json.sql.
-- params: $files VARCHAR[] (one file: staging 'one-file')
CREATE OR REPLACE TEMP TABLE openrouter_generation_records AS
-- an element of an array line is kept as itself; any other record as its line
SELECT source_file, source_line, valid, ok, CASE WHEN NOT from_array AND rec <> raw THEN raw END AS raw_text, rec
FROM jsonl_records($files)
