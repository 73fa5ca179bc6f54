-- replay_tier_multipliers: the service-tier multiplier (batch, flex, fast) each model would bill at
-- for each service tier the frame's rows use (replay_used_ids): its home provider's, as usage_priced applies it on
-- every provider's rates; a model-specific ratio beats its provider's. Pairs without one bill at 1.
-- grain: one row per (model, service_tier_ix) with a multiplier
-- params: models VARCHAR[]
WITH model_home AS (
  SELECT model, any_value(home_provider) AS provider
  FROM price_rows
  WHERE provider IS NULL AND home_provider IS NOT NULL AND model IN (SELECT unnest($models))
  GROUP BY model
),
tiers AS (
  SELECT d.ix AS service_tier_ix, d.value AS service_tier
  FROM replay_used_ids r
  JOIN replay_dictionaries d ON d.dictionary = r.dictionary AND d.ix = r.ix
  WHERE r.dictionary = 'service_tier' AND d.value IS NOT NULL
)
SELECT mh.model, t.service_tier_ix, coalesce(tm_model.multiplier, tm_all.multiplier) AS multiplier
FROM model_home mh
CROSS JOIN tiers t
LEFT JOIN tier_multipliers tm_model
  ON tm_model.provider = mh.provider AND tm_model.service_tier = t.service_tier AND tm_model.model = mh.model
LEFT JOIN tier_multipliers tm_all
  ON tm_all.provider = mh.provider AND tm_all.service_tier = t.service_tier AND tm_all.model IS NULL
WHERE coalesce(tm_model.multiplier, tm_all.multiplier) IS NOT NULL
