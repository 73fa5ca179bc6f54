-- openai_line_item(item_model, item_kind): what an OpenAI cost line item bills, from its two halves
-- ("gpt-4o-2024-08-06" and "input", or none and "Web search tool calls"): the model when it is a token
-- charge, the token type and cost type, and the service tier the kind names. The cost CSV and the
-- costs API name line items alike, so both formats map them here.
CREATE OR REPLACE TEMP MACRO openai_line_item(item_model, item_kind) AS {
  'model_raw': CASE WHEN token_type_of(item_kind) IS NOT NULL THEN item_model END,
  'token_type': token_type_of(item_kind),
  'cost_type': CASE WHEN token_type_of(item_kind) = 'web_search' THEN 'web_search'
                    WHEN token_type_of(item_kind) IS NOT NULL THEN 'tokens' ELSE 'other' END,
  'service_tier': CASE WHEN regexp_matches(lower(item_kind), 'batch') THEN 'batch'
                       WHEN regexp_matches(lower(item_kind), 'flex') THEN 'flex'
                       WHEN regexp_matches(lower(item_kind), 'priority') THEN 'priority'
                       ELSE 'standard' END
};
