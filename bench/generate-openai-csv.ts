import { ChunkWriter } from './chunk-writer.js';
import { BASE62, Rng } from './random.js';

/** What the generator wrote, to check recount's import against. */
export interface OpenAiCsvPlan {
  rows: number; // every row is a distinct bucket record (no two rows share all dimensions)
  bytes: number;
  requests: number;
  inputTokens: number; // as written: includes cached tokens
  cachedTokens: number;
  outputTokens: number;
}

const HEADER =
  'start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,model,batch,service_tier,' +
  'input_tokens,output_tokens,input_cached_tokens,input_audio_tokens,output_audio_tokens\n';

const MODELS = [
  'gpt-4.1-2025-04-14',
  'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano-2025-04-14',
  'gpt-4o-2024-08-06',
  'gpt-4o-mini-2024-07-18',
  'gpt-5-2025-08-07',
  'gpt-5-mini-2025-08-07',
  'gpt-5-nano-2025-08-07',
  'o3-2025-04-16',
  'o4-mini-2025-04-16',
];

const FIRST_MINUTE = Date.UTC(2026, 9, 1) / 1000; // 2026-10-01T00:00:00Z, where the buckets start
const MAX_ROWS_PER_MINUTE = 41; // 5–41 rows per minute: ~23 on average, so 1M rows span ~30 days

/** One combination of the CSV's grouping dimensions; a minute's rows use distinct combos. */
interface Combo {
  prefix: string; // project_id,
  middle: string; // ,user_id,api_key_id,model,batch,service_tier,
}

/**
 * Writes an OpenAI dashboard usage export (1-minute buckets) with `rows` rows to `file`.
 * Minute after minute, each bucket gets 5–41 rows for distinct project/key/model/tier combos,
 * with counts written as floats ('388.0') the way the dashboard does.
 */
export function generateOpenAiUsageCsv(file: string, rows: number, seed = 1): OpenAiCsvPlan {
  const rng = new Rng(seed);
  const combos = buildCombos(rng);
  const strides = coprimeStrides(combos.length);
  const plan: OpenAiCsvPlan = { rows: 0, bytes: 0, requests: 0, inputTokens: 0, cachedTokens: 0, outputTokens: 0 };
  const out = new ChunkWriter(file);
  out.write(HEADER);
  for (let minute = FIRST_MINUTE; plan.rows < rows; minute += 60) {
    const times = bucketTimes(minute);
    const n = Math.min(rng.int(5, MAX_ROWS_PER_MINUTE), rows - plan.rows);
    // start + i·stride (mod length) with a coprime stride visits n distinct combos
    const start = rng.int(0, combos.length - 1);
    const stride = rng.pick(strides);
    let chunk = '';
    for (let i = 0; i < n; i++) chunk += usageRow(rng, times, combos[(start + i * stride) % combos.length], plan);
    out.write(chunk);
    plan.rows += n;
  }
  out.close();
  plan.bytes = out.bytes;
  return plan;
}

/** 6 projects × 2 keys × 10 models at the default tier, plus some batch and flex combos. */
function buildCombos(rng: Rng): Combo[] {
  const combos: Combo[] = [];
  const keys: { project: string; user: string; key: string }[] = [];
  for (let p = 0; p < 6; p++) {
    const project = `proj_${rng.chars(BASE62, 24)}`;
    for (let k = 0; k < 2; k++) {
      // some projects' exports name the user, others leave user_id empty
      keys.push({ project, user: p % 2 ? `user-${rng.chars(BASE62, 24)}` : '', key: `key_${rng.chars(BASE62, 16)}` });
    }
  }
  const combo = (k: (typeof keys)[number], model: string, batch: string, tier: string): Combo => ({
    prefix: `${k.project},`,
    middle: `,${k.user},${k.key},${model},${batch},${tier},`,
  });
  for (const k of keys) for (const model of MODELS) combos.push(combo(k, model, 'FALSE', 'default'));
  for (let i = 0; i < 20; i++) combos.push(combo(keys[i % keys.length], MODELS[(i * 3) % MODELS.length], 'TRUE', 'default'));
  for (let i = 0; i < 10; i++) combos.push(combo(keys[(i * 5) % keys.length], MODELS[(i * 7 + 1) % MODELS.length], 'FALSE', 'flex'));
  return combos;
}

function coprimeStrides(n: number): number[] {
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  const strides: number[] = [];
  for (let s = 1; s < n; s++) if (gcd(s, n) === 1) strides.push(s);
  return strides;
}

/** The four time columns of a 1-minute bucket, ready to prefix a row. */
function bucketTimes(startS: number): string {
  const iso = (s: number) => `${new Date(s * 1000).toISOString().slice(0, 19)}+00:00`;
  return `${startS},${startS + 60},${iso(startS)},${iso(startS + 60)},`;
}

/** One CSV row with plausible per-minute counts; adds them to the plan's totals. */
function usageRow(rng: Rng, times: string, combo: Combo, plan: OpenAiCsvPlan): string {
  const requests = rng.int(1, 40);
  const input = requests * rng.int(300, 6000);
  const cached = Math.floor((input * rng.next() * 0.7) / 128) * 128; // cache hits come in 128-token blocks
  const output = requests * rng.int(40, 900);
  plan.requests += requests;
  plan.inputTokens += input;
  plan.cachedTokens += cached;
  plan.outputTokens += output;
  return `${times}${combo.prefix}${requests}.0${combo.middle}${input}.0,${output}.0,${cached}.0,0.0,0.0\n`;
}
