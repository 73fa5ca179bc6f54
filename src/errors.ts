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
  if (e?.code && e.code in ERRNO_WORDS) {
    const [what, hint] = ERRNO_WORDS[e.code];
    const action = e.syscall === 'scandir' ? ' (listing a folder)' : '';
    return new RecountError(`${e.path ?? (e as { dest?: string }).dest ?? 'a file'}: ${what}${action}`, hint);
  }
  const message = err instanceof Error ? err.message : String(err);
  const first = message.split('\n')[0];
  const quoted = /"([^"]+)"/.exec(first)?.[1];
  const temp = spillDir ? path.dirname(spillDir) : 'the temp folder';
  if (/failed to offload|max_temp_directory_size/.test(message) || (spillDir && quoted?.startsWith(spillDir) && /No space left/.test(first))) {
    return new RecountError(`no disk space left for DuckDB's temp files in ${temp}`, `free space there, or set RECOUNT_TEMP_DIR to a folder on a disk with room (a higher RECOUNT_MEMORY_LIMIT spills less)`);
  }
  if (spillDir && quoted?.startsWith(spillDir) && /Permission denied|Read-only file system/i.test(first)) {
    return new RecountError(`DuckDB cannot create its temp folder ${spillDir}`, 'set RECOUNT_TEMP_DIR to a folder you can write to, or make the ledger\'s folder writable');
  }
  if (/No space left on device|Disk quota exceeded/i.test(first)) return new RecountError(`${quoted ?? 'a file'}: no space left on the device`, ERRNO_WORDS.ENOSPC[1]);
  if (/Permission denied|Read-only file system/i.test(first) && quoted) return new RecountError(`${quoted}: ${/Read-only/i.test(first) ? 'read-only file system' : 'permission denied'}`, ERRNO_WORDS.EACCES[1]);
  if (/^Out of Memory Error/.test(first)) {
    const limit = process.env.RECOUNT_MEMORY_LIMIT ? `now ${process.env.RECOUNT_MEMORY_LIMIT}` : 'default 384MB';
    const hint = `set RECOUNT_MEMORY_LIMIT (${limit}) higher, e.g. RECOUNT_MEMORY_LIMIT=2GB, or read fewer or smaller files at once`;
    return new RecountError(`DuckDB ran out of memory: ${first.replace(/^Out of Memory Error: /, '')}`, hint);
  }
  if (err instanceof RangeError && /Invalid string length|Array buffer allocation failed/.test(first)) {
    return new RecountError(`out of memory: the result is too large to hold (${first})`, 'narrow it (a period, --param), or write it with recount export instead');
  }
  return undefined;
}
