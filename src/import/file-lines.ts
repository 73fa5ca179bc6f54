import fs from 'node:fs';
import zlib from 'node:zlib';

// A file's bytes as line-repair.ts reads them, unpacked from .gz: in blocks of whole lines, or its head.

/**
 * Calls `visit` with the file's bytes (unpacked) in blocks of whole lines (the last may lack its
 * newline), each with the number of its first line (unless not `count`: counting costs most of a scan).
 */
export async function eachBlock(file: string, visit: (block: Buffer, firstLine: number) => void, count = true): Promise<void> {
  let rest: Buffer = Buffer.alloc(0);
  let line = 1;
  await eachChunk(file, (chunk) => {
    const data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    const end = data.lastIndexOf(10) + 1;
    if (end > 0) {
      const block = data.subarray(0, end);
      visit(block, line);
      if (count) line += newlines(block);
    }
    rest = data.subarray(end);
    return true;
  });
  if (rest.length) visit(rest, line);
}

/** Calls `visit` with the file's bytes (unpacked) as they are read, until it returns false. */
export async function eachChunk(file: string, visit: (chunk: Buffer) => boolean): Promise<void> {
  const input = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  let stream: NodeJS.ReadableStream = input;
  if (/\.gz$/i.test(file)) {
    const gunzip = zlib.createGunzip();
    input.on('error', (e) => gunzip.destroy(e));
    stream = input.pipe(gunzip);
  }
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) if (!visit(chunk)) break;
  } finally {
    input.destroy();
  }
}

/** The lines of a block: `text` without its line end, `end` with it. */
export function* linesOf(block: Buffer, first: number): Generator<{ text: Buffer; line: number; end: Buffer }> {
  let line = first;
  for (let start = 0; start < block.length; line++) {
    const nl = block.indexOf(10, start);
    const stop = nl < 0 ? block.length : nl + 1;
    yield { text: block.subarray(start, nl < 0 ? stop : nl), line, end: block.subarray(start, stop) };
    start = stop;
  }
}

export function newlines(block: Buffer): number {
  let n = 0;
  for (let i = block.indexOf(10); i !== -1; i = block.indexOf(10, i + 1)) n++;
  return n;
}

/** The first bytes of the file (unpacked), decoded. */
export async function headText(file: string): Promise<string> {
  let head = '';
  await eachChunk(file, (chunk) => {
    head += chunk.toString('utf8');
    return head.length < 4096;
  });
  return head;
}
