import fs from 'node:fs';
import path from 'node:path';
import type { Period } from '../period.js';

/** `recount-2026-10` for a calendar month, `recount-2026-10-01_2026-10-15`, `recount-from-…`, `recount-all`. */
export function reportFileName(period: Period): string {
  const { since, until } = period;
  if (since && until) {
    const month = since.slice(0, 7);
    const lastDay = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
    return since.endsWith('-01') && until === lastDay ? `recount-${month}.html` : `recount-${since}_${until}.html`;
  }
  if (since) return `recount-from-${since}.html`;
  if (until) return `recount-until-${until}.html`;
  return 'recount-all.html';
}

/** Writes `content` to `file` atomically: a temp name in the same folder, then a rename over the target. */
export function writeFileAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temp, content);
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}
