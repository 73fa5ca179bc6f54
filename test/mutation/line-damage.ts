// Damage below the record: bytes and lines, as crashes, editors, `cat` and transfers leave them.
import zlib from 'node:zlib';
import { parseCsv, writeCsv } from './csv-text.js';
import { dataLines, fromLines, linesOf, pickMiddle, shuffled, type Damaged, type Rng, type Sample } from './sample-text.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const GARBAGE = '%% garbage line ~ 0xDEADBEEF ~ not a record %%';

/** The file cut in the middle of a line in its middle half: the rest of the file is gone. */
export function truncateMidLine(s: Sample, rng: Rng): Damaged | undefined {
  const lines = linesOf(s);
  const i = pickMiddle(dataLines(s), rng);
  if (i === undefined || lines[i].length < 2) return undefined;
  return { bytes: fromLines([...lines.slice(0, i), lines[i].slice(0, Math.floor(lines[i].length / 2))]), line: i + 1 };
}

/** The last line that carries a value cut in half, without its newline: a crash mid-write. */
export function truncateLastLine(s: Sample): Damaged | undefined {
  const lines = linesOf(s);
  const i = dataLines(s).filter((k) => /\w/.test(lines[k])).at(-1);
  if (i === undefined) return undefined;
  return { bytes: fromLines([...lines.slice(0, i), lines[i].slice(0, Math.floor(lines[i].length / 2))]), line: i + 1 };
}

/** A line with a multi-byte character in it (one is added to a text value when it has none). */
function withMultibyte(s: Sample, line: string): string {
  if (/[^\x00-\x7f]/.test(line)) return line;
  if (s.kind !== 'csv') return line.replace(/:\s*"/, (m) => `${m}€`);
  const [cells] = parseCsv(line);
  const j = cells.findIndex((c) => /^[A-Za-z]/.test(c));
  if (j < 0) return line;
  cells[j] = `€${cells[j]}`;
  return writeCsv([cells]).replace(/\n$/, '');
}

/**
 * A line cut inside a multi-byte UTF-8 character. `end`: the file ends there (a crash mid-write);
 * otherwise the file goes on with the next line (a writer that resumed after the crash).
 */
export function utf8Cut(s: Sample, rng: Rng, end: boolean): Damaged | undefined {
  const lines = linesOf(s);
  const usable = dataLines(s).filter((k) => /[^\x00-\x7f]/.test(withMultibyte(s, lines[k])));
  const i = end ? usable.at(-1) : pickMiddle(usable, rng);
  if (i === undefined) return undefined;
  const line = Buffer.from(withMultibyte(s, lines[i]), 'utf8');
  const at = line.findIndex((b) => b >= 0xc0); // a lead byte: cut after it, inside the character
  const before = Buffer.from(lines.slice(0, i).map((l) => `${l}\n`).join(''), 'utf8');
  const cut = line.subarray(0, at + 1);
  const after = end ? Buffer.alloc(0) : Buffer.from(`\n${lines.slice(i + 1).join('\n')}`, 'utf8');
  return { bytes: Buffer.concat([before, cut, after]), line: i + 1 };
}

/** One byte of a text value in a middle line replaced by 0xFF, which is never valid UTF-8. */
export function invalidByte(s: Sample, rng: Rng): Damaged | undefined {
  const lines = linesOf(s);
  const i = pickMiddle(dataLines(s), rng);
  if (i === undefined) return undefined;
  const m = s.kind === 'csv' ? /,[A-Za-z]/.exec(lines[i]) : /:\s*"[A-Za-z]/.exec(lines[i]);
  const at = Buffer.byteLength(lines[i].slice(0, m ? m.index + m[0].length - 1 : Math.floor(lines[i].length / 2)), 'utf8');
  const before = Buffer.from(lines.slice(0, i).map((l) => `${l}\n`).join(''), 'utf8');
  const line = Buffer.from(lines[i], 'utf8');
  line[at] = 0xff;
  return { bytes: Buffer.concat([before, line, Buffer.from(`\n${lines.slice(i + 1).join('\n')}`, 'utf8')]), line: i + 1 };
}

export const withBom = (s: Sample): Damaged => ({ bytes: Buffer.concat([BOM, s.bytes]) });

export const crlf = (s: Sample): Damaged => ({ bytes: Buffer.from(s.bytes.toString('utf8').replace(/\r?\n/g, '\r\n'), 'utf8') });

/** A line inserted after a middle line: blank, or garbage. */
export function insertLine(s: Sample, rng: Rng, text: 'blank' | 'garbage'): Damaged | undefined {
  const lines = linesOf(s);
  const i = pickMiddle(dataLines(s), rng);
  if (i === undefined) return undefined;
  return { bytes: fromLines([...lines.slice(0, i + 1), text === 'blank' ? '' : GARBAGE, ...lines.slice(i + 1)]), line: i + 2 };
}

/** A block of up to five data lines written twice in a row (a retried write, a bad merge). */
export function duplicateBlock(s: Sample, rng: Rng): Damaged | undefined {
  const lines = linesOf(s);
  const data = dataLines(s);
  const start = pickMiddle(data, rng);
  if (start === undefined) return undefined;
  const block = data.filter((i) => i >= start).slice(0, 5);
  const end = block.at(-1)! + 1;
  return { bytes: fromLines([...lines.slice(0, end), ...lines.slice(block[0], end), ...lines.slice(end)]), line: end + 1 };
}

/** The whole file twice, as `cat f f` writes it (a CSV header comes twice too). */
export const concatTwice = (s: Sample): Damaged => ({ bytes: Buffer.concat([s.bytes, s.bytes]) });

/** Every data line twice, the header once (two copies pasted into one sheet). */
export function rowsTwice(s: Sample): Damaged | undefined {
  const lines = linesOf(s);
  const data = dataLines(s).map((i) => lines[i]);
  if (!data.length) return undefined;
  return { bytes: fromLines([lines[0], ...data, ...data, '']) };
}

/** The data lines in a seeded random order (a CSV header stays first). */
export function shuffleLines(s: Sample, rng: Rng): Damaged | undefined {
  const lines = linesOf(s);
  const data = dataLines(s).map((i) => lines[i]);
  if (data.length < 2) return undefined;
  return { bytes: fromLines([...(s.kind === 'csv' ? [lines[0]] : []), ...shuffled(data, rng), '']) };
}

export const emptyFile = (): Damaged => ({ bytes: Buffer.alloc(0) });

/** A CSV with its header and no rows. */
export const headerOnly = (s: Sample): Damaged => ({ bytes: Buffer.from(`${linesOf(s)[0]}\n`, 'utf8') });

/** Gzip of the given bytes; `cutTo` keeps only that share of the compressed stream. */
export function gzipOf(d: Damaged | undefined, cutTo = 1): Damaged | undefined {
  if (!d) return undefined;
  const gz = zlib.gzipSync(d.bytes);
  return { ...d, bytes: gz.subarray(0, Math.floor(gz.length * cutTo)), suffix: '.gz' };
}
