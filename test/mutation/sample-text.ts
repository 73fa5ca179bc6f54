// A sample file as a mutation sees it: its kind, bytes and lines, and a seeded random source so that
// every run damages the same byte of the same line.

export type Kind = 'jsonl' | 'json' | 'csv';

export interface Sample {
  rel: string; // path under samples/
  kind: Kind;
  bytes: Buffer;
}

/** What a mutation made: the damaged bytes, and what a check needs to know about them. */
export interface Damaged {
  bytes: Buffer;
  suffix?: string; // appended to the file name (.gz)
  line?: number; // the 1-based line the damage is on, where it is on one line
  secrets?: string[]; // secrets planted in the file
}

export type Rng = () => number;

/** mulberry32 seeded with an FNV-1a hash of `seed`: the same seed gives the same damage. */
export function seededRng(seed: string): Rng {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  return () => {
    h = (h + 0x6d2b79f5) >>> 0;
    let t = h;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const kindOf = (rel: string): Kind | undefined =>
  rel.endsWith('.jsonl') ? 'jsonl' : rel.endsWith('.json') ? 'json' : rel.endsWith('.csv') ? 'csv' : undefined;

export const textOf = (s: Sample) => s.bytes.toString('utf8');

/** The file's lines (a final newline leaves a last empty element, so join('\n') gives the file back). */
export const linesOf = (s: Sample) => textOf(s).split('\n');

export const fromLines = (lines: string[]) => Buffer.from(lines.join('\n'), 'utf8');

/** Indexes of the lines that carry data: not empty, not a CSV header. */
export function dataLines(s: Sample): number[] {
  return linesOf(s)
    .map((l, i) => (l.trim() && !(s.kind === 'csv' && i === 0) ? i : -1))
    .filter((i) => i >= 0);
}

/** One of `items` from their middle half (damage at the very start or end is a case of its own). */
export function pickMiddle<T>(items: T[], rng: Rng): T | undefined {
  if (!items.length) return undefined;
  const lo = Math.floor(items.length / 4);
  const hi = Math.max(lo + 1, Math.ceil((items.length * 3) / 4));
  return items[lo + Math.floor(rng() * (hi - lo))];
}

/** A Fisher-Yates shuffle with the seeded source. */
export function shuffled<T>(items: T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
