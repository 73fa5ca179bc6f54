-- One row per file per import run: what was read and what became of it.
CREATE TABLE import_files (
  import_id   VARCHAR NOT NULL,
  imported_at TIMESTAMPTZ NOT NULL,
  path        VARCHAR NOT NULL,
  format      VARCHAR NOT NULL,
  rows_read   BIGINT NOT NULL,
  imported    BIGINT NOT NULL,
  duplicates  BIGINT NOT NULL,
  rejected    BIGINT NOT NULL,
  skipped     BIGINT NOT NULL             -- lines that carry no usage (prompts, summaries, empty days); outside rows_read
)
