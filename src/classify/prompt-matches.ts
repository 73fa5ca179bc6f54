import type { Params } from '../db/ledger.js';
import { alternatives, bindParam, MAX_GATE_CHARS } from './rule-index.js';
import type { TaskRule } from './rules.js';

/**
 * The prompt conditions, matched once per distinct prompt text instead of once per row or rule key:
 * `columns` is a SELECT list over `prompt_text`, `condition(i)` the SQL rule i's prompt condition
 * becomes over those columns (a table aliased `t`; a prompt without a text matches nothing).
 *   - A run of consecutive rules that test only the prompt (the bundled ones) is one column: the number
 *     of the first rule of the run whose pattern matches, found as the rules' own first-match order
 *     would (a CASE that stops at the first match), behind one regex of the run's alternatives. Rule i
 *     of a run is reached only when no earlier rule matched, so it matches exactly when that number is
 *     i. A run too long for one gate is cut into several.
 *   - Any other rule's prompt pattern is its own column: whether it matches.
 */
export function promptMatches(rules: TaskRule[], params: Params): { columns: string[]; condition: (i: number) => string } {
  const columns: string[] = [];
  const conditions = new Map<number, string>();
  const promptOnly = (i: number) => rules[i] !== undefined && Object.keys(rules[i].when).length === 1 && !!rules[i].when.prompt;
  const text = 'prompt_text';
  for (let i = 0; i < rules.length; ) {
    const pattern = rules[i].when.prompt;
    if (!pattern) {
      i++;
      continue;
    }
    if (!promptOnly(i)) {
      const column = `prompt_hit_${i}`;
      columns.push(`regexp_matches(${text}, ${bindParam(params, pattern, `prompt_${i}`)}, 'i') AS ${column}`);
      conditions.set(i, `coalesce(t.${column}, false)`);
      i++;
      continue;
    }
    let end = i + 1;
    let chars = pattern.length;
    while (promptOnly(end) && chars + rules[end].when.prompt!.length <= MAX_GATE_CHARS) chars += rules[end++].when.prompt!.length;
    const column = `prompt_first_${i}`;
    const branches = rules.slice(i, end).map((r, k) => `WHEN regexp_matches(${text}, ${bindParam(params, r.when.prompt!, `prompt_${i + k}`)}, 'i') THEN ${i + k + 1}`);
    const first = `CASE ${branches.join(' ')} END`;
    const gated = end - i >= 2 ? `CASE WHEN regexp_matches(${text}, ${bindParam(params, alternatives(rules.slice(i, end).map((r) => r.when.prompt!)), `prompt_gate_${i}`)}, 'i') THEN ${first} END` : first;
    columns.push(`${gated} AS ${column}`);
    for (let k = i; k < end; k++) conditions.set(k, `coalesce(t.${column}, 0) = ${k + 1}`);
    i = end;
  }
  return { columns, condition: (i) => conditions.get(i)! };
}
