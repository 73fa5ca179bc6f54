import { createHash } from 'node:crypto';
import { LIST, listValue, VARCHAR } from '../db/duckdb.js';
import { RecountError } from '../errors.js';
import type { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';
import type { PlannedFile } from './staging.js';

/*
 * Secrets inside file paths (a folder named after an API key: exports/sk-ant-api03-…/usage.csv). The
 * ledger stores a path in usage, invoice_lines, rejects, import_files and file_state; each stores it
 * masked, and messages show it masked. A path is masked where it is stored and compared masked with
 * masked: the mask keeps a secret's prefix and puts a 12-hex hash of the secret in its place, so it is
 * the same in every import (the next import finds the file's remembered state under the same name)
 * and two folders named after two keys stay two names. Files are always read by their real path.
 */

/**
 * The shapes of queries/import/macros/mask_secrets.sql, with two differences for paths: a value never
 * runs across a path separator, and `sk-` must start a word (task-management-system/ is no key).
 */
const SHAPES: RegExp[] = [
  /([Bb]earer\s+)[A-Za-z0-9._~+=-]{8,}/g,
  /(?<![A-Za-z0-9])(sk-(?:ant-|proj-|or-v1-|svcacct-)?[A-Za-z0-9]{0,3})[A-Za-z0-9_-]{12,}/g,
  /((?:AKIA|ASIA)[0-9A-Z]{4})[0-9A-Z]{12}/g,
  /(AIza)[0-9A-Za-z_-]{30,}/g,
  /(gh[pousr]_|github_pat_)[A-Za-z0-9_]{20,}/g,
  /(secret[A-Za-z_-]*["']?\s*[:=]\s*["']?)[A-Za-z0-9+=_-]{16,}/gi,
];
const MARKERS = /sk-|bearer|AKIA|ASIA|AIza|gh[pousr]_|github_pat_|secret/i;

/**
 * `text` (a path, or a message naming paths) with every secret cut to its prefix, '…' and a 12-hex
 * hash of the secret. Masking a masked text changes nothing.
 */
export function maskSecretsIn(text: string): string {
  if (!MARKERS.test(text)) return text;
  const hashed = (secret: string, prefix: string) => `${prefix}…${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;
  return SHAPES.reduce((t, shape) => t.replace(shape, hashed), text);
}

/** Whether `p` holds a secret (it is stored masked). */
export const holdsSecret = (p: string): boolean => maskSecretsIn(p) !== p;

/** The path the ledger stores for a planned file: the file's own (not a copy's or a link's), masked. */
export const storedPath = (f: PlannedFile): string => maskSecretsIn(f.resumed?.path ?? f.path);

/**
 * The run's staged rows and file list name each file by its stored path (before the merge, which
 * matches rows, rejects and counts to files and to the ledger's rows by path). Only files whose path
 * holds a secret are renamed.
 */
export async function maskStagedPaths(ledger: Ledger, plan: PlannedFile[]): Promise<void> {
  const renamed = plan.map((f) => ({ path: f.resumed?.path ?? f.path, stored: storedPath(f) })).filter((f) => f.stored !== f.path);
  if (!renamed.length) return;
  const params = { paths: listValue(renamed.map((f) => f.path)), stored_paths: listValue(renamed.map((f) => f.stored)) };
  const types = { paths: LIST(VARCHAR), stored_paths: LIST(VARCHAR) };
  for (const statement of ['mask_staged_usage_paths', 'mask_staged_invoice_paths', 'mask_stage_file_paths']) {
    await ledger.run(sql(`import/${statement}`), params, types);
  }
}

/** An error whose message (or hint, or errno path) names a path holding a secret names it masked. */
export function maskedError(err: unknown): unknown {
  if (err instanceof RecountError) {
    const [message, hint] = [maskSecretsIn(err.message), err.hint && maskSecretsIn(err.hint)];
    return message === err.message && hint === err.hint ? err : new RecountError(message, hint, err.exitCode);
  }
  if (!(err instanceof Error)) return err;
  err.message = maskSecretsIn(err.message);
  if (err.stack) err.stack = maskSecretsIn(err.stack);
  const errno = err as NodeJS.ErrnoException & { dest?: string };
  if (typeof errno.path === 'string') errno.path = maskSecretsIn(errno.path);
  if (typeof errno.dest === 'string') errno.dest = maskSecretsIn(errno.dest);
  return err;
}
