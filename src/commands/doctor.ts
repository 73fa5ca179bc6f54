import { compactPending, replaceLedger, writeCompactCopy } from '../doctor/compact.js';
import { findSecretPaths, hasSecretPaths, maskSecretPaths, type SecretPathFindings } from '../doctor/secret-paths.js';
import { findSecretText, hasSecretText, maskSecretText, secretTextLines } from '../doctor/secret-text.js';
import { RecountError } from '../errors.js';
import { renderTable, toJson } from '../format/table.js';
import { Ledger, resolveDbPath, type Row } from '../db/ledger.js';
import { maskSecretsIn } from '../import/mask-path.js';
import { sql } from '../db/sql.js';
import { now } from '../period.js';

export interface DoctorFlags {
  db?: string;
  fix?: boolean;
  limit?: string;
  json?: boolean;
}

const RULE_MACROS = ['usage_token_limit', 'implausible_usage', 'mask_secrets', 'holds_secret', 'hide_key'];

/**
 * Checks a ledger against the import's rules, which an older recount may have written it without:
 * usage rows that break the plausibility rules (queries/import/macros/implausible_usage.sql: negative
 * or overflowing token counts, costs that are not numbers, times in 1970), file paths stored raw
 * while they hold a secret (src/doctor/secret-paths.ts) and names or text stored so
 * (src/doctor/secret-text.ts). Lists them; with --fix, in one transaction, stores them masked and
 * moves the implausible rows to rejects, then rewrites the file so no old copy of a secret is left in
 * it (src/doctor/compact.ts).
 */
export async function doctorCommand(flags: DoctorFlags): Promise<void> {
  const limit = Number(flags.limit ?? 100);
  if (!Number.isInteger(limit) || limit < 1) throw new RecountError(`--limit '${flags.limit}' is not a positive whole number`, 'e.g. --limit 500');
  const ledger = await Ledger.open(resolveDbPath(flags.db), { readOnly: !flags.fix });
  let out: string;
  try {
    out = await checkLedger(ledger, flags, limit);
  } finally {
    ledger.close();
  }
  process.stdout.write(out);
}

async function checkLedger(ledger: Ledger, flags: DoctorFlags, limit: number): Promise<string> {
  for (const macro of RULE_MACROS) await ledger.run(sql(`import/macros/${macro}`));
  const nowAt = now().toISOString();
  // a listed row names its file and key masked, as they are stored once fixed
  const rows = (await ledger.all(sql('ledger/doctor/implausible_usage_rows'), { now_at: nowAt, limit: Number.MAX_SAFE_INTEGER })).map(masked);
  const secrets = await findSecretPaths(ledger);
  const secretText = await findSecretText(ledger);
  const masks = hasSecretPaths(secrets) || hasSecretText(secretText);
  const pending = await compactPending(ledger);
  const fixed = !!flags.fix && (rows.length > 0 || masks);
  if (fixed) {
    await ledger.transaction(async () => {
      if (masks) {
        // first, so the rows moved to rejects carry masked paths and keys
        if (hasSecretPaths(secrets)) await maskSecretPaths(ledger, secrets);
        await maskSecretText(ledger, secretText);
        await ledger.run(sql('ledger/doctor/mark_compact_pending'));
      }
      if (!rows.length) return;
      await ledger.run(sql('ledger/doctor/move_implausible_to_rejects'), { now_at: nowAt });
      await ledger.run(sql('ledger/doctor/delete_implausible'), { now_at: nowAt });
    });
  }
  const copy = flags.fix && (masks || pending) ? await writeCompactCopy(ledger) : undefined;
  // in place while the ledger's write lock is still ours: no other writer can slip in between
  if (copy) await replaceLedger(ledger, copy);
  if (flags.json) {
    const secretPaths = { paths: secrets.paths, by_table: secrets.by_table, record_keys: secrets.record_keys, stored_twice: secrets.stored_twice, listed: secrets.listed.slice(0, limit) };
    return toJson({ implausible_rows: rows.length, fixed, rows: rows.slice(0, limit), secret_paths: secretPaths, secret_text: secretText, rewritten_file: !!copy });
  }
  const rewrite = copy
    ? `rewrote ${ledger.path} so that no old copy of a masked value is left in the file\n`
    : pending ? `${ledger.path} still holds old copies of masked values; run recount doctor --fix to rewrite it\n` : '';
  const fix = !!flags.fix;
  return implausibleText(ledger.path, rows, limit, fix) + secretPathsText(ledger.path, secrets, limit, fix) + secretTextLines(ledger.path, secretText, fix) + rewrite;
}

const masked = (r: Row): Row => ({
  ...r,
  source_file: typeof r.source_file === 'string' ? maskSecretsIn(r.source_file) : r.source_file,
  record_key: typeof r.record_key === 'string' ? maskSecretsIn(r.record_key) : r.record_key,
});

function implausibleText(ledgerPath: string, rows: Row[], limit: number, fix: boolean): string {
  if (!rows.length) return `${ledgerPath}: every usage row is plausible\n`;
  const table = renderTable(rows.slice(0, limit), [{ key: 'import_id', label: 'import' }, { key: 'source_file', label: 'file' }, { key: 'source_line', label: 'line' }, { key: 'reason' }]);
  return `${table}\n${
    fix ? `moved ${rows.length} implausible rows to rejects (see them with: recount rejects)` : `${rows.length} implausible rows; run recount doctor --fix to move them to rejects`
  }\n`;
}

function secretPathsText(ledgerPath: string, f: SecretPathFindings, limit: number, fix: boolean): string {
  const keys = Object.entries(f.record_keys).map(([table, n]) => `${n} record keys in ${table} hold what looks like a secret\n`);
  const twice = Object.entries(f.stored_twice).map(([table, n]) => `${n} rows in ${table} are stored again under the masked key (a newer recount imported their file)${fix ? '; kept once' : ''}\n`);
  if (!f.paths && !keys.length) return `${ledgerPath}: no stored file path holds a secret\n`;
  const lines: string[] = [];
  if (f.paths) {
    lines.push('\n', renderTable(f.listed.slice(0, limit), [{ key: 'table' }, { key: 'rows' }, { key: 'masked_path', label: 'path (shown masked)' }]), '\n');
    for (const [table, n] of Object.entries(f.by_table)) lines.push(`${n} stored file paths hold what looks like a secret in ${table}\n`);
  }
  lines.push(...keys, ...twice);
  const recordKeys = Object.values(f.record_keys).reduce((a, b) => a + b, 0);
  lines.push(
    fix
      ? `stored ${f.paths} file paths and ${recordKeys} record keys masked, as a new import stores them\n`
      : `${f.paths} stored file paths hold what looks like a secret; run recount doctor --fix to store them masked\n`,
  );
  return lines.join('');
}
