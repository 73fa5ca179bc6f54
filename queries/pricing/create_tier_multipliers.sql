-- Service-tier ratios on list rates (batch, flex, fast mode); model NULL = every model of the provider.
CREATE OR REPLACE TEMP TABLE tier_multipliers (provider VARCHAR, model VARCHAR, service_tier VARCHAR, multiplier DOUBLE)
