import path from 'node:path';
import type { FileOutcome } from '../import/import-run.js';
import { detectImporter } from '../importers/registry.js';
import { renderTable } from './table.js';

const COUNTS = ['rows_read', 'imported', 'duplicates', 'rejected', 'skipped'] as const;

/**
 * One line per format: a Claude Code folder is thousands of files, and a person wants to know what
 * each kind of source gave, not each file (--verbose and --json keep the per-file detail).
 */
export function perFormatTable(files: FileOutcome[]): string {
  const byFormat = new Map<string, Record<string, number>>();
  for (const f of files) {
    const row = byFormat.get(f.format) ?? { files: 0, rows_read: 0, imported: 0, duplicates: 0, rejected: 0, skipped: 0 };
    row.files += 1;
    for (const k of COUNTS) row[k] += f[k];
    byFormat.set(f.format, row);
  }
  const rows = [...byFormat].map(([format, counts]) => ({ format, ...counts }));
  return renderTable(rows, [
    { key: 'format', minWidth: 32 },
    { key: 'files' },
    { key: 'rows_read', label: 'read' },
    { key: 'imported' },
    { key: 'duplicates' },
    { key: 'rejected' },
    { key: 'skipped', label: 'no usage', priority: 9 },
  ], { primary: ['imported', 'rejected'] });
}

/** One line per file (--verbose), paths relative to the working folder. */
export function perFileTable(files: FileOutcome[]): string {
  const cwd = process.cwd();
  return renderTable(
    files.map((f) => ({ ...f, path: path.relative(cwd, f.path) || f.path })),
    [
      { key: 'path' },
      { key: 'format', priority: 9 },
      { key: 'rows_read', label: 'read' },
      { key: 'imported' },
      { key: 'duplicates' },
      { key: 'rejected' },
    ],
    { primary: ['imported', 'rejected'] },
  );
}

/**
 * A forced --format that read no usable row from a file did nothing, silently: say so, and what the file
 * looks like to detection (the format it would have been read as, if any).
 */
export function forcedFormatWarnings(files: FileOutcome[], forced: string): string[] {
  return files
    .filter((f) => f.imported + f.duplicates === 0)
    .map((f) => {
      let detected: string | undefined;
      try {
        detected = detectImporter(f.path)?.id;
      } catch {
        detected = undefined; // gone or unreadable since: the warning still stands
      }
      const looks = detected === forced ? `it does look like ${forced}, but holds no usage rows` : detected ? `it looks like ${detected}: import it without --format, or with --format ${detected}` : 'it does not look like any supported format (see recount sources; a custom CSV or JSONL imports with --mapping)';
      const read = f.rejected ? `no usable rows from it (${f.rejected.toLocaleString('en-US')} rejected)` : '0 rows from it';
      return `${f.path}: --format ${forced} read ${read}; ${looks}`;
    });
}
