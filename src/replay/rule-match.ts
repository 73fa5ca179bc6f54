import { matchesCondition } from '../conditions/evaluate.js';
import { conditionFields, type Condition, type ConditionRow, type Field, type Leaf } from '../conditions/types.js';
import type { Rule } from './policy.js';

/**
 * A policy's first-match rules over the frame's rows in JS, with no table: what the rules' SQL
 * (compileCondition in a CASE; test/replay/rule-sql.ts holds it as the reference) gives over the same
 * rows with their strings. Each leaf is decided by the JS twin matchesCondition (evaluate.ts), so
 * there is one semantics: once per dictionary entry (or tier value) into a truth table, and for token
 * counts once per class of values (rangesOf). Conditions then combine as byte masks over the rows no
 * earlier rule took, one typed-array pass per leaf (as fast as a closure call per row, and simpler).
 */

/** What a policy's rules test, per row, as the frame holds it. Each *Ix indexes its dictionary; a row with no value has the
 * id of a `null` entry. */
export interface RuleRows {
  rows: number;
  sourceIx: Int32Array; rowProviderIx: Int32Array; modelIx: Int32Array; taskTypeIx: Int32Array;
  keyIx: Int32Array; projectIx: Int32Array; toolsIx: Int32Array;
  taskTier: Int32Array; // the row's `tier`; 0 = NULL (the classifier's tiers are 1..3)
  input: Float64Array; cacheRead: Float64Array; write5m: Float64Array; write1h: Float64Array; output: Float64Array;
  sources: (string | null)[]; rowProviders: (string | null)[]; models: (string | null)[]; taskTypes: (string | null)[];
  apiKeys: (string | null)[]; projects: (string | null)[];
  toolSets: (readonly string[] | null)[]; // distinct `tools` lists
  /** per tag name a policy tests (`tags.<name>`): each row's value of it, as json_extract_string gives it */
  tags: ReadonlyMap<string, TagValues>;
}

/** The tag names rules test (`tags.<name>`), which the frame reads values of. */
export function testedTags(rules: readonly Rule[]): string[] {
  const names = new Set<string>();
  for (const r of rules) for (const field of conditionFields(r.when)) if (field.startsWith('tags.')) names.add(field.slice('tags.'.length));
  return [...names].sort();
}

/** One tag's values: ix indexes values; a row without the tag has the id of a `null` entry. */
export interface TagValues {
  ix: Int32Array;
  values: (string | null)[];
}

/** A compiled condition: a constant, a truth table over a row's id, a per-row test, or a combination. */
type Node =
  | { kind: 'const'; value: boolean }
  | { kind: 'table'; ix: Int32Array; table: Uint8Array; offset: number }
  | { kind: 'ranges'; parts: Float64Array[]; bounds: Float64Array; truth: Uint8Array } // the value: its parts' sum
  | { kind: 'row'; test: (r: number) => boolean }
  | { kind: '$and' | '$or'; args: Node[] };

type TableNode = Extract<Node, { kind: 'table' }>;
const TRUE: Node = { kind: 'const', value: true };
const FALSE: Node = { kind: 'const', value: false };

/** Per row, the index of the first non-default rule whose `when` matches, else the default rule's index (-1 if none):
 * exactly what the rules' SQL gives (test/replay/rule-sql.ts). */
