-- Count one more import that found these files unchanged and did not open them ($paths).
-- params: paths VARCHAR[]
UPDATE file_state SET unchanged_imports = unchanged_imports + 1 WHERE path IN (SELECT unnest($paths))
