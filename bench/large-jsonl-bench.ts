import fs from 'node:fs';
import path from 'node:path';
import { timedRun } from './contender.js';
import { int, log, mb, mib, secs, verdict } from './format.js';
import { GATEWAY_MAPPING, generateGatewayJsonl, type GatewayJsonlPlan } from './generate-gateway-jsonl.js';
import type { Measured, RunOptions } from './measure.js';
import { recountBin } from './paths.js';
import { freshDb, importArgs, ledgerSummary, parseImportTotals, removeDb } from './recount-cli.js';

export interface LargeJsonlResult {
  plan: GatewayJsonlPlan;
  recount: Measured;
}

/**
 * Benchmark 3: one large gateway log (~1 GB of JSONL by default) through the streaming "any JSONL"
 * path (`--mapping`): rows/s and, above all, peak RSS against the file's size.
 */
export async function benchLargeJsonl(dir: string, megabytes: number): Promise<LargeJsonlResult> {
  log(`[3/5] one large gateway log (JSONL, read through a mapping), ~${int(megabytes)} MB`);
  const file = path.join(dir, 'gateway.jsonl');
  const mapping = path.join(dir, 'gateway-mapping.json');
  fs.writeFileSync(mapping, JSON.stringify(GATEWAY_MAPPING, null, 2));
  const started = performance.now();
  const plan = generateGatewayJsonl(file, megabytes * 1e6);
  log(`  generated ${int(plan.rows)} lines, ${mb(plan.bytes)} in ${secs((performance.now() - started) / 1000)}`);
  globalThis.gc?.();

  const opts: RunOptions = { scratchDir: dir };
  const ledger = freshDb(dir, 'recount-jsonl');
  const recount = await timedRun('recount import --mapping', 'run 1/1', recountBin, [...importArgs([file], ledger), '--mapping', mapping], opts);
  const t = parseImportTotals(recount.stdout);
  const s = await ledgerSummary(ledger, opts);
  const ok = t.imported === plan.rows && s.records === plan.rows && s.input_tokens === plan.inputTokens &&
    s.cache_read_tokens === plan.cachedTokens && s.output_tokens === plan.outputTokens;
  log(`  check  recount imported ${int(t.imported)} of ${int(plan.rows)} lines, tokens as planted: ${verdict(ok)}`);
  log(`  peak RSS ${mib(recount.maxRssKiB)} for a ${mb(plan.bytes)} file`);
  removeDb(ledger);
  fs.rmSync(file, { force: true });
  return { plan, recount };
}
