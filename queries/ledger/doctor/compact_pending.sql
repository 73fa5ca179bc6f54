-- recount doctor: whether the ledger file still holds values a --fix replaced (mark_compact_pending.sql).
SELECT count(*) > 0 AS pending FROM settings WHERE key = 'doctor_compact_pending'
