import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import { loadPriceBook } from '../../src/pricing/install.js';
import { priceAttempt } from '../../src/replay/engine.js';
import { loadReplayFrame } from '../../src/replay/frame.js';
import { readPolicy } from '../../src/replay/policy.js';
import { runWhatIf } from '../../src/replay/whatif.js';
import { generateSyntheticMonth, loadRows } from '../fixtures/synthetic-month.js';
import { importPaths, newLedger, priceLedger, runCli, samples, tempDir } from '../helpers.js';

const book = loadPriceBook('');
const ALL_TIME = { since: null, until: null, tz: 'UTC' };
const bundled = fs.readdirSync(samples('policies')).sort().map((f) => samples('policies', f));

describe('replay over a real ledger (samples)', () => {
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await newLedger();
    await importPaths(ledger, [samples()]);
    await priceLedger(ledger);
  });
  afterAll(() => ledger.close());

  it('prices every observed request exactly as usage_priced does (the rates the engine re-prices with)', async () => {
    const frame = await loadReplayFrame(ledger, ALL_TIME, []);
    expect(frame.rows).toBeGreaterThan(100);
    let checked = 0;
    for (let i = 0; i < frame.rows; i++) {
      if (Number.isNaN(frame.listCostUsd[i])) continue;
      const usd = priceAttempt(frame, i, frame.modelIx[i], frame.input[i], frame.cacheRead[i], frame.write5m[i], frame.write1h[i], frame.output[i]);
      expect(usd).toBeCloseTo(frame.listCostUsd[i], 9);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('identity reproduces the counted, priced history; every bundled policy stays within its bounds', async () => {
    const report = await runWhatIf(ledger, book, ALL_TIME, bundled.map((f) => readPolicy(f, book)));
    const [summary] = await ledger.all<{ list_cost_usd: number; unpriced_records: number }>(
      "SELECT sum(list_cost_usd) AS list_cost_usd, count(*) FILTER (WHERE list_cost_usd IS NULL) AS unpriced_records FROM usage_counted",
    );
    const identity = report.policies.find((p) => p.name === 'identity')!;
    expect(identity.cost_usd.central).toBeCloseTo(summary.list_cost_usd, 9);
    expect(identity.baseline_cost_usd).toBeCloseTo(summary.list_cost_usd, 9);
    expect(identity.savings_usd).toEqual({ low: 0, central: 0, high: 0 });
    expect(identity.coverage.unpriced_requests).toBeGreaterThan(0);
    for (const p of report.policies) {
      expect(p.cost_usd.low).toBeLessThanOrEqual(p.cost_usd.central + 1e-9);
      expect(p.cost_usd.central).toBeLessThanOrEqual(p.cost_usd.high + 1e-9);
      expect(p.tiers.reduce((a, t) => a + t.after.cost_usd, 0)).toBeCloseTo(p.cost_usd.central, 6);
      expect(p.task_types.reduce((a, t) => a + t.cost_usd, 0)).toBeCloseTo(p.cost_usd.central, 6);
    }
    const tiers = report.policies.find((p) => p.name === 'task-tiers')!;
    expect(tiers.savings_by_rule.find((r) => r.rule === 'tier-1')!.requests).toBeGreaterThan(0);
    expect(report.price_catalog.fingerprint).toBe(book.fingerprint);
  });
});

describe('budgets over a real ledger', () => {
  it('cap only rows that have a key, even when other keys of the ledger fall outside the period', async () => {
    const ledger = await newLedger();
    await importPaths(ledger, [samples()]);
    await priceLedger(ledger);
    const file = path.join(tempDir(), 'cap.yaml');
    fs.writeFileSync(file, 'version: 1\nrules:\n  - { name: default, when: {} }\nbudgets:\n  - { per: api_key, window: day, cap_usd: 0.01, on_exceed: { block: true } }\n');
    const [{ keyed }] = await ledger.all<{ keyed: number }>('SELECT count(DISTINCT api_key) AS keyed FROM usage_counted');
    const report = await runWhatIf(ledger, book, { since: '2026-10-05', until: '2026-10-20', tz: 'UTC' }, [readPolicy(file, book)]);
    ledger.close();
    const events = report.policies[0].budget_events;
    expect(keyed).toBeGreaterThan(0);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e.group).not.toBeNull();
    expect(report.policies[0].coverage.blocked_requests).toBeGreaterThan(0);
  });
});

describe('replay over a synthetic month of agent traffic', () => {
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await newLedger();
    await loadRows(ledger, generateSyntheticMonth(7).rows);
    await priceLedger(ledger);
  });
  afterAll(() => ledger.close());

  it('replays every request with cache state, identity exact to the row', async () => {
    const report = await runWhatIf(ledger, book, ALL_TIME, [readPolicy(samples('policies', 'identity.yaml'), book), readPolicy(samples('policies', 'stable-prefix.yaml'), book)]);
    const [{ list }] = await ledger.all<{ list: number }>('SELECT sum(list_cost_usd) AS list FROM usage_counted');
    const [identity, stable] = report.policies;
    expect(identity.cost_usd.central).toBeCloseTo(list, 6);
    expect(identity.coverage.replayed_requests).toBe(identity.coverage.requests);
    // the month has planted prefix breaks: a stable prefix recovers a share of exactly what they cost
    const [{ breaks }] = await ledger.all<{ breaks: number }>(
      "SELECT sum(break_cost_usd) AS breaks FROM cold_starts(1024, 0.1, 180, 3300, 0.8) WHERE kind = 'prefix_break'",
    );
    expect(breaks).toBeGreaterThan(0);
    expect(stable.recovered_break_usd).toBeCloseTo(0.8 * breaks, 6);
    expect(stable.savings_by_transform[0].savings_usd).toBeCloseTo(0.8 * breaks, 6);
  });
});

