/**
 * Canonical model ids. A raw name is normalized by fixed, exact rules (provider prefix, Bedrock and
 * Vertex decorations, date suffix, Claude dotted versions) and then looked up in an alias table built
 * from the catalog. No substring or fuzzy matching: an unknown model keeps its normalized name and
 * shows up as unpriced rather than borrowing a neighbour's price.
 */

const DATE_SUFFIX = /-(\d{8}|\d{4}-\d{2}-\d{2})$/;

/** Deterministic clean-up of a raw model name; not a lookup. */
export function normalizeModelName(raw: string): string {
  let id = raw.trim().toLowerCase();
  if (id.startsWith('models/')) id = id.slice('models/'.length); // Gemini API resource names
  id = id.slice(id.lastIndexOf('/') + 1); // 'anthropic/claude-sonnet-4.5', 'openai/gpt-4.1'
  id = id.replace(/^(us|eu|apac|au|jp|global|us-gov)\./, ''); // Bedrock cross-region inference profiles
  id = id.replace(/^(anthropic|amazon|meta|mistral|cohere|ai21|deepseek)\./, ''); // Bedrock vendor prefix
  id = id.replace(/-v\d+(:\d+)?$/, ''); // Bedrock version suffix '-v2:0'
  id = id.replace(/@.*$/, ''); // Vertex '@20250929' / '@001'
  id = id.replace(/\s+/g, '-'); // display names: 'Claude Haiku 4.5'
  id = id.replace(DATE_SUFFIX, '');
  if (id.startsWith('claude-')) id = id.replace(/(\d)\.(\d)/g, '$1-$2'); // claude-sonnet-4.5 → claude-sonnet-4-5
  // version-first names of the 4.x+ families (OpenRouter permaslugs): claude-4-5-sonnet → claude-sonnet-4-5;
  // 3.x keeps version-first ids (claude-3-5-sonnet is that family's own name)
  id = id.replace(/^claude-([4-9](?:-\d+)?)-(opus|sonnet|haiku)$/, 'claude-$2-$1');
  return id;
}

/** Maps raw names to canonical ids through an alias table (normalized alias → canonical id). */
export class ModelIds {
  private table: ReadonlyMap<string, string> | undefined;

  /** `aliases`, or a function that builds them on first use (the catalog's data costs a command's start-up). */
  constructor(private readonly aliases: ReadonlyMap<string, string> | (() => ReadonlyMap<string, string>)) {}

  private get names(): ReadonlyMap<string, string> {
    this.table ??= typeof this.aliases === 'function' ? this.aliases() : this.aliases;
    return this.table;
  }

  canonical(raw: string | null | undefined): string | null {
    if (raw == null || raw.trim() === '') return null;
    const normalized = normalizeModelName(raw);
    // an exact catalog name first: gpt-4o-2024-05-13 has its own price, unlike its undated neighbour
    return this.names.get(raw.trim().toLowerCase()) ?? this.names.get(normalized) ?? normalized;
  }

  has(id: string): boolean {
    return this.names.has(id);
  }
}
