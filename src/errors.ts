import path from 'node:path';

/**
 * The one error type recount raises for anything a user can fix. The CLI prints
 * `message` and `hint` and exits with `exitCode`; any other error is a bug and
 * shows a stack trace only with --debug.
 */
export class RecountError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'RecountError';
  }
}

/** A file the operating system would not let recount read (permissions, gone meanwhile): a RecountError naming it. */
export function unreadableFile(path: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (!code || !['EACCES', 'EPERM', 'ENOENT', 'ENOTDIR', 'EISDIR', 'ELOOP', 'ENXIO', 'EIO'].includes(code)) return err;
  return new RecountError(`${path}: cannot be read (${code})`, 'check that the file exists and is readable, or leave it out');
}

const ERRNO_WORDS: Record<string, [string, string]> = {
  ENOSPC: ['no space left on the device', 'free some space on that disk, or write to another one'],
  EDQUOT: ['disk quota exceeded', 'free some space within your quota, or write to another disk'],
  EACCES: ['permission denied', 'check its permissions, or use another path'],
  EPERM: ['operation not permitted', 'check its permissions, or use another path'],
  EROFS: ['read-only file system', 'write somewhere writable'],
  EMFILE: ['too many open files', 'raise the limit (ulimit -n 4096) or read fewer files at once'],
  ENFILE: ['too many open files on the system', 'close other programs, or read fewer files at once'],
  ENOMEM: ['out of memory', 'close other programs, or read fewer files at once'],
};

/**
 * Errors the machine causes, not recount: a full disk, memory, permissions. Each becomes one line
 * naming the path and what to do, instead of "internal error". `spillDir` is where DuckDB spills
 * (its own messages do not say). Anything else is returned undefined: a bug.
 */
export function environmentError(err: unknown, spillDir?: string): RecountError | undefined {
  const e = err as NodeJS.ErrnoException | null;
  const errnoPath = e?.path ?? (e as { dest?: string } | null)?.dest;
  if (errnoPath && e?.code && isVirtualPath(errnoPath)) return virtualPathError(errnoPath, LEDGER_FILE.test(errnoPath) ? 'ledger' : 'out');
  if (e?.code && e.code in ERRNO_WORDS) {
    const [what, hint] = ERRNO_WORDS[e.code];
    const action = e.syscall === 'scandir' ? ' (listing a folder)' : '';
    const target = errnoPath ? ownPath(errnoPath) : undefined;
    const writing = target && !['scandir', 'opendir', 'read', 'stat', 'lstat'].includes(e.syscall ?? '');
    return new RecountError(`${target ?? 'a file'}: ${what}${action}`, (writing && whatToDo(e.code, target)) || hint);
  }
  const message = err instanceof Error ? err.message : String(err);
  const first = message.split('\n')[0];
  const quoted = /"([^"]+)"/.exec(first)?.[1];
  if (quoted && isVirtualPath(quoted) && /^IO Error|No such file|Permission denied|Read-only/i.test(first)) return virtualPathError(quoted, LEDGER_FILE.test(quoted) ? 'ledger' : 'out');
  const temp = spillDir ? path.dirname(spillDir) : 'the temp folder';
  if (/failed to offload|max_temp_directory_size/.test(message) || (spillDir && quoted?.startsWith(spillDir) && /No space left/.test(first))) {
    return new RecountError(`no disk space left for DuckDB's temp files in ${temp}`, `free space there, or set RECOUNT_TEMP_DIR to a folder on a disk with room (a higher RECOUNT_MEMORY_LIMIT spills less)`);
  }
  if (spillDir && quoted?.startsWith(spillDir) && /Permission denied|Read-only file system/i.test(first)) {
    return new RecountError(`DuckDB cannot create its temp folder ${spillDir}`, 'set RECOUNT_TEMP_DIR to a folder you can write to, or make the ledger\'s folder writable');
  }
  if (/No space left on device|Disk quota exceeded/i.test(first)) return new RecountError(`${quoted ?? 'a file'}: no space left on the device`, ERRNO_WORDS.ENOSPC[1]);
  if (/Permission denied|Read-only file system/i.test(first) && quoted) {
    const code = /Read-only/i.test(first) ? 'EROFS' : 'EACCES';
    return new RecountError(`${ownPath(quoted)}: ${ERRNO_WORDS[code][0]}`, whatToDo(code, ownPath(quoted)) ?? ERRNO_WORDS.EACCES[1]);
  }
  if (/^Out of Memory Error/.test(first)) {
    const limit = process.env.RECOUNT_MEMORY_LIMIT ? `now ${process.env.RECOUNT_MEMORY_LIMIT}` : 'default 384MB';
    const hint = `set RECOUNT_MEMORY_LIMIT (${limit}) higher, e.g. RECOUNT_MEMORY_LIMIT=2GB, or import fewer files at once, or read a shorter period (--since/--until)`;
    return new RecountError(`DuckDB ran out of memory: ${first.replace(/^Out of Memory Error: /, '')}`, hint);
  }
  if (err instanceof RangeError && /Invalid string length|Array buffer allocation failed/.test(first)) {
    return new RecountError(`out of memory: the result is too large to hold (${first})`, 'narrow it (a period, --param), or write it with recount export instead');
  }
  return undefined;
}

