import { conditionFields, type Field } from '../conditions/types.js';
import type { Params } from '../db/ledger.js';
import { promptMatches } from './prompt-matches.js';
import { bindParam, compileRuleIndex, type RuleValues } from './rule-index.js';
import type { TaskRule } from './rules.js';

/** SQL for the row values the rules read, where they are not plain columns of the same names. */
export interface RuleInputs {
  model?: string;
  tools?: string;
  prompt_text?: string; // a statement that labels row by row: the prompt's text
  prompt_hash?: string; // a statement that labels once per rule key: the md5 the row's prompt is stored under
  tags?: string;
}

/**
 * A statement from queries/ that labels rows as it writes them (an import), in one of two shapes:
 *   - row by row: the first-match rule index (compileRuleIndex) replaces its `/*rule_index*\/ NULL`
 *     marker, over the row's columns or `inputs` (a constant input, such as the NULL tools of an
 *     aggregate export, is evaluated once per vector instead of once per row);
 *   - once per rule key (ruleLabels), when a line of it is `/*rule_labels*\/`: `/*rule_key*\/ NULL`,
 *     in the projection of its CTE `keyed`, becomes each row's rule key over `inputs`, and
 *     `/*rule_labels*\/` a query of (rule_key, rule_index), the prompts' texts read from its CTE
 *     `prompt_texts` (prompt_hash, prompt_text); the statement joins the labels back on rule_key.
 * Only the rule structure becomes text; `params` binds every value, $task_types and $tiers included.
 */
export function withRuleIndex(statement: string, rules: TaskRule[], inputs: RuleInputs): { sql: string; params: Params } {
  const params: Params = {};
  if (LABELS_MARKER.test(statement)) {
    if (!statement.includes(KEY_MARKER)) throw new Error(`statement has a /*rule_labels*/ line but no ${KEY_MARKER} marker`);
    const { keySql, labelsSql } = ruleLabels(rules, inputs, params);
    return { sql: statement.replace(KEY_MARKER, () => `(${keySql})`).replace(LABELS_MARKER, () => labelsSql), params };
  }
  if (!statement.includes(INDEX_MARKER)) throw new Error(`statement has no ${INDEX_MARKER} marker`);
  const ruleIndex = compileRuleIndex(rules, rowValues(inputs, params), params);
  return { sql: statement.replace(INDEX_MARKER, () => `(${ruleIndex})`), params };
}

const INDEX_MARKER = '/*rule_index*/ NULL';
const KEY_MARKER = '/*rule_key*/ NULL';
const LABELS_MARKER = /^[ \t]*\/\*rule_labels\*\/[ \t]*$/m; // a line of its own (comments may name it)

/** The values of a row, read where they are (a statement that labels row by row). */
function rowValues(inputs: RuleInputs, params: Params): RuleValues {
  const tags = inputs.tags ?? 'tags';
  const tagKeys = new Map<string, string>();
  const tagKey = (key: string) => {
    if (!tagKeys.has(key)) tagKeys.set(key, bindParam(params, key, `tag_key_${tagKeys.size}`));
    return tagKeys.get(key)!;
  };
  return {
    tools: inputs.tools ?? 'tools',
    prompt: inputs.prompt_text ?? 'prompt_text',
    model: inputs.model ?? 'model',
    project: 'project',
    api_key: 'api_key',
    source: 'source',
    tag: (key) => `json_extract_string(${tags}, '$.' || ${tagKey(key)})`,
  };
}

/**
 * Labels once per rule key: one STRUCT of just the values the rule set reads from a row, with its
 * prompt as the md5 it is stored under (NULL when no rule reads prompts). Rows that share a rule key
 * get the same label, so each distinct key is labelled once; the prompt patterns are matched once per
 * distinct prompt text (prompt-matches.ts), not once per response. Returns the key's SQL over a row of `keyed`, and the labels query over `keyed` and
 * `prompt_texts` (with `usedTextsOnly`, only the texts the rows refer to are matched).
 */
