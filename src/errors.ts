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
