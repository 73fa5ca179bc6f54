-- What providers charged (cost-only exports), kept apart from usage so the two can be reconciled.
CREATE TABLE invoice_lines (
  record_key      VARCHAR NOT NULL,
  source          VARCHAR NOT NULL,
  source_file     VARCHAR,
  source_line     BIGINT,
  import_id       VARCHAR NOT NULL,
  usage_date      DATE NOT NULL,          -- UTC day the charge is for
  provider        VARCHAR NOT NULL,
  model           VARCHAR,
  model_raw       VARCHAR,
  line_item       VARCHAR,                -- vendor's free text, e.g. 'gpt-4o-2024-08-06, input'
  token_type      VARCHAR,                -- input, output, cache_read, cache_write_5m, cache_write_1h, web_search, …
  cost_type       VARCHAR,                -- tokens, web_search, code_execution, …
  service_tier    VARCHAR,
  context_window  VARCHAR,
  project         VARCHAR,
  api_key         VARCHAR,
  workspace       VARCHAR,
  amount_usd      DOUBLE NOT NULL,        -- charged, in dollars
  list_amount_usd DOUBLE                  -- list price when the export states it
)
