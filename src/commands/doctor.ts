import { RecountError } from '../errors.js';
import { renderTable, toJson } from '../format/table.js';
import { Ledger, resolveDbPath } from '../ledger/ledger.js';
import { sql } from '../ledger/sql.js';
import { now } from '../period.js';

export interface DoctorFlags {
  db?: string;
  fix?: boolean;
  limit?: string;
  json?: boolean;
}

const RULE_MACROS = ['usage_token_limit', 'implausible_usage'];

/**
 * Checks a ledger against the import's plausibility rules (queries/import/macros/implausible_usage.sql):
 * rows written by an older recount may break them (negative or overflowing token counts, costs that are
 * not numbers, times in 1970). Lists them; with --fix, moves them to rejects in one transaction.
 */
export async function doctorCommand(flags: DoctorFlags): Promise<void> {
  const limit = Number(flags.limit ?? 100);
  if (!Number.isInteger(limit) || limit < 1) throw new RecountError(`--limit '${flags.limit}' is not a positive whole number`, 'e.g. --limit 500');
  const ledger = await Ledger.open(resolveDbPath(flags.db), { readOnly: !flags.fix });
  try {
    for (const macro of RULE_MACROS) await ledger.run(sql(`import/macros/${macro}`));
    const nowAt = now().toISOString();
    const rows = await ledger.all(sql('ledger/doctor/implausible_usage_rows'), { now_at: nowAt, limit: Number.MAX_SAFE_INTEGER });
    if (flags.fix && rows.length) {
      await ledger.transaction(async () => {
        await ledger.run(sql('ledger/doctor/move_implausible_to_rejects'), { now_at: nowAt });
        await ledger.run(sql('ledger/doctor/delete_implausible'), { now_at: nowAt });
      });
    }
    if (flags.json) {
      process.stdout.write(toJson({ implausible_rows: rows.length, fixed: !!flags.fix && rows.length > 0, rows: rows.slice(0, limit) }));
      return;
    }
    if (!rows.length) {
      process.stdout.write(`${ledger.path}: every usage row is plausible\n`);
      return;
    }
    process.stdout.write(
      renderTable(rows.slice(0, limit), [{ key: 'import_id', label: 'import' }, { key: 'source_file', label: 'file' }, { key: 'source_line', label: 'line' }, { key: 'reason' }]),
    );
    process.stdout.write(
      flags.fix
        ? `\nmoved ${rows.length} implausible rows to rejects (see them with: recount rejects)\n`
        : `\n${rows.length} implausible rows; run recount doctor --fix to move them to rejects\n`,
    );
  } finally {
    ledger.close();
  }
}
