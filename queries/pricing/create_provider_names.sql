-- Ledger spellings of the price lists' providers (src/pricing/providers.ts): rows of `provider` whose
-- raw model id matches raw_like (ILIKE; NULL = any) are priced from price_provider's list.
CREATE OR REPLACE TEMP TABLE provider_names (provider VARCHAR, raw_like VARCHAR, price_provider VARCHAR)