export function matchRules(f: RuleRows, rules: readonly Rule[]): Int16Array {
  const { rows } = f;
  const out = new Int16Array(rows).fill(rules.findIndex((r) => r.isDefault));
  const leaves = new LeafCompiler(f);
  const open = take(rows).fill(1); // rows no earlier rule matched
  const mask = take(rows);
  for (let i = 0; i < rules.length; i++) {
    if (rules[i].isDefault) continue;
    const node = leaves.compile(rules[i].when);
    if (node === FALSE) continue;
    // tables at the ends of a conjunction share passes: the first with the copy of `open`, the last with
    // the assignment (a rule of one or two tables, as every bundled one, takes a single pass)
    const conj = node.kind === '$and' ? node.args : [node];
    const first = conj[0].kind === 'table' ? conj[0] : undefined;
    const rest = conj.slice(first ? 1 : 0);
    const last = rest.at(-1)?.kind === 'table' ? (rest.pop() as TableNode) : undefined;
    const ends = last ? [last] : [];
    if (first && !rest.length) {
      assign(i, open, [first, ...ends], out, open); // `open` is the mask
      continue;
    }
    if (first) for (let r = 0; r < rows; r++) mask[r] = open[r] & first.table[first.ix[r] - first.offset];
    else mask.set(open);
    for (const c of rest) refine(c, mask, rows);
    assign(i, mask, ends, out, open);
    if (node === TRUE) break; // no row gets past it
  }
  give(open, mask);
  return out;
}

/** Rule `i` for the rows of `mask` and of up to two tables, in one pass. */
function assign(i: number, mask: Uint8Array, [a, b]: TableNode[], out: Int16Array, open: Uint8Array): void {
  const hit = (r: number) => ((out[r] = i), (open[r] = 0));
  if (b) for (let r = 0; r < out.length; r++) if (mask[r] & a.table[a.ix[r] - a.offset] & b.table[b.ix[r] - b.offset]) hit(r);
  if (a && !b) for (let r = 0; r < out.length; r++) if (mask[r] & a.table[a.ix[r] - a.offset]) hit(r);
  if (!a) for (let r = 0; r < out.length; r++) if (mask[r]) hit(r);
}

// Masks kept between calls: a fresh array costs a page fault per 4 KiB on first touch, more than a pass.
const spare: ArrayBuffer[] = [];
function take(rows: number): Uint8Array {
  const i = spare.findIndex((b) => b.byteLength >= rows);
  return i < 0 ? new Uint8Array(rows) : new Uint8Array(spare.splice(i, 1)[0], 0, rows);
}
function give(...masks: Uint8Array[]): void {
  for (const m of masks) if (spare.length < 8) spare.push(m.buffer as ArrayBuffer);
}

/** mask[r] &&= node(r): a row already out is never tested, so a per-row leaf runs only where it decides. */
function refine(node: Node, mask: Uint8Array, rows: number): void {
  switch (node.kind) {
    case 'const':
      if (!node.value) mask.fill(0);
      return;
    case 'table': {
      const { ix, table, offset } = node;
      for (let r = 0; r < rows; r++) mask[r] &= table[ix[r] - offset];
      return;
    }
    case 'ranges': {
      const { parts, bounds, truth } = node;
      const [a, b, c, d] = parts;
      for (let r = 0; r < rows; r++) {
        if (!mask[r]) continue;
        const v = d ? a[r] + b[r] + c[r] + d[r] : a[r];
        if (v !== v) {
          mask[r] = truth[0]; // NaN: a missing amount, NULL
          continue;
        }
        let lo = 0;
        for (let hi = bounds.length; lo < hi; ) {
          const mid = (lo + hi) >> 1;
          if (bounds[mid] < v) lo = mid + 1;
          else hi = mid;
        }
        mask[r] = truth[1 + 2 * lo + (bounds[lo] === v ? 1 : 0)];
      }
      return;
    }
    case 'row': {
      const test = node.test;
      for (let r = 0; r < rows; r++) if (mask[r] && !test(r)) mask[r] = 0;
      return;
    }
    case '$and':
      for (const a of node.args) refine(a, mask, rows);
      return;
    case '$or':
      return refineAny(node.args, mask, rows);
  }
}

/** mask[r] &&= (a1(r) || a2(r) || …): each alternative is tried only on the rows no earlier one matched. */
function refineAny(args: Node[], mask: Uint8Array, rows: number): void {
  const hit = take(rows).fill(0);
  const trial = take(rows);
  for (const a of args) {
    for (let r = 0; r < rows; r++) trial[r] = mask[r] & (hit[r] ^ 1);
    refine(a, trial, rows);
    for (let r = 0; r < rows; r++) hit[r] |= trial[r];
  }
  mask.set(hit);
  give(hit, trial);
}

