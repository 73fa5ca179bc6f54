-- agent_turns() over agent_turns_shared (create_agent_turns_table.sql): the same rows, read from the table.
CREATE OR REPLACE TEMP MACRO agent_turns() AS TABLE
SELECT * FROM agent_turns_shared
