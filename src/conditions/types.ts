/**
 * The one condition language of recount's first-match rules: replay policies' `when`, task-type
 * rules (whose tools_any/prompt/… shorthand becomes these nodes, see classify/rules.ts) and the
 * routes of a LiteLLM config. parse.ts reads it from YAML, compile.ts turns it into DuckDB SQL and
 * evaluate.ts is its JS twin.
 */

// Row fields a condition may test (a policy reads these; task-type rules also read `prompt`).
export const STRING_FIELDS = ['task_type', 'model', 'provider', 'source', 'api_key', 'project'] as const;
export const NUMBER_FIELDS = ['tier', 'prompt_tokens', 'output_tokens'] as const;

export type StringField = (typeof STRING_FIELDS)[number];
export type NumberField = (typeof NUMBER_FIELDS)[number];
/** A row field a condition tests: a column, `prompt` (its text), `tools` (a list) or `tags.<name>` (a gateway tag). */
export type Field = StringField | NumberField | 'prompt' | 'tools' | `tags.${string}`;
export type Value = string | number;

/**
 * The condition AST. `$and` with no args is "always" (a default rule's `when: {}`).
 * On `tools` (a list): $eq/$ne = contains / does not contain the tool, $in/$nin = any of / none of,
 * $regex = some tool matches, $prefix = some tool starts with it, $only = at least one tool and every
 * tool in the list. $prefix is case-sensitive; $regex is a case-insensitive, unanchored search.
 * A missing value (NULL) fails every test except $ne, $nin and `$exists: false`.
 */
export type Condition =
  | { op: '$and' | '$or'; args: Condition[] }
  | { op: '$eq' | '$ne' | '$gt' | '$gte' | '$lt' | '$lte' | '$prefix'; field: Field; value: Value }
  | { op: '$in' | '$nin' | '$only'; field: Field; values: Value[] }
  | { op: '$regex'; field: Field; pattern: string }
  | { op: '$exists'; field: Field; exists: boolean };

export type Leaf = Exclude<Condition, { args: Condition[] }>;

export const ALWAYS: Condition = { op: '$and', args: [] };

/** A row as the ledger has it (prompt_tokens = uncached input + cache reads + cache writes). */
export interface ConditionRow {
  task_type?: string | null;
  tier?: number | bigint | null;
  model?: string | null;
  provider?: string | null;
  source?: string | null;
  api_key?: string | null;
  project?: string | null;
  prompt?: string | null;
  tags?: Record<string, unknown> | string | null; // an object, or its JSON text
  tools?: readonly string[] | null;
  prompt_tokens?: number | bigint | null;
  output_tokens?: number | bigint | null;
}

/** The fields a condition reads (a labeller keys its rows by just these). */
export function conditionFields(cond: Condition, into = new Set<Field>()): Set<Field> {
  if ('args' in cond) cond.args.forEach((c) => conditionFields(c, into));
  else into.add(cond.field);
  return into;
}
