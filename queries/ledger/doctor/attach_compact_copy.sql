-- recount doctor --fix: a fresh file next to the ledger, to copy it into (src/doctor/compact.ts).
-- ATTACH takes no bound parameters: the path and storage version are put in as quoted literals.
ATTACH $path AS recount_compact (STORAGE_VERSION $storage_version)
