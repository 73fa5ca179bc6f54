-- recount doctor --fix, in the transaction that masks paths: the file still holds the replaced values
-- in free blocks until it is rewritten (src/doctor/compact.ts); if the rewrite fails (a full disk),
-- the next doctor --fix sees this mark and rewrites it then.
INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES ('doctor_compact_pending', 'secret paths masked', now())
