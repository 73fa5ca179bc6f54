-- replay_row_count: how many rows replay_core holds (the engine sizes its arrays before reading).
SELECT CAST(count(*) AS INTEGER) AS rows FROM replay_core
