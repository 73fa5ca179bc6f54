import fs from 'node:fs';
import { RecountError } from '../errors.js';
import { LEDGER_STORAGE_VERSION, type Ledger } from '../db/ledger.js';
import { maskSecretsIn } from '../import/mask-path.js';
import { sql } from '../db/sql.js';

/*
 * DuckDB leaves an updated value's old bytes in the file's free blocks until it reuses them (CHECKPOINT
 * and VACUUM do not clear them), so after doctor --fix has masked a path the raw key would still be
 * readable in the ledger file. The fix therefore rewrites the ledger: a COPY FROM DATABASE into a fresh
 * file, which then replaces it. The fix's transaction leaves a mark (mark_compact_pending.sql) that
 * only the rewritten file lacks, so a rewrite that fails is done by the next doctor --fix.
 */

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
const identifier = (s: string) => `"${s.replace(/"/g, '""')}"`;
/** An error's first line, naming a path holding a secret masked (src/import/mask-path.ts). */
const reason = (err: unknown) => maskSecretsIn(String((err as Error).message ?? err).split('\n')[0]);

/** Whether the ledger file still holds values a --fix replaced. */
export async function compactPending(ledger: Ledger): Promise<boolean> {
  return (await ledger.one<{ pending: boolean }>(sql('ledger/doctor/compact_pending'))).pending;
}

/** The ledger's own file (a link to it stays a link), and the temp file its rewrite is written to, beside it (one disk). */
const ledgerFile = (ledger: Ledger): string => fs.realpathSync(ledger.path);
export const compactCopyPath = (dbFile: string): string => `${dbFile}.doctor-${process.pid}.tmp`;

/**
 * Copies the open ledger into a fresh file (compactCopyPath) and returns its path, for replaceLedger.
 * Nothing is left behind when the copy fails.
 */
export async function writeCompactCopy(ledger: Ledger): Promise<string> {
  const copy = compactCopyPath(ledgerFile(ledger));
  removeCopy(copy);
  const { name } = await ledger.one<{ name: string }>(sql('ledger/doctor/ledger_name'));
  try {
    await ledger.run(sql('ledger/doctor/attach_compact_copy').replace('$path', literal(copy)).replace('$storage_version', literal(LEDGER_STORAGE_VERSION)));
    await ledger.run(sql('ledger/doctor/copy_to_compact_copy').replace('$ledger', identifier(name)));
    await ledger.run(sql('ledger/doctor/clear_compact_pending_in_copy'));
    await ledger.run(sql('ledger/doctor/detach_compact_copy'));
  } catch (err) {
    await ledger.run(sql('ledger/doctor/detach_compact_copy')).catch(() => undefined);
    removeCopy(copy);
    throw new RecountError(
      `${maskSecretsIn(ledger.path)}: the paths are masked, but rewriting the file to drop their old bytes failed (${reason(err)})`,
      'free disk space next to the ledger and run recount doctor --fix again: it finishes the rewrite',
    );
  }
  return copy;
}

/**
 * Puts the rewritten copy in the open ledger's place. The ledger is checkpointed first, so closing it
 * afterwards writes nothing (it writes to the old file, which is gone from the folder by then); it
 * still holds the write lock, so no import can write to the old file between the copy and the rename.
 */
export async function replaceLedger(ledger: Ledger, copy: string): Promise<void> {
  try {
    await ledger.run('CHECKPOINT');
    const file = ledgerFile(ledger);
    fs.chmodSync(copy, fs.statSync(file).mode & 0o777); // as private as the ledger was
    fs.renameSync(copy, file);
  } catch (err) {
    removeCopy(copy);
    throw new RecountError(`${maskSecretsIn(ledger.path)}: could not replace it with its rewritten copy (${reason(err)})`, 'run recount doctor --fix again: it finishes the rewrite');
  }
}

function removeCopy(copy: string): void {
  for (const f of [copy, `${copy}.wal`]) fs.rmSync(f, { force: true });
}
