-- True when the plan inserts every staged usage row (nothing duplicate or replaced).
SELECT coalesce(bool_and(action = 'insert'), true) AS kept_all FROM usage_plan