describe('recount whatif (CLI)', () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.duckdb');
  const b = path.join(dir, 'b.duckdb');
  beforeAll(() => {
    expect(runCli(['import', samples(), '--db', a]).status).toBe(0);
    // the same files in another order, one import run each: the replay must not care
    const files = ['claude-code', 'openai', 'anthropic'].map((d) => samples(d));
    for (const f of files.reverse()) expect(runCli(['import', f, '--db', b]).status).toBe(0);
    expect(runCli(['import', samples(), '--db', b]).status).toBe(0);
  });

  it('prints JSON with the documented fields, independent of import order', () => {
    const args = ['whatif', ...bundled.flatMap((f) => ['--policy', f]), '--json'];
    const ra = runCli([...args, '--db', a]);
    const rb = runCli([...args, '--db', b]);
    // only the LiteLLM sample's warnings: the keys of its config the replay does not read
    expect(ra.stderr.split('\n').filter((l) => l && !l.startsWith(`warning: ${samples('policies', 'litellm_config.yaml')}:`))).toEqual([]);
    expect(ra.status).toBe(0);
    expect(rb.stdout).toBe(ra.stdout);
    const report = JSON.parse(ra.stdout);
    expect(Object.keys(report)).toEqual(['period', 'price_catalog', 'history', 'policies', 'caveat']);
    expect(Object.keys(report.policies[0])).toEqual([
      'name', 'description', 'file', 'fingerprint', 'baseline_cost_usd', 'billed_cost_usd', 'residual_usd', 'cost_usd', 'savings_usd',
      'savings_pct', 'savings_by_rule', 'savings_by_transform', 'cache_loss_usd', 'compactions', 'compaction_cost_usd',
      'recovered_break_usd', 'tiers', 'tier_shares', 'models', 'task_types', 'budget_events', 'coverage', 'break_even_fail_rate', 'sensitivity', 'assumptions',
    ]);
    expect(report.policies.map((p: { name: string }) => p.name)).toEqual(bundled.map((f) => path.basename(f, '.yaml')));
  });

  it('prints a comparison table for people', () => {
    const r = runCli(['whatif', '--db', a, '--policy', samples('policies', 'identity.yaml'), '--policy', samples('policies', 'cheap-by-default.yaml'), '--month', '2026-10']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/what-if for 2026-10-01 to 2026-10-31/);
    expect(r.stdout).toMatch(/cheap-by-default\s+\$[\d,.]+\s+\$[\d,.]+ – \$[\d,.]+/);
    expect(r.stdout).toMatch(/break-even: saves money while fewer than [\d.]+% of routed tasks need redoing/);
    expect(r.stdout).toMatch(/caveat: The replay re-prices the history as it happened/);
    expect(r.stdout).toMatch(/model tier\s+requests before\s+after\s+tokens before\s+after\s+cost before\s+after/);
    expect(r.stdout).toMatch(/assumptions \(low\/central\/high\): cache_ttl_seconds 300;[^]*?\d+\s+more\s+by\s+model\s+and\s+task\s+type\s+\(--verbose\s+lists\s+them\)/);
    const verbose = runCli(['whatif', '--db', a, '--policy', samples('policies', 'cheap-by-default.yaml'), '--month', '2026-10', '--verbose']);
    expect(verbose.stdout).toMatch(/\nfail_rate\s+claude-haiku-4-5\s+file_navigation\s+0\s+0\.02\s+0\.08\n/);
  });

  it('says so when the period has nothing to replay', () => {
    const r = runCli(['whatif', '--db', a, '--policy', samples('policies', 'identity.yaml'), '--month', '2020-01']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('what-if for 2020-01-01 to 2020-01-31: no usage in this period, nothing to replay (see what is there with: recount summary)\n');
    const json = JSON.parse(runCli(['whatif', '--db', a, '--policy', samples('policies', 'identity.yaml'), '--month', '2020-01', '--json']).stdout);
    expect(json.policies[0].cost_usd).toEqual({ low: 0, central: 0, high: 0 });
  });

  it('explains a missing or broken policy in one line with a hint', () => {
    const none = runCli(['whatif', '--db', a]);
    expect(none.status).not.toBe(0);
    expect(none.stderr).toMatch(/recount: no policy to replay\nhint: pass --policy FILE/);
    const missing = runCli(['whatif', '--db', a, '--policy', path.join(dir, 'nope.yaml')]);
    expect(missing.stderr).toMatch(/nope\.yaml: cannot read the policy file/);
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'version: 1\nrules:\n  - name: default\n    route: { model: gpt-99-ultra }\n');
    const unpriced = runCli(['whatif', '--db', a, '--policy', bad]);
    expect(unpriced.stderr).toMatch(/bad\.yaml:4: model 'gpt-99-ultra' has no price/);
    expect(unpriced.stderr).not.toMatch(/at .*\.js/);
  });
});
