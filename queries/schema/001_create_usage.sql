-- The ledger: one row per billed request, or per usage bucket for aggregated exports.
-- Column names are public interface (see docs in README "Ledger"). Token buckets are disjoint:
-- input_tokens (uncached) + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens = the prompt.
CREATE TABLE usage (
  record_key            VARCHAR NOT NULL,   -- dedupe key within its source kind
  source                VARCHAR NOT NULL,   -- importer id
  source_file           VARCHAR,
  source_line           BIGINT,
  import_id             VARCHAR NOT NULL,
  started_at            TIMESTAMPTZ NOT NULL,
  bucket_width          VARCHAR,            -- NULL per request; '1d', '1h', '1m' for buckets
  provider              VARCHAR,
  model                 VARCHAR,            -- canonical id
  model_raw             VARCHAR,            -- as the source wrote it
  requests              BIGINT,
  input_tokens          BIGINT NOT NULL DEFAULT 0,
  cache_read_tokens     BIGINT NOT NULL DEFAULT 0,
  cache_write_5m_tokens BIGINT NOT NULL DEFAULT 0,
  cache_write_1h_tokens BIGINT NOT NULL DEFAULT 0,
  output_tokens         BIGINT NOT NULL DEFAULT 0,
  reasoning_tokens      BIGINT,
  web_search_requests   BIGINT,
  service_tier          VARCHAR,
  context_window        VARCHAR,            -- vendor's long-context bucket for aggregated rows ('0-200k', '200k-1M')
  billed_cost_usd       DOUBLE,
  session_id            VARCHAR,
  project               VARCHAR,
  api_key               VARCHAR,            -- a name, id or hash; never a raw secret
  user_id               VARCHAR,
  workspace             VARCHAR,
  agent_id              VARCHAR,
  is_sidechain          BOOLEAN,
  tags                  JSON,
  tools                 VARCHAR[],
  task_type             VARCHAR,
  status                VARCHAR,
  latency_ms            DOUBLE,
  prompt_text           VARCHAR             -- local only: the turn's last human prompt, for the classifier; never reported
)
