-- usage_key_rates over usage_key_rates_shared (create_usage_key_rates_table.sql): the same rows, read from the table.
CREATE OR REPLACE TEMP VIEW usage_key_rates AS
SELECT * FROM usage_key_rates_shared
