-- price_provider_of(provider, model_raw): the price list a ledger row is served under — its provider
-- as the catalog names it (together_ai → together), or a part of it (Bedrock's global. profiles →
-- aws-bedrock-global); a pattern beats a plain alias. Called once per distinct pair, not per row.
CREATE OR REPLACE TEMP MACRO price_provider_of(row_provider, row_model_raw) AS
  coalesce((SELECT n.price_provider
            FROM provider_names n
            WHERE n.provider = lower(row_provider) AND (n.raw_like IS NULL OR row_model_raw ILIKE n.raw_like)
            ORDER BY n.raw_like NULLS LAST
            LIMIT 1),
           lower(row_provider))