/** /proc, /sys and /dev hold the kernel's virtual files: nothing there is an export, a ledger or a report. */
export function isVirtualPath(p: string): boolean {
  return /^\/(proc|sys|dev)(\/|$)/.test(path.resolve(p)) && !/^\/dev\/(null|stdout|stderr|fd\/|shm(\/|$))/.test(path.resolve(p));
}

export type PathRole = 'ledger' | 'out' | 'input';

const VIRTUAL_WHAT: Record<PathRole, [string, string]> = {
  ledger: ['no ledger can be kept there', 'pass --db PATH (or set RECOUNT_DB) to a ledger file on a disk, e.g. --db ./recount.duckdb'],
  out: ['no file can be written there', 'pass --out PATH to a file on a disk, e.g. --out reports/out.html'],
  input: ['it holds no exports to import', 'pass export files or folders (see recount sources)'],
};

function virtualPathError(p: string, role: PathRole): RecountError {
  const where = /^\/(\w+)/.exec(path.resolve(p))?.[1];
  const [what, hint] = VIRTUAL_WHAT[role];
  return new RecountError(`${p}: under /${where}, the kernel's virtual file system: ${what}`, hint);
}

/** Paths under /proc, /sys or /dev (they read as empty, never end, or cannot be created): refused up front, by name. */
export function refuseVirtualPaths(paths: string[], role: PathRole): void {
  const bad = paths.find(isVirtualPath);
  if (bad) throw virtualPathError(bad, role);
}

/** The paths a command would create or write (--db or $RECOUNT_DB, --out): refused before anything makes a folder there (mkdir -p under /proc never returns). */
export function refuseVirtualFlags(flags: { db?: unknown; out?: unknown }): void {
  const given = (v: unknown) => (typeof v === 'string' && v.length > 0 ? [v] : []);
  refuseVirtualPaths(given(flags.db ?? process.env.RECOUNT_DB), 'ledger');
  refuseVirtualPaths(given(flags.out), 'out');
}

const LEDGER_FILE = /\.duckdb(\.wal)?$/;

/** The path a person asked for: an --out's temp name (.x.html.123.tmp, x.csv.tmp-123) is reported as the file itself. */
function ownPath(p: string): string {
  const dir = path.dirname(p);
  const base = path.basename(p);
  const dotted = /^\.(.+)\.\d+\.tmp$/.exec(base)?.[1];
  const suffixed = /^(.+)\.tmp-\d+$/.exec(base)?.[1];
  return dotted || suffixed ? path.join(dir, (dotted ?? suffixed)!) : p;
}

/**
 * What to do about a permission or read-only error, by what the path is: the ledger (an import writes
 * it and its .wal beside it: --db elsewhere) or an output file (--out elsewhere).
 */
function whatToDo(code: string, p: string): string | undefined {
  if (!['EACCES', 'EPERM', 'EROFS'].includes(code)) return undefined;
  const folder = path.dirname(p);
  const fix = code === 'EROFS' ? `${folder} is on a read-only disk` : `make ${folder} writable (chmod u+w)`;
  if (LEDGER_FILE.test(p)) return `an import writes the ledger and its .wal file beside it: ${fix}, or pass --db PATH to a ledger in a folder you can write to (read-only commands can read it as it is)`;
  return `${fix}, or pass --out PATH to write somewhere you can`;
}
