import path from 'node:path';
import { Ledger } from '../src/db/ledger.js';
import { withSession } from '../src/session.js';
import { readPolicy } from '../src/replay/policy.js';
import { loadReplayFrame } from '../src/replay/frame.js';
import { matchRules, testedTags } from '../src/replay/rule-match.js';
import { evaluatePolicy, policyTargets } from '../src/replay/whatif.js';
import { bestOf, timedRun, type Best } from './contender.js';
import { compact, int, log, renderTable, secs } from './format.js';
import type { Measured, RunOptions } from './measure.js';
import { packageRoot, recountBin } from './paths.js';
import { freshDb, removeDb } from './recount-cli.js';

export interface ReplayBenchResult {
  requests: number;
  policies: number;
  whatif: Best;
  floor: Best;
  phases: { label: string; seconds: number }[];
  /** With RECOUNT_BENCH_REPLAY_SERIES: the same run at each size, to show how the time grows. */
  series?: SeriesPoint[];
}

export interface SeriesPoint {
  requests: number;
  whatif: Best;
  floor: Best;
}

/** The sizes of the growth series: RECOUNT_BENCH_REPLAY_SERIES=1 for 250k…2M, or a comma list of sizes. */
export const DEFAULT_SERIES = [250_000, 500_000, 1_000_000, 2_000_000];
export function replaySeries(env = process.env.RECOUNT_BENCH_REPLAY_SERIES): number[] | null {
  if (!env || env === '0') return null;
  if (env === '1') return DEFAULT_SERIES;
  const sizes = env.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('RECOUNT_BENCH_REPLAY_SERIES must be 1 or a comma list of request counts, e.g. 250000,500000');
  return sizes;
}

/** The five non-trivial bundled policies (identity changes nothing). */
export const BENCH_POLICIES = ['cheap-by-default', 'task-tiers', 'budget-cap', 'stable-prefix', 'compact-long-context'].map((p) =>
  path.join(packageRoot, 'samples', 'policies', `${p}.yaml`),
);

/**
 * Benchmark 4: `recount whatif` over a ledger of `requests` agent requests under five policies, against
 * one plain aggregation over the same rows (`recount query spend_by_model`: the priced view grouped
 * once) as the floor. Both are child processes; the in-process phases show where the time goes.
 * With RECOUNT_BENCH_REPLAY_SERIES set, it runs at each size of the series instead (see replaySeries).
 */
export async function benchReplay(dir: string, requests: number, rounds: number): Promise<ReplayBenchResult> {
  const series = replaySeries();
  if (series) return benchReplaySeries(dir, series, rounds);
  log(`[5/5] what-if replay: ${int(requests)} agent requests, ${BENCH_POLICIES.length} policies`);
  const { db, point } = await timeReplay(dir, requests, rounds);
  const phases = await phaseTimes(db);
  for (const p of phases) log(`  phase  ${p.label.padEnd(34)} ${secs(p.seconds).padStart(8)}`);
  removeDb(db);
  return { requests, policies: BENCH_POLICIES.length, whatif: point.whatif, floor: point.floor, phases };
}

/** Generates a ledger of `requests` and times whatif ×5 and the floor on it (the ledger is kept for phases). */
async function timeReplay(dir: string, requests: number, rounds: number): Promise<{ db: string; point: SeriesPoint }> {
  const db = freshDb(dir, 'replay');
  const started = performance.now();
  await generateAgentLedger(db, requests);
  log(`  generated the ledger in ${secs((performance.now() - started) / 1000)}`);
  const opts: RunOptions = { scratchDir: dir };
  const whatifRuns: Measured[] = [];
  const floorRuns: Measured[] = [];
  const policyArgs = BENCH_POLICIES.flatMap((p) => ['--policy', p]);
  for (let r = 1; r <= rounds; r++) {
    floorRuns.push(await timedRun('one aggregation (floor)', `run ${r}/${rounds}`, recountBin, ['query', 'spend_by_model', '--json', '--db', db], opts));
    whatifRuns.push(await timedRun('recount whatif ×5', `run ${r}/${rounds}`, recountBin, ['whatif', ...policyArgs, '--json', '--db', db], opts));
  }
  return { db, point: { requests, whatif: bestOf(whatifRuns), floor: bestOf(floorRuns) } };
}

/**
 * The growth series: whatif ×5 and the floor at each size, with the time per request and the ratio to
 * the floor, so linear growth (a flat µs/request column) shows at a glance. Phases at the largest size.
 */
