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
