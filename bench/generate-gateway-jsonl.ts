import fs from 'node:fs';
import { Rng } from './random.js';

/** What the generator wrote, to check the import against. */
export interface GatewayJsonlPlan {
  rows: number;
  bytes: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
}

const MODELS = ['claude-haiku-4-5', 'claude-sonnet-4-5-20250929', 'gpt-4.1-mini-2025-04-14'];
const FEATURES = ['ticket-triage', 'reply-draft', 'faq', 'summarize', 'classify'];

/** The mapping that reads the generated log (recount's "any JSONL" path). */
export const GATEWAY_MAPPING = {
  version: 1,
  name: 'bench-gateway',
  format: 'jsonl',
  provider: 'anthropic',
  timestamp: { column: 'ts', format: 'unix_ms' },
  identity: ['id'],
  columns: { model: 'model', input_tokens: 'usage.input', cache_read_tokens: 'usage.cached', output_tokens: 'usage.output', billed_cost_usd: 'cost', session_id: 'conversation' },
  tags: ['meta.feature'],
};

/**
 * Writes a gateway request log of about `targetBytes` as JSONL: one request per line with nested
 * usage, metadata and a request preview, the shape of a LiteLLM or Helicone log line.
 */
export function generateGatewayJsonl(file: string, targetBytes: number, seed = 3): GatewayJsonlPlan {
  const rng = new Rng(seed);
  const plan: GatewayJsonlPlan = { rows: 0, bytes: 0, inputTokens: 0, cachedTokens: 0, outputTokens: 0 };
  const fd = fs.openSync(file, 'w');
  let chunk: string[] = [];
  let chunkBytes = 0;
  const start = Date.UTC(2026, 9, 1);
  while (plan.bytes < targetBytes) {
    const input = rng.int(10, 5000);
    const cached = rng.int(0, 50_000);
    const output = rng.int(10, 2000);
    const line =
      JSON.stringify({
        id: `req_${plan.rows.toString(36).padStart(10, '0')}`,
        ts: start + plan.rows * 50,
        model: MODELS[plan.rows % MODELS.length],
        usage: { input, cached, output },
        cost: Math.round(rng.next() * 1e6) / 1e8,
        conversation: `conv_${Math.floor(plan.rows / 40)}`,
        meta: { feature: FEATURES[plan.rows % FEATURES.length], preview: 'please summarize the attached thread and draft a reply '.repeat(3) },
      }) + '\n';
    chunk.push(line);
    chunkBytes += line.length;
    plan.rows++;
    plan.bytes += line.length;
    plan.inputTokens += input;
    plan.cachedTokens += cached;
    plan.outputTokens += output;
    if (chunkBytes > 8 * 2 ** 20) {
      fs.writeSync(fd, chunk.join(''));
      chunk = [];
      chunkBytes = 0;
    }
  }
  fs.writeSync(fd, chunk.join(''));
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  return plan;
}
