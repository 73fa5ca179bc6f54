-- recount doctor --fix: the whole ledger (tables, their rows, views) into the fresh file, written
-- anew: none of the old file's free blocks, which still hold values the fix replaced, come along.
-- COPY FROM DATABASE takes no bound parameters: the ledger's name is put in as a quoted identifier.
COPY FROM DATABASE $ledger TO recount_compact
