-- cost_per_request_by_model: cost per call and mean prompt and output tokens per call, per model, dearest call first.
-- What one call costs per model (the "24 cents a call vs 0.07" view), with
-- the mean prompt (uncached input + cache reads + cache writes) and output tokens per request.
-- Per-request figures use only rows whose request count is known and whose cost is known (Anthropic
-- usage exports carry no request counts; unpriced rows have no cost): cost_per_request_usd =
-- sum(cost_usd) / sum(requests) over those rows. requests and cost_usd are the model's whole count and
-- spend; cost_without_request_count_usd is the spend left out of the per-request figures.
-- grain: one row per (provider, model), dearest call first
-- params: since DATE = NULL, until DATE = NULL, tz VARCHAR = 'UTC'
WITH rows AS (  -- usage_counted (a report reads it summed per day, once for all its queries)
  SELECT *,
         input_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens AS prompt_tokens_all
  FROM counted_days($since, $until, $tz)
)
SELECT
  provider,
  coalesce(model, '(no model)')                              AS model,
  CAST(sum(records) AS BIGINT)                               AS records,
  CAST(coalesce(sum(requests), 0) AS HUGEINT)                 AS requests,
  CAST(sum(cost_usd) AS DOUBLE)                              AS cost_usd,
  CAST(sum(cost_usd) FILTER (WHERE per_request_known)
       / nullif(sum(requests) FILTER (WHERE per_request_known), 0) AS DOUBLE) AS cost_per_request_usd,
  CAST(sum(prompt_tokens_all) FILTER (WHERE per_request_known)
       / nullif(sum(requests) FILTER (WHERE per_request_known), 0) AS DOUBLE) AS prompt_tokens_per_request,
  CAST(sum(output_tokens) FILTER (WHERE per_request_known)
       / nullif(sum(requests) FILTER (WHERE per_request_known), 0) AS DOUBLE) AS output_tokens_per_request,
  CAST(sum(cache_read_tokens) FILTER (WHERE per_request_known)
       / nullif(sum(prompt_tokens_all) FILTER (WHERE per_request_known), 0) AS DOUBLE) AS cache_read_share_of_prompt,
  CAST(coalesce(sum(cost_usd) FILTER (WHERE NOT per_request_known), 0) AS DOUBLE) AS cost_without_request_count_usd,
  CAST(coalesce(sum(records) FILTER (WHERE price_status = 'unpriced'), 0) AS BIGINT) AS unpriced_records
FROM rows
GROUP BY ALL
ORDER BY cost_per_request_usd DESC NULLS LAST, cost_usd DESC NULLS LAST, model