async function benchReplaySeries(dir: string, sizes: number[], rounds: number): Promise<ReplayBenchResult> {
  log(`[5/5] what-if replay, growth series: ${sizes.map(compact).join(', ')} agent requests, ${BENCH_POLICIES.length} policies`);
  const points: SeriesPoint[] = [];
  let phases: { label: string; seconds: number }[] = [];
  for (const [i, n] of sizes.entries()) {
    log(`  ${compact(n)} requests`);
    const { db, point } = await timeReplay(dir, n, rounds);
    points.push(point);
    if (i === sizes.length - 1) phases = await phaseTimes(db);
    removeDb(db);
  }
  const first = points[0];
  const rows: string[][] = [['requests', 'whatif ×5', 'µs/request', 'growth vs first', 'floor', 'ratio to floor']];
  for (const p of points) {
    const perRequest = (p.whatif.seconds / p.requests) * 1e6;
    const growth = p.whatif.seconds / first.whatif.seconds / (p.requests / first.requests);
    rows.push([compact(p.requests), secs(p.whatif.seconds), perRequest.toFixed(2), `${growth.toFixed(2)}× linear`, secs(p.floor.seconds), `${(p.whatif.seconds / p.floor.seconds).toFixed(1)}×`]);
  }
  log(renderTable(rows, '  '));
  for (const p of phases) log(`  phase  ${p.label.padEnd(34)} ${secs(p.seconds).padStart(8)}`);
  const last = points[points.length - 1];
  return { requests: last.requests, policies: BENCH_POLICIES.length, whatif: last.whatif, floor: last.floor, phases, series: points };
}

/**
 * In-process: loading the frame once, then each policy's central run, bounds, sweeps and ablations.
 * Each phase also logs the process's CPU seconds (DuckDB's threads included): on a shared machine
 * they say more than the wall time.
 */
async function phaseTimes(db: string): Promise<{ label: string; seconds: number }[]> {
  const out: { label: string; seconds: number }[] = [];
  const time = async <T>(label: string, fn: () => Promise<T> | T): Promise<T> => {
    const t = performance.now();
    const cpu = process.cpuUsage();
    const v = await fn();
    const used = process.cpuUsage(cpu);
    out.push({ label, seconds: (performance.now() - t) / 1000 });
    log(`  phase  ${label.padEnd(34)} ${secs((used.user + used.system) / 1e6).padStart(8)} CPU`);
    return v;
  };
  await withSession({ db }, async ({ ledger, prices }) => {
    const policies = BENCH_POLICIES.map((p) => readPolicy(p, prices));
    const frame = await time('load the frame (SQL → typed arrays)', () => loadReplayFrame(ledger, { since: null, until: null, tz: 'UTC' }, policyTargets(policies), 'counted', testedTags(policies.flatMap((p) => p.rules))));
    for (const p of policies) {
      const ruleIx = await time(`${p.name}: match rules`, () => matchRules(frame, p.rules));
      await time(`${p.name}: replay (all scenarios)`, () => evaluatePolicy(frame, p, ruleIx));
    }
  });
  return out;
}

/**
 * A month of coding-agent traffic written straight into a ledger by one SQL statement: threads of 50
 * turns with growing contexts that read the previous prompt and write their growth, idle gaps that
 * let the cache expire, a share of prefix breaks, a few long contexts, three models, task types and
 * tiers, 50 keys and 20 projects.
 */
export async function generateAgentLedger(db: string, requests: number): Promise<void> {
  const ledger = await Ledger.open(db);
  try {
    await ledger.run(
      `INSERT INTO usage (record_key, source, import_id, started_at, provider, model, model_raw, requests, input_tokens,
         cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, session_id, project, api_key,
         is_sidechain, task_type, tier)
       WITH turns AS (
         SELECT n, n // 50 AS thread, n % 50 AS turn, CAST(hash(n) % 1000000007 AS BIGINT) AS h, CAST(hash(n // 50) % 1000000007 AS BIGINT) AS th FROM range($requests) r(n)
       ),
       shaped AS (
         SELECT *,
                12000 + (th % 20000) + turn * (2000 + th % 4000) AS context,
                turn > 0 AND h % 23 <> 0 AND h % 41 <> 0 AS warm
         FROM turns
       )
       SELECT 'bench-' || n, 'claude-code', 'bench',
              TIMESTAMPTZ '2026-10-01 00:00:00+00' + to_seconds(CAST(th % (29 * 86400) AS BIGINT) + turn * 40 + CASE WHEN h % 41 = 0 THEN 900 ELSE 0 END),
              'anthropic', ['claude-opus-4-6', 'claude-sonnet-4-5', 'claude-haiku-4-5'][1 + th % 3], 'bench', 1,
              20 + h % 200,
              CASE WHEN warm THEN context ELSE 0 END,
              CASE WHEN warm THEN 2000 + th % 4000 ELSE context + 2000 + th % 4000 END,
              0,
              200 + h % 3000,
              's' || thread, 'project-' || (th % 20), 'key-' || (th % 50), false,
              ['file_navigation', 'search', 'feature', 'bug_fix', 'unit_tests', 'docs', 'architecture'][1 + h % 7],
              [1, 1, 2, 2, 2, 1, 3][1 + h % 7]
       FROM shaped`,
      { requests },
    );
  } finally {
    ledger.close();
  }
}
