-- Set canonical model ids on staged invoice lines.
UPDATE staged_invoice AS s SET model = m.model FROM model_map m WHERE s.model_raw = m.model_raw
