import type { Condition, ConditionRow, Field, NumberField, StringField, Value } from './types.js';

const regexCache = new Map<string, RegExp>();
const regex = (p: string) => regexCache.get(p) ?? regexCache.set(p, new RegExp(p, 'i')).get(p)!;

/** Pure evaluator of a condition over one row; compile.ts's compileCondition is its SQL twin. */
export function matchesCondition(cond: Condition, row: ConditionRow): boolean {
  if ('args' in cond) return cond.op === '$and' ? cond.args.every((c) => matchesCondition(c, row)) : cond.args.some((c) => matchesCondition(c, row));
  if (cond.field === 'tools') {
    const tools = row.tools ?? [];
    switch (cond.op) {
      case '$eq': return tools.includes(cond.value as string);
      case '$ne': return !tools.includes(cond.value as string);
      case '$in': return tools.some((t) => cond.values.includes(t));
      case '$nin': return !tools.some((t) => cond.values.includes(t));
      case '$only': return tools.length > 0 && tools.every((t) => cond.values.includes(t));
      case '$prefix': return tools.some((t) => t.startsWith(String(cond.value)));
      case '$regex': return tools.some((t) => regex(cond.pattern).test(t));
      case '$exists': return (row.tools != null) === cond.exists;
      default: return false; // the parser allows no numeric operators on tools
    }
  }
  const v = valueOf(row, cond.field);
  switch (cond.op) {
    case '$eq': return v != null && v === cond.value;
    case '$ne': return v == null || v !== cond.value;
    case '$in': return v != null && cond.values.includes(v);
    case '$nin': return v == null || !cond.values.includes(v);
    case '$gt': return v != null && v > cond.value;
    case '$gte': return v != null && v >= cond.value;
    case '$lt': return v != null && v < cond.value;
    case '$lte': return v != null && v <= cond.value;
    case '$regex': return v != null && regex(cond.pattern).test(String(v));
    case '$prefix': return v != null && String(v).startsWith(String(cond.value));
    case '$exists': return (v != null) === cond.exists;
    case '$only': return false; // lists only
  }
}

function valueOf(row: ConditionRow, field: Field): Value | null {
  if (field.startsWith('tags.')) {
    const tags = typeof row.tags === 'string' ? (JSON.parse(row.tags) as Record<string, unknown>) : row.tags;
    const v = tags?.[field.slice('tags.'.length)];
    if (v == null) return null;
    return typeof v === 'object' ? JSON.stringify(v) : String(v); // as json_extract_string gives it
  }
  const v = row[field as StringField | NumberField | 'prompt'];
  if (v == null) return null;
  return typeof v === 'bigint' ? Number(v) : v;
}
