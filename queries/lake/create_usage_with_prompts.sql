-- usage_with_prompts over the lake: prompts never leave their machine, so it is usage itself.
CREATE OR REPLACE VIEW usage_with_prompts AS SELECT * FROM usage
