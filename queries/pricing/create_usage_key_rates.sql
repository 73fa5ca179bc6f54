-- usage_key_rates: the rates of every pricing key the ledger holds, one row per distinct (provider, raw
-- model id, model, service tier, UTC day): the serving provider's own rates (overrides before catalog),
-- else the model's home provider's (price_rows), and the tier ratio. usage_priced joins them back to
-- the rows. The UTC day is counted from the epoch (times are after 1970): a time-zone conversion per
-- row cost more than the rest of the view. A report reads them from a table written once
-- (create_usage_key_rates_table.sql): finding the keys scans every ledger row.
CREATE OR REPLACE TEMP VIEW usage_key_rates AS
WITH keys AS (
  SELECT provider, model_raw, model, service_tier, utc_day, DATE '1970-01-01' + CAST(utc_day AS INTEGER) AS usage_day,
         price_provider_of(provider, model_raw) AS price_provider
  FROM (SELECT DISTINCT provider, model_raw, model, service_tier, epoch_us(started_at) // 86400000000 AS utc_day
        FROM usage
        WHERE model IS NOT NULL)
),
priced_keys AS (
  SELECT k.*, p.* EXCLUDE (provider, model, display_name, effective_from, effective_to)
  FROM keys k
  LEFT JOIN price_rows p
    ON p.model = k.model
   AND (p.provider = k.price_provider OR p.provider IS NULL)
   AND (p.effective_from IS NULL OR k.usage_day >= p.effective_from)
   AND (p.effective_to IS NULL OR k.usage_day < p.effective_to)
  QUALIFY row_number() OVER (PARTITION BY k.provider, k.model_raw, k.model, k.service_tier, k.utc_day ORDER BY p.provider NULLS LAST) = 1
)
SELECT k.*, coalesce(tm_model.multiplier, tm_all.multiplier, 1.0) AS tier_multiplier
FROM priced_keys k
LEFT JOIN tier_multipliers tm_model
  ON tm_model.provider = k.home_provider AND tm_model.service_tier = k.service_tier AND tm_model.model = k.model
LEFT JOIN tier_multipliers tm_all
  ON tm_all.provider = k.home_provider AND tm_all.service_tier = k.service_tier AND tm_all.model IS NULL
