-- replay_used_ids: the dictionary ids the frame's rows use (src/replay/frame.ts counts them in JS), so
-- replay_rates and replay_tier_multipliers price the period's days, price lists and service tiers only.
-- grain: one row per (dictionary, ix)
-- params: days BIGINT[], providers BIGINT[], service_tiers BIGINT[]
CREATE OR REPLACE TEMP TABLE replay_used_ids AS
SELECT 'day' AS dictionary, CAST(unnest($days) AS INTEGER) AS ix
UNION ALL SELECT 'provider', CAST(unnest($providers) AS INTEGER)
UNION ALL SELECT 'service_tier', CAST(unnest($service_tiers) AS INTEGER)
