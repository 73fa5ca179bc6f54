import { withSession } from '../session.js';
import { sql } from '../db/sql.js';
import { describePeriod, resolvePeriod, type PeriodFlags } from '../period.js';
import { formatCell, toJson, usd } from '../format/table.js';
import { emptyPeriodNote } from '../format/coverage.js';

export interface SummaryFlags extends PeriodFlags {
  db?: string;
  prices?: string;
  json?: boolean;
}

interface CountedView {
  provider: string | null;
  source: string;
  role: string;
  records: number;
  counted_records: number;
  first_day: string;
  last_day: string;
  not_counted_cost_usd: number;
}

/** One line per provider: which sources its totals come from, and what was left out and why. */
function describeViews(views: CountedView[]): string[] {
  const byProvider = new Map<string, CountedView[]>();
  for (const v of views) byProvider.set(v.provider ?? '(no provider)', [...(byProvider.get(v.provider ?? '(no provider)') ?? []), v]);
  const lines: string[] = [];
  for (const [provider, list] of byProvider) {
    const counted = list.filter((v) => v.counted_records > 0).map((v) => `${v.source} (${v.role}, ${v.first_day} … ${v.last_day})`);
    const left = list.filter((v) => v.counted_records < v.records);
    let line = `${(lines.length ? '' : 'counted from').padEnd(16)}${provider}: ${counted.join(' + ') || 'nothing'}`;
    if (left.length) {
      const n = left.reduce((a, v) => a + v.records - v.counted_records, 0);
      line += `; not counted: ${n.toLocaleString('en-US')} records of ${left.map((v) => v.source).join(', ')} already counted from another side (${usd(left.reduce((a, v) => a + v.not_counted_cost_usd, 0))})`;
    }
    lines.push(line);
  }
  return lines;
}

// queries/summary.sql and counted_views.sql's figures from one pass over the counted rows
const PASS = ['summary/create_summary_pass', 'summary/summary_totals', 'summary/summary_views'];

export async function summaryCommand(flags: SummaryFlags): Promise<void> {
  const period = resolvePeriod(flags);
  const params = { since: period.since, until: period.until, tz: period.tz };
  // the SQL it runs named: the forensics macros it never calls are not defined
  await withSession({ ...flags, runs: PASS.map(sql).join('\n') }, async ({ ledger, prices }) => {
    await ledger.run(sql(PASS[0]), params);
    const row = await ledger.one<Record<string, unknown>>(sql(PASS[1]));
    const views = await ledger.all<CountedView>(sql(PASS[2]), params);
    const { first_at: _f, last_at: _l, ...summary } = row;
    if (flags.json) {
      process.stdout.write(toJson({ ...summary, period, views, price_catalog: { label: prices.label, fingerprint: prices.fingerprint } }));
      return;
    }
    const n = (k: string) => formatCell(row[k]);
    const lines = [
      `period          ${describePeriod(period)}${row.first_at ? `  (data ${formatCell(row.first_at)} … ${formatCell(row.last_at)})` : ''}`,
      `records         ${n('records')}  (${n('requests')} requests)`,
      `tokens          input ${n('input_tokens')} · cache read ${n('cache_read_tokens')} · cache write 5m ${n('cache_write_5m_tokens')} · 1h ${n('cache_write_1h_tokens')} · output ${n('output_tokens')}`,
      `cost            ${usd(row.cost_usd as number)}  (list ${usd(row.list_cost_usd as number)}, billed where the source says ${usd(row.billed_cost_usd as number)})`,
    ];
    const unpriced = row.unpriced_models as string[];
    if ((row.unpriced_records as number) > 0) {
      const missing = row.uncosted_records as number;
      const where = missing === row.unpriced_records ? 'none is in the cost' : missing === 0 ? 'all are in the cost at what the source billed' : `${n('uncosted_records')} ${missing === 1 ? 'is' : 'are'} not in the cost`;
      lines.push(`UNPRICED        ${n('unpriced_records')} records have no catalog price (${where}): ${unpriced.join(', ')}`);
      lines.push(`                hint: add their rates with --prices FILE (see recount prices)`);
    } else {
      lines.push('unpriced        none');
    }
    if ((row.borrowed_records as number) > 0) {
      lines.push(`borrowed        ${n('borrowed_records')} records priced with a rate their provider's entry lacks, at the home provider's: ${(row.borrowed_models as string[]).join('; ')}`);
      lines.push(`                see recount prices --model M (which rates each provider borrows) and borrowed_rates in recount export`);
    }
    lines.push(...describeViews(views));
    lines.push(`prices          ${prices.label} · fingerprint ${prices.fingerprint}`);
    if (!Number(row.records)) lines.push(await emptyPeriodNote(ledger, period));
    process.stdout.write(lines.join('\n') + '\n');
  });
}
