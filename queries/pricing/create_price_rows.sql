-- Effective-dated rates for this session, resolved from the bundled catalog and user overrides
-- (src/pricing/resolve.ts): provider NULL holds a model's home-provider rates, which price every
-- provider without its own entry; a provider's own rows carry the rates their entry lacks taken from
-- the home provider's, flagged borrowed_* (a row that needs one is priced 'borrowed').
CREATE OR REPLACE TEMP TABLE price_rows (
  provider                        VARCHAR,   -- the price list (as ledgers name providers); NULL = home rates
  model                           VARCHAR,
  home_provider                   VARCHAR,   -- the model's home; its service-tier ratios apply
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
  price_source                    VARCHAR,   -- catalog, override
  borrowed_cache_read             BOOLEAN,
  borrowed_cache_write_5m         BOOLEAN,
  borrowed_cache_write_1h         BOOLEAN,
  borrowed_output                 BOOLEAN,
  borrowed_web_search             BOOLEAN
)
