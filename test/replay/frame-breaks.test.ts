import { describe, expect, it } from 'vitest';
import { threadBreaks, type BreakColumns, type BreakInputs } from '../../src/replay/frame-breaks.js';

/**
 * The one-pass break rules at their edges (cache_cold_starts.sql's defaults), on hand-made threads;
 * replay-breaks.test.ts holds the whole pass to the cold_starts macro on real and synthetic ledgers.
 */
interface Req {
  thread: number;
  t: number; // seconds
  input?: number;
  read?: number;
  w5?: number;
  w1h?: number;
  model?: number;
}

function frameOf(reqs: Req[]): BreakInputs {
  const col = (f: (r: Req) => number) => Float64Array.from(reqs, f);
  return {
    rows: reqs.length,
    threadIx: Int32Array.from(reqs, (r) => r.thread),
    tS: col((r) => r.t),
    input: col((r) => r.input ?? 0),
    cacheRead: col((r) => r.read ?? 0),
    write5m: col((r) => r.w5 ?? 0),
    write1h: col((r) => r.w1h ?? 0),
    modelIx: Int32Array.from(reqs, (r) => r.model ?? 0),
    breakUsdPerMtok: col(() => 2.7), // paid − cache read rate, USD per Mtok: any rate will do
    tierMultiplier: col(() => 1),
  };
}

function breaks(reqs: Req[]): { kinds: number[]; rewritten: number[]; cost: number[]; whole: boolean } {
  const f = frameOf(reqs);
  const out: BreakColumns = { observedBreak: new Int32Array(f.rows), breakCostUsd: new Float64Array(f.rows), rewrittenTokens: new Float64Array(f.rows) };
  const whole = threadBreaks(f, Math.max(...reqs.map((r) => r.thread)) + 1, out);
  return { kinds: Array.from(out.observedBreak), rewritten: Array.from(out.rewrittenTokens), cost: Array.from(out.breakCostUsd), whole };
}

// a warm request writing 10k tokens, then a cold one writing `prompt` tokens `gap` seconds later
const warmThenCold = (prompt: number, gap = 60, first: Partial<Req> = {}): Req[] => [
  { thread: 0, t: 1000, read: 0, w5: 10_000, ...first },
  { thread: 0, t: 1000 + gap, w5: prompt },
];

describe('threadBreaks: the cold_starts rules in one pass', () => {
  it('calls a cold request keeping 80% of the previous prompt a prefix break, less a context reset', () => {
    expect(breaks(warmThenCold(8_000)).kinds).toEqual([0, 1]);
    expect(breaks(warmThenCold(7_999)).kinds).toEqual([0, 2]);
  });

  it('prices a prefix break by the tokens it rewrote (the shorter prompt, less what it read)', () => {
    const b = breaks([{ thread: 0, t: 0, w5: 10_000 }, { thread: 0, t: 30, read: 500, w5: 11_000 }]);
    expect(b.kinds).toEqual([0, 1]);
    expect(b.rewritten).toEqual([0, 10_000 - 500]);
    expect(b.cost[1]).toBe((9_500 * 2.7) / 1e6 * 1);
    const reset = breaks(warmThenCold(2_000));
    expect([reset.rewritten[1], reset.cost[1]]).toEqual([0, 0]); // a context reset rewrites nothing recoverable
  });

  it('leaves out small prompts, warm reads, new models, first requests and idle expiries', () => {
    expect(breaks(warmThenCold(1_023)).kinds).toEqual([0, 0]);
    expect(breaks(warmThenCold(1_024)).kinds).toEqual([0, 2]);
    expect(breaks([{ thread: 0, t: 0, w5: 10_000 }, { thread: 0, t: 30, read: 1_000, w5: 8_000 }]).kinds).toEqual([0, 0]); // 1000 ≥ 10% of 9000
    expect(breaks(warmThenCold(10_000, 60, { model: 1 })).kinds).toEqual([0, 0]);
    expect(breaks(warmThenCold(10_000, 179.5)).kinds).toEqual([0, 1]);
    expect(breaks(warmThenCold(10_000, 180)).kinds).toEqual([0, 0]); // the 5m cache had expired
  });

  it('waits 3300 s after a 1h write, counting the thread’s last write even when later requests wrote nothing', () => {
    const reqs: Req[] = [
      { thread: 0, t: 0, w1h: 10_000 },
      { thread: 0, t: 10, read: 10_000, input: 50 }, // writes nothing: the 1h write still counts
      { thread: 0, t: 3000, w5: 10_000 },
    ];
    expect(breaks(reqs).kinds).toEqual([0, 0, 1]);
    reqs[2].t = 10 + 3300;
    expect(breaks(reqs).kinds).toEqual([0, 0, 0]);
  });

  it('needs something cached before: neither this request nor the previous one wrote or read', () => {
    expect(breaks([{ thread: 0, t: 0, input: 5_000 }, { thread: 0, t: 10, input: 5_000 }]).kinds).toEqual([0, 0]);
    expect(breaks([{ thread: 0, t: 0, input: 5_000, read: 4_000 }, { thread: 0, t: 10, input: 5_000 }]).kinds).toEqual([0, 2]);
  });

  it('keeps threads apart and skips rows without one', () => {
    const reqs: Req[] = [
      { thread: 0, t: 0, w5: 10_000 },
      { thread: -1, t: 5, w5: 50_000 },
      { thread: 1, t: 6, w5: 10_000 }, // thread 1's first request: no predecessor
      { thread: 0, t: 20, w5: 9_000 },
    ];
    expect(breaks(reqs).kinds).toEqual([0, 0, 0, 1]);
  });

  it('gives up on two requests of a thread in the same microsecond (the macro orders them by record key)', () => {
    expect(breaks([{ thread: 0, t: 0, w5: 10_000 }, { thread: 1, t: 0, w5: 10_000 }]).whole).toBe(true);
    expect(breaks([{ thread: 0, t: 0, w5: 10_000 }, { thread: 0, t: 0, w5: 10_000 }]).whole).toBe(false);
  });

  it('prices an unpriced row’s break at 0, as create_replay_rows did', () => {
    const f = frameOf(warmThenCold(9_000));
    f.breakUsdPerMtok[1] = NaN;
    const out: BreakColumns = { observedBreak: new Int32Array(2), breakCostUsd: new Float64Array(2), rewrittenTokens: new Float64Array(2) };
    threadBreaks(f, 1, out);
    expect([out.observedBreak[1], out.rewrittenTokens[1], out.breakCostUsd[1]]).toEqual([1, 9_000, 0]);
  });
});
