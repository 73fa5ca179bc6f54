import fs from 'node:fs';
import { classifyLedger, ledgerRules, storeRules, type RuleSet } from '../classify/classify.js';
import { DEFAULT_RULES_FILE, parseRules } from '../classify/rules.js';
import { runNamedQuery } from '../db/named-query.js';
import { withSession } from '../session.js';
import { renderTable, toJson } from '../format/table.js';
import { RecountError } from '../errors.js';

export interface ClassifyFlags {
  db?: string;
  prices?: string;
  rules?: string;
  json?: boolean;
}

/** Re-labels the whole ledger in place (no re-import) and reports what share of spend is classified. */
export async function classifyCommand(flags: ClassifyFlags): Promise<void> {
  const given = flags.rules ? readRuleSet(flags.rules) : undefined;
  await withSession({ ...flags, readOnly: false }, async ({ ledger }) => {
    const set = given ?? (await ledgerRules(ledger));
    const started = Date.now();
    await ledger.transaction(async () => {
      await classifyLedger(ledger, set.rules);
      if (given) await storeRules(ledger, given);
    });
    const seconds = (Date.now() - started) / 1000;
    const types = await runNamedQuery(ledger, 'spend_by_task_type');
    const cover = await runNamedQuery<{ source: string; coverage_share: number | null }>(ledger, 'classification_coverage');
    const all = cover.find((c) => c.source === '(all)');
    if (flags.json) {
      process.stdout.write(toJson({ rules: set.label, rule_count: set.rules.length, seconds, coverage: cover, task_types: types }));
      return;
    }
    process.stdout.write(renderTable(types, [
      { key: 'task_type' }, { key: 'tier' }, { key: 'records' }, { key: 'cost_usd' },
      { key: 'share_of_cost', label: 'share', format: (v) => (v == null ? '—' : `${(Number(v) * 100).toFixed(1)}%`) },
    ]));
    const share = all?.coverage_share == null ? 'no priced spend' : `${(all.coverage_share * 100).toFixed(1)}% of spend classified`;
    process.stdout.write(`\n${set.rules.length} rules from ${set.label}: ${share} (${seconds.toFixed(2)} s)\n`);
  });
}

function readRuleSet(file: string): RuleSet {
  if (file === 'default') file = DEFAULT_RULES_FILE;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new RecountError(`${file}: cannot read the rules file`, 'check the --rules path (or --rules default)');
  }
  return { label: file === DEFAULT_RULES_FILE ? 'default rules' : file, text, rules: parseRules(text, file) };
}
