-- cline_provider(provider_id): the ledger's provider for a Cline provider id (Cline's own names for
-- the API it called: claude-code is Anthropic's, openai-native OpenAI's, vertex and gemini Google's,
-- ollama and lmstudio a local model); other ids are kept, lower-cased.
CREATE OR REPLACE TEMP MACRO cline_provider(provider_id) AS
  CASE lower(provider_id) WHEN 'claude-code' THEN 'anthropic' WHEN 'openai-native' THEN 'openai' WHEN 'gemini' THEN 'google'
                          WHEN 'vertex' THEN 'google' WHEN 'bedrock' THEN 'aws-bedrock' WHEN 'ollama' THEN 'local' WHEN 'lmstudio' THEN 'local'
                          ELSE lower(provider_id) END
