-- agent_turns_shared: agent_turns() written once for a `recount report` (src/report/rollup.ts), so the
-- sections that read turns (outcomes_by_model_and_task, and a what-if's observed_outcomes) join events
-- and requests once, not once each. One row per turn; no prompt text.
CREATE OR REPLACE TEMP TABLE agent_turns_shared AS
SELECT * FROM agent_turns()
