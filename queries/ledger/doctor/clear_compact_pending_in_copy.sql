-- recount doctor --fix: the copy is the rewritten file, so it no longer needs rewriting
-- (mark_compact_pending.sql set the mark in the ledger before the copy).
DELETE FROM recount_compact.settings WHERE key = 'doctor_compact_pending'
