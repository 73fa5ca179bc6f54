import { withSession } from '../session.js';
import { bindParams, listQueries, parseParamFlags, readQuery, runNamedQuery } from '../db/named-query.js';
import { resolvePeriod, type PeriodFlags } from '../period.js';
import { formatCell, renderTable, toJson } from '../format/table.js';
import { emptyPeriodNote } from '../format/coverage.js';
import { RecountError } from '../errors.js';

export interface QueryFlags extends PeriodFlags {
  db?: string;
  prices?: string;
  param?: string[];
  json?: boolean;
  csv?: boolean;
}

export async function queryCommand(name: string | undefined, flags: QueryFlags): Promise<void> {
  if (flags.json && flags.csv) throw new RecountError('--json and --csv both choose the output', 'use one of them');
  if (!name) {
    const rows = listQueries().map((q) => ({ name: q.name, params: q.params.map((p) => p.name).join(', '), description: q.description }));
    process.stdout.write(flags.json ? toJson(rows) : renderTable(rows, undefined, { primary: ['name', 'description'] }));
    return;
  }
  const given = parseParamFlags(flags.param ?? []);
  const period = resolvePeriod(flags);
  const query = readQuery(name);
  bindParams(query, given, period); // an unknown name, parameter or zone fails before the ledger opens
  await withSession({ ...flags, runs: query.sql }, async ({ ledger }) => {
    const rows = await runNamedQuery(ledger, name, given, period);
    if (flags.json) process.stdout.write(toJson(rows));
    else if (flags.csv) process.stdout.write(csvOf(rows));
    // the first column names the row and the dollars are the answer: those stay on a narrow terminal
    else process.stdout.write(renderTable(rows, undefined, { primary: Object.keys(rows[0] ?? {}).filter((k) => k.endsWith('_usd')) }));
    const note = !rows.length && !flags.json && !flags.csv && (period.since || period.until) ? await emptyPeriodNote(ledger, period, true) : undefined;
    if (note) process.stdout.write(`${note}\n`);
  });
}

function csvOf(rows: Record<string, unknown>[]): string {
  if (!rows.length) return '';
  const columns = Object.keys(rows[0]);
  const cell = (v: unknown) => {
    const text = v == null ? '' : typeof v === 'number' ? String(v) : formatCell(v);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns, ...rows.map((r) => columns.map((c) => cell(r[c])))].map((line) => line.join(',')).join('\n') + '\n';
}
