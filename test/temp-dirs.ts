import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Every test's temp folders, removed after each test file by test/setup.ts. An 'exit' handler alone
// never ran: vitest ends its forks without a normal exit, and a full run left ~400 folders in /tmp.
const made: string[] = [];

/** A fresh temp folder, removed when its test file is done. */
export function tempDir(prefix = 'recount-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
