import { resolveDbPath, Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';
import { renderTable, toJson } from '../format/table.js';
import { RecountError } from '../errors.js';

export interface RejectsFlags {
  db?: string;
  import?: string;
  limit?: string;
  json?: boolean;
}

export async function rejectsCommand(flags: RejectsFlags): Promise<void> {
  const limit = Number(flags.limit ?? 100);
  if (!Number.isInteger(limit) || limit < 1) throw new RecountError(`--limit '${flags.limit}' is not a positive whole number`, 'e.g. --limit 500');
  const ledger = await Ledger.open(resolveDbPath(flags.db), { readOnly: true });
  try {
    const rows = await ledger.all(sql('ledger/list_rejects'), { import_id: flags.import ?? null, limit });
    if (flags.json) {
      process.stdout.write(toJson(rows));
      return;
    }
    process.stdout.write(
      renderTable(
        rows.map((r) => ({ ...r, raw: String(r.raw ?? '').slice(0, 80) })),
        [{ key: 'source_file', label: 'file', minWidth: 24 }, { key: 'source_line', label: 'line', priority: 0 }, { key: 'format', priority: 4 }, { key: 'reason', priority: 0, minWidth: 30 }, { key: 'raw', priority: 5 }],
      ),
    );
  } finally {
    ledger.close();
  }
}
