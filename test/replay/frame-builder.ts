import { emptyRateTable, type ReplayFrame } from '../../src/replay/frame.js';

/**
 * Builds replay frames by hand for the engine's invariant tests: rows in time order, list rates per
 * model ($/MTok, like the catalog), list costs priced the way usage_priced prices them.
 */
export interface ModelRates {
  input: number;
  output: number;
  read: number;
  write5m?: number; // absent = implicit cache (no billed writes)
  write1h?: number;
  longAbove?: number; // whole-request long-context threshold (rates ×2 above it)
}

/** Anthropic and OpenAI list rates as the catalog has them (2026). */
export const RATES: Record<string, ModelRates> = {
  'claude-opus-4-6': { input: 5, output: 25, read: 0.5, write5m: 6.25, write1h: 10 },
  'claude-sonnet-4-5': { input: 3, output: 15, read: 0.3, write5m: 3.75, write1h: 6, longAbove: 200_000 },
  'claude-haiku-4-5': { input: 1, output: 5, read: 0.1, write5m: 1.25, write1h: 2 },
  'gpt-5-mini': { input: 0.25, output: 2, read: 0.025 },
};

export interface RowSpec {
  t: number; // seconds
  model: string;
  thread?: number; // -1 / absent = no thread
  u?: number;
  r?: number;
  w5?: number;
  w1h?: number;
  o?: number;
  taskType?: string | null;
  key?: string | null;
  project?: string | null;
  session?: string | null;
  bucket?: boolean;
  requests?: number;
  breakKind?: 0 | 1 | 2;
  rewritten?: number;
  unpriced?: boolean;
  tier?: number;
}

export function listCost(rates: ModelRates, u: number, r: number, w5: number, w1h: number, o: number): number {
  const long = rates.longAbove != null && u + r + w5 + w1h > rates.longAbove ? 2 : 1;
  return ((u * rates.input + r * rates.read + w5 * (rates.write5m ?? rates.input) + w1h * (rates.write1h ?? rates.input)) * long + o * rates.output * (long === 2 ? 1.5 : 1)) / 1e6;
}

export function buildFrame(specs: RowSpec[], rates: Record<string, ModelRates> = RATES): ReplayFrame {
  const models = Object.keys(rates);
  const dict = (values: (string | null | undefined)[]) => {
    const out: (string | null)[] = [];
    for (const v of values) if (!out.includes(v ?? null)) out.push(v ?? null);
    return out;
  };
  const taskTypes = dict(specs.map((s) => s.taskType));
  const apiKeys = dict(specs.map((s) => s.key));
  const projects = dict(specs.map((s) => s.project));
  const sessions = dict(specs.map((s) => s.session ?? (s.thread != null && s.thread >= 0 ? `s${s.thread}` : null)));
  const n = specs.length;
  const f64 = () => new Float64Array(n);
  const i32 = () => new Int32Array(n);
  const frame: ReplayFrame = {
    rows: n,
    tS: f64(),
    requests: f64(),
    input: f64(),
    cacheRead: f64(),
    write5m: f64(),
    write1h: f64(),
    output: f64(),
    webSearch: f64(),
    listCostUsd: f64(),
    costUsd: f64(),
    breakCostUsd: f64(),
    rewrittenTokens: f64(),
    observedBreak: new Int32Array(n),
    isBucket: new Int32Array(n),
    isLongBucket: new Int32Array(n),
    taskTier: new Int32Array(n),
    threadIx: i32(),
    sessionIx: i32(),
    providerIx: i32(), // one price list: every row at the models' home rates
    modelIx: i32(),
    taskTypeIx: i32(),
    keyIx: i32(),
    projectIx: i32(),
    serviceTierIx: i32(),
    dayIx: i32(),
    rowProviderIx: i32(), // every row from one provider, one source, without tools or tags
    sourceIx: i32(),
    toolsIx: i32(),
    threads: 0,
    days: ['2026-10-01'],
    models,
    providers: [null],
    taskTypes,
    apiKeys,
    projects,
    sessions,
    serviceTiers: [null],
    sources: ['claude-code'],
    rowProviders: [null],
    toolSets: [null],
    tags: new Map(),
    rates: emptyRateTable(models.length, 1, 1),
  };
  models.forEach((m, k) => {
    const r = rates[m];
    const t = frame.rates;
    t.input[k] = r.input;
    t.output[k] = r.output;
    t.cacheRead[k] = r.read;
    t.write5m[k] = r.write5m ?? r.input;
    t.write1h[k] = r.write1h ?? r.input;
    t.hasCacheWrites[k] = r.write5m != null ? 1 : 0;
    t.longContextAbove[k] = r.longAbove ?? NaN;
    t.lcInput[k] = r.input * 2;
    t.lcOutput[k] = r.output * 1.5;
    t.lcCacheRead[k] = r.read * 2;
    t.lcWrite5m[k] = (r.write5m ?? r.input) * 2;
    t.lcWrite1h[k] = (r.write1h ?? r.input) * 2;
  });
  specs.forEach((s, i) => {
    const [u, r, w5, w1h, o] = [s.u ?? 0, s.r ?? 0, s.w5 ?? 0, s.w1h ?? 0, s.o ?? 0];
    frame.tS[i] = s.t;
    frame.requests[i] = s.requests ?? 1;
    frame.input[i] = u;
    frame.cacheRead[i] = r;
    frame.write5m[i] = w5;
    frame.write1h[i] = w1h;
    frame.output[i] = o;
    const cost = s.unpriced ? NaN : listCost(rates[s.model], u, r, w5, w1h, o);
    frame.listCostUsd[i] = cost;
    frame.costUsd[i] = cost;
    frame.observedBreak[i] = s.breakKind ?? 0;
    frame.rewrittenTokens[i] = s.rewritten ?? 0;
    frame.breakCostUsd[i] = s.breakKind === 1 && s.rewritten ? (s.rewritten * ((rates[s.model].write5m ?? rates[s.model].input) - rates[s.model].read)) / 1e6 : 0;
    frame.isBucket[i] = s.bucket ? 1 : 0;
    frame.taskTier[i] = s.tier ?? 0;
    frame.threadIx[i] = s.thread ?? -1;
    frame.sessionIx[i] = sessions.indexOf(s.session ?? (s.thread != null && s.thread >= 0 ? `s${s.thread}` : null));
    frame.modelIx[i] = models.indexOf(s.model);
    frame.taskTypeIx[i] = taskTypes.indexOf(s.taskType ?? null);
    frame.keyIx[i] = apiKeys.indexOf(s.key ?? null);
    frame.projectIx[i] = projects.indexOf(s.project ?? null);
    frame.threads = Math.max(frame.threads, (s.thread ?? -1) + 1);
  });
  return frame;
}
