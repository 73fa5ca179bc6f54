import { withSession } from '../session.js';
import { runNamedQuery } from '../db/named-query.js';
import { describePeriod, resolvePeriod, type PeriodFlags } from '../period.js';
import { toJson, usd } from '../format/table.js';
import { emptyPeriodNote } from '../format/coverage.js';
import { collectFindings } from '../forensics/collect.js';
import { RecountError } from '../errors.js';

export interface ForensicsFlags extends PeriodFlags {
  db?: string;
  prices?: string;
  cap?: string;
  json?: boolean;
}

/** Runs the forensic queries over the period and prints what they found, biggest dollars first. */
export async function forensicsCommand(flags: ForensicsFlags): Promise<void> {
  const period = resolvePeriod(flags);
  const cap = flags.cap == null ? undefined : Number(flags.cap);
  if (cap != null && !(cap > 0)) throw new RecountError(`--cap '${flags.cap}' is not a positive number of dollars`, 'e.g. --cap 50 for $50 per key per day');
  await withSession(flags, async ({ ledger, prices }) => {
    const q = (name: string, given: Record<string, string> = {}) => runNamedQuery(ledger, name, given, period);
    const { summary, findings: ranked } = await collectFindings(q, { capUsd: cap });
    if (flags.json) {
      process.stdout.write(toJson({ period, total_cost_usd: summary.cost_usd, findings: ranked, price_catalog: { label: prices.label, fingerprint: prices.fingerprint } }));
      return;
    }
    process.stdout.write(`forensics for ${describePeriod(period)}: ${usd(Number(summary.cost_usd))} across ${Number(summary.records).toLocaleString('en-US')} records\n\n`);
    if (!Number(summary.records)) process.stdout.write(`${await emptyPeriodNote(ledger, period)}\n`);
    else if (!ranked.length) process.stdout.write('nothing stands out: no unpriced models, concentration, cache breaks, runaway sessions, anomalies or invoice gaps\n');
    ranked.forEach((f, i) => {
      const impact = f.impact_usd == null ? 'cost unknown' : usd(f.impact_usd);
      process.stdout.write(`${String(i + 1).padStart(2)}. [${impact}] ${f.title}\n      detail: ${f.query}\n`);
    });
  });
}
