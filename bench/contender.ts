import { log, mib, secs } from './format.js';
import { runNode, type Measured, type RunOptions } from './measure.js';

/** A contender's figures over its runs: the fastest time, and the highest peak RSS seen in any run. */
export interface Best {
  seconds: number;
  rssKiB: number | null; // the Node process
  childRssKiB: number | null; // processes it spawned (ccusage's native binary)
}

export function bestOf(runs: Measured[]): Best {
  const max = (xs: (number | null)[]) => (xs.some((x) => x != null) ? Math.max(...xs.map((x) => x ?? 0)) : null);
  return {
    seconds: Math.min(...runs.map((r) => r.seconds)),
    rssKiB: max(runs.map((r) => r.maxRssKiB)),
    childRssKiB: max(runs.map((r) => r.childPeakKiB)),
  };
}

/** Runs one timed round of a contender, prints it, and fails loudly when the process fails. */
export async function timedRun(label: string, round: string, script: string, args: string[], opts: RunOptions): Promise<Measured> {
  const m = await runNode(script, args, opts);
  if (m.exitCode !== 0) {
    const why = (m.stderr || m.stdout).trim().split('\n').slice(-3).join(' | ');
    throw new Error(`${label} exited with code ${m.exitCode}: ${why}`);
  }
  const child = m.childPeakKiB != null ? ` (native ${mib(m.childPeakKiB)})` : '';
  log(`  ${label.padEnd(26)} ${round}  ${secs(m.seconds).padStart(8)}   peak RSS ${mib(m.maxRssKiB)}${child}`);
  return m;
}
