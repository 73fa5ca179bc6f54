-- The classifier's routing tier next to task_type: 1 cheap, 2 mid, 3 frontier (NULL when unclassified).
ALTER TABLE usage ADD COLUMN tier INTEGER
