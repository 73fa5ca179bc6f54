-- The rollup's zone offsets (create_zone_hours_table.sql), dropped once the rollup is written.
DROP TABLE IF EXISTS zone_hours
