import path from 'node:path';
import { RecountError, refuseVirtualPaths } from '../errors.js';
import { resolveDbPath } from '../db/ledger.js';
import { loadPriceBook } from '../pricing/install.js';
import { exportLake } from './export.js';
import { lakeDirOf } from '../db/spec.js';

export interface LakeExportFlags {
  db?: string;
  prices?: string;
  format?: string;
  out?: string;
  query?: string;
  since?: string;
  until?: string;
  month?: string;
  lastMonth?: boolean;
  param?: string[];
}

const NOT_FOR_LAKE = { format: '--format', out: '--out', query: '--query', param: '--param', since: '--since', until: '--until', month: '--month', lastMonth: '--last-month' } as const;

/** `recount export --lake DIR`: the whole ledger, as this machine's files in the lake. */
export async function exportLakeCommand(flags: LakeExportFlags, dir: string): Promise<void> {
  const other = (Object.keys(NOT_FOR_LAKE) as (keyof typeof NOT_FOR_LAKE)[]).find((k) => flags[k] !== undefined);
  if (other) throw new RecountError(`--lake exports the whole ledger: ${NOT_FOR_LAKE[other]} does not apply`, 'drop it; narrow what you read later with --since/--until on the lake');
  if (!dir) throw new RecountError('--lake needs a folder', 'e.g. --lake /mnt/team/recount-lake');
  if (lakeDirOf(flags.db)) throw new RecountError('--db names a lake: export --lake reads a ledger file', 'pass --db PATH to the ledger file to add to the lake');
  const lake = path.resolve(dir);
  refuseVirtualPaths([lake], 'out'); // mkdir -p under /proc never returns
  const r = await exportLake(resolveDbPath(flags.db), lake, loadPriceBook(flags.prices));
  const removed = r.removedFiles ? `; removed ${r.removedFiles} earlier file${r.removedFiles === 1 ? '' : 's'} of this machine (forgotten imports, or the per-import layout)` : '';
  const n = (x: number) => x.toLocaleString('en-US');
  process.stderr.write(`machine ${r.machine}: wrote ${n(r.usageRows)} usage rows, ${n(r.invoiceLines)} invoice lines and ${n(r.agentEvents)} agent events of ${r.imports} import${r.imports === 1 ? '' : 's'} to ${lake}${removed}\n`);
  process.stdout.write(`${lake}\n`);
}
