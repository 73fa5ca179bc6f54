import { describe, expect, it } from 'vitest';
import { scaleTargetRows, type ScaleBenchResult } from '../../bench/scale-bench.js';
import type { Measured } from '../../bench/measure.js';

// `npm run bench -- scale` prints every 10M-row target of issue 13 with its ratio (the bench itself
// takes half an hour, so the table is checked here on made-up figures).

const m = (seconds: number, rssMiB: number, exitCode = 0): Measured => ({
  seconds, exitCode, stdout: '', stderr: '', maxRssKiB: rssMiB * 1024, childPeakKiB: null,
});

const result: ScaleBenchResult = {
  rows: 10_000_000,
  runs: [
    { label: 'one aggregation', m: m(20, 540) },
    { label: 'summary', m: m(50, 560) },
    { label: 'forensics', m: m(51, 700, 1) },
    { label: 'DuckDB COPY TO parquet', m: m(100, 9_700) },
    { label: 'export parquet', m: m(250, 630) },
    { label: 'DuckDB COPY TO csv', m: m(70, 9_800) },
    { label: 'export csv', m: m(200, 828) },
    { label: 'export arrow', m: m(290, 1_100) },
  ],
};

describe('the scale bench table', () => {
  const rows = scaleTargetRows(result);
  const target = (label: string) => rows.find((r) => r[0].trim() === label)?.[3];

  it('gives each target its ratio and whether it is met', () => {
    expect(target('summary')).toBe('finished; 2.50× one aggregation (goal ≤ 2×: not met)');
    expect(target('export parquet')).toMatch(/^finished; 2\.50× DuckDB COPY \(goal ≤ 3×: met\); RSS .*630.* \(goal ≤ 1 GiB: met\)$/);
    expect(target('export csv')).toContain('2.86× DuckDB COPY (goal ≤ 3×: met)');
    expect(target('export arrow')).toMatch(/2\.90× DuckDB COPY TO parquet \(goal ≤ 3×: met\); RSS .* \(goal ≤ 1 GiB: not met\)$/);
  });

  it('marks a command that did not finish, and counts the commands that did', () => {
    expect(target('forensics')).toContain('did not finish');
    expect(target('every command at the default memory limit')).toBe('5 of 6 finished (goal: all: not met)');
    expect(target('DuckDB COPY TO csv')).toBe(''); // a baseline has no target of its own
  });
});
