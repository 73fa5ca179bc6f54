-- replay_tier_multipliers: the service-tier multiplier (batch, flex, fast) each model would bill at
-- for each service tier seen in replay_rows; a model-specific ratio beats its provider's. Pairs
-- without one bill at 1.
-- grain: one row per (model, service_tier_ix) with a multiplier
-- params: models VARCHAR[]
WITH model_provider AS (
  SELECT model, arg_min(provider, priority) AS provider
  FROM price_rows
  WHERE model IN (SELECT unnest($models))
  GROUP BY model
),
tiers AS (
  SELECT DISTINCT service_tier_ix, service_tier FROM replay_rows WHERE service_tier IS NOT NULL
)
SELECT mp.model, t.service_tier_ix, coalesce(tm_model.multiplier, tm_all.multiplier) AS multiplier
FROM model_provider mp
CROSS JOIN tiers t
LEFT JOIN tier_multipliers tm_model
  ON tm_model.provider = mp.provider AND tm_model.service_tier = t.service_tier AND tm_model.model = mp.model
LEFT JOIN tier_multipliers tm_all
  ON tm_all.provider = mp.provider AND tm_all.service_tier = t.service_tier AND tm_all.model IS NULL
WHERE coalesce(tm_model.multiplier, tm_all.multiplier) IS NOT NULL
