import { isMap, isSeq, type Node } from 'yaml';
import { scalar, type YamlDoc } from '../config/yaml.js';
import { NUMBER_FIELDS, STRING_FIELDS, type Condition, type Field, type Value } from './types.js';

/**
 * Reads a `when:` in the gateway style (`{ task_type: { $in: [search, docs] }, tier: { $lte: 2 } }`)
 * from YAML nodes: every mistake names the node's line. Keys of one mapping are ANDed.
 */

const COMPARE_OPS = ['$gt', '$gte', '$lt', '$lte'];
const TEXT_OPS = ['$eq', '$ne', '$in', '$nin', '$regex', '$prefix', '$exists'];
const LIST_OPS = [...TEXT_OPS, '$only'];
const NUMBER_OPS = ['$eq', '$ne', '$in', '$nin', ...COMPARE_OPS, '$exists'];
export const ALL_OPS = ['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$regex', '$prefix', '$only', '$exists', '$and', '$or'];

export interface WhenOptions {
  /** extra text fields beyond the policy ones (task-type rules read `prompt`) */
  textFields?: readonly string[];
  /** a model name as written → the id rows carry (canonical ids) */
  modelId?: (name: string) => string;
}

const isNumberField = (f: string) => (NUMBER_FIELDS as readonly string[]).includes(f);

export function fieldsHint(opts: WhenOptions = {}): string {
  return `fields: ${[...STRING_FIELDS, ...(opts.textFields ?? []), ...NUMBER_FIELDS].join(', ')}, tools, tags.<name>`;
}

/** A non-empty condition mapping (a default rule's `when: {}` is the caller's to recognise). */
export function parseWhen(doc: YamlDoc, node: Node | null, opts: WhenOptions = {}): Condition {
  const e = doc.entries(node, 'condition', 'when: { task_type: { $in: [search, docs] } }');
  if (!e.length) doc.fail(node, 'empty condition', 'only a default rule has when: {}');
  const args: Condition[] = e.map(({ key, keyNode, value }) => {
    if (key === '$and' || key === '$or') {
      if (!isSeq(value) || !value.items.length) doc.fail(value ?? keyNode, `${key} takes a non-empty list of conditions`, `${key}: [{ tier: 1 }, { model: claude-haiku-4-5 }]`);
      return { op: key, args: (value.items as Node[]).map((n) => parseWhen(doc, n, opts)) };
    }
    if (key.startsWith('$')) doc.fail(keyNode, `unknown operator '${key}'`, `operators: ${ALL_OPS.join(' ')}`);
    return parseField(doc, fieldOf(doc, keyNode, key, opts), value, opts);
  });
  return args.length === 1 ? args[0] : { op: '$and', args };
}

function fieldOf(doc: YamlDoc, node: Node, key: string, opts: WhenOptions): Field {
  if ((STRING_FIELDS as readonly string[]).includes(key) || isNumberField(key) || key === 'tools' || opts.textFields?.includes(key)) return key as Field;
  if (key.startsWith('tags.')) {
    if (!/^[A-Za-z0-9_-]+$/.test(key.slice(5))) doc.fail(node, `tag name '${key.slice(5)}' must be letters, digits, _ or -`, 'tags.team: backend');
    return key as Field;
  }
  doc.fail(node, `unknown field '${key}'`, fieldsHint(opts));
}

function parseField(doc: YamlDoc, field: Field, node: Node | null, opts: WhenOptions): Condition {
  if (isSeq(node)) doc.fail(node, `${field}: a list needs an operator`, `${field}: { $in: [a, b] }`);
  if (!isMap(node)) return { op: '$eq', field, value: fieldValue(doc, field, '$eq', node, opts) };
  const isNumber = isNumberField(field);
  const allowed = isNumber ? NUMBER_OPS : field === 'tools' ? LIST_OPS : TEXT_OPS;
  const e = doc.entries(node, 'condition');
  if (!e.length) doc.fail(node, `${field}: empty condition`, `${field}: { $eq: value }`);
  const args: Condition[] = e.map(({ key, keyNode, value }) => {
    if (!ALL_OPS.includes(key)) doc.fail(keyNode, `unknown operator '${key}'`, `operators: ${ALL_OPS.join(' ')}`);
    if (!allowed.includes(key)) {
      const hint = isNumber ? `${field} takes ${NUMBER_OPS.join(' ')}` : key === '$only' ? '$only applies to tools' : `${key} needs a number field (${NUMBER_FIELDS.join(', ')}); ${field} takes ${allowed.join(' ')}`;
      doc.fail(keyNode, `${key} does not apply to ${field}`, hint);
    }
    if (key === '$in' || key === '$nin' || key === '$only') {
      if (!isSeq(value) || !value.items.length) doc.fail(value ?? keyNode, `${field}: ${key} takes a non-empty list`, `${field}: { ${key}: [a, b] }`);
      return { op: key, field, values: (value.items as Node[]).map((n) => fieldValue(doc, field, key, n, opts)) };
    }
    if (key === '$exists') {
      const v = scalar(value);
      if (typeof v !== 'boolean') doc.fail(value ?? keyNode, `${field}: $exists takes true or false`, `${field}: { $exists: false } matches rows without one`);
      return { op: '$exists', field, exists: v };
    }
    if (key === '$regex') {
      const p = scalar(value);
      if (typeof p !== 'string' || !p) doc.fail(value ?? keyNode, `${field}: $regex takes a pattern`, "$regex: '^claude-'");
      checkPattern(doc, value, field, p);
      return { op: '$regex', field, pattern: p };
    }
    if (key === '$prefix') return { op: '$prefix', field, value: String(fieldValue(doc, field, key, value, {})) };
    return { op: key as '$eq', field, value: fieldValue(doc, field, key, value, opts) };
  });
  return args.length === 1 ? args[0] : { op: '$and', args };
}

function fieldValue(doc: YamlDoc, field: Field, op: string, node: Node | null, opts: WhenOptions): Value {
  const v = scalar(node);
  if (isNumberField(field)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) doc.fail(node, `${field}: ${op} needs a number, not '${String(v)}'`, `${field}: { ${op}: 100000 }`);
    return v;
  }
  if (v == null || typeof v === 'object' || v === '') doc.fail(node, `${field}: ${op} needs a value`, `${field}: { ${op}: text }`);
  const text = String(v);
  return field === 'model' && opts.modelId ? opts.modelId(text) : text;
}

/**
 * A pattern both JS and DuckDB (RE2) run the same way: valid, and without lookarounds or
 * back-references. `label` names it in the message (`model: $regex 'x'`).
 */
export function patternProblem(p: string): string | undefined {
  try {
    new RegExp(p, 'i');
  } catch (err) {
    return `is not a valid pattern (${(err as Error).message})`;
  }
  if (/\(\?<?[=!]|\\[1-9]/.test(p)) return 'uses a lookaround or back-reference';
  return undefined;
}

function checkPattern(doc: YamlDoc, node: Node | null, field: string, p: string): void {
  const problem = patternProblem(p);
  if (!problem) return;
  const hint = problem.startsWith('uses') ? 'DuckDB (RE2) runs patterns without lookarounds or back-references' : 'patterns are regular expressions, e.g. ^claude-';
  doc.fail(node, `${field}: $regex '${p}' ${problem}`, hint);
}
