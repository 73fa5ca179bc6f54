-- recount doctor --fix: the fresh file is complete (DETACH checkpoints it) and can replace the ledger.
DETACH recount_compact
