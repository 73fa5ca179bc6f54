import fs from 'node:fs';

/** A format whose lines stand alone resumes where the last read stopped, if it is JSON lines, not a JSON array. */
export function afterLastLine(fd: number, consumed: number): number {
  const head = Buffer.alloc(64);
  const n = fs.readSync(fd, head, 0, head.length, 0);
  const first = head.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return first.startsWith('{') ? consumed : 0;
}

