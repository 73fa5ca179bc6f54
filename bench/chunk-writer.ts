import fs from 'node:fs';

/** Writes text to a file in large chunks: pieces collect in memory and go out ~8 MiB at a time. */
export class ChunkWriter {
  private parts: string[] = [];
  private pending = 0;
  private readonly fd: number;
  bytes = 0;

  constructor(
    file: string,
    private readonly chunkChars = 8 << 20,
  ) {
    this.fd = fs.openSync(file, 'w');
  }

  write(text: string): void {
    this.parts.push(text);
    this.pending += text.length;
    if (this.pending >= this.chunkChars) this.flush();
  }

  /** Flushes, syncs to disk (so write-back does not slow the timed runs that follow) and closes. */
  close(): void {
    this.flush();
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
  }

  private flush(): void {
    if (!this.parts.length) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    for (let off = 0; off < buf.length; ) off += fs.writeSync(this.fd, buf, off); // a write may be partial
    this.bytes += buf.length;
    this.parts = [];
    this.pending = 0;
  }
}

/** Writes a whole file and syncs it to disk before returning. */
export function writeFileSynced(file: string, text: string): number {
  const out = new ChunkWriter(file);
  out.write(text);
  out.close();
  return out.bytes;
}
