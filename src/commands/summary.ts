import { withSession } from '../ledger/session.js';
import { bindParams, readQuery } from '../ledger/named-query.js';
import { describePeriod, resolvePeriod, type PeriodFlags } from '../period.js';
import { formatCell, toJson, usd } from '../format/table.js';

export interface SummaryFlags extends PeriodFlags {
  db?: string;
  prices?: string;
  json?: boolean;
}

export async function summaryCommand(flags: SummaryFlags): Promise<void> {
  const period = resolvePeriod(flags);
  const query = readQuery('summary');
  await withSession(flags, async ({ ledger, prices }) => {
    const row = await ledger.one<Record<string, unknown>>(query.sql, bindParams(query, {}, period));
    const { first_at: _f, last_at: _l, ...summary } = row;
    if (flags.json) {
      process.stdout.write(toJson({ ...summary, period, price_catalog: { label: prices.label, fingerprint: prices.fingerprint } }));
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
      lines.push(`UNPRICED        ${n('unpriced_records')} records have no price and are not in the cost: ${unpriced.join(', ')}`);
      lines.push(`                hint: add their rates with --prices FILE (see recount prices)`);
    } else {
      lines.push('unpriced        none');
    }
    lines.push(`prices          ${prices.label} · fingerprint ${prices.fingerprint}`);
    process.stdout.write(lines.join('\n') + '\n');
  });
}
