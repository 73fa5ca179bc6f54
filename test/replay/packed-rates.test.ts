import { describe, expect, it } from 'vitest';
import { laneMajor } from '../../src/replay/lanes.js';
import { emptyRateTable, packRates, R_CACHE_READ, R_EXPLICIT, R_INPUT, R_LC_CACHE_READ, R_LC_INPUT, R_LC_OUTPUT, R_LC_WRITE_1H, R_LC_WRITE_5M, R_LONG_ABOVE, R_OUTPUT, R_WEB_SEARCH, R_WRITE_1H, R_WRITE_5M, RATE_STRIDE } from '../../src/replay/rates.js';

// The replay's hot loop reads rates and lane assumptions from packed copies (pass.ts): each value must
// be the column's own, at its own place, or every replayed price moves.

describe('packRates', () => {
  it('puts every rate of each (slot, day) on its line, the same value', () => {
    const t = emptyRateTable(3, 4, 1, 2, 1); // 3 home slots and one price list's own: 16 (slot, day)s
    const columns = [
      [R_INPUT, t.input],
      [R_OUTPUT, t.output],
      [R_CACHE_READ, t.cacheRead],
      [R_WRITE_5M, t.write5m],
      [R_WRITE_1H, t.write1h],
      [R_LC_INPUT, t.lcInput],
      [R_LC_OUTPUT, t.lcOutput],
      [R_LC_CACHE_READ, t.lcCacheRead],
      [R_LC_WRITE_5M, t.lcWrite5m],
      [R_LC_WRITE_1H, t.lcWrite1h],
      [R_LONG_ABOVE, t.longContextAbove],
      [R_WEB_SEARCH, t.webSearch],
    ] as const;
    columns.forEach(([, col], j) => col.forEach((_, k) => (col[k] = k % 5 === j % 5 ? NaN : 0.1 * (k + 1) + j / 7)));
    t.hasCacheWrites.forEach((_, k) => (t.hasCacheWrites[k] = k % 3 === 0 ? 1 : 0));
    const packed = packRates(t);
    expect(packed.length).toBe(t.input.length * RATE_STRIDE);
    for (let k = 0; k < t.input.length; k++) {
      for (const [field, col] of columns) expect(Object.is(packed[k * RATE_STRIDE + field], col[k])).toBe(true);
      expect(packed[k * RATE_STRIDE + R_EXPLICIT]).toBe(t.hasCacheWrites[k]);
    }
  });
});

describe('laneMajor', () => {
  it('lays per-lane arrays side by side, x[k] of lane l at k × lanes + l', () => {
    const lanes = [Float64Array.of(1, 2, 3), Float64Array.of(10, 20, 30)];
    expect([...laneMajor(lanes)]).toEqual([1, 10, 2, 20, 3, 30]);
    expect(laneMajor([]).length).toBe(0);
  });
});