function ruleLabels(rules: TaskRule[], inputs: RuleInputs, params: Params, opts: { usedTextsOnly?: boolean } = {}): { keySql: string; labelsSql: string } {
  const read = new Set<Field>();
  for (const r of rules) conditionFields(r.condition, read);
  const prompts = promptMatches(rules, params);
  const fields = [`'prompt_hash': ${prompts.columns.length ? (inputs.prompt_hash ?? 'prompt_hash') : 'NULL::VARCHAR'}`];
  if (read.has('tools')) fields.push(`'tools': ${inputs.tools ?? 'tools'}`);
  for (const column of ['model', 'project', 'api_key', 'source'] as const) {
    if (read.has(column)) fields.push(`'${column}': ${column === 'model' ? (inputs.model ?? 'model') : column}`);
  }
  const tagFields = new Map<string, string>();
  for (const key of [...read].filter((f) => f.startsWith('tags.')).map((f) => f.slice('tags.'.length))) {
    const field = `tag_${tagFields.size}`;
    tagFields.set(key, field);
    fields.push(`'${field}': json_extract_string(${inputs.tags ?? 'tags'}, '$.' || ${bindParam(params, key, `${field}_key`)})`);
  }
  const values: RuleValues = {
    tools: 'k.rule_key.tools',
    prompt: 'NULL',
    model: 'k.rule_key.model',
    project: 'k.rule_key.project',
    api_key: 'k.rule_key.api_key',
    source: 'k.rule_key.source',
    tag: (key) => `k.rule_key.${tagFields.get(key)}`,
    promptMatch: prompts.condition,
  };
  const ruleIndex = compileRuleIndex(rules, values, params);
  // the texts of the prompts the rows refer to, when prompt_texts holds more (the whole prompts table)
  const used = opts.usedTextsOnly ? '\n               WHERE prompt_hash IN (SELECT rule_key.prompt_hash FROM keyed)' : '';
  const hits = prompts.columns.length
    ? `LEFT JOIN (SELECT prompt_hash, ${prompts.columns.join(',\n                       ')}
               FROM prompt_texts${used}) AS t ON t.prompt_hash = k.rule_key.prompt_hash`
    : '';
  return {
    keySql: `{${fields.join(', ')}}`,
    labelsSql: `SELECT k.rule_key, ${ruleIndex} AS rule_index
    FROM (SELECT DISTINCT rule_key FROM keyed) AS k
    ${hits}`,
  };
}

/**
 * The texts a label may read: the stored prompts, and those an import's rows still carry until
 * queries/import/store_prompts.sql moves them (one row per hash either way).
 */
const PROMPT_TEXTS = `SELECT prompt_hash, any_value(prompt_text) AS prompt_text
    FROM (SELECT prompt_hash, prompt_text FROM prompts
          UNION ALL SELECT prompt_hash, prompt_text FROM usage WHERE prompt_text IS NOT NULL AND prompt_hash IS NOT NULL)
    GROUP BY prompt_hash`;

/** An UPDATE of usage that labels the rows `where` picks, once per distinct rule key; `set` may add assignments. */
function labelUsageStatement(rules: TaskRule[], inputs: RuleInputs, opts: { what: string; where: string; set?: string; columns?: string }): { sql: string; params: Params } {
  const params: Params = {};
  const { keySql, labelsSql } = ruleLabels(rules, inputs, params, { usedTextsOnly: true });
  const sql = `-- ${opts.what} (built by src/classify/compile.ts), once per distinct rule key.
UPDATE usage
SET ${opts.set ?? ''}task_type = coalesce(list_extract($task_types, m.rule_index), 'unclassified'),
    tier = list_extract($tiers, m.rule_index)
FROM (
  WITH keyed AS (
    SELECT rowid AS row_id${opts.columns ?? ''}, ${keySql} AS rule_key FROM usage WHERE ${opts.where}
  ),
  prompt_texts AS (
    ${PROMPT_TEXTS}
  ),
  labels AS (
    ${labelsSql}
  )
  SELECT keyed.* EXCLUDE (rule_key), labels.rule_index FROM keyed JOIN labels USING (rule_key)
) AS m
WHERE usage.rowid = m.row_id`;
  return { sql, params };
}

/** One UPDATE labelling every ledger row (`recount classify`). */
export function classifyLedgerStatement(rules: TaskRule[]): { sql: string; params: Params } {
  return labelUsageStatement(rules, {}, { what: "Label every ledger row with its first matching rule's task type and tier", where: 'true' });
}

/**
 * Completes the rows of one import (and source) whose raw model name a one-pass import's model map
 * lacked: the canonical id from $model_map, then the task label the model may decide.
 */
export function labelUnmappedModelsStatement(rules: TaskRule[]): { sql: string; params: Params } {
  return labelUsageStatement(rules, { model: 'coalesce(map_extract_value($model_map, model_raw), model_raw)' }, {
    what: "Canonical model ids and labels for an import's rows whose model the one-pass map lacked",
    where: 'import_id = $import_id AND source = $source AND model IS NULL AND model_raw IS NOT NULL',
    set: 'model = map_extract_value($model_map, m.model_raw),\n    ',
    columns: ', model_raw',
  });
}
