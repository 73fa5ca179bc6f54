import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The folder DuckDB spills big sorts and joins to, one per open ledger. DuckDB's default is
 * `<ledger>.tmp`, shared by every process on the ledger and deleted by whichever closes first, under
 * the others' feet: concurrent readers crashed (exit 139), and a killed import left it behind full of
 * raw keys. Here each open gets `<ledger>.tmp-<host>-<pid>-<random>` beside the ledger (the disk the
 * user chose for the data, not a RAM-backed /tmp), or in $RECOUNT_TEMP_DIR. It is removed when the
 * ledger closes and when the process exits; one left by a killed process is removed by the next
 * recount that opens a ledger of that name there. The host tag keeps a process from judging folders
 * of another machine's processes (a ledger on shared storage) by its own process table.
 */
export function spillDir(dbPath: string): string {
  const inMemory = dbPath === ':memory:';
  const parent = process.env.RECOUNT_TEMP_DIR ? path.resolve(process.env.RECOUNT_TEMP_DIR) : inMemory ? os.tmpdir() : path.dirname(dbPath);
  const base = inMemory ? 'recount-memory' : path.basename(dbPath);
  removeStale(parent, base);
  const dir = path.join(parent, `${base}.tmp-${HOST}-${process.pid}-${randomBytes(4).toString('hex')}`);
  open.add(dir);
  last = dir;
  if (!hooked) {
    hooked = true;
    process.on('exit', () => open.forEach(remove)); // a command that ends without closing its ledger
  }
  return dir;
}

/** The folder the latest ledger opened spills to: DuckDB's "failed to offload" does not name it. */
export function lastSpillDir(): string | undefined {
  return last;
}

/** Removes a spill folder once its ledger is closed (DuckDB removes it too when it created it). */
export function releaseSpillDir(dir: string): void {
  open.delete(dir);
  remove(dir);
}

/**
 * Removes `<ledger>.tmp`, where earlier recounts (DuckDB's default) spilled, once it holds only
 * DuckDB's temp files. Call it holding the ledger's write lock: then no process is using it.
 */
export function removeLegacySpillDir(dbPath: string): void {
  const dir = `${dbPath}.tmp`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // none (or not a folder: not ours)
  }
  if (names.every((n) => n.startsWith('duckdb_temp'))) remove(dir);
}

const HOST = createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8);
const open = new Set<string>();
let hooked = false;
let last: string | undefined;

function removeStale(parent: string, base: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return; // a folder recount cannot list has nothing of ours to tidy
  }
  const prefix = `${base}.tmp-${HOST}-`;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length))?.[1]);
    const dir = path.join(parent, name);
    if (pid && !open.has(dir) && !isRunning(pid)) remove(dir);
  }
}

/** True while a process with that id runs here (one of ours with the same id is a leftover). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

function remove(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // best effort: the next start tries again
  }
}