const COST: Record<Node['kind'], number> = { const: 0, table: 1, $and: 2, $or: 2, ranges: 3, row: 4 };

/** A row with one field set, as matchesCondition reads it. */
const rowWith = (field: Field, value: unknown): ConditionRow => ({ [field]: value }) as ConditionRow;

class LeafCompiler {
  private tierRange?: { min: number; max: number };

  constructor(private readonly f: RuleRows) {}

  compile(c: Condition): Node {
    if (!('args' in c)) return this.leaf(c);
    const and = c.op === '$and';
    const args: Node[] = [];
    for (const a of c.args.map((x) => this.compile(x))) {
      if (a.kind === 'const') {
        if (a.value !== and) return a; // a false conjunct or a true alternative decides
      } else args.push(a);
    }
    // tables first: a per-row test then runs only on the rows they leave (the order changes no answer)
    const merged = mergeTables(args, and).sort((a, b) => COST[a.kind] - COST[b.kind]);
    if (!merged.length) return and ? TRUE : FALSE;
    return merged.length === 1 ? merged[0] : { kind: c.op, args: merged };
  }

  private leaf(c: Leaf): Node {
    const f = this.f;
    const field = c.field;
    if (field === 'prompt_tokens' || field === 'output_tokens') return this.tokens(c, field);
    if (field === 'tier') return this.tier(c);
    if (field === 'tools') return tableOf(f.toolsIx, f.toolSets.map((t) => matchesCondition(c, { tools: t })), 0);
    if (field.startsWith('tags.')) return this.tag(c, field.slice('tags.'.length));
    const dict = Object.hasOwn(DICTIONARIES, field) ? DICTIONARIES[field as keyof typeof DICTIONARIES] : undefined;
    if (!dict) throw new Error(`rule field ${field} is not in the replay rows`);
    const [ix, values] = dict(f);
    return tableOf(ix, values.map((v) => matchesCondition(c, rowWith(field, v))), 0);
  }

  /** tier: a table over the values rows hold (0 is NULL), or a per-row test if they spread wide. */
  private tier(c: Leaf): Node {
    const { taskTier, rows } = this.f;
    const value = (t: number) => (t === 0 ? null : t);
    if (!this.tierRange) {
      let min = 0;
      let max = 0;
      for (let r = 0; r < rows; r++) {
        const t = taskTier[r];
        if (t < min) min = t;
        else if (t > max) max = t;
      }
      this.tierRange = { min, max };
    }
    const { min, max } = this.tierRange;
    if (max - min > 4096) {
      const row: ConditionRow = {};
      return { kind: 'row', test: (r) => ((row.tier = value(taskTier[r])), matchesCondition(c, row)) };
    }
    return tableOf(taskTier, Array.from({ length: max - min + 1 }, (_, k) => matchesCondition(c, { tier: value(k + min) })), min);
  }

  /** Token counts have too many values for a table: decided per class of values, else per row (NaN, a missing amount, is NULL as in SQL). */
  private tokens(c: Leaf, field: 'prompt_tokens' | 'output_tokens'): Node {
    const { input, cacheRead, write5m, write1h, output } = this.f;
    // prompt_tokens as usage_priced makes it: uncached input + cache reads + both cache writes
    const parts = field === 'output_tokens' ? [output] : [input, cacheRead, write5m, write1h];
    const ranged = rangesOf(c, parts);
    if (ranged) return ranged;
    const row: ConditionRow = {};
    return {
      kind: 'row',
      test: (r) => {
        const v = parts.length === 4 ? input[r] + cacheRead[r] + write5m[r] + write1h[r] : output[r];
        row[field] = Number.isNaN(v) ? null : v;
        return matchesCondition(c, row);
      },
    };
  }

