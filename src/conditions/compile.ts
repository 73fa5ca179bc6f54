import type { Condition, Field, Leaf, Value } from './types.js';

/** The SQL expression of a field where a statement reads it (a column, a struct field, a tag lookup). */
export type FieldSql = (field: Field) => string;

/** Binds a value as a named parameter and returns its `$name`. */
export type Bind = (value: Value) => string;

/**
 * A binder into `params`: `$<prefix>0`, `$<prefix>1`, … skipping names already taken. Only the
 * structure of a condition becomes SQL text; every value, pattern and tag name is bound.
 */
export function sqlBinder(params: Record<string, unknown>, prefix = 'p'): Bind {
  let n = Object.keys(params).length;
  return (value: Value) => {
    while (`${prefix}${n}` in params) n++;
    const name = `${prefix}${n++}`;
    params[name] = value;
    return `$${name}`;
  };
}

/** The ledger's own columns: `tools` the list, `tags.<name>` looked up in the tags JSON. */
export function columnSql(bind: Bind, tags = 'tags'): FieldSql {
  return (field) => (field.startsWith('tags.') ? `json_extract_string(${tags}, '$.' || ${bind(field.slice('tags.'.length))})` : field);
}

/**
 * A condition as a DuckDB boolean expression, every value bound. Each leaf is coalesced so NULL
 * behaves exactly as in matchesCondition (evaluate.ts). `leaf` may give a leaf's SQL itself (the
 * task-type labeller matches prompts ahead, once per distinct text).
 */
export function compileCondition(cond: Condition, fieldSql: FieldSql, bind: Bind, leaf?: (c: Leaf) => string | undefined): string {
  const walk = (c: Condition): string => {
    if ('args' in c) {
      if (!c.args.length) return c.op === '$and' ? 'true' : 'false';
      return `(${c.args.map(walk).join(c.op === '$and' ? ' AND ' : ' OR ')})`;
    }
    return leaf?.(c) ?? (c.field === 'tools' ? listLeaf(c, fieldSql('tools'), bind) : valueLeaf(c, fieldSql(c.field), bind));
  };
  return walk(cond);
}

function listLeaf(c: Leaf, tools: string, bind: Bind): string {
  const list = (values: Value[]) => `[${values.map(bind).join(', ')}]::VARCHAR[]`;
  switch (c.op) {
    case '$eq': return `coalesce(list_contains(${tools}, ${bind(c.value)}), false)`;
    case '$ne': return `NOT coalesce(list_contains(${tools}, ${bind(c.value)}), false)`;
    case '$in': return `coalesce(list_has_any(${tools}, ${list(c.values)}), false)`;
    case '$nin': return `NOT coalesce(list_has_any(${tools}, ${list(c.values)}), false)`;
    case '$only': return `coalesce(len(${tools}) > 0 AND list_has_all(${list(c.values)}, ${tools}), false)`;
    case '$prefix': return `coalesce(len(list_filter(${tools}, lambda t: starts_with(t, ${bind(c.value)}))) > 0, false)`;
    case '$regex': return `coalesce(len(list_filter(${tools}, lambda t: regexp_matches(t, ${bind(c.pattern)}, 'i'))) > 0, false)`;
    case '$exists': return c.exists ? `(${tools} IS NOT NULL)` : `(${tools} IS NULL)`;
    default: throw new Error(`${c.op} on tools`);
  }
}

function valueLeaf(c: Leaf, col: string, bind: Bind): string {
  switch (c.op) {
    case '$eq': return `coalesce(${col} = ${bind(c.value)}, false)`;
    case '$ne': return `coalesce(${col} <> ${bind(c.value)}, true)`;
    case '$in': return `coalesce(${col} IN (${c.values.map(bind).join(', ')}), false)`;
    case '$nin': return `coalesce(${col} NOT IN (${c.values.map(bind).join(', ')}), true)`;
    case '$gt': return `coalesce(${col} > ${bind(c.value)}, false)`;
    case '$gte': return `coalesce(${col} >= ${bind(c.value)}, false)`;
    case '$lt': return `coalesce(${col} < ${bind(c.value)}, false)`;
    case '$lte': return `coalesce(${col} <= ${bind(c.value)}, false)`;
    case '$regex': return `coalesce(regexp_matches(${col}, ${bind(c.pattern)}, 'i'), false)`;
    case '$prefix': return `coalesce(starts_with(${col}, ${bind(c.value)}), false)`;
    case '$exists': return c.exists ? `(${col} IS NOT NULL)` : `(${col} IS NULL)`;
    case '$only': throw new Error(`$only on ${c.field}`);
  }
}
