-- Set canonical model ids on staged usage rows.
UPDATE staged_usage AS s SET model = m.model FROM model_map m WHERE s.model_raw = m.model_raw
