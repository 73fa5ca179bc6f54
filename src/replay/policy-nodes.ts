import type { Node } from 'yaml';
import { scalar, type Entry, type YamlDoc } from '../config/yaml.js';
import { loadCatalog } from '../pricing/catalog.js';
import type { PriceBook } from '../pricing/install.js';
import type { Rule } from './policy.js';

/** The node helpers policy-schema.ts and policy-assumptions.ts share: every error carries its node's line. */

/**
 * What a policy read from another format (a LiteLLM config, litellm-read.ts) adds: names that stand
 * for models (its aliases), and the escalation a route to such a name gets (its fallbacks).
 */
export interface PolicyHooks {
  modelAlias?: (name: string) => string | undefined;
  escalateFor?: (routeName: string) => Rule['escalate'];
}

export class Ctx {
  constructor(
    readonly doc: YamlDoc,
    readonly book: PriceBook,
    readonly hooks: PolicyHooks = {},
  ) {}
  get file(): string {
    return this.doc.file;
  }
  line(node: unknown): number {
    return this.doc.line(node);
  }
  fail(node: unknown, message: string, hint: string): never {
    this.doc.fail(node, message, hint);
  }
}

export function flag(ctx: Ctx, node: Node | null, what: string): boolean {
  const v = scalar(node);
  if (typeof v !== 'boolean') ctx.fail(node, `${what} must be true or false, not '${String(v)}'`, `${what}: true lets a rule route to a dearer model`);
  return v;
}

/** A target model: canonical id, and it must have a price in the book. */
export function pricedModel(ctx: Ctx, node: Node | null): string {
  const raw = scalar(node);
  if (typeof raw !== 'string' || !raw.trim()) ctx.fail(node, 'a model id is needed here', 'e.g. claude-haiku-4-5');
  const id = ctx.hooks.modelAlias?.(raw.trim()) ?? loadCatalog().modelIds.canonical(raw) ?? raw.trim();
  if (!ctx.book.rows.some(({ row }) => row.model === id && row.input_usd_per_mtok != null)) {
    ctx.fail(node, `model '${raw}' has no price${id !== raw ? ` (looked up as ${id})` : ''} in ${ctx.book.label}`, 'price it with --prices FILE (a local model can be priced at 0), or fix the name');
  }
  return id;
}

export function entries(ctx: Ctx, node: Node | null, what: string, hint = `${what}: { … }`): Entry[] {
  return ctx.doc.entries(node, what, hint);
}

export function seqOf(ctx: Ctx, entry: Entry | undefined, what: string): Node[] {
  return ctx.doc.items(entry, what);
}

export function text1(ctx: Ctx, node: Node | null, what: string): string {
  return ctx.doc.text(node, what, `${what}: my-policy`);
}
