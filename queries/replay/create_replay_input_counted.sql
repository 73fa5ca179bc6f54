-- replay_input for a what-if: the counted rows (usage_counted: a request seen by two sources once).
CREATE OR REPLACE TEMP VIEW replay_input AS
SELECT * FROM usage_counted
