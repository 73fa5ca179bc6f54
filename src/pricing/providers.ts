/**
 * The one place where recount's provider names (what ledgers write in `provider`, and what price
 * overrides name) meet @pydantic/genai-prices' provider ids. Each entry is a price list recount keeps:
 * its name (a ledger's provider value), the genai-prices provider it is read from, and the other
 * spellings importers pass through from gateways (LiteLLM's custom_llm_provider, Portkey's ai_org,
 * Helicone's provider, Langfuse's provider field).
 */
export interface PriceProvider {
  id: string; // recount's name: the price list's `provider` in price rows
  genai: string; // the genai-prices provider id it is built from
  aliases?: string[]; // other ledger spellings of the same provider
  /** genai-prices entries whose id starts with this belong to another price list (Bedrock's global.) */
  skipIdPrefix?: string;
  /**
   * A price list for part of another provider's traffic: only the genai-prices entries whose id
   * starts with `idPrefix`, serving the rows of `provider` whose raw model id matches one of `rawLike`
   * (ILIKE patterns). Bedrock's global inference profiles (global.anthropic.…) bill Anthropic's own
   * rates, its regional and in-region ids 1.1× them.
   */
  part?: { of: string; idPrefix: string; rawLike: string[] };
}

export const PRICE_PROVIDERS: readonly PriceProvider[] = [
  { id: 'anthropic', genai: 'anthropic' },
  { id: 'openai', genai: 'openai' },
  { id: 'google', genai: 'google', aliases: ['gemini', 'vertex', 'vertex-ai', 'vertex_ai', 'google-vertex', 'google-ai-studio', 'palm'] },
  { id: 'mistral', genai: 'mistral', aliases: ['mistralai', 'mistral-ai'] },
  { id: 'deepseek', genai: 'deepseek' },
  { id: 'x-ai', genai: 'x-ai', aliases: ['xai', 'x'] },
  { id: 'cohere', genai: 'cohere', aliases: ['cohere_chat'] },
  { id: 'moonshotai', genai: 'moonshotai', aliases: ['moonshot'] },
  { id: 'aws-bedrock', genai: 'aws', aliases: ['bedrock', 'aws', 'amazon-bedrock', 'bedrock_converse'], skipIdPrefix: 'global.' },
  { id: 'aws-bedrock-global', genai: 'aws', part: { of: 'aws-bedrock', idPrefix: 'global.', rawLike: ['global.%', '%/global.%'] } },
  { id: 'azure', genai: 'azure', aliases: ['azure-openai', 'azure_openai', 'azure_ai', 'azure-ai'] },
  { id: 'openrouter', genai: 'openrouter' },
  { id: 'groq', genai: 'groq' },
  { id: 'together', genai: 'together', aliases: ['together_ai', 'together-ai', 'togetherai'] },
  { id: 'fireworks', genai: 'fireworks', aliases: ['fireworks_ai', 'fireworks-ai', 'fireworksai'] },
  { id: 'perplexity', genai: 'perplexity', aliases: ['perplexity-ai'] },
  { id: 'cerebras', genai: 'cerebras' },
  { id: 'novita', genai: 'novita', aliases: ['novita-ai'] },
  { id: 'voyageai', genai: 'voyageai', aliases: ['voyage', 'voyage-ai'] },
  { id: 'cloudflare', genai: 'cloudflare', aliases: ['workers-ai', 'cloudflare-workers-ai'] },
  { id: 'ovhcloud', genai: 'ovhcloud' },
  { id: 'avian', genai: 'avian' },
  { id: 'arcee', genai: 'arcee' },
  { id: 'baseten', genai: 'baseten' },
  { id: 'minimax', genai: 'minimax' },
  { id: 'zai', genai: 'zai', aliases: ['z-ai'] },
  { id: 'zhipuai', genai: 'zhipuai', aliases: ['zhipu'] },
];

/** A row of the session's provider_names table: rows of `provider` (raw id matching raw_like, if set) are priced as price_provider. */
export interface ProviderName {
  provider: string;
  raw_like: string | null;
  price_provider: string;
}

/** Every ledger spelling that is not already a price list's own name, and every partial price list's patterns. */
export function providerNames(): ProviderName[] {
  const out: ProviderName[] = [];
  for (const p of PRICE_PROVIDERS) {
    for (const alias of p.aliases ?? []) out.push({ provider: alias, raw_like: null, price_provider: p.id });
    if (!p.part) continue;
    const whole = PRICE_PROVIDERS.find((q) => q.id === p.part!.of)!;
    for (const name of [whole.id, ...(whole.aliases ?? [])]) {
      for (const like of p.part.rawLike) out.push({ provider: name, raw_like: like, price_provider: p.id });
    }
  }
  return out;
}

/**
 * The price lists a provider name given in a price override covers: its own (an alias names the
 * list it stands for) and the partial lists of its traffic (aws-bedrock covers aws-bedrock-global).
 * A name no list has (local, a private gateway) stands for itself.
 */
export function priceProvidersNamed(name: string): string[] {
  const n = name.trim().toLowerCase();
  const own = PRICE_PROVIDERS.find((p) => p.id === n || p.aliases?.includes(n))?.id ?? n;
  return [own, ...PRICE_PROVIDERS.filter((p) => p.part?.of === own).map((p) => p.id)];
}