  /**
   * A tag: a table over its values as SQL extracted them (read_replay_tag.sql), each handed to the
   * twin as the only key of a map with no prototype (so `tags.constructor` is no inherited function).
   */
  private tag(c: Leaf, name: string): Node {
    const t = this.f.tags.get(name);
    if (!t) throw new Error(`the frame holds no values of tag ${name}`); // loadReplayFrame reads each tag its policies test
    const tagsOf = (v: string | null) => (v == null ? null : Object.assign(Object.create(null) as Record<string, unknown>, { [name]: v }));
    return tableOf(t.ix, t.values.map((v) => matchesCondition(c, { tags: tagsOf(v) })), 0);
  }
}

/** The dictionary-coded fields: the row's id column and its dictionary. */
const DICTIONARIES = {
  source: (f: RuleRows) => [f.sourceIx, f.sources],
  provider: (f: RuleRows) => [f.rowProviderIx, f.rowProviders],
  model: (f: RuleRows) => [f.modelIx, f.models],
  task_type: (f: RuleRows) => [f.taskTypeIx, f.taskTypes],
  api_key: (f: RuleRows) => [f.keyIx, f.apiKeys],
  project: (f: RuleRows) => [f.projectIx, f.projects],
} satisfies Record<string, (f: RuleRows) => [Int32Array, (string | null)[]]>;

const RANGE_OPS: readonly string[] = ['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$exists'];

/**
 * A comparison with constants can change its answer only at those constants, so the twin decides it once
 * per class of values: NULL, then below, at, between and above the sorted constants (2k + 2 classes for
 * k constants); each row then costs a binary search instead of a matchesCondition call (~20× less).
 */
function rangesOf(c: Leaf, parts: Float64Array[]): Node | undefined {
  if (!RANGE_OPS.includes(c.op)) return undefined;
  const constants = c.op === '$exists' ? [] : 'values' in c ? c.values : 'value' in c ? [c.value] : [];
  if (!constants.every((x) => typeof x === 'number' && Number.isFinite(x))) return undefined;
  const bounds = Float64Array.from(new Set(constants as number[])).sort();
  const k = bounds.length;
  const probes: (number | null)[] = [null];
  for (let j = 0; j <= k; j++) {
    // a value strictly inside the gap (an empty gap between adjacent doubles holds no row either)
    if (j === 0) probes.push(k ? bounds[0] - Math.max(1, Math.abs(bounds[0])) : 0);
    else if (j === k) probes.push(bounds[k - 1] + Math.max(1, Math.abs(bounds[k - 1])));
    else probes.push((bounds[j - 1] + bounds[j]) / 2);
    if (j < k) probes.push(bounds[j]);
  }
  const truth = probes.map((v) => matchesCondition(c, rowWith(c.field, v)));
  if (truth.every((t) => t === truth[0])) return truth[0] ? TRUE : FALSE;
  return { kind: 'ranges', parts, bounds, truth: Uint8Array.from(truth, (t) => (t ? 1 : 0)) };
}

/** A truth table over ids `offset…`, folded to a constant when every entry agrees. */
function tableOf(ix: Int32Array, truth: boolean[], offset: number): Node {
  if (truth.every((t) => t)) return TRUE;
  if (!truth.some((t) => t)) return FALSE;
  return { kind: 'table', ix, table: Uint8Array.from(truth, (t) => (t ? 1 : 0)), offset };
}

/** Tables over the same id column combine into one (`model: { $ne: a, $prefix: b }` costs one pass). */
function mergeTables(args: Node[], and: boolean): Node[] {
  const out: Node[] = [];
  for (const a of args) {
    const same = a.kind === 'table' ? out.findIndex((o) => o.kind === 'table' && o.ix === a.ix && o.offset === a.offset && o.table.length === a.table.length) : -1;
    if (same < 0 || a.kind !== 'table') {
      out.push(a);
      continue;
    }
    const prev = out[same] as TableNode;
    out[same] = { ...prev, table: prev.table.map((t, k) => (and ? t & a.table[k] : t | a.table[k])) };
  }
  return out;
}
