-- What the ledger remembers of each file an import read, so that the next import opens only what
-- changed (src/import/file-state.ts): one row per path, from the import that read it last. A file
-- whose size and modification time are both as recorded is not opened; a line-oriented file that only
-- grew (the same first 4 KiB, the same 4 KiB before the recorded end) is read from a line boundary at
-- or before consumed_bytes; anything else is read in full, with the usual dedupe.
CREATE TABLE file_state (
  path              VARCHAR NOT NULL,
  format            VARCHAR NOT NULL,          -- the importer that read it
  size_bytes        BIGINT NOT NULL,           -- the file as read: its size,
  mtime_ms          DOUBLE NOT NULL,           -- and modification time (milliseconds since the epoch, as stat gives it)
  head_hash         VARCHAR,                   -- SHA-1 of its first min(4 KiB, size) bytes; NULL for a file never read from an offset
  tail_hash         VARCHAR,                   -- SHA-1 of the last min(4 KiB, size) bytes before size_bytes
  consumed_bytes    BIGINT,                    -- the end of its last complete line (a line boundary); NULL as for head_hash
  consumed_lines    BIGINT,                    -- the lines before consumed_bytes
  import_id         VARCHAR NOT NULL,          -- the import that read it (recount forget removes the row with it)
  read_at           TIMESTAMPTZ NOT NULL,
  unchanged_imports BIGINT NOT NULL DEFAULT 0  -- imports that found it unchanged and did not open it
)
