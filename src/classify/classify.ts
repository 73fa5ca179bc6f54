import fs from 'node:fs';
import type { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';
import { classifyLedgerStatement } from './compile.js';
import { DEFAULT_RULES_FILE, parseRules, type TaskRule } from './rules.js';

export interface RuleSet {
  label: string; // where the rules came from
  text: string;
  rules: TaskRule[];
}

/** The rules this ledger classifies with: the last set given to `recount classify --rules`, else the defaults. */
export async function ledgerRules(ledger: Ledger): Promise<RuleSet> {
  const stored = await ledger.all<{ value: string }>(sql('ledger/get_setting'), { key: 'task_rules' });
  const label = (await ledger.all<{ value: string }>(sql('ledger/get_setting'), { key: 'task_rules_source' }))[0]?.value;
  if (stored.length) return { label: label ?? '(stored rules)', text: stored[0].value, rules: parseRules(stored[0].value, label ?? 'stored rules') };
  const text = fs.readFileSync(DEFAULT_RULES_FILE, 'utf8');
  return { label: 'default rules', text, rules: parseRules(text, DEFAULT_RULES_FILE) };
}

/** Remembers a rule set so later imports label their rows the same way. */
export async function storeRules(ledger: Ledger, set: RuleSet): Promise<void> {
  await ledger.run(sql('ledger/put_setting'), { key: 'task_rules', value: set.text });
  await ledger.run(sql('ledger/put_setting'), { key: 'task_rules_source', value: set.label });
}

/** Labels every ledger row with a task type and tier, in one SQL pass. */
export async function classifyLedger(ledger: Ledger, rules: TaskRule[]): Promise<void> {
  const { sql: statement, params } = classifyLedgerStatement(rules);
  await ledger.run(statement, params);
}
