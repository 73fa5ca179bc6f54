-- The report's shared agent turns, dropped once the report has its data (agent_turns is defined again over the ledger first).
DROP TABLE IF EXISTS agent_turns_shared
