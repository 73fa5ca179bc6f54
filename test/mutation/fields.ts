// Which values of a parsed JSON record or CSV row a mutation may touch: usage numbers, times, and the
// text fields a user could paste a key into. Classified by key name and value shape, so one rule set
// serves every sample format without a per-format table.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Holder = Json[] | { [k: string]: Json };

export interface Leaf {
  holder: Holder;
  key: string | number;
  name: string; // the nearest object key (an array element takes its array's key)
  path: string; // the leaf's key after its parent's (amount.value, usage.input_tokens)
  value: Json;
}

export type FieldClass = 'usage' | 'time' | 'text';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[ T]\d|$)/;
const TIME_NAME = /time|date|_at$|At$|created|timestamp/i;
const USAGE_NAME = /token|cost|spend|amount|units|count|requests|usage|price|cache|input|output|reasoning|prompt|completion|candidates|thoughts|quantity/i;
const NOT_USAGE = /id$|account|temperature|latency|_ms$|Ms$|step|index|version/i;
// text a user could paste a key into; not the fields that say what a record is
const TEXT_NAME = /user|key|project|session|workspace|team|alias|tag|metadata|cwd|branch|name|description|line_item|text|content|propert|app|trace|customer|organization|label|environment/i;
const NOT_TEXT = /model|^type$|provider|role|object|status|currency|tier|format|operation|schema|level|unit|finish|region|geo|speed|context_window|mode/i;

/** Whether a number (or digit string) under `name` is a Unix time in seconds or milliseconds. */
export function isEpoch(name: string, value: number | string): boolean {
  const n = Number(value);
  return TIME_NAME.test(name) && Number.isFinite(n) && ((n >= 1e9 && n < 1e10) || (n >= 1e12 && n < 1e13));
}

/** The class of a JSON leaf or CSV cell, or undefined for one no mutation aims at; a number is usage by its path. */
export function classify(name: string, value: Json, path = name): FieldClass | undefined {
  if (typeof value === 'string' && ISO_DATE.test(value)) return 'time';
  if (typeof value === 'number' || (typeof value === 'string' && /^-?\d+(?:\.\d+)?$/.test(value))) {
    if (isEpoch(name, value)) return 'time';
    return USAGE_NAME.test(path) && !NOT_USAGE.test(name) ? 'usage' : undefined;
  }
  if (typeof value === 'string' && value.length && TEXT_NAME.test(name) && !NOT_TEXT.test(name)) return 'text';
  return undefined;
}

/** Every leaf under `node`, with the key that names it. */
export function leaves(node: Json, name = '', path = ''): Leaf[] {
  const out: Leaf[] = [];
  const visit = (holder: Holder, key: string | number, leafName: string, leafPath: string) => {
    const value = (holder as Record<string | number, Json>)[key];
    if (value !== null && typeof value === 'object') out.push(...leaves(value, leafName, leafPath));
    else out.push({ holder, key, name: leafName, path: leafPath, value });
  };
  if (Array.isArray(node)) node.forEach((_, i) => visit(node, i, name, path));
  else if (node !== null && typeof node === 'object') for (const k of Object.keys(node)) visit(node, k, k, name ? `${name}.${k}` : k);
  return out;
}

export const leavesOf = (node: Json, cls: FieldClass) => leaves(node).filter((l) => classify(l.name, l.value, l.path) === cls);

export interface RecordRef {
  record: Json;
  array: Json[]; // the array that holds it (a whole JSON document stands alone in a one-element array)
  index: number;
}

/**
 * The innermost array elements of a JSON document that hold a leaf of class `cls`: one result of a
 * bucket, one observation, one chunk. The document itself when no array element qualifies.
 */
export function recordsOf(doc: Json, cls: FieldClass): RecordRef[] {
  const found: RecordRef[] = [];
  const walk = (node: Json): boolean => {
    if (node === null || typeof node !== 'object') return false;
    let inner = false;
    if (Array.isArray(node)) {
      node.forEach((el, index) => {
        const below = walk(el);
        inner ||= below;
        if (!below && el !== null && typeof el === 'object' && leavesOf(el, cls).length) {
          found.push({ record: el, array: node, index });
          inner = true;
        }
      });
    } else for (const v of Object.values(node)) inner = walk(v) || inner;
    return inner;
  };
  walk(doc);
  return found.length || !leavesOf(doc, cls).length ? found : [{ record: doc, array: [doc], index: 0 }];
}

/** Renames or deletes the key `name` in every object under `node` (a schema change, not one value). */
export function renameKey(node: Json, name: string, to: string | undefined): number {
  if (node === null || typeof node !== 'object') return 0;
  if (Array.isArray(node)) return node.reduce<number>((n, el) => n + renameKey(el, name, to), 0);
  let n = 0;
  for (const k of Object.keys(node)) {
    n += renameKey(node[k], name, to);
    if (k !== name) continue;
    if (to !== undefined) node[to] = node[k];
    delete node[k];
    n++;
  }
  return n;
}
