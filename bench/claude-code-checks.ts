import type { ModelTokens } from './claude-code-lines.js';
import { int, log, renderTable } from './format.js';
import type { ClaudeCodePlan } from './generate-claude-code.js';
import { normalizeModelName } from '../src/pricing/model-ids.js';

/** Per-model token buckets keyed by canonical model id (recount's names; raw names are normalized). */
export type ModelTotals = Map<string, ModelTokens>;

const BUCKETS: [keyof ModelTokens, string][] = [
  ['records', 'records'], ['input', 'input_tokens'], ['cacheRead', 'cache_read_tokens'], ['write5m', 'cache_write_5m_tokens'],
  ['write1h', 'cache_write_1h_tokens'], ['output', 'output_tokens'],
];

const zero = (): ModelTokens => ({ records: 0, input: 0, cacheRead: 0, write5m: 0, write1h: 0, output: 0 });
const tokens = (m: ModelTokens) => m.input + m.cacheRead + m.write5m + m.write1h + m.output;

function addInto(into: ModelTotals, rawModel: string, m: ModelTokens): void {
  const key = normalizeModelName(rawModel);
  const sum = into.get(key) ?? zero();
  for (const [k] of BUCKETS) sum[k] += m[k];
  into.set(key, sum);
}

/** What the generator planted (several plans summed: the folder and the sessions appended to it). */
export function plantedTotals(...plans: ClaudeCodePlan[]): ModelTotals {
  const out: ModelTotals = new Map();
  for (const plan of plans) for (const [model, m] of Object.entries(plan.tally.byModel)) addInto(out, model, m);
  return out;
}

/** `recount query spend_by_model --json` rows, or the floor's rows (the same column names). */
export function parseModelRows(stdout: string): ModelTotals {
  const rows = JSON.parse(stdout) as Record<string, number | string>[];
  const out: ModelTotals = new Map();
  for (const r of rows) {
    const n = (k: string) => Number(r[k] ?? 0);
    addInto(out, String(r.model), {
      records: n('records'), input: n('input_tokens'), cacheRead: n('cache_read_tokens'), write5m: n('cache_write_5m_tokens'),
      write1h: n('cache_write_1h_tokens'), output: n('output_tokens'),
    });
  }
  return out;
}

/** ccusage `daily --json`: its per-day model breakdowns summed per model (cache writes are one figure; records unknown). */
export function parseCcusageModels(stdout: string): ModelTotals | null {
  try {
    const days = (JSON.parse(stdout) as { daily: { modelBreakdowns: Record<string, number | string>[] }[] }).daily;
    const out: ModelTotals = new Map();
    for (const b of days.flatMap((d) => d.modelBreakdowns)) {
      if (b.modelName === '<synthetic>') continue;
      addInto(out, String(b.modelName), {
        records: 0, input: Number(b.inputTokens), cacheRead: Number(b.cacheReadTokens), write5m: Number(b.cacheCreationTokens), write1h: 0, output: Number(b.outputTokens),
      });
    }
    return out;
  } catch {
    return null;
  }
}

/** Every model and bucket of `got` equal to `want`; the differences, one line each. */
export function differences(label: string, got: ModelTotals, want: ModelTotals): string[] {
  const out: string[] = [];
  for (const model of new Set([...want.keys(), ...got.keys()])) {
    const g = got.get(model);
    const w = want.get(model);
    if (!g || !w) {
      out.push(`${label}: model ${model} ${g ? 'is extra' : 'is missing'}`);
      continue;
    }
    for (const [k, name] of BUCKETS) if (g[k] !== w[k]) out.push(`${label}: ${model} ${name} ${int(g[k])}, expected ${int(w[k])}`);
  }
  return out;
}

/**
 * Per model: records and total tokens as planted, as recount and the floor total them (these must be
 * equal, bucket by bucket), and ccusage's total against the planted one (shown, not judged). A
 * mismatch is printed loudly, one line per bucket. Returns whether recount and the floor were exact.
 */
export function printTotals(planted: ModelTotals, recount: ModelTotals, floor: ModelTotals, cc: ModelTotals | null): boolean {
  const rows = [['model', 'responses', 'tokens planted', 'recount', 'DuckDB floor', 'ccusage (vs planted)']];
  const all = (t: ModelTotals) => [...t.values()].reduce((s, m) => (BUCKETS.forEach(([k]) => (s[k] += m[k])), s), zero());
  const cell = (t: ModelTotals | null, model: string | null, p: ModelTokens) => {
    const m = t && (model ? t.get(model) : all(t));
    if (!m) return '—';
    return t === cc ? `${int(tokens(m))} (${signedPercent(tokens(m), tokens(p))})` : `${int(tokens(m))}${tokens(m) === tokens(p) ? '' : ' ≠'}`;
  };
  for (const model of [...planted.keys(), null]) {
    const p = model ? planted.get(model)! : all(planted);
    rows.push([model ?? 'all models', int(p.records), int(tokens(p)), cell(recount, model, p), cell(floor, model, p), cell(cc, model, p)]);
  }
  log(renderTable(rows, '  '));
  const wrong = [...differences('recount', recount, planted), ...differences('floor', floor, planted)];
  for (const line of wrong) log(`  MISMATCH  ${line}`);
  log(`  check  recount's and the floor's per-model totals, all six buckets, equal the planted ones: ${wrong.length ? 'MISMATCH' : 'ok'}`);
  return wrong.length === 0;
}

function signedPercent(n: number, of: number): string {
  const pct = ((n - of) / of) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(2)}%`;
}
