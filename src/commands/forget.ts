import { RecountError } from '../errors.js';
import { toJson } from '../format/table.js';
import { Ledger, resolveDbPath } from '../db/ledger.js';
import { sql } from '../db/sql.js';

export interface ForgetFlags {
  db?: string;
  import?: string;
  json?: boolean;
}

interface ImportSummary {
  files: number;
  usage_rows: number;
  invoice_lines: number;
  rejects: number;
}

/**
 * Removes everything one import run wrote (its usage rows, invoice lines, rejects and file records) in
 * one transaction: the way out of an import that should not have happened. Rows that run replaced or
 * kept out as duplicates come back only by importing their files again.
 */
export async function forgetCommand(flags: ForgetFlags): Promise<void> {
  const importId = flags.import;
  if (!importId) throw new RecountError('recount forget needs --import ID', 'the ids are in `recount query imported_files` and in each import\'s output');
  const ledger = await Ledger.open(resolveDbPath(flags.db));
  try {
    const found = numbers(await ledger.one<ImportSummary>(sql('ledger/forget/import_summary'), { import_id: importId }));
    if (found.files + found.usage_rows + found.invoice_lines + found.rejects === 0) {
      throw new RecountError(`no import ${importId} in ${ledger.path}`, 'list the imports with `recount query imported_files`');
    }
    await ledger.transaction(async () => {
      for (const table of ['prompts', 'usage', 'agent_events', 'invoice_lines', 'rejects', 'import_files', 'file_state']) await ledger.run(sql(`ledger/forget/delete_${table}`), { import_id: importId });
    });
    if (flags.json) {
      process.stdout.write(toJson({ import_id: importId, removed: found }));
      return;
    }
    process.stdout.write(
      `forgot import ${importId}: ${found.usage_rows} usage rows, ${found.invoice_lines} invoice lines, ${found.rejects} rejected rows, ${found.files} file records\n`,
    );
  } finally {
    ledger.close();
  }
}

function numbers(s: ImportSummary): ImportSummary {
  return { files: Number(s.files), usage_rows: Number(s.usage_rows), invoice_lines: Number(s.invoice_lines), rejects: Number(s.rejects) };
}
