import fs from 'node:fs';
import path from 'node:path';
import { withSession } from '../session.js';
import { bindParams, parseParamFlags, readQuery } from '../db/named-query.js';
import { sql } from '../db/sql.js';
import { resolvePeriod, type PeriodFlags } from '../period.js';
import { writeArrowFile } from '../export/arrow-ipc.js';
import { checkedRowCount, sortOnThreadsThatFit } from '../export/sort-threads.js';
import { copyInSlices, exportSlices } from '../export/sorted-slices.js';
import { RecountError } from '../errors.js';
import { resolveDbPath, type Ledger, type Params } from '../db/ledger.js';
import { checkOutTarget, checkOverwrite, type OutputKind } from '../report/write.js';
import { exportLakeCommand } from '../lake/command.js';

export interface ExportFlags extends PeriodFlags {
  db?: string;
  prices?: string;
  query?: string;
  param?: string[];
  format?: string;
  out?: string;
  lake?: string;
  force?: boolean;
}

const FORMATS = ['parquet', 'arrow', 'csv'];

/** Writes the priced ledger (or one named query's result) for notebooks and warehouses. */
export async function exportCommand(flags: ExportFlags): Promise<void> {
  if (flags.lake !== undefined) return exportLakeCommand(flags, flags.lake);
  if (!flags.format) throw new RecountError('--format is required (or --lake DIR)', 'e.g. --format parquet --out ledger.parquet');
  if (!FORMATS.includes(flags.format)) throw new RecountError(`--format '${flags.format}' is not one of ${FORMATS.join(', ')}`, 'e.g. --format parquet');
  if (!flags.out) throw new RecountError('--out PATH is required', `e.g. --out ledger.${flags.format}`);
  const out = path.resolve(flags.out);
  const check = { kind: flags.format as OutputKind, ledger: resolveDbPath(flags.db), force: flags.force };
  // a CSV is known as an earlier export by its header, which the query gives (below)
  if (checkOutTarget(out, check) && check.kind !== 'csv') checkOverwrite(out, check);
  const period = resolvePeriod(flags);
  const source = flags.query ? readQuery(flags.query) : readQuery('ledger_rows');
  const values = bindParams(source, parseParamFlags(flags.param ?? []), period);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  await withSession(flags, async ({ ledger }) => {
    if (check.kind === 'csv') checkOverwrite(out, { ...check, csvHeader: await csvHeader(ledger, source.sql) });
    // the threads the sort may use depend on the rows: an Arrow export counts its own (its stream is
    // checked against them), Parquet and CSV count the ledger rows of the period, a cheap bound
    const counted = sql('ledger/count_export_rows').replace(/^SELECT count\(\*\) AS n FROM \(\$rows\)/m, () => `SELECT count(*) AS n FROM (\n${rowsQuery(source.sql)}\n)`);
    const count = async (text: string, params: Params) => Number((await ledger.one<{ n: bigint }>(text, params)).n);
    const sortRows = flags.format === 'arrow' ? await count(counted, values) : await count(sql('ledger/count_period_rows'), { since: period.since, until: period.until });
    // DuckDB streams the rows to the file itself, sorting in bounded memory (spilling if need be)
    const copy = async (rowsSql: string, params: Params) => {
      const text = sql(flags.format === 'parquet' ? 'ledger/copy_export_parquet' : 'ledger/copy_export_csv')
        .replace(/^COPY \(\$rows\) TO \$out\b/m, () => `COPY (\n${rowsSql}\n) TO ${quoteLiteral(tmp)}`);
      return Number((await ledger.conn.run(text, params)).rowsChanged);
    };
    // the default export sorts by started_at first: too many rows to sort on every thread are sorted in slices
    const slices = flags.format !== 'arrow' && !flags.query ? await exportSlices(ledger, sortRows, { ...period }) : null;
    const rows = slices
      ? await copyInSlices(ledger, rowsQuery(source.sql), values, slices, (rowsSql) => copy(rowsSql, {}))
      : await sortOnThreadsThatFit(ledger, sortRows, async () => {
          if (flags.format === 'arrow') return checkedRowCount(await writeArrowFile(ledger.conn, source.sql, values, tmp), sortRows);
          return copy(rowsQuery(source.sql), values);
        });
    fs.renameSync(tmp, out);
    process.stderr.write(`wrote ${rows.toLocaleString('en-US')} rows to ${out}\n`);
    process.stdout.write(`${out}\n`);
  }).finally(() => fs.rmSync(tmp, { force: true }));
}

/** The header line COPY writes for these rows (snake_case names need no quoting), without running them. */
async function csvHeader(ledger: Ledger, rowsSql: string): Promise<string> {
  const prepared = await ledger.conn.prepare(rowsSql);
  try {
    return Array.from({ length: prepared.columnCount }, (_, i) => prepared.columnName(i)).join(',');
  } finally {
    prepared.destroySync();
  }
}

/** A named query's text as a COPY subquery: no statement-ending semicolon. */
function rowsQuery(text: string): string {
  return text.replace(/;\s*$/, '');
}

/** COPY's target must be a literal; the path is ours (resolved, temp-suffixed), quoted safely. */
function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
