-- Effective-dated rates for this session: the bundled catalog plus user overrides (priority 0 wins).
CREATE OR REPLACE TEMP TABLE price_rows (
  priority                        INTEGER,   -- 0 override, 1 catalog
  provider                        VARCHAR,
  model                           VARCHAR,
  display_name                    VARCHAR,
  effective_from                  DATE,      -- inclusive; NULL = always
  effective_to                    DATE,      -- exclusive; NULL = still in force
  input_usd_per_mtok              DOUBLE,
  output_usd_per_mtok             DOUBLE,
  cache_read_usd_per_mtok         DOUBLE,
  cache_write_5m_usd_per_mtok     DOUBLE,
  cache_write_1h_usd_per_mtok     DOUBLE,
  long_context_above_tokens       BIGINT,
  lc_input_usd_per_mtok           DOUBLE,
  lc_output_usd_per_mtok          DOUBLE,
  lc_cache_read_usd_per_mtok      DOUBLE,
  lc_cache_write_5m_usd_per_mtok  DOUBLE,
  lc_cache_write_1h_usd_per_mtok  DOUBLE,
  web_search_usd_per_request      DOUBLE,
  price_source                    VARCHAR
)
